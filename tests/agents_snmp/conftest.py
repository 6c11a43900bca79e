"""Fixtures of the SNMP tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # snmp_testlib, whichever way pytest was started
from snmp_testlib import Snmpd, start_snmpd


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    """One snmpd for the whole session: starting one costs ~0.3 s."""
    yield from start_snmpd(tmp_path_factory)
