"""What `yunwang up`'s status asks Prometheus, in one place: targets up per job, devices answering per region.

The status table counts devices where the alerts and dashboards do, in Prometheus (``snmp_up``), with two small
queries whatever the fleet's size; it never downloads an exposition. With one Prometheus per region it asks each
of them (:func:`read_all_counts`) and adds their answers up.
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
    return read_all_counts(client, [url], job)


def read_all_counts(client: httpx.Client, urls: list[str], job: str = POLLER_JOB) -> PrometheusCounts:
    """:func:`read_counts` over every Prometheus in ``urls`` (one per region), added up: targets per job summed,
    devices per region from each server, all evaluated at one instant (the oldest latest poller scrape of them
    all, so every server's count there is final). :class:`PrometheusError` names the server that failed."""
    out = PrometheusCounts()
    counts: dict[str, list[int]] = {}
    scraped: list[float | None] = []
    url = urls[0] if urls else ""
    try:
        for url in urls:
            active = client.get(f"{url}/api/v1/targets", params={"state": "active"}).json()["data"]["activeTargets"]
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
            for url in urls:
                for into, query in ((out.up, DEVICES_UP), (out.seen, DEVICES_SEEN)):
                    for region, n in _by_region(client, url, query, out.at).items():
                        into[region] = into.get(region, 0) + n
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise PrometheusError(f"{url}: {type(exc).__name__}" if len(urls) > 1 else type(exc).__name__) from None
    return out


def _epoch(rfc3339: str) -> float | None:
    """Seconds since the epoch of a targets-API time; None for Go's zero time (never scraped)."""
    if not rfc3339 or rfc3339.startswith("0001-"):
        return None
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()
