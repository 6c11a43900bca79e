"""One collector per file, named like node_exporter's; ``build_collectors`` picks the enabled ones.

A collector registers itself by defining a ``Collector`` subclass with a ``name`` (see base.py): adding one is a
new file in this folder and nothing else. The modules are imported when the collectors are first asked for, so
importing one of them (the fact readers use ``timex`` and ``os_release``) does not load all the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from agents.host.collectors.base import REGISTRY, Collector, CollectorError, CollectorOptions
from agents.host.discovery import import_modules
from agents.host.procfs import Paths

__all__ = ["Collector", "CollectorError", "build_collectors", "collector_classes"]


def collector_classes(package: str = __name__) -> dict[str, type[Collector]]:
    """Name → class of every collector defined in the modules of ``package``, by name (the scrape order)."""
    modules = set(import_modules(package))
    return {name: cls for name, cls in sorted(REGISTRY.items()) if cls.__module__ in modules}


def build_collectors(enable: Iterable[str] = (), disable: Iterable[str] = (), textfile_dir: str | None = None,
                     root: str = "/") -> list[Collector]:
    """The collectors to run: the defaults, plus ``enable``, minus ``disable`` (unknown names raise ValueError)."""
    classes = collector_classes()
    enable, disable = set(enable), set(disable)
    unknown = (enable | disable) - set(classes)
    if unknown:
        raise ValueError(f"unknown collector(s) {', '.join(sorted(unknown))}; known: {', '.join(classes)}")
    paths, options = Paths(root), CollectorOptions(textfile_dir=textfile_dir)
    return [cls.from_options(paths, options) for name, cls in classes.items()
            if name not in disable and (cls.enabled_by_default or name in enable)]
