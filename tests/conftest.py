"""Shared fixtures. Peer helpers live in :mod:`yunwang.testkit` (import them from there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yunwang.testkit import ROOT, free_port, need_binary, need_peer, peers_required

__all__ = ["ROOT", "free_port", "need_binary", "need_peer", "peers_required"]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
