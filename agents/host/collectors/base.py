"""What a collector is: a name (node_exporter's), a deadline, and ``collect()`` returning metric families."""

from __future__ import annotations

from agents.host.exposition import Family
from agents.host.procfs import FileCache, Paths

SHARED_FILES = FileCache()


class CollectorError(Exception):
    """The collector could not read its source; the scrape goes on and reports success 0 for it."""


class Collector:
    """Base class. Subclasses set ``name`` and implement ``collect``; ``reentrant`` lets a new scrape start the
    collector while an earlier, hung call is still inside it (filesystem does, skipping the stuck mount)."""

    name: str = ""
    timeout: float = 3.0  # a hung collector is given up after 3–6 s, inside Prometheus's 10 s scrape timeout
    reentrant: bool = False
    enabled_by_default: bool = True

    def __init__(self, paths: Paths | None = None, files: FileCache | None = None) -> None:
        self.paths = paths or Paths()
        self.files = files or SHARED_FILES
        self.setup()

    def setup(self) -> None:
        """One-time work (constants, compiled filters) so ``collect`` stays cheap."""

    def collect(self) -> list[Family]:
        raise NotImplementedError

    def on_timeout(self) -> None:
        """Called (from the scraping thread) when this collector missed its deadline."""
