"""What each device model looks like: interface naming (CLI, SNMP), sysObjectID, sysDescr, entity style.

One definition shared by the SNMP simulator, the device-configuration renderers and the SSH simulator, so a
port is called the same on every side of the network half.

The formats follow real recordings (the ``snmpsim-data`` collection on PyPI): Huawei VRP sysDescr with
CR/LF lines and ``GigabitEthernet0/0/1`` / ``XGigabitEthernet0/0/1`` ports, H3C Comware with
``Ten-GigabitEthernet1/0/1``, Ruijie with ``GigabitEthernet 0/1`` (ifName ``Gi0/1``), Cisco IOS XE with
``GigabitEthernet0/0/0``. sysObjectIDs marked ``recorded`` come from those recordings or public device
fixtures; the others sit in the vendor's product subtree for that family (same arc as recorded siblings),
which is what pollers key on (``1.3.6.1.4.1.2011.*`` Huawei, ``25506.*`` H3C, ``4881.*`` Ruijie, ``9.*`` Cisco).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yunwang.topology import Device, DeviceRole, Vendor

PortNamer = Callable[[int, int], tuple[str, str, int]]
"""(port number 1.., port count) → (ifDescr, ifName, nominal speed in Mbit/s)."""


@dataclass(frozen=True)
class ModelProfile:
    sys_object_id: str
    descr: str
    """sysDescr; ``{model}`` is replaced by the device's model."""
    port: PortNamer
    logical: tuple[tuple[str, int], ...]
    """Non-physical interfaces after the ports: (name, ifType)."""
    entity: str
    """Vendor entity-extension MIB for CPU/memory/temperature: ``huawei``, ``h3c`` or ``""``."""
    services: int = 6
    recorded: bool = False


def _huawei_box(gig: int) -> PortNamer:
    """Fixed-port Huawei switch: ``gig`` GE ports then 10GE uplinks (S5735-L48T4X: 48 + 4)."""
    def name(p: int, count: int) -> tuple[str, str, int]:
        if p <= gig or count <= gig:
            label = f"GigabitEthernet0/0/{p}"
            return label, label, 1000
        label = f"XGigabitEthernet0/0/{p - gig}"
        return label, label, 10000
    return name


def _slotted(prefix: str, speed: int, per_slot: int, first_port: int, slot_base: int = 1,
             middle: str = "/0/") -> PortNamer:
    """Chassis or router ports: ``<prefix><slot><middle><n>``, ``per_slot`` ports per slot."""
    def name(p: int, count: int) -> tuple[str, str, int]:
        slot, index = divmod(p - 1, per_slot)
        label = f"{prefix}{slot + slot_base}{middle}{index + first_port}"
        return label, label, speed
    return name


def _ruijie(p: int, count: int) -> tuple[str, str, int]:
    if p <= 24 or count <= 24:
        return f"GigabitEthernet 0/{p}", f"Gi0/{p}", 1000
    return f"TenGigabitEthernet 0/{p}", f"Te0/{p}", 10000


def _cisco(p: int, count: int) -> tuple[str, str, int]:
    slot, index = divmod(p - 1, 4)
    return f"GigabitEthernet0/{slot}/{index}", f"Gi0/{slot}/{index}", 1000


_VRP = ("{model}\r\nHuawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 "
        "({model} V200R021C10SPC600)\r\nCopyright (C) 2000-2023 HUAWEI TECH Co., Ltd.")
_VRP8 = ("Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.210 ({model} "
         "V800R021C10SPC600)\r\nCopyright (C) 2012-2023 Huawei Technologies Co., Ltd.\r\nHUAWEI {model}")
_COMWARE = ("H3C Comware Platform Software, Software Version 7.1.070, Release 7607\r\nH3C {model}\r\n"
            "Copyright (c) 2004-2023 New H3C Technologies Co., Ltd. All rights reserved.")
_RGOS = "Ruijie Full Gigabit Security & Intelligence Access Switch({model}) By Ruijie Networks"
_IOSXE = ("Cisco IOS Software [Cupertino], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, "
          "RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport\r\n"
          "Copyright (c) 1986-2023 by Cisco Systems, Inc.")

_HUAWEI_SWITCH_LOGICAL = (("InLoopBack0", 24), ("NULL0", 1), ("Vlanif1", 136))
_HUAWEI_ROUTER_LOGICAL = (("InLoopBack0", 24), ("NULL0", 1), ("LoopBack0", 24))
_H3C_LOGICAL = (("InLoopBack0", 24), ("NULL0", 1), ("Vlan-interface1", 136))

