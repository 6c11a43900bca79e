"""The latest poll of every device, held as the exposition text it is served as: one blob per device.

WHY: the poller serves what it holds, so what it holds should cost what it serves. When a device's poll ends
(``put``) its samples are joined and encoded once into one bytes object (its families back to back, with their
spans); a scrape writes zero-copy views of those spans family by family (``chunks``) without ever building the
exposition as one string, nor copying a sample. One blob per device, not one object per family or sample: a
city's device blob is 60-200 KB, above the mmap threshold the poller sets (agents/snmp/main.py), so each poll's
new blob and the freed old one map and unmap whole pages instead of fragmenting the C heap (docs/performance.md:
poller RSS against its /metrics size, 100 to 1,000 devices). The same store answers the small summary
(``summary``) that `yunwang up` and people read instead of parsing the exposition.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from agents.snmp.collect import DeviceResult
from agents.snmp.scrape_meta import write_scrape_meta


def device_meta(results: list[DeviceResult], prefixes: Mapping[str, str]) -> str:
    """The scrape series of every device's last poll, with all its inventory labels (and the old names)."""
    return write_scrape_meta(results, prefixes, old_names=True)


@dataclass(slots=True)
class Held:
    """One device's latest poll: its scrape figures, the families it produced (in order), and its samples: one
    blob with each family's (start, end) in it."""

    result: DeviceResult
    families: tuple[str, ...]
    blob: bytes
    spans: dict[str, tuple[int, int]]
    polls: int = 1


@dataclass
class LatestResults:
    """Latest result per device (in ``order``, the poller's job order) with the headers of every family seen."""

    order: list[str]
    regions: Mapping[str, str] = field(default_factory=dict)
    """Device → region, for the summary."""
    held: dict[str, Held] = field(default_factory=dict)
    headers: dict[str, bytes] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    first_cycle_at: float | None = None
    """When every device had been polled once (wall clock), or None before that."""

    def put(self, result: DeviceResult) -> None:
        """Keep ``result`` as bytes: its sample lists are joined, encoded and dropped."""
        for name, metric in result.metric_defs.items():
            if name not in self.headers:
                help_text = metric.help.replace("\\", "\\\\").replace("\n", " ")
                self.headers[name] = f"# HELP {name} {help_text}\n# TYPE {name} {metric.prom_type}\n".encode()
        texts: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        at = 0
        for name, lines in result.families.items():
            if lines:
                text = "\n".join(lines) + "\n"
                size = len(text) if text.isascii() else len(text.encode())
                spans[name] = (at, at + size)
                at += size
                texts.append(text)
        blob = "".join(texts).encode()
        del texts
        families = tuple(result.metric_defs)
        result.families, result.metric_defs = {}, {}
        before = self.held.get(result.name)
        self.held[result.name] = Held(result, families, blob, spans, before.polls + 1 if before else 1)
        if self.first_cycle_at is None and len(self.held) >= len(self.order):
            self.first_cycle_at = time.time()

    def results(self) -> list[DeviceResult]:
        return [h.result for name in self.order if (h := self.held.get(name)) is not None]

    def chunks(self, prefixes: Mapping[str, str]) -> Iterator[bytes | memoryview]:
        """The exposition: every family once (HELP, TYPE, every device's samples), then the scrape series.

        Byte for byte what ``render_families`` + ``write_scrape_meta`` give for the same results.
        """
        held = [h for name in self.order if (h := self.held.get(name)) is not None]
        families: dict[str, None] = {}
        for h in held:
            for name in h.families:
                families.setdefault(name)
        for name in families:
            yield self.headers[name]
            for h in held:
                span = h.spans.get(name)
                if span is not None:
                    yield memoryview(h.blob)[span[0]:span[1]]
        yield device_meta([h.result for h in held], prefixes).encode()

    def size(self) -> int:
        """Bytes of samples held, as served (the exposition without headers and scrape series)."""
        return sum(len(h.blob) for h in self.held.values())

    def summary(self, interval: float) -> dict[str, object]:
        """Devices polled, up and failed per region, failure reasons, and how current the results are."""
        now = time.time()
        regions: dict[str, dict[str, int]] = {}
        reasons: Counter[str] = Counter()
        for name in self.order:
            counts = regions.setdefault(self.regions.get(name, ""), {"devices": 0, "polled": 0, "up": 0, "failed": 0})
            counts["devices"] += 1
            h = self.held.get(name)
            if h is None:
                continue
            counts["polled"] += 1
            if h.result.ok:
                counts["up"] += 1
            else:
                counts["failed"] += 1
                reasons[h.result.reason or "error"] += 1
        stamps = [h.result.started for h in self.held.values()]
        durations = sorted(h.result.duration for h in self.held.values())
        totals = {k: sum(r[k] for r in regions.values()) for k in ("devices", "polled", "up", "failed")}
        return {
            **totals, "regions": dict(sorted(regions.items())), "reasons": dict(sorted(reasons.items())),
            "interval_seconds": interval,
            "first_cycle_seconds": round(self.first_cycle_at - self.started, 3) if self.first_cycle_at else None,
            "complete_cycles": min((h.polls for h in self.held.values()), default=0) if totals["polled"] ==
            totals["devices"] else 0,
            "last_poll_at": max(stamps, default=None),
            "oldest_result_seconds": round(now - min(stamps), 3) if stamps else None,
            "poll_seconds": {"median": durations[len(durations) // 2] if durations else None,
                             "max": durations[-1] if durations else None},
            "held_bytes": self.size(),
        }
