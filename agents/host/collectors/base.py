"""What a collector is: a name (node_exporter's), a deadline, and ``collect()`` returning metric families.

Defining a subclass with a ``name`` registers it (``REGISTRY``), as node_exporter's files call
``registerCollector`` from ``init()``: the agent's collectors are the registered classes of
``agents.host.collectors``'s modules, so a new collector is one new file there.
"""

from __future__ import annotations

from typing import Any, Self

from agents.host.exposition import Family
from agents.host.procfs import FileCache, Paths

SHARED_FILES = FileCache()
REGISTRY: dict[str, type[Collector]] = {}


class CollectorOptions:
    """The agent's options that some collectors take (``--textfile-dir``). A plain class: a dataclass (its
    methods are generated and compiled at import) added 2.8 M instructions, ~1 %, to the agent's start-up."""

    __slots__ = ("textfile_dir",)

    def __init__(self, textfile_dir: str | None = None) -> None:
        self.textfile_dir = textfile_dir


class CollectorError(Exception):
    """The collector could not read its source; the scrape goes on and reports success 0 for it."""


class Collector:
    """Base class. Subclasses set ``name`` and implement ``collect``; ``reentrant`` lets a new scrape start the
    collector while an earlier, hung call is still inside it (filesystem does, skipping the stuck mount)."""

    name: str = ""
    timeout: float = 3.0  # a hung collector is given up after 3–6 s, inside Prometheus's 10 s scrape timeout
    reentrant: bool = False
    enabled_by_default: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if not name:
            return  # a base for other collectors, not one itself
        known = REGISTRY.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise TypeError(f"collector name {name!r} of {cls.__module__}.{cls.__qualname__} is taken by "
                            f"{known.__module__}.{known.__qualname__}")
        REGISTRY[name] = cls

    @classmethod
    def from_options(cls, paths: Paths, options: CollectorOptions) -> Self:
        """The collector as the agent builds it; one that takes options of its own overrides this."""
        return cls(paths)

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
