"""Finding 2: bodies were parsed before authentication — an unauthenticated 30 MiB JSON body to /api/v1/audits
cost ~1 s of the event loop and ~240 MiB, four at once pushed the monitor past its pod's memory limit and stalled
/healthz, and a malformed body without a token got 400 instead of 401."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from monitor_testlib import ADMIN, MonitorProcess, bearer, report

from infra.components.monitoring import MONITOR_RESOURCES

BODY_MIB = 30
SENDERS = 6
HEALTHZ_BOUND_S = 1.0


def mebibytes(quantity: str) -> int:
    """A Kubernetes memory quantity in Mi or Gi as MiB."""
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


def test_no_token_is_401_before_the_body_is_looked_at(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    malformed = client.post("/api/v1/audits", content=b'{"tool": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 401 and malformed.headers["www-authenticate"] == "Bearer"
    huge = client.post("/api/v1/audits", content=b" " * (40 << 20), headers={"content-type": "application/json"})
    assert huge.status_code == 401  # not 413: who the caller is comes first
    assert client.post("/api/v1/audits", json=report(), headers=bearer(ADMIN)).status_code == 201
    too_big = client.post("/api/v1/agents/host-1/enrol", content=b"x" * 4096, headers=bearer(ADMIN))
    assert too_big.status_code in (403, 413)  # a route without a body takes none


def _post_unauthenticated(port: int, results: list[str]) -> None:
    """POST a 30 MiB JSON document without a token, as fast as the socket takes it; record the status line."""
    head = (f"POST /api/v1/audits HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {BODY_MIB << 20}\r\n\r\n").encode()
    chunk = b'{"pad": "' + b"x" * ((1 << 20) - 9)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
            conn.sendall(head)
            for _ in range(BODY_MIB):
                conn.sendall(chunk)
            results.append(conn.recv(64).split(b"\r\n", 1)[0].decode())
    except OSError:  # the monitor answered and closed before the whole body was sent
        results.append("closed early")


def _peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_flood_of_unauthenticated_30_mib_posts(tmp_path: Path) -> None:
    """Six at once: the monitor's peak RSS stays under the plan's pod limit and /healthz keeps answering."""
    limit_mib = mebibytes(MONITOR_RESOURCES["memory"])
    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db")
    try:
        results: list[str] = []
        senders = [threading.Thread(target=_post_unauthenticated, args=(server.port, results))
                   for _ in range(SENDERS)]
        slowest = 0.0
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for sender in senders:
                sender.start()
            while any(s.is_alive() for s in senders):
                started = time.monotonic()
                assert client.get("/healthz").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.05)
            for sender in senders:
                sender.join()
            assert client.get("/healthz").status_code == 200
        peak = _peak_rss_mib(server.proc.pid)
        print(f"peak RSS {peak:.0f} MiB (limit {limit_mib} MiB), slowest /healthz {slowest * 1000:.0f} ms, {results}")
        assert peak < limit_mib
        assert slowest < HEALTHZ_BOUND_S
        assert all(r.endswith("401 Unauthorized") or r == "closed early" for r in results), results
    finally:
        server.stop()
