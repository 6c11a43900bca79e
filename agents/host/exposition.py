"""Metric families and the Prometheus text exposition format, written directly.

Why not ``prometheus_client.generate_latest``: it builds a Sample namedtuple and re-escapes every label on every
scrape. Host metrics have a few hundred series whose label values rarely change, so formatting label sets once
and caching them is the cheapest path (see docs/performance.md). ``agents.host.promclient`` bridges the same
families into prometheus_client for anyone who wants a ``CollectorRegistry``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from yunwang.contracts.exposition import escape_label_value

Value = int | float
LabelValues = tuple[str, ...]

_PREFIX_CACHE: dict[tuple[str, tuple[str, ...], LabelValues], str] = {}
_HEADER_CACHE: dict[tuple[str, str, str], str] = {}
_CACHE_MAX = 20_000  # label sets that churn (short-lived interfaces, mounts) cannot grow the caches forever


class Family:
    """One metric family: name, help, type, label names and (label values, value) samples."""

    __slots__ = ("help", "labelnames", "name", "samples", "type")

    def __init__(self, name: str, help: str, type: str = "gauge", labelnames: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help
        self.type = type
        self.labelnames: tuple[str, ...] = tuple(labelnames)
        self.samples: list[tuple[LabelValues, Value]] = []

    def add(self, value: Value, *labelvalues: str) -> Family:
        self.samples.append((labelvalues, value))
        return self

    def __repr__(self) -> str:
        return f"Family({self.name!r}, {len(self.samples)} samples)"


def escape_help(text: str) -> str:
    if "\\" in text or "\n" in text:
        return text.replace("\\", "\\\\").replace("\n", "\\n")
    return text


def format_value(value: Value) -> str:
    """Go-compatible sample value: integers as is, floats shortest round-trip, +Inf/-Inf/NaN spelled out."""
    if type(value) is int:
        return str(value)
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if math.isfinite(value):
        return repr(value)
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def label_text(labelnames: tuple[str, ...], labelvalues: LabelValues) -> str:
    """``{a="x",b="y"}`` for one label set."""
    inner = ",".join(f'{n}="{escape_label_value(v)}"' for n, v in zip(labelnames, labelvalues, strict=True))
    return "{" + inner + "}"


def _header(family: Family) -> str:
    key = (family.name, family.help, family.type)
    text = _HEADER_CACHE.get(key)
    if text is None:
        if len(_HEADER_CACHE) >= _CACHE_MAX:
            _HEADER_CACHE.clear()
        text = _HEADER_CACHE[key] = (f"# HELP {family.name} {escape_help(family.help)}\n"
                                     f"# TYPE {family.name} {family.type}\n")
    return text


def render(families: Iterable[Family]) -> str:
    """Exposition text, families sorted by name and merged when two collectors share a name (like Go's registry).

    Hot path: per sample one dict lookup for the cached ``name{labels} `` prefix and one int→str; label sets and
    HELP/TYPE headers are formatted once and reused on every later scrape.
    """
    by_name: dict[str, Family] = {}
    for family in families:
        if not family.samples:
            continue
        seen = by_name.get(family.name)
        if seen is None:
            by_name[family.name] = family
        elif seen.labelnames == family.labelnames and seen.type == family.type:
            merged = Family(seen.name, seen.help, seen.type, seen.labelnames)
            merged.samples = seen.samples + family.samples
            by_name[family.name] = merged
    if len(_PREFIX_CACHE) >= _CACHE_MAX:
        _PREFIX_CACHE.clear()
    prefixes = _PREFIX_CACHE
    out: list[str] = []
    append = out.append
    for name in sorted(by_name):
        family = by_name[name]
        append(_header(family))
        labelnames = family.labelnames
        if labelnames:
            for labelvalues, value in family.samples:
                key = (name, labelnames, labelvalues)
                prefix = prefixes.get(key)
                if prefix is None:
                    prefix = prefixes[key] = f"{name}{label_text(labelnames, labelvalues)} "
                append(f"{prefix}{value}\n" if type(value) is int else f"{prefix}{format_value(value)}\n")
        else:
            for _, value in family.samples:
                append(f"{name} {value}\n" if type(value) is int else f"{name} {format_value(value)}\n")
    return "".join(out)
