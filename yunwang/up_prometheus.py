"""What `yunwang up`'s status asks Prometheus, in one place: targets up per job, devices answering per region.

The status table counts devices where the alerts and dashboards do, in Prometheus (``snmp_up``), with two small
queries whatever the fleet's size; it never downloads an exposition. When `yunwang up` runs one Prometheus per
region, this is the module that learns to ask each of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

DEVICES_UP = "count by (region) (snmp_up == 1)"
DEVICES_SEEN = "count by (region) (snmp_up)"
SETTLE_MAX_S = 30.0


@dataclass
class PrometheusCounts:
    """One refresh: targets up/total per job, devices answering and recorded per region, at ``time``."""

    targets: dict[str, tuple[int, int]] = field(default_factory=dict)
    up: dict[str, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    at: float | None = None
    """The evaluation time of the queries: the same query at that time gives the same counts, then and later."""


class PrometheusError(Exception):
    """Prometheus did not answer, or answered something unexpected (the message says which)."""


def _by_region(client: httpx.Client, url: str, query: str, at: float) -> dict[str, int]:
    data = client.get(f"{url}/api/v1/query", params={"query": query, "time": f"{at:.3f}"}).json()
    if data.get("status") != "success":
        raise PrometheusError(f"query {query!r}: {data.get('error', data.get('status'))}")
    return {row["metric"].get("region", ""): int(float(row["value"][1])) for row in data["data"]["result"]}


def read_counts(client: httpx.Client, url: str) -> PrometheusCounts:
    """Targets per job (``/api/v1/targets``) and ``snmp_up`` per region; :class:`PrometheusError` if unreadable.

    The counts are evaluated a little in the past, by the longest recent scrape (×1.5, +1 s): a scrape's samples
    carry its start time but appear when it ends, so "now" could still change for a large poller's scrape, while
    an instant every running scrape has passed gives the same answer whenever it is asked again.
    """
    out = PrometheusCounts()
    try:
        active = client.get(f"{url}/api/v1/targets", params={"state": "active"}).json()["data"]["activeTargets"]
        counts: dict[str, list[int]] = {}
        longest = 0.0
        for target in active:
            up_total = counts.setdefault(target["labels"].get("job", "?"), [0, 0])
            up_total[0] += target.get("health") == "up"
            up_total[1] += 1
            longest = max(longest, float(target.get("lastScrapeDuration") or 0.0))
        out.targets = {job: (v[0], v[1]) for job, v in sorted(counts.items())}
        out.at = round(time.time() - min(longest * 1.5 + 1.0, SETTLE_MAX_S), 3)
        out.up = _by_region(client, url, DEVICES_UP, out.at)
        out.seen = _by_region(client, url, DEVICES_SEEN, out.at)
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise PrometheusError(type(exc).__name__) from None
    return out
