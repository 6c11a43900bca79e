"""Shared pieces of the monitor benchmarks: a bench server (the monitor plus floor routes), load generators.

    .venv/bin/python scripts/bench/monitor_lib.py serve --port P --db URL --stack liuan   # used by the others

The floor routes live in the same process and app as the monitor (same middleware, same uvicorn), but return
precomputed bytes with no authentication and no lookup: the cost of HTTP + ASGI + FastAPI alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TOKENS = {"YUNWANG_ADMIN_TOKEN": "bench-admin-token-000000000000",
          "YUNWANG_VIEWER_TOKEN": "bench-viewer-token-00000000000",
          "YUNWANG_AGENT_TOKEN": "bench-agent-token-000000000000"}
VIEWER = TOKENS["YUNWANG_VIEWER_TOKEN"]
AGENT = TOKENS["YUNWANG_AGENT_TOKEN"]


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def serve(port: int, db_url: str, stack: str) -> None:
    import uvicorn
    from fastapi import Response

    from monitor.app import create_app
    from monitor.service import build_monitor
    from monitor.settings import MonitorSettings, Tokens

    settings = MonitorSettings(stack=stack, db_url=db_url, listen=f"127.0.0.1:{port}",
                               tokens=Tokens(admin=TOKENS["YUNWANG_ADMIN_TOKEN"], viewer=VIEWER,
                                             agent_bootstrap=AGENT))
    monitor = build_monitor(settings)
    app = create_app(monitor)
    floor = {"snmp": monitor.sd.body("snmp") or b"", "metrics": monitor.metrics.render()}

    @app.get("/bench/floor/{name}", include_in_schema=False)
    async def floor_route(name: str) -> Response:
        return Response(floor[name], media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


class BenchServer:
    """The bench server in its own process (so the load generator does not share its interpreter)."""

    def __init__(self, db_url: str, stack: str = "liuan", port: int | None = None):
        import socket

        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = int(s.getsockname()[1])
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, __file__, "serve", "--port", str(port), "--db", db_url,
                                      "--stack", stack], cwd=ROOT, env={**os.environ, "YUNWANG_HOME": str(ROOT)})
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("bench server did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, token: str | None, connections: int, seconds: float) -> Load:
    """Closed-loop load from `wrk` (one thread: the machine has two cores and the server needs one)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * _UNIT_MS[m.group(2)]

    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s)", out)
    assert total, out
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    n_errors = int(errors.group(1)) if errors else 0
    if socket_errors:
        n_errors += sum(int(g) for g in socket_errors.groups())
    return Load(int(total.group(1)), n_errors, float(total.group(2)) * _UNIT_MS[total.group(3)] / 1000,
                latency("50"), latency("99"))


async def _httpx_load(url: str, token: str | None, connections: int, seconds: float) -> Load:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                start = time.perf_counter()
                reply = await client.get(url, headers=headers)
                latencies.append(time.perf_counter() - start)
                errors += reply.status_code >= 400

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    return Load(len(latencies), errors, elapsed, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000)


def load(url: str, token: str | None, connections: int = 50, seconds: float = 5.0) -> Load:
    """`wrk` when installed (Debian package `wrk`), else an httpx async generator (slower: it caps req/s)."""
    if shutil.which("wrk"):
        return wrk(url, token, connections, seconds)
    return asyncio.run(_httpx_load(url, token, connections, seconds))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Paced:
    sent: int
    stored: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    late_ms: float
    """How far behind schedule the generator fell at worst (a load generator that cannot keep up is no test)."""


class RawHttp:
    """A minimal keep-alive HTTP/1.1 client over asyncio streams: ~10x less CPU per request than httpx, so a
    load generator sharing two cores with the server measures the server, not itself."""

    def __init__(self, host: str, port: int, connections: int):
        self.host, self.port, self.size = host, port, connections
        self._pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        self._opened = 0

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._pool.empty() and self._opened < self.size:
            self._opened += 1
            return await asyncio.open_connection(self.host, self.port)
        return await self._pool.get()

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
        reader, writer = await self._connection()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        self._pool.put_nowait((reader, writer))
        return int(status_line.split()[1])

    async def close(self) -> None:
        while not self._pool.empty():
            _, writer = self._pool.get_nowait()
            writer.close()


def heartbeat_body(agent: str, seq: int) -> bytes:
    return (f'{{"agent_id":"{agent}","kind":"host","hostname":"{agent}","version":"bench","seq":{seq},'
            f'"sent_at":"{datetime.now(UTC).isoformat()}"}}').encode()


HEARTBEAT_HEADERS = {"Authorization": f"Bearer {TOKENS['YUNWANG_ADMIN_TOKEN']}", "Content-Type": "application/json"}
"""The admin token writes any agent's heartbeat (the bootstrap token only enrols; a thousand enrolments first would
measure enrolment, not heartbeats)."""


async def paced_heartbeats(base: str, agents: int, interval_s: float, cycles: int) -> Paced:
    """Each of ``agents`` sends a heartbeat every ``interval_s``, spread evenly, for ``cycles`` intervals."""
    host, port = base.removeprefix("http://").split(":")
    client = RawHttp(host, int(port), 100)
    latencies: list[float] = []
    stored = errors = 0
    worst_late = 0.0
    start = time.perf_counter()

    async def beat(agent: int, seq: int) -> None:
        nonlocal stored, errors
        name = f"bench-{agent:04d}"
        t0 = time.perf_counter()
        try:
            ok = await client.request("POST", f"/api/v1/agents/{name}/heartbeat", heartbeat_body(name, seq),
                                      HEARTBEAT_HEADERS) == 200
        except (OSError, asyncio.IncompleteReadError, ValueError):
            ok = False
        latencies.append(time.perf_counter() - t0)
        stored += ok
        errors += not ok

    tasks = []
    total = agents * cycles
    for n in range(total):
        due = start + n * interval_s / agents
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        worst_late = max(worst_late, time.perf_counter() - due)
        tasks.append(asyncio.create_task(beat(n % agents, n // agents + 1)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    await client.close()
    return Paced(total, stored, errors, elapsed, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000,
                 max(latencies) * 1000, worst_late * 1000)


def median_load(results: list[Load]) -> Load:
    return Load(int(statistics.median(r.requests for r in results)), sum(r.errors for r in results),
                statistics.median(r.seconds for r in results), statistics.median(r.p50_ms for r in results),
                statistics.median(r.p99_ms for r in results))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--stack", default="liuan")
    args = parser.parse_args(argv)
    serve(args.port, args.db, args.stack)


def describe(result: Any) -> str:
    return ", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in vars(result).items())


if __name__ == "__main__":
    main()
