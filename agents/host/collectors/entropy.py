"""entropy: the kernel entropy pool's available bits and size."""

from __future__ import annotations

from agents.host.collectors.base import Collector, CollectorError
from agents.host.exposition import Family


class EntropyCollector(Collector):
    name = "entropy"

    def collect(self) -> list[Family]:
        base = f"{self.paths.proc}/sys/kernel/random"
        available, pool = self.files.int(f"{base}/entropy_avail"), self.files.int(f"{base}/poolsize")
        if available is None or pool is None:
            raise CollectorError(f"cannot read {base}/entropy_avail or poolsize")
        return [Family("node_entropy_available_bits", "Bits of available entropy.").add(available),
                Family("node_entropy_pool_size_bits", "Bits of entropy pool.").add(pool)]
