"""The device-config readers, one per vendor: how to recognise a vendor's running configuration and how to read it.

Each vendor module in this folder registers its reader when it is imported (``register(DeviceReader(...))``);
:func:`readers` imports every module of the folder once, so supporting a vendor is adding one file here. Vendor
detection, ``parse_device_config`` and the ``--vendor`` choices all read this registry.

Recognition works in two steps, because vendors share syntax: a *family* (VRP/Comware: ``sysname``, ``#``,
``return``; IOS/RGOS: ``hostname``, ``!``, ``end``) is recognised by markers every configuration of that syntax has,
then the vendor inside the family by markers only that vendor's output has.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from policies.devices.model import DeviceConfig
from policies.devices.tree import ConfigTree
from yunwang.contracts.vendors import Vendor

Reader = Callable[[ConfigTree, str], DeviceConfig]
"""Facts from one parsed configuration: ``read(tree, file)``."""


def markers(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """Multi-line patterns (``^`` anchors at every line), as the marker fields take them."""
    return tuple(re.compile(p, re.M) for p in patterns)


@dataclass(frozen=True)
class Family:
    """Vendors whose configurations share one syntax."""

    name: str
    syntax: str  # what a user should see in the file, for error messages: "`sysname`/`#`/`return`"
    markers: tuple[re.Pattern[str], ...]
    fallback: Vendor  # the vendor when the family's vendors' markers tie (or none matches)


@dataclass(frozen=True)
class DeviceReader:
    """One vendor: its family, the markers only its configurations carry, and its reader."""

    vendor: Vendor
    title: str  # "Huawei VRP", for messages and documentation
    family: Family
    markers: tuple[re.Pattern[str], ...]
    read: Reader


_READERS: dict[Vendor, DeviceReader] = {}
_loaded = False


def register(reader: DeviceReader) -> DeviceReader:
    """Add a vendor's reader; a vendor has exactly one."""
    existing = _READERS.get(reader.vendor)
    if existing is not None and existing.read.__module__ != reader.read.__module__:
        raise ValueError(f"device reader for {reader.vendor} registered twice ({existing.read.__module__} and "
                         f"{reader.read.__module__})")
    _READERS[reader.vendor] = reader
    return reader


def readers() -> dict[Vendor, DeviceReader]:
    """Every registered reader, in the order of :class:`Vendor` (importing this folder's modules the first time)."""
    global _loaded
    if not _loaded:
        for name in _module_names():
            importlib.import_module(f"{__package__}.{name}")
        _loaded = True
    return {vendor: _READERS[vendor] for vendor in Vendor if vendor in _READERS}


def _module_names() -> list[str]:
    """This folder's modules (a folder listing, as policies.engine lists its rules), sorted; the ones that are not
    readers (model, tree, common…) register nothing."""
    folder = os.path.dirname(__file__)
    return sorted(entry[:-3] for entry in os.listdir(folder) if entry.endswith(".py") and entry != "__init__.py")


def vendor_choices() -> tuple[str, ...]:
    """What ``--vendor`` accepts: ``auto`` (detect) or a vendor with a reader."""
    return ("auto", *(str(vendor) for vendor in readers()))


def families() -> list[Family]:
    """The families of the registered readers, each once, in vendor order."""
    seen: dict[str, Family] = {}
    for reader in readers().values():
        seen.setdefault(reader.family.name, reader.family)
    return list(seen.values())


def supported_text() -> str:
    """``Huawei VRP, H3C Comware, Cisco IOS or Ruijie RGOS``: the readers, for messages."""
    titles = [r.title for r in readers().values()]
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} or {titles[-1]}"
