"""Alerts firing now, as Prometheus reports them (``/api/v1/alerts``), cached for a few seconds.

The overview shows them; when the monitor keeps its own alert history, this is the one place to switch. A
Prometheus lists only the alerts of its own rules, so where each region has its own (`yunwang up`) the overview asks
every region's and the city view's, and shows them all. Each server's external labels (a region server's
``region``) are added to its alerts where they lack them, as Prometheus does when it sends them to Alertmanager:
the overview then names the region of a region-wide alert as the notification does.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
import yaml

CACHE_S = 5.0
EXTERNAL_LABELS_S = 300.0
"""External labels change only with a server's configuration: asked again after this long."""


@dataclass(frozen=True)
class FiringAlert:
    name: str
    severity: str
    summary: str
    summary_zh: str
    since: str
    labels: dict[str, str]


class FiringAlerts:
    def __init__(self, prometheus_url: str | None, timeout_s: float = 2.0, sources: tuple[str, ...] = ()):
        """``sources``: the servers to ask instead of ``prometheus_url`` (each region's and the city view)."""
        self.urls = [u.rstrip("/") for u in sources] or ([prometheus_url.rstrip("/")] if prometheus_url else [])
        self.url = self.urls[0] if self.urls else None
        self.timeout_s = timeout_s
        self._cache: tuple[float, list[FiringAlert] | None] = (-CACHE_S, None)
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._external: dict[str, tuple[float, dict[str, str]]] = {}

    def current(self) -> list[FiringAlert] | None:
        """Firing alerts, most severe first; None without Prometheus or when it does not answer."""
        if self.url is None:
            return None
        with self._lock:
            fetched, value = self._cache
            if time.monotonic() - fetched >= CACHE_S:
                value = self._fetch()
                self._cache = (time.monotonic(), value)
            return value

    def _fetch(self) -> list[FiringAlert] | None:
        try:
            if self._client is None:
                self._client = httpx.Client(timeout=self.timeout_s, trust_env=False)
            alerts = []
            for url in self.urls:
                reply = self._client.get(f"{url}/api/v1/alerts")
                reply.raise_for_status()
                external = self._external_labels(self._client, url)
                alerts += [{**a, "labels": {**external, **a["labels"]}} for a in reply.json()["data"]["alerts"]]
            out = [FiringAlert(a["labels"].get("alertname", ""), a["labels"].get("severity", ""),
                               a.get("annotations", {}).get("summary", ""),
                               a.get("annotations", {}).get("summary_zh", ""), a.get("activeAt", ""),
                               dict(a["labels"])) for a in alerts if a.get("state") == "firing"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
        order = {"critical": 0, "warning": 1}
        return sorted(out, key=lambda a: (order.get(a.severity, 2), a.name, a.summary))

    def _external_labels(self, client: httpx.Client, url: str) -> dict[str, str]:
        """``global.external_labels`` of the server at ``url`` (from its loaded configuration), cached; nothing when
        it cannot be read (the alerts are shown without them)."""
        fetched, labels = self._external.get(url, (-EXTERNAL_LABELS_S, {}))
        if time.monotonic() - fetched < EXTERNAL_LABELS_S:
            return labels
        try:
            reply = client.get(f"{url}/api/v1/status/config")
            reply.raise_for_status()
            config = yaml.load(reply.json()["data"]["yaml"], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            found = (config.get("global") or {}).get("external_labels") or {}
            labels = {str(k): str(v) for k, v in found.items()}
        except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError):
            labels = {}
        self._external[url] = (time.monotonic(), labels)
        return labels
