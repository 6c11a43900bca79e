"""What `yunwang up`'s status asks Prometheus, in one place: targets up per job, devices answering per region.

The status table counts devices where the alerts and dashboards do, in Prometheus (``snmp_up``), with two small
queries whatever the fleet's size; it never downloads an exposition. When `yunwang up` runs one Prometheus per
region, this is the module that learns to ask each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import httpx

POLLER_JOB = "snmp-poller"
DEVICES_UP = "count by (region) (snmp_up == 1)"
DEVICES_SEEN = "count by (region) (snmp_up)"


@dataclass
class PrometheusCounts:
    """One refresh: targets up/total per job, devices answering and recorded per region, at ``time``."""

    targets: dict[str, tuple[int, int]] = field(default_factory=dict)
    up: dict[str, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    at: float | None = None
    """The evaluation time of the queries (None: no count yet): the same query at that time gives the same counts,
    then and later."""


class PrometheusError(Exception):
    """Prometheus did not answer, or answered something unexpected (the message says which)."""


def _by_region(client: httpx.Client, url: str, query: str, at: float) -> dict[str, int]:
    data = client.get(f"{url}/api/v1/query", params={"query": query, "time": f"{at:.3f}"}).json()
    if data.get("status") != "success":
        raise PrometheusError(f"query {query!r}: {data.get('error', data.get('status'))}")
    return {row["metric"].get("region", ""): int(float(row["value"][1])) for row in data["data"]["result"]}


def read_counts(client: httpx.Client, url: str, job: str = POLLER_JOB) -> PrometheusCounts:
    """Targets per job (``/api/v1/targets``) and ``snmp_up`` per region; :class:`PrometheusError` if unreadable.

    The counts are evaluated at the instant every poller's latest finished scrape had started (less a
    millisecond): a scrape's samples carry its start time but appear only once it is appended, so counts at "now"
    could still change while a scrape lands, whereas at that instant they are final, the same whenever asked
    again. They are up to one scrape interval old (``at`` says how old). Before Prometheus has scraped every
    poller once there is no such instant, and no count.
    """
    out = PrometheusCounts()
    try:
        active = client.get(f"{url}/api/v1/targets", params={"state": "active"}).json()["data"]["activeTargets"]
        counts: dict[str, list[int]] = {}
        scraped: list[float | None] = []
        for target in active:
            name = target["labels"].get("job", "?")
            up_total = counts.setdefault(name, [0, 0])
            up_total[0] += target.get("health") == "up"
            up_total[1] += 1
            if name == job:
                scraped.append(_epoch(target.get("lastScrape", "")))
        out.targets = {name: (v[0], v[1]) for name, v in sorted(counts.items())}
        if scraped and None not in scraped:
            out.at = round(min(t for t in scraped if t is not None) - 0.001, 3)
            out.up = _by_region(client, url, DEVICES_UP, out.at)
            out.seen = _by_region(client, url, DEVICES_SEEN, out.at)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise PrometheusError(type(exc).__name__) from None
    return out


def _epoch(rfc3339: str) -> float | None:
    """Seconds since the epoch of a targets-API time; None for Go's zero time (never scraped)."""
    if not rfc3339 or rfc3339.startswith("0001-"):
        return None
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()
