"""The latest poll of every device, held as its exposition text, one compressed piece per metric family.

WHY: the poller serves what it holds, so what it holds should cost no more than what it serves. A device's samples
are joined, encoded and compressed (zlib level 1: its label-heavy lines shrink ~6x for ~0.5 ms per device) once,
when its poll ends (``put``); a scrape inflates them family by family (``chunks``) without ever building the
exposition as one string, so neither the held results nor a scrape cost the exposition's size twice
(docs/performance.md: poller RSS against its /metrics size, 100 to 1,000 devices). The same store answers the
small summary (``summary``) that `yunwang up` and people read instead of parsing the exposition.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from agents.snmp.collect import DeviceResult
from agents.snmp.scrape_meta import write_scrape_meta


def device_meta(results: list[DeviceResult], prefixes: Mapping[str, str]) -> str:
    """The scrape series of every device's last poll, with all its inventory labels (and the old names)."""
    return write_scrape_meta(results, prefixes, old_names=True)


HOLD_LEVEL = 1


@dataclass(slots=True)
class Held:
    """One device's latest poll: its scrape figures, the families it produced (in order), their samples (each
    family's lines, zlib-compressed) and the samples' size as served."""

    result: DeviceResult
    families: tuple[str, ...]
    samples: dict[str, bytes]
    size: int
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
        samples: dict[str, bytes] = {}
        size = 0
        for name, lines in result.families.items():
            if lines:
                text = ("\n".join(lines) + "\n").encode()
                size += len(text)
                samples[name] = zlib.compress(text, HOLD_LEVEL)
        families = tuple(result.metric_defs)
        result.families, result.metric_defs = {}, {}
        before = self.held.get(result.name)
        self.held[result.name] = Held(result, families, samples, size, before.polls + 1 if before else 1)
        if self.first_cycle_at is None and len(self.held) >= len(self.order):
            self.first_cycle_at = time.time()

    def results(self) -> list[DeviceResult]:
        return [h.result for name in self.order if (h := self.held.get(name)) is not None]

    def chunks(self, prefixes: Mapping[str, str]) -> Iterator[bytes]:
        """The exposition: every family once (HELP, TYPE, every device's samples), then the scrape series.

        Byte for byte what ``render_families`` + ``write_scrape_meta`` give for the same results.
        """
        held = [h for name in self.order if (h := self.held.get(name)) is not None]
        families: dict[str, None] = {}
        for h in held:
            for name in h.families:
                families.setdefault(name)
        inflate = zlib.decompress
        for name in families:
            yield self.headers[name]
            for h in held:
                found = h.samples.get(name)
                if found is not None:
                    yield inflate(found)
        yield device_meta([h.result for h in held], prefixes).encode()

    def size(self) -> int:
        """Bytes of samples as served (the exposition without headers and scrape series)."""
        return sum(h.size for h in self.held.values())

    def held_size(self) -> int:
        """Bytes of samples as held (compressed)."""
        return sum(len(b) for h in self.held.values() for b in h.samples.values())

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
            "samples_bytes": self.size(), "held_bytes": self.held_size(),
        }
