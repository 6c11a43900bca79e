"""conntrack: netfilter connection-tracking table usage and per-CPU statistics (summed)."""

from __future__ import annotations

from agents.host.collectors.base import Collector, CollectorError
from agents.host.exposition import Family

_STATS = {
    "found": "Number of searched entries which were successful.",
    "invalid": "Number of packets seen which can not be tracked.",
    "ignore": "Number of packets seen which are already connected to a conntrack entry.",
    "insert": "Number of entries inserted into the list.",
    "insert_failed": "Number of entries for which list insertion was attempted but failed.",
    "drop": "Number of packets dropped due to conntrack failure.",
    "early_drop": "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.",
    "search_restart": "Number of conntrack table lookups which had to be restarted due to hashtable resizes.",
}


class ConntrackCollector(Collector):
    name = "conntrack"

    def collect(self) -> list[Family]:
        base = f"{self.paths.proc}/sys/net/netfilter"
        entries, limit = self.files.int(f"{base}/nf_conntrack_count"), self.files.int(f"{base}/nf_conntrack_max")
        if entries is None or limit is None:
            raise CollectorError("nf_conntrack is not loaded")
        families = [
            Family("node_nf_conntrack_entries",
                   "Number of currently allocated flow entries for connection tracking.").add(entries),
            Family("node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.").add(limit),
        ]
        try:
            lines = self.files.text(f"{self.paths.proc}/net/stat/nf_conntrack").splitlines()
        except OSError:
            return families
        header = lines[0].split()
        sums = dict.fromkeys(header, 0)
        for line in lines[1:]:
            for key, value in zip(header, line.split(), strict=False):
                sums[key] += int(value, 16)
        families.extend(Family(f"node_nf_conntrack_stat_{key}", help_text).add(sums[key])
                        for key, help_text in _STATS.items() if key in sums)
        return families
