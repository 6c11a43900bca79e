"""Send ``net diff`` results to the monitor (``--report-to``), once or every interval (``--every``), for all
devices or those of some regions (``--region``: a monitoring plane's drift CronJob checks the regions it polls).

Each device becomes a :class:`yunwang.contracts.device_drift.DeviceDrift`: its remediation lines (masked, as
``net diff`` prints them) or why its configuration could not be read. Reports go in batches of at most
:data:`~yunwang.contracts.device_drift.MAX_DEVICES_PER_REPORT` devices with the monitor's admin token, read
from ``YUNWANG_ADMIN_TOKEN`` or the file named by ``YUNWANG_ADMIN_TOKEN_FILE`` (the variables the monitor itself
reads): never an argument, never printed. A monitor that is starting or restarting is retried for a while.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from yunwang.contracts.device_drift import (
    DRIFT_PATH,
    MAX_DEVICES_PER_REPORT,
    MAX_ERROR_CHARS,
    MAX_REPORT_BYTES,
    DeviceDrift,
    clip_remediation,
)
from yunwang.errors import InputError, Problem
from yunwang.secrets import require_secret
from yunwang.topology import Device, Topology

if TYPE_CHECKING:
    from infra.network.diff import DeviceDiff

TOKEN_ENV = "YUNWANG_ADMIN_TOKEN"
RETRIES = 10
RETRY_S = 1.0


class ReportError(Exception):
    """The monitor did not take a report: the reason, without the token."""


def to_drift(found: DeviceDiff) -> DeviceDrift:
    """What the monitor is told about one device's diff."""
    if found.error is not None:
        return not_collected(found.device, found.error)
    return collected(found.device, found.remediation, found.collected_at)


def collected(device: str, remediation_lines: Sequence[str], at: datetime | None = None) -> DeviceDrift:
    """A device whose running configuration was read: its remediation, as ``net diff`` shows it."""
    text = "".join(line + "\n" for line in remediation_lines)
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat()
    return DeviceDrift(device, stamp, len(remediation_lines), clip_remediation(text))


def not_collected(device: str, reason: str) -> DeviceDrift:
    return DeviceDrift(device, None, None, "", reason[:MAX_ERROR_CHARS] or "collection failed")


def check_monitor_url(url: str) -> str:
    """``--report-to``'s value, without a trailing slash; a clear error when it is not an http(s) URL."""
    parsed = httpx.URL(url) if "://" in url else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError([Problem("--report-to", None, "", url, "not the monitor's http(s) URL",
                                  "e.g. http://127.0.0.1:8080 (the monitor of `yunwang up`)")])
    return url.rstrip("/")


def only_regions(devices: Sequence[Device], regions: Sequence[str], topo: Topology,
                 topology_file: Path) -> list[Device]:
    """The devices of ``regions`` (all when none is named); an unknown region is an input error."""
    if not regions:
        return list(devices)
    unknown = [r for r in regions if r not in topo.region_by_name]
    if unknown:
        raise InputError([Problem(str(topology_file), None, "regions", r, "no such region in the stack",
                                  f"regions: {', '.join(topo.region_by_name)}") for r in unknown])
    return [d for d in devices if d.region in regions]


def summary_line(diffs: Sequence[DeviceDiff], stored: int, monitor_url: str) -> str:
    """One line a round (the log of `yunwang up`'s drift child): counts and where they went."""
    drifted = [d for d in diffs if d.status == "drifted"]
    unread = sum(1 for d in diffs if d.status == "unreadable")
    return (f"{datetime.now(UTC).strftime('%H:%M:%S')} drift: {len(diffs)} devices, {len(drifted)} drifted "
            f"({sum(d.drift_lines for d in drifted)} lines), {unread} not read; {stored} reported to {monitor_url}")


def admin_token() -> str:
    return require_secret(TOKEN_ENV, "monitor admin token to report drift with")


def post_drift(monitor_url: str, token: str, items: Sequence[DeviceDrift], client: httpx.Client | None = None,
               retries: int = RETRIES) -> int:
    """POST ``items`` in batches; returns how many devices the monitor stored, or raises :class:`ReportError`."""
    own = client is None
    http = client or httpx.Client(timeout=30, trust_env=False)
    stored = 0
    try:
        for batch in batches(items):
            stored += _post(http, f"{monitor_url}{DRIFT_PATH}", token, {"devices": batch}, retries)
    finally:
        if own:
            http.close()
    return stored


def batches(items: Sequence[DeviceDrift]) -> Iterator[list[dict[str, object]]]:
    """Consecutive groups within :data:`MAX_DEVICES_PER_REPORT` devices and about :data:`MAX_REPORT_BYTES`."""
    batch: list[dict[str, object]] = []
    size = 0
    for item in items:
        entry = item.to_json()
        weight = len(json.dumps(entry, ensure_ascii=False).encode("utf-8")) + 2
        if batch and (len(batch) == MAX_DEVICES_PER_REPORT or size + weight > MAX_REPORT_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += weight
    if batch:
        yield batch


def _post(http: httpx.Client, url: str, token: str, body: dict[str, object], retries: int) -> int:
    last = ""
    for attempt in range(retries + 1):
        try:
            reply = http.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if reply.status_code == 200:
                return int(reply.json().get("stored", 0))
            last = f"HTTP {reply.status_code}: {reply.text[:300]}"
            if reply.status_code < 500 and reply.status_code != 429:
                break  # refused for good (token, schema, unknown device): retrying will not help
        if attempt < retries:
            time.sleep(RETRY_S)
    raise ReportError(f"the monitor at {url} did not take the drift report ({last})")


def every(interval_s: float, round_: Callable[[], None], stop: threading.Event,
          on_error: Callable[[Exception], None]) -> None:
    """Run ``round_`` now and then every ``interval_s`` (from the start of one to the start of the next) until
    ``stop`` is set. A round that fails is reported to ``on_error`` and the next one runs on time; an input
    error (a topology or option mistake) ends the loop, since no later round could succeed."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            round_()
        except InputError:
            raise
        except Exception as exc:  # one failed round (monitor down, a bug on one device) must not end the watch
            on_error(exc)
        stop.wait(max(0.0, interval_s - (time.monotonic() - started)))


def interval_of(text: str) -> float:
    """``--every``'s value in seconds: a Prometheus-style duration of at least a second."""
    from monitor.prometheus.render import duration_seconds

    try:
        seconds = duration_seconds(text)
    except ValueError:
        seconds = 0.0
    if seconds < 1:
        raise InputError([Problem("--every", None, "", text, "not a duration of at least 1 s", "e.g. 30s, 5m, 1h")])
    return seconds


def watch(every_text: str, one_round: Callable[[], Sequence[DeviceDiff]], monitor_url: str, token: str) -> None:
    """``--every``: a round now and then every interval, each reported, until SIGTERM or SIGINT (the round in
    progress only reads, so stopping mid-round leaves nothing half done). One line a round on stderr."""
    import signal
    import sys

    interval = interval_of(every_text)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    def round_() -> None:
        diffs = one_round()
        stored = post_drift(monitor_url, token, [to_drift(d) for d in diffs])
        print(summary_line(diffs, stored, monitor_url), file=sys.stderr, flush=True)

    def failed(exc: Exception) -> None:
        print(f"{datetime.now(UTC).strftime('%H:%M:%S')} drift round failed: {exc}", file=sys.stderr, flush=True)

    every(interval, round_, stop, failed)
