"""Import every module of a package so that what they define registers itself (collectors, fact readers).

Like node_exporter's ``registerCollector`` in each file's ``init()``: adding a collector or a fact reader is one
new file in its folder, with no list elsewhere to keep in step.
"""

from __future__ import annotations

import importlib
import pkgutil


def import_modules(package: str) -> list[str]:
    """Import the modules of ``package`` whose names do not start with ``_``, in name order; their full names."""
    path = importlib.import_module(package).__path__
    names = [f"{package}.{m.name}" for m in sorted(pkgutil.iter_modules(path), key=lambda m: m.name)
             if not m.name.startswith("_")]
    for name in names:
        importlib.import_module(name)
    return names