MODELS: dict[str, ModelProfile] = {
    # Huawei S5735-L access switches (S5700 family arc 2011.2.23; S5720 recorded as .276)
    "S5735-L48T4X": ModelProfile("1.3.6.1.4.1.2011.2.23.614", _VRP, _huawei_box(48), _HUAWEI_SWITCH_LOGICAL,
                                 "huawei", 6, recorded=True),
    "S5735-L24T4X": ModelProfile("1.3.6.1.4.1.2011.2.23.613", _VRP, _huawei_box(24), _HUAWEI_SWITCH_LOGICAL,
                                 "huawei", 6),
    "USG6650E": ModelProfile("1.3.6.1.4.1.2011.2.239.212", _VRP8, _slotted("GigabitEthernet", 1000, 24, 0, 1),
                             _HUAWEI_ROUTER_LOGICAL, "huawei", 78),
    "USG6525E": ModelProfile("1.3.6.1.4.1.2011.2.239.210", _VRP8, _slotted("GigabitEthernet", 1000, 24, 0, 1),
                             _HUAWEI_ROUTER_LOGICAL, "huawei", 78),
    "NE40E-X8A": ModelProfile("1.3.6.1.4.1.2011.2.62.2.56", _VRP8,
                              _slotted("GigabitEthernet", 10000, 24, 0, 1), _HUAWEI_ROUTER_LOGICAL, "huawei", 78),
    "AR6280": ModelProfile("1.3.6.1.4.1.2011.2.224.279", _VRP, _slotted("GigabitEthernet", 1000, 12, 0, 0),
                           _HUAWEI_ROUTER_LOGICAL, "huawei", 78),
    "AR502H": ModelProfile("1.3.6.1.4.1.2011.2.224.300", _VRP, _slotted("GigabitEthernet", 1000, 8, 0, 0),
                           _HUAWEI_ROUTER_LOGICAL, "huawei", 78),
    # H3C chassis (Comware 7 recorded as 25506.1.921)
    "S12508G-AF": ModelProfile("1.3.6.1.4.1.25506.1.1285", _COMWARE,
                               _slotted("Ten-GigabitEthernet", 10000, 48, 1, 1), _H3C_LOGICAL, "h3c", 6),
    "S7506X": ModelProfile("1.3.6.1.4.1.25506.1.1202", _COMWARE,
                           _slotted("Ten-GigabitEthernet", 10000, 48, 1, 1), _H3C_LOGICAL, "h3c", 6),
    # Ruijie access switch (S5750 recorded as 4881.1.1.10.1.41)
    "RG-S2928G-E": ModelProfile("1.3.6.1.4.1.4881.1.1.10.1.263", _RGOS, _ruijie,
                                (("Null 0", 1), ("VLAN 1", 136)), "", 6),
    "ISR4451-X": ModelProfile("1.3.6.1.4.1.9.1.2062", _IOSXE, _cisco, (("Null0", 1), ("Loopback0", 24)), "", 78),
}

_FALLBACK: dict[Vendor, ModelProfile] = {
    Vendor.HUAWEI: ModelProfile("1.3.6.1.4.1.2011.2.23.276", _VRP, _huawei_box(48), _HUAWEI_SWITCH_LOGICAL,
                                "huawei", 6, recorded=True),
    Vendor.H3C: ModelProfile("1.3.6.1.4.1.25506.1.921", _COMWARE, _slotted("Ten-GigabitEthernet", 10000, 48, 1),
                             _H3C_LOGICAL, "h3c", 6, recorded=True),
    Vendor.RUIJIE: ModelProfile("1.3.6.1.4.1.4881.1.1.10.1.41", _RGOS, _ruijie, (("Null 0", 1),), "", 6,
                                recorded=True),
    Vendor.CISCO: ModelProfile("1.3.6.1.4.1.9.1.516", _IOSXE, _cisco, (("Null0", 1),), "", 6, recorded=True),
}

ROUTING_ROLES = frozenset({DeviceRole.ROUTER, DeviceRole.FIREWALL, DeviceRole.IOT_GATEWAY, DeviceRole.CORE})


def profile_for(device: Device) -> ModelProfile:
    """The model's profile, or the vendor's generic one for a model not listed above."""
    return MODELS.get(device.model) or _FALLBACK[device.vendor]


def port_name(device: Device, port: int) -> str:
    """The CLI name of a device's physical port (1-based), as the device prints it (ifDescr)."""
    return profile_for(device).port(port, device.interfaces)[0]
