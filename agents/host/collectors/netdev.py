"""netdev: node_network_{receive,transmit}_*_total{device} from /proc/net/dev."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

_RECEIVE = ("bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast")
_TRANSMIT = ("bytes", "packets", "errs", "drop", "fifo", "colls", "carrier", "compressed")
_STATS = tuple(f"receive_{s}" for s in _RECEIVE) + tuple(f"transmit_{s}" for s in _TRANSMIT)


IGNORED_DEVICES = {"lo"}  # Debian's node_exporter 1.5 default: --collector.netdev.device-exclude="^lo$"


class NetdevCollector(Collector):
    name = "netdev"

    def collect(self) -> list[Family]:
        families = [Family(f"node_network_{stat}_total", f"Network device statistic {stat}.", "counter",
                           ("device",)) for stat in _STATS]
        # /proc/net/dev lacks this one; node_exporter gets it over netlink, sysfs has it too.
        no_handler = Family("node_network_receive_nohandler_total", "Network device statistic receive_nohandler.",
                            "counter", ("device",))
        for line in self.files.text(f"{self.paths.proc}/net/dev").splitlines()[2:]:
            device, _, rest = line.partition(":")
            device = device.strip()
            if device in IGNORED_DEVICES:
                continue
            values = rest.split()
            labels = (device,)
            for family, value in zip(families, values, strict=False):
                family.samples.append((labels, int(value)))
            sysfs = f"{self.paths.sys}/class/net/{labels[0]}"
            nohandler = self.files.int(f"{sysfs}/statistics/rx_nohandler") if self.files.revalidate(sysfs) else None
            if nohandler is not None:
                no_handler.add(nohandler, *labels)
        families.append(no_handler)
        return families
