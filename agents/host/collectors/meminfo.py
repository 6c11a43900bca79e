"""meminfo: every /proc/meminfo field as node_memory_<Field>[_bytes], named exactly as node_exporter does."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

_NAMES: dict[tuple[str, bool], tuple[str, str]] = {}


def _name(key: str, in_kb: bool) -> tuple[str, str]:
    """(metric name, help) for a meminfo key: ``Active(anon)`` → ``node_memory_Active_anon_bytes``."""
    cached = _NAMES.get((key, in_kb))
    if cached is None:
        field = key.replace("(", "_").replace(")", "")
        if in_kb:
            field += "_bytes"
        cached = _NAMES[(key, in_kb)] = (f"node_memory_{field}", f"Memory information field {field}.")
    return cached


class MeminfoCollector(Collector):
    name = "meminfo"

    def collect(self) -> list[Family]:
        families: list[Family] = []
        for line in self.files.text(f"{self.paths.proc}/meminfo").splitlines():
            key, _, rest = line.partition(":")
            parts = rest.split()
            if not parts:
                continue
            in_kb = len(parts) > 1 and parts[1] == "kB"
            value = int(parts[0]) * 1024 if in_kb else int(parts[0])
            name, help_text = _name(key, in_kb)
            families.append(Family(name, help_text).add(value))
        return families
