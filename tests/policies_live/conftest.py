"""pytest puts tests/ on sys.path, where the folder tests/policies would pass for a namespace package called
``policies``: put the repository first so ``policies`` is always the real package, whichever tests run.

Some test folders still write ``from conftest import …``; whichever conftest module pytest loaded last answers
that, so this one offers the same names as tests/conftest.py.
"""

from __future__ import annotations

import sys

from yunwang.testkit import ROOT, free_port, need_binary, need_peer, peers_required

__all__ = ["ROOT", "free_port", "need_binary", "need_peer", "peers_required"]

if not getattr(sys.modules.get("policies"), "__file__", None):
    for name in [m for m in sys.modules if m == "policies" or m.startswith("policies.")]:
        sys.modules.pop(name, None)
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))
