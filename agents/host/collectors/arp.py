"""arp: node_arp_entries{device} counted from /proc/net/arp."""

from __future__ import annotations

from collections import Counter

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class ArpCollector(Collector):
    name = "arp"

    def collect(self) -> list[Family]:
        counts = Counter(line.split()[-1] for line in self.files.text(f"{self.paths.proc}/net/arp").splitlines()[1:]
                         if line.strip())
        family = Family("node_arp_entries", "ARP entries by device", labelnames=("device",))
        for device in sorted(counts):
            family.add(counts[device], device)
        return [family]
