"""Import every module of a package so that what they define registers itself (collectors, fact readers).

Like node_exporter's ``registerCollector`` in each file's ``init()``: adding a collector or a fact reader is one
new file in its folder, with no list elsewhere to keep in step. The folder is listed with ``os.listdir`` rather
than ``pkgutil``, whose import alone cost the agent's start-up about half a millisecond more.
"""

from __future__ import annotations

import importlib
import os


def import_modules(package: str) -> list[str]:
    """Import the ``*.py`` modules of ``package`` whose names do not start with ``_``, in name order; their full
    names."""
    names = sorted({f"{package}.{entry[:-3]}" for folder in importlib.import_module(package).__path__
                    for entry in os.listdir(folder) if entry.endswith(".py") and not entry.startswith("_")})
    for name in names:
        importlib.import_module(name)
    return names
