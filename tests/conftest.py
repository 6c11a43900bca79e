"""Shared test helpers: real peers skip locally when missing, but fail under YUNWANG_REQUIRE_PEERS=1."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def peers_required() -> bool:
    return os.environ.get("YUNWANG_REQUIRE_PEERS") == "1"


def need_peer(available: bool, reason: str) -> None:
    """Skip (locally) or fail (CI) when a real peer is not available."""
    if available:
        return
    if peers_required():
        pytest.fail(f"required peer missing: {reason} (YUNWANG_REQUIRE_PEERS=1; see scripts/install-peers.sh)")
    pytest.skip(f"peer missing: {reason}")


def need_binary(name: str, package: str, *extra_dirs: str) -> str:
    """Path of a peer program, looking in PATH and ``extra_dirs`` (e.g. /usr/sbin)."""
    path = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin",
                                                    "/usr/lib/postgresql/15/bin", *extra_dirs]))
    need_peer(path is not None, f"'{name}' not found; install the Debian package '{package}'")
    assert path is not None
    return path


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A free port on 127.0.0.1 for a peer started by a test."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
