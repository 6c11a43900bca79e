"""Helpers for tests that talk to real peers (snmpd, Prometheus, PostgreSQL, Chromium …).

A missing peer skips the test on a developer's machine but fails it when ``YUNWANG_REQUIRE_PEERS=1`` (CI
installs the peers first), so a green CI run always means the peers really were exercised. This lives in the
package rather than a conftest so every test folder imports the same module under the same name.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PEER_DIRS = ("/usr/sbin", "/sbin", "/usr/lib/postgresql/15/bin")


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
    """Path of a peer program, looking in PATH, the usual sbin folders and ``extra_dirs``."""
    search = os.pathsep.join([os.environ.get("PATH", ""), *PEER_DIRS, *extra_dirs])
    path = shutil.which(name, path=search)
    need_peer(path is not None, f"'{name}' not found; install the Debian package '{package}'")
    assert path is not None
    return path


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A free port on 127.0.0.1 for a peer started by a test."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_udp_block(size: int, high: int = 65000) -> int:
    """A base port with ``size`` consecutive free UDP ports on 127.0.0.1 (simulated devices take one port each).

    The base comes from the kernel's ephemeral range, so tests running side by side rarely pick the same block.
    """
    return free_block(size, socket.SOCK_DGRAM, high)


def free_tcp_block(size: int, high: int = 65000) -> int:
    """The same for TCP (the simulated devices' SSH servers, poller shards)."""
    return free_block(size, socket.SOCK_STREAM, high)


def free_block(size: int, kind: int, high: int = 65000) -> int:
    for _ in range(50):
        base = free_port(kind)
        if base + size > high:
            continue
        held: list[socket.socket] = []
        try:
            for port in range(base, base + size):
                s = socket.socket(socket.AF_INET, kind)
                held.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"no {size} consecutive free {'UDP' if kind == socket.SOCK_DGRAM else 'TCP'} ports on "
                       f"127.0.0.1 below {high}")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Stop a peer a test started: SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
