"""Fixtures of the audit tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(Path(__file__).parent))  # the shared helpers (audit_helpers, audit_k8s_cases)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
