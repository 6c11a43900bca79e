"""The network-device vendors the project knows: the topology names them, the pollers pick MIB modules by them,
the simulators record them and the device audit reads their configurations."""

from __future__ import annotations

from enum import StrEnum


class Vendor(StrEnum):
    """A device vendor, by the lower-case name topology files and ``--vendor`` options use."""

    HUAWEI = "huawei"
    H3C = "h3c"
    CISCO = "cisco"
    RUIJIE = "ruijie"
