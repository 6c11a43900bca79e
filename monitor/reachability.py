"""Device up/down per region, read from Prometheus when a URL is configured.

`snmp_up` is the device's own answer in both SNMP modes (the agent's HTTP `up` stays 1 while a device is
silent); `up{job="snmp"}` counts only when the exporter scrape itself failed. Same expression as the
`yunwang:device:up` recording rule, evaluated directly so it works before any rule has run.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import httpx

log = logging.getLogger("yunwang.monitor.reachability")

QUERY = 'min by (device) (snmp_up or up{job="snmp"})'
CACHE_S = 10.0


@dataclass(frozen=True)
class RegionReach:
    up: int
    down: int
    unknown: int


class Reachability:
    """Per-device `up` from Prometheus, cached; without a URL (or when it fails) every device is unknown."""

    def __init__(self, prometheus_url: str | None, timeout_s: float = 2.0):
        self.url = prometheus_url.rstrip("/") if prometheus_url else None
        self.timeout_s = timeout_s
        self._cache: tuple[float, dict[str, bool] | None] = (-CACHE_S, None)
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def device_up(self) -> dict[str, bool] | None:
        """device name → up, or None when Prometheus is not configured or not answering."""
        if self.url is None:
            return None
        with self._lock:
            fetched, value = self._cache
            if time.monotonic() - fetched < CACHE_S:
                return value
            value = self._fetch()
            self._cache = (time.monotonic(), value)
            return value

    def _fetch(self) -> dict[str, bool] | None:
        try:
            reply = httpx.get(f"{self.url}/api/v1/query", params={"query": QUERY}, timeout=self.timeout_s)
            reply.raise_for_status()
            results = reply.json()["data"]["result"]
            out: dict[str, bool] = {}
            for r in results:
                device = r["metric"].get("device")
                if device:
                    out[device] = out.get(device, False) or float(r["value"][1]) >= 1.0
            self.last_error = None
            return out
        except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("prometheus query failed: %s", self.last_error)
            return None

    def by_region(self, devices_by_region: dict[str, list[str]]) -> dict[str, RegionReach]:
        status = self.device_up()
        out: dict[str, RegionReach] = {}
        for region, names in devices_by_region.items():
            if status is None:
                out[region] = RegionReach(0, 0, len(names))
                continue
            up = sum(1 for n in names if status.get(n) is True)
            down = sum(1 for n in names if status.get(n) is False)
            out[region] = RegionReach(up, down, len(names) - up - down)
        return out
