"""Fixtures of the net command tests (see netsim.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from netsim import SECRETS, World, world


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[World]:
    with world(tmp_path) as running:
        yield running


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    return SECRETS
