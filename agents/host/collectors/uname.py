"""uname: node_uname_info labelled like uname(2); Grafana's Node Exporter Full variables read it."""

from __future__ import annotations

import os

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

_LABELS = ("domainname", "machine", "nodename", "release", "sysname", "version")


class UnameCollector(Collector):
    name = "uname"

    def collect(self) -> list[Family]:
        u = os.uname()
        domain = self.files.attr(f"{self.paths.proc}/sys/kernel/domainname") or "(none)"
        return [Family("node_uname_info", "Labeled system information as provided by the uname system call.",
                       labelnames=_LABELS).add(1, domain, u.machine, u.nodename, u.release, u.sysname, u.version)]
