"""The monitor's view of the declared links: states computed from Prometheus's series, kept for a few seconds.

Read on demand (Prometheus scraping /metrics, a viewer opening the overview) and at most every ``min_age_s``:
a recabling is in the link states one poll plus one scrape after it happened. Without a Prometheus URL, or
while it does not answer, there is no report (states are not exported rather than made up).
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from links.declared import DeclaredNetwork, declared_network
from links.exposition import link_metrics
from links.prometheus import PrometheusError, read_observations
from links.state import LinkReport, evaluate
from yunwang.topology import Topology

log = logging.getLogger("yunwang.monitor.links")


class LinkWatcher:
    def __init__(self, topo: Topology, prometheus_url: str | None, min_age_s: float = 2.0, timeout_s: float = 3.0):
        self.net: DeclaredNetwork = declared_network(topo)
        self.url = prometheus_url
        self.min_age_s, self.timeout_s = min_age_s, timeout_s
        self._report: LinkReport | None = None
        self._read = -min_age_s
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None  # kept: a new client costs ~0.1 s of TLS set-up even for http
        self.last_error: str | None = None

    def report(self, max_age_s: float | None = None) -> LinkReport | None:
        """The latest link states, re-read when older than ``max_age_s`` (default ``min_age_s``: what /metrics
        asks; a page view accepts an older report rather than wait); None when Prometheus cannot tell."""
        if self.url is None:
            return None
        with self._lock:
            limit = max(self.min_age_s, max_age_s or 0.0) if self._report is not None else self.min_age_s
            if time.monotonic() - self._read < limit:  # (a failed read is tried again after min_age_s)
                return self._report
            if self._client is None:
                self._client = httpx.Client(timeout=self.timeout_s, trust_env=False)
            try:
                self._report = evaluate(self.net, read_observations(self.url, self.timeout_s, self._client))
                self.last_error = None
            except PrometheusError as exc:
                if self.last_error != str(exc):
                    log.warning("link states: %s", exc)
                self._report, self.last_error = None, str(exc)
            self._read = time.monotonic()
            return self._report

    def metrics(self) -> str:
        report = self.report()
        return link_metrics(report) if report is not None else ""
