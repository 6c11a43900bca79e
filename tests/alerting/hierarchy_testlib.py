"""Pieces of a city's monitoring hierarchy on 127.0.0.1 for the alerting E2E: a device that can be made to die
(a UDP relay in front of its simulated agent), Prometheus servers that can be stopped and started again on the
same data, and the queries the test asks them."""

from __future__ import annotations

import itertools
import select
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from yunwang.testkit import stop_process


class DeviceRelay:
    """Forwards SNMP datagrams to a simulated device until :attr:`dead`: then the device stops answering, as a
    switch that lost power does, while the rest of the simulated fleet goes on."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        self.target = (host, int(port))
        self.dead = False
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.front.getsockname()[1]}"
        self._upstream: dict[tuple[str, int], socket.socket] = {}
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        clients: dict[socket.socket, tuple[str, int]] = {}
        while not self._stop:
            ready, _, _ = select.select([self.front, *clients], [], [], 0.2)
            for sock in ready:
                data, sender = sock.recvfrom(65535)
                if self.dead:
                    continue
                if sock is self.front:
                    upstream = self._upstream.get(sender)
                    if upstream is None:
                        upstream = self._upstream[sender] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        clients[upstream] = sender
                    upstream.sendto(data, self.target)
                else:
                    self.front.sendto(data, clients[sock])

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        for sock in [self.front, *self._upstream.values()]:
            sock.close()


class PrometheusServer:
    """A Prometheus process that can be stopped and started again on the same data folder and port."""

    def __init__(self, binary: str, config: Path, data: Path, port: int, *extra: str) -> None:
        self.argv = [binary, f"--config.file={config}", f"--storage.tsdb.path={data}",
                     f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn", *extra]
        self.url = f"http://127.0.0.1:{port}"
        self.log = data.parent / f"{data.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(f"{self.url} ready", self._ready, timeout=60)

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(f"prometheus exited: {self.log.read_text()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, timeout=20)

    def query(self, promql: str, at: float | None = None) -> list[dict[str, Any]]:
        params = {"query": promql, **({"time": f"{at:.3f}"} if at is not None else {})}
        try:
            answer = httpx.get(f"{self.url}/api/v1/query", params=params, timeout=5).json()
            return answer["data"]["result"]  # type: ignore[no-any-return]
        except (httpx.HTTPError, KeyError, ValueError):
            return []

    def sample_times(self, series: str, start: float, end: float) -> list[float]:
        """Timestamps of the raw samples of ``series`` (one series) between ``start`` and ``end``."""
        window = int(time.time() - start) + 2
        found = self.query(f"{series}[{window}s]")
        return sorted(t for s in found for t, _ in ((float(t), v) for t, v in s["values"]) if start <= t <= end)


def largest_gap(stamps: Sequence[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(stamps)), default=float("inf"))


def wait_until(what: str, check: Callable[[], object], timeout: float = 60.0, every: float = 0.3) -> Any:
    """``check()``'s first true answer, or a failure naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
