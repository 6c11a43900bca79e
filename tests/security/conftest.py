"""The security regression suite reuses the monitor tests' helpers and fixtures (tests/monitor has no package:
its helpers are imported by name, as its own tests do)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MONITOR_TESTS = Path(__file__).resolve().parents[1] / "monitor"
if str(MONITOR_TESTS) not in sys.path:
    sys.path.insert(0, str(MONITOR_TESTS))

_spec = importlib.util.spec_from_file_location("yunwang_monitor_conftest", MONITOR_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_monitor_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_monitor_fixtures)

make_client = _monitor_fixtures.make_client
sqlite_url = _monitor_fixtures.sqlite_url
