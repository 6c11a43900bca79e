"""One collector per file, named like node_exporter's; ``build_collectors`` picks the enabled ones."""

from __future__ import annotations

from collections.abc import Iterable

from agents.host.collectors.arp import ArpCollector
from agents.host.collectors.base import Collector, CollectorError
from agents.host.collectors.conntrack import ConntrackCollector
from agents.host.collectors.cpu import CpuCollector
from agents.host.collectors.diskstats import DiskstatsCollector
from agents.host.collectors.entropy import EntropyCollector
from agents.host.collectors.filefd import FilefdCollector
from agents.host.collectors.filesystem import FilesystemCollector
from agents.host.collectors.loadavg import LoadavgCollector
from agents.host.collectors.meminfo import MeminfoCollector
from agents.host.collectors.netclass import NetclassCollector
from agents.host.collectors.netdev import NetdevCollector
from agents.host.collectors.netstat import NetstatCollector
from agents.host.collectors.os_release import OsCollector
from agents.host.collectors.pressure import PressureCollector
from agents.host.collectors.processes import ProcessesCollector
from agents.host.collectors.selinux import SelinuxCollector
from agents.host.collectors.sockstat import SockstatCollector
from agents.host.collectors.softnet import SoftnetCollector
from agents.host.collectors.stat import StatCollector
from agents.host.collectors.textfile import TextfileCollector
from agents.host.collectors.time import TimeCollector
from agents.host.collectors.timex import TimexCollector
from agents.host.collectors.udp_queues import UdpQueuesCollector
from agents.host.collectors.uname import UnameCollector
from agents.host.collectors.vmstat import VmstatCollector
from agents.host.procfs import Paths

COLLECTOR_CLASSES: tuple[type[Collector], ...] = (
    ArpCollector, ConntrackCollector, CpuCollector, DiskstatsCollector, EntropyCollector, FilefdCollector,
    FilesystemCollector, LoadavgCollector, MeminfoCollector, NetclassCollector, NetdevCollector, NetstatCollector,
    OsCollector, PressureCollector, ProcessesCollector, SelinuxCollector, SockstatCollector, SoftnetCollector,
    StatCollector, TextfileCollector, TimeCollector, TimexCollector, UdpQueuesCollector, UnameCollector,
    VmstatCollector,
)
COLLECTOR_NAMES = tuple(sorted(c.name for c in COLLECTOR_CLASSES))

__all__ = ["COLLECTOR_NAMES", "Collector", "CollectorError", "build_collectors"]


def build_collectors(enable: Iterable[str] = (), disable: Iterable[str] = (), textfile_dir: str | None = None,
                     root: str = "/") -> list[Collector]:
    """The collectors to run: the defaults, plus ``enable``, minus ``disable`` (unknown names raise ValueError)."""
    enable, disable = set(enable), set(disable)
    unknown = (enable | disable) - set(COLLECTOR_NAMES)
    if unknown:
        raise ValueError(f"unknown collector(s) {', '.join(sorted(unknown))}; known: {', '.join(COLLECTOR_NAMES)}")
    paths = Paths(root)
    chosen: list[Collector] = []
    for cls in sorted(COLLECTOR_CLASSES, key=lambda c: c.name):
        if cls.name in disable or not (cls.enabled_by_default or cls.name in enable):
            continue
        if cls is TextfileCollector:
            chosen.append(TextfileCollector(textfile_dir, paths=paths))
        else:
            chosen.append(cls(paths))
    return chosen
