"""Fixtures of the audit tests."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# pytest puts tests/ on sys.path (tests/conftest.py has no package), where this folder would pass for a
# namespace package called ``policies``: put the repository first so ``policies`` is the real package.
if not getattr(sys.modules.get("policies"), "__file__", None):
    sys.modules.pop("policies", None)
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]  # the real packages, then the shared test helpers

