"""Poll one device with a module plan and turn its varbinds into Prometheus sample lines.

The walks of one device run in parallel (at most ``Target.in_flight`` at a time), append to their own lists
as replies arrive, and stop at a deadline: whatever arrived before it is still turned into samples (a partial
answer beats none when Prometheus is about to give up). Label strings are built once per table row and shared
by every column of that row, which is where most of the per-value work would otherwise go.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import operator
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from agents.snmp import ber
from agents.snmp.engine import (
    EngineState,
    SnmpAuthError,
    SnmpError,
    SnmpTimeout,
    SnmpUnreachable,
    Target,
    open_session,
)
from agents.snmp.modules import IndexDef, LookupDef, MetricDef, Plan
from yunwang.contracts.exposition import escape_label_value as escape
from yunwang.lru import LruDict

log = logging.getLogger("yunwang.agent.snmp")

NUMERIC_TAGS = frozenset({ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIMETICKS, ber.COUNTER64})
SYS_UPTIME = ber.oid_from_text("1.3.6.1.2.1.1.3")
DEVICE_GONE = (SnmpTimeout, SnmpUnreachable, SnmpAuthError)
"""After one of these the device's queued walks are skipped: each would only wait out its own timeout, so a
dead device costs one timeout per poll, not one per table."""


@dataclass
class DeviceResult:
    """What one poll of one device produced."""

    name: str
    address: str
    ok: bool = False
    reason: str | None = None  # timeout | auth | unreachable | malformed | error_status | deadline
    error: str | None = None
    partial: bool = False
    started: float = 0.0
    duration: float = 0.0
    pdus_sent: int = 0
    retransmits: int = 0
    varbinds: int = 0
    walk_seconds: float = 0.0
    families: dict[str, list[str]] = field(default_factory=dict)
    metric_defs: dict[str, MetricDef] = field(default_factory=dict)
    sys_uptime: int | None = None


async def collect_device(name: str, target: Target, plan: Plan, extra_labels: str = "",
                         deadline: float | None = None,
                         v3_cache: dict[tuple[str, int, bytes], EngineState] | None = None) -> DeviceResult:
    """Walk ``plan`` on ``target``; never raises for SNMP trouble (it is reported in the result).

    ``deadline`` is a ``time.monotonic()`` instant after which outstanding requests are abandoned.
    ``extra_labels`` is a pre-rendered ``k="v",…,`` prefix added to every sample (the device's labels).
    """
    result = DeviceResult(name, target.address, started=time.time())
    t0 = time.perf_counter()
    sinks: list[list[ber.Varbind]] = []
    session = open_session(target, v3_cache)
    first_error: list[SnmpError] = []
    gate = asyncio.Semaphore(max(1, target.in_flight))  # each walk has one request outstanding at a time

    async def guarded(coro_factory: Callable[[], Awaitable[object]]) -> None:
        async with gate:
            if first_error and isinstance(first_error[0], DEVICE_GONE):
                return
            try:
                await coro_factory()
            except SnmpError as exc:
                if not first_error:
                    first_error.append(exc)
            except Exception as exc:  # a bug must cost one device's poll, not the agent
                log.exception("device %s: unexpected error", name)
                if not first_error:
                    first_error.append(SnmpError(f"{target.address}: internal error: {exc!r}"))

    tasks: list[asyncio.Future[None]] = []
    try:
        await session.open()
        jobs = []
        if plan.get:
            got: list[ber.Varbind] = []
            sinks.append(got)

            async def do_get() -> None:
                got.extend(await session.get(list(plan.get)))

            jobs.append(guarded(do_get))
        for root in plan.walk:
            sink: list[ber.Varbind] = []
            sinks.append(sink)
            jobs.append(guarded(functools.partial(session.walk, root, sink)))
        tasks = [asyncio.ensure_future(j) for j in jobs]
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            if pending:
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                result.partial = True
                result.reason = "deadline"
                result.error = "scrape deadline reached before the device answered everything"
    except SnmpError as exc:
        first_error.append(exc)
    finally:
        for task in tasks:  # also when this poll itself is cancelled (agent stopping)
            if not task.done():
                task.cancel()
        session.close()
    result.walk_seconds = time.perf_counter() - t0
    if first_error:
        result.reason, result.error = first_error[0].reason, str(first_error[0])
    result.ok = result.reason is None
    result.pdus_sent = session.counters.pdus_sent + session.counters.retransmits
    result.retransmits = session.counters.retransmits
    result.varbinds = sum(len(s) for s in sinks)
    build_families(plan, sinks, extra_labels, result)
    result.duration = time.perf_counter() - t0
    return result


_first = operator.itemgetter(0)


def as_string(kind: str, tag: int, value: object) -> str:
    """A varbind value as snmp_exporter renders it into a label."""
    if value is None:
        return ""
    if tag == ber.OBJECT_IDENTIFIER and isinstance(value, bytes):
        return ber.oid_text(value)
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, bytes)
    if kind == "DisplayString":
        return value.decode("utf-8", "replace")
    if kind == "PhysAddress48":  # as snmp_exporter: a short (e.g. empty) address is zero-padded to 6 bytes
        return ":".join(f"{b:02X}" for b in value.ljust(6, b"\0"))
    if kind in ("IpAddr", "InetAddressIPv4") and len(value) == 4:
        return ".".join(map(str, value))
    return "0x" + value.hex().upper() if value else ""


def _index_part(idx: IndexDef, subids: tuple[int, ...], pos: int) -> tuple[str, int] | None:
    """(label value, next position) of one index in the OID suffix, or None when the suffix is too short."""
    kind = idx.type
    if kind in ("PhysAddress48", "IpAddr", "InetAddressIPv4", "InetAddressIPv6"):
        n = {"PhysAddress48": 6, "IpAddr": 4, "InetAddressIPv4": 4, "InetAddressIPv6": 16}[kind]
    elif kind in ("DisplayString", "OctetString"):
        if idx.fixed_size:
            n = idx.fixed_size
        elif idx.implied:
            n = len(subids) - pos
        else:
            if pos >= len(subids):
                return None
            n = subids[pos]
            pos += 1
    else:
        if pos >= len(subids):
            return None
        return str(subids[pos]), pos + 1
    part = subids[pos:pos + n]
    if len(part) != n or any(x > 255 for x in part):
        return None
    return as_string(kind, ber.OCTET_STRING, bytes(part)), pos + n


RowIndex = tuple[str, tuple[tuple[LookupDef, bytes], ...]]
"""A row's index labels (``k="v",…``) and, per lookup of its metric, the OID whose value that label shows."""

ROW_INDEX_CACHE_SIZE = 65536
"""Row index parses remembered across polls and devices: (label plan, OID suffix) pairs repeat for every device of
a fleet (ifIndex 1…48), so the cache is shared and small; it is bounded because suffixes come from devices."""
_row_index: LruDict[tuple[int, bytes], RowIndex | None] = LruDict(ROW_INDEX_CACHE_SIZE)


def row_index(metric: MetricDef, suffix: bytes) -> RowIndex | None:
    """The parse of one row's index (cached): its labels and its lookups' OIDs. None when it does not parse."""
    key = (metric.label_plan, suffix)
    if key in _row_index:
        return _row_index[key]
    parsed = _row_index[key] = _parse_row_index(metric, suffix)
    return parsed


def _parse_row_index(metric: MetricDef, suffix: bytes) -> RowIndex | None:
    parts: list[str] = []
    segments: dict[str, bytes] = {}
    if metric.indexes:
        subids = ber.decode_subids(suffix)
        pos = 0
        for idx in metric.indexes:
            got = _index_part(idx, subids, pos)
            if got is None:
                return None
            text, end = got
            segments[idx.labelname] = ber.encode_subids(subids[pos:end])
            pos = end
            parts.append(f'{idx.labelname}="{escape(text)}"')
    lookups = tuple((lk, lk.oid + b"".join(segments[name] for name in lk.labels) if lk.labels else lk.oid)
                    for lk in metric.lookups)
    return ",".join(parts), lookups


def row_labels(metric: MetricDef, suffix: bytes, values: dict[bytes, ber.Varbind]) -> str | None:
    """``k="v",…`` for one row: index labels, then lookups (``values``: varbinds by OID). None when the index does
    not parse."""
    parsed = row_index(metric, suffix)
    if parsed is None:
        return None
    text, lookups = parsed
    if not lookups:
        return text
    parts = [text] if text else []
    for lk, key in lookups:
        found = values.get(key)
        parts.append(f'{lk.labelname}="{"" if found is None else escape(as_string(lk.type, found[1], found[2]))}"')
    return ",".join(parts)


def build_families(plan: Plan, sinks: list[list[ber.Varbind]], extra_labels: str, result: DeviceResult) -> None:
    """The hot path: varbinds → sample lines grouped by metric name (into ``result.families``).

    Walks return tables column by column, so consecutive varbinds nearly always belong to the metric of the
    previous one: one ``startswith`` replaces the metric lookup. Label strings are cached per row.
    """
    by_oid, lengths = plan.by_oid, plan.prefix_lengths
    values: dict[bytes, ber.Varbind] = {}
    if plan.has_lookups:
        for sink in sinks:
            values.update(zip(map(_first, sink), sink, strict=True))
    families = result.families
    defs = result.metric_defs
    row_caches: dict[int, dict[bytes, str | None]] = {}
    numeric = NUMERIC_TAGS
    fast = not plan.nested
    prefix = b"\xff"  # matches no OID
    n = 0
    metric: MetricDef | None = None
    rows: dict[bytes, str | None] = {}
    lines: list[str] = []
    name = ""
    plain = is_uptime = False
    for sink in sinks:
        for oid, tag, val in sink:
            if not (fast and oid.startswith(prefix)):
                metric = None
                for n in lengths:
                    metric = by_oid.get(oid[:n])
                    if metric is not None:
                        break
                if metric is None:
                    prefix = b"\xff"
                    continue
                prefix = oid[:n]
                rows = row_caches.setdefault(metric.label_plan, {})
                name = metric.name
                found = families.get(name)
                if found is None:
                    found = families[name] = []
                    defs[name] = metric
                lines = found
                plain = metric.type in ("counter", "gauge") and metric.scale is None and metric.offset is None
                is_uptime = prefix == SYS_UPTIME
            assert metric is not None
            suffix = oid[n:]
            labels = rows.get(suffix, "\0")
            if labels == "\0":
                labels = row_labels(metric, suffix, values)
                if labels is not None:
                    labels = (extra_labels + labels) if labels else extra_labels.rstrip(",")
                rows[suffix] = labels
            if labels is None:
                continue
            if plain:
                if tag in numeric:
                    lines.append(f"{name}{{{labels}}} {val}" if labels else f"{name} {val}")  # type: ignore[str-bytes-safe]
                    if is_uptime:
                        result.sys_uptime = val  # type: ignore[assignment]
            elif metric.type in ("counter", "gauge"):
                if tag in numeric:
                    number = val * (metric.scale or 1.0) + (metric.offset or 0.0)  # type: ignore[operator]
                    lines.append(f"{name}{{{labels}}} {number}" if labels else f"{name} {number}")
            else:
                _append_non_numeric(lines, metric, tag, val, labels)


def _append_non_numeric(lines: list[str], metric: MetricDef, tag: int, val: object, labels: str) -> None:
    """Info-style samples (label = the value, sample = 1) and numeric types that need conversion."""
    name, mtype = metric.name, metric.type
    if tag in ber.EXCEPTION_TAGS or tag == ber.NULL:
        return
    sep = "," if labels else ""
    if mtype in ("EnumAsInfo", "EnumAsStateSet"):
        if not isinstance(val, int):
            return
        if mtype == "EnumAsInfo":
            state = escape(metric.enum_values.get(val, str(val)))
            lines.append(f'{name}{{{labels}{sep}{name}="{state}"}} 1')
            return
        for k, state in metric.enum_values.items():
            lines.append(f'{name}{{{labels}{sep}{name}="{escape(state)}"}} {int(k == val)}')
        return
    if mtype in ("Float", "Double"):
        if isinstance(val, int):
            lines.append(f"{name}{{{labels}}} {val}")
        return
    if isinstance(val, int) and tag in NUMERIC_TAGS and mtype not in ("DisplayString", "OctetString"):
        lines.append(f"{name}{{{labels}}} {val}")
        return
    text = escape(as_string(mtype, tag, val))
    lines.append(f'{name}{{{labels}{sep}{name}="{text}"}} 1')


def render_families(results: list[DeviceResult]) -> list[str]:
    """Exposition text chunks: each metric family once (HELP, TYPE), with the samples of every device."""
    order: dict[str, MetricDef] = {}
    for r in results:
        for name, metric in r.metric_defs.items():
            order.setdefault(name, metric)
    out: list[str] = []
    for name, metric in order.items():
        help_text = metric.help.replace("\\", "\\\\").replace("\n", " ")
        out.append(f"# HELP {name} {help_text}\n# TYPE {name} {metric.prom_type}\n")
        for r in results:
            lines = r.families.get(name)
            if lines:
                out.append("\n".join(lines))
                out.append("\n")
    return out
