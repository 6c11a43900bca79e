"""Observations read from Prometheus: the series the pollers export, as stored by Prometheus.

A handful of instant queries, labels thinned by ``max by`` so a city's interface table stays a few MB of JSON;
the MACs of interfaces are asked for only when a neighbour names its port by MAC address. The cyclic garbage
collector is paused while the answers are turned into rows: for liuan's ~17k series it otherwise ran again and
again over the fresh label dicts and doubled the time (1.4 s against 0.7 s on a loaded 2-core machine).
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from links.observed import (
    NEIGHBOUR,
    OPER_STATUS,
    PARTIAL,
    PHYS_ADDRESS,
    PORT_ID_SUBTYPE,
    REACHABLE,
    Observations,
    Sample,
    observations_from_samples,
)

LLDP_LABELS = ("device", "lldpRemTimeMark", "lldpRemLocalPortNum", "lldpRemIndex")
PARTIAL_LOOKBACK = "2m"
"""A device whose last poll was cut short by its deadline, or timed out, is judged on what it reported within
this window (then its links are unknown)."""


def _rows(metric: str, by: str) -> str:
    """The latest rows of ``metric``; for a device whose latest poll was partial or failed, its rows of the last
    minutes. A busy poller's deadline cuts walks short and a busy device times out: rows not read this time are
    not rows that are gone, and a link is not down because SNMP did not answer."""
    recent = (f"last_over_time({metric}[{PARTIAL_LOOKBACK}]) and on (device) "
              f"(({PARTIAL} == 1) or ({REACHABLE} == 0))")
    return f"max by ({by}) ({metric} or ({recent}))"


QUERIES: dict[str, str] = {
    REACHABLE: f"min by (device) ({REACHABLE})",
    PARTIAL: f"max by (device) ({PARTIAL})",
    OPER_STATUS: _rows(OPER_STATUS, "device, ifIndex, ifName, ifDescr, ifAlias"),
    NEIGHBOUR: _rows(NEIGHBOUR, f"{', '.join(LLDP_LABELS)}, lldpLocPortId, lldpLocPortDesc, lldpRemChassisId, "
                                f"lldpRemPortId, lldpRemPortDesc, {NEIGHBOUR}"),
    PORT_ID_SUBTYPE: _rows(PORT_ID_SUBTYPE, ", ".join(LLDP_LABELS)),
}


class PrometheusError(RuntimeError):
    """Prometheus did not answer a query (unreachable, an error status, a malformed reply)."""


def instant(client: httpx.Client, url: str, query: str) -> list[tuple[dict[str, str], float]]:
    """(labels, value) of every series an instant query returns."""
    try:
        reply = client.get(f"{url.rstrip('/')}/api/v1/query", params={"query": query})
        reply.raise_for_status()
        body = reply.json()
        if body.get("status") != "success":
            raise PrometheusError(f"{url}: {body.get('error', 'query failed')}")
        return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]
    except httpx.HTTPError as exc:
        raise PrometheusError(f"{url}: {exc}") from None
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise PrometheusError(f"{url}: malformed answer ({exc})") from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_observations(url: str, timeout_s: float = 5.0, client: httpx.Client | None = None) -> Observations:
    """What the devices last reported, as Prometheus holds it; raises PrometheusError."""
    own = client is None
    http = client or httpx.Client(timeout=timeout_s, trust_env=False)
    try:
        with _collector_paused():
            return _read(http, url)
    finally:
        if own:
            http.close()


def _read(http: httpx.Client, url: str) -> Observations:
    taken = time.time()
    samples: list[Sample] = [(name, labels, value) for name, query in QUERIES.items()
                             for labels, value in instant(http, url, query)]
    seen = observations_from_samples(samples, f"prometheus {url}", taken)
    wanted = sorted(seen.needs_macs())
    if wanted:
        selector = "|".join(re.escape(name).replace("\\", "\\\\").replace('"', '\\"') for name in wanted)
        query = f'max by (device, ifIndex, {PHYS_ADDRESS}) ({PHYS_ADDRESS}{{device=~"{selector}"}})'
        macs = instant(http, url, query)
        samples += [(PHYS_ADDRESS, labels, value) for labels, value in macs]
        seen = observations_from_samples(samples, f"prometheus {url}", taken)
    return seen
