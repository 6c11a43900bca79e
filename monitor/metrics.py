"""The monitor's /metrics: its own request metrics, device counts, agents' last heartbeat, latest audit, the
declared links' states (monitor/links.py) and each reported device's configuration drift.

Device counts never change while the process runs; agent and audit sections are re-read at most once a
second, so 50 concurrent scrapers cost little more than one.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client import Counter as PromCounter

from monitor.drift_store import DriftRow, DriftStore
from monitor.store import Store
from policies.metrics import audit_metrics
from yunwang.contracts.exposition import label_set
from yunwang.topology import Topology

CACHE_S = 1.0


def _family(name: str, help_text: str, kind: str, samples: list[tuple[dict[str, str], float]]) -> str:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{label_set(labels)} {value!r}" for labels, value in samples]
    return "\n".join(lines) + "\n"


def device_metrics(topo: Topology) -> str:
    counts = Counter((d.region, d.role.value, d.vendor.value) for d in topo.devices)
    return _family("yunwang_devices", "Network devices in the stack's topology.", "gauge",
                   [({"region": r, "role": ro, "vendor": v}, float(n)) for (r, ro, v), n in sorted(counts.items())])


def drift_metrics(rows: list[DriftRow]) -> str:
    """Drift lines and last collection time of every device with a successful collection (a device never
    collected has no series: absent, not 0, so nobody mistakes it for one in line with its intent)."""
    collected = [r for r in rows if r.collected_at is not None and r.drift_lines is not None]
    labels = [{"device": r.device, "region": r.region} for r in collected]
    return (_family("yunwang_device_config_drift_lines",
                    "Remediation lines between the device's running configuration and its intent (0: in line).",
                    "gauge", [(lab, float(r.drift_lines or 0)) for lab, r in zip(labels, collected, strict=True)])
            + _family("yunwang_device_config_last_collection_timestamp_seconds",
                      "When the device's running configuration was last read for the drift check (Unix time).",
                      "gauge", [(lab, r.collected_at or 0.0) for lab, r in zip(labels, collected, strict=True)]))


class MetricsRenderer:
    def __init__(self, store: Store, topo: Topology, links: Callable[[], str] | None = None,
                 drift: DriftStore | None = None):
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = PromCounter("yunwang_monitor_http_requests", "HTTP requests served by the monitor.",
                                    ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("yunwang_monitor_http_request_duration_seconds",
                                 "Time to answer an HTTP request.", ["route"], registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
        self._store = store
        self._links = links
        self._drift = drift
        self._devices = device_metrics(topo)
        self._dynamic = ""
        self._built = -CACHE_S
        self._audit: tuple[int | None, str] = (None, "")
        self._body: tuple[bytes, float] = (b"", -CACHE_S)
        self._lock = threading.Lock()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def invalidate(self) -> None:
        self._built = -CACHE_S
        self._body = (b"", -CACHE_S)

    def _dynamic_text(self) -> str:
        if time.monotonic() - self._built < CACHE_S:
            return self._dynamic
        with self._lock:
            if time.monotonic() - self._built < CACHE_S:
                return self._dynamic
            agents = _family("yunwang_agent_last_seen_timestamp_seconds",
                             "When the monitor last stored a heartbeat of the agent (Unix time).", "gauge",
                             [({"agent": a, "kind": k}, seen) for a, k, seen in self._store.last_seen()])
            latest = self._store.latest_audit_id()
            if latest != self._audit[0]:
                document = self._store.audit_document(latest) if latest is not None else None
                self._audit = (latest, audit_metrics(json.loads(document)) if document else "")
            drift = drift_metrics(self._drift.rows()) if self._drift is not None else ""
            self._dynamic = agents + self._audit[1] + drift
            self._built = time.monotonic()
            return self._dynamic

    def fresh(self) -> bool:
        """Whether :meth:`render` can answer from its cache, without touching the database."""
        return time.monotonic() - self._body[1] < CACHE_S

    def render(self) -> bytes:
        """The whole exposition, rebuilt at most once a second (scrapes come every 15 s; 50 scrapers cost one)."""
        body, built = self._body
        if time.monotonic() - built < CACHE_S:
            return body
        links = self._links() if self._links is not None else ""
        body = generate_latest(self.registry) + (self._devices + self._dynamic_text() + links).encode("utf-8")
        self._body = (body, time.monotonic())
        return body
