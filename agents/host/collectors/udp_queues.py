"""udp_queues: bytes queued in UDP sockets (tx and rx, IPv4 and IPv6) from /proc/net/udp{,6}."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class UdpQueuesCollector(Collector):
    name = "udp_queues"

    def collect(self) -> list[Family]:
        family = Family("node_udp_queues", "Number of allocated memory in the kernel for UDP datagrams in bytes.",
                        labelnames=("ip", "queue"))
        for ip, name in (("v4", "udp"), ("v6", "udp6")):
            try:
                lines = self.files.text(f"{self.paths.proc}/net/{name}").splitlines()[1:]
            except FileNotFoundError:
                continue
            tx = rx = 0
            for line in lines:
                fields = line.split()
                if len(fields) > 4:
                    tx_hex, _, rx_hex = fields[4].partition(":")
                    tx += int(tx_hex, 16)
                    rx += int(rx_hex, 16)
            family.add(tx, ip, "tx").add(rx, ip, "rx")
        return [family]
