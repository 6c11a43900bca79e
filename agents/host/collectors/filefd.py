"""filefd: allocated and maximum file handles from /proc/sys/fs/file-nr."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class FilefdCollector(Collector):
    name = "filefd"

    def collect(self) -> list[Family]:
        allocated, _, maximum = self.files.text(f"{self.paths.proc}/sys/fs/file-nr").split()[:3]
        return [Family("node_filefd_allocated", "File descriptor statistics: allocated.").add(int(allocated)),
                Family("node_filefd_maximum", "File descriptor statistics: maximum.").add(int(maximum))]
