"""sockstat: socket counts and memory per protocol from /proc/net/sockstat and sockstat6."""

from __future__ import annotations

import os

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class SockstatCollector(Collector):
    name = "sockstat"

    def setup(self) -> None:
        self.page_size = os.sysconf("SC_PAGESIZE")

    def collect(self) -> list[Family]:
        families: list[Family] = []
        for name in ("sockstat", "sockstat6"):
            try:
                text = self.files.text(f"{self.paths.proc}/net/{name}")
            except FileNotFoundError:
                continue
            for line in text.splitlines():
                protocol, _, rest = line.partition(":")
                fields = rest.split()
                for key, value in zip(fields[::2], fields[1::2], strict=False):
                    if protocol == "sockets":
                        families.append(Family("node_sockstat_sockets_used", "Number of IPv4 sockets in use.")
                                        .add(int(value)))
                        continue
                    families.append(Family(f"node_sockstat_{protocol}_{key}",
                                           f"Number of {protocol} sockets in state {key}.").add(int(value)))
                    if key == "mem":  # pages, for TCP and UDP
                        families.append(Family(f"node_sockstat_{protocol}_mem_bytes",
                                               f"Number of {protocol} sockets in state mem_bytes.")
                                        .add(int(value) * self.page_size))
        return families
