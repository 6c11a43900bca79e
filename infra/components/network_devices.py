"""NetworkDevices: one ``DeviceConfig`` resource a network device of a region, managed over SSH by ``pulumi up``.

Each device's inputs are its name, the stack's topology file (as ``yunwang:topology`` names it), its management
address and the SHA-256 of its rendered configuration with every secret masked: a change of intent changes the
hash, so Pulumi shows the device as changing; the remediation itself is computed against the live device (see
:mod:`infra.network.provider`). No secret is an input or an output: the provider reads the administrators'
passwords and the keys from the environment of the machine running ``pulumi up`` when it pushes.

The component holds no Kubernetes object; turn device management off with ``yunwang:manageDevices: false`` for a
stack whose Pulumi runs cannot reach the devices over SSH.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.common import Manifest
from infra.component import Component
from infra.network.intent_digest import config_hash
from infra.secret_values import Secret
from yunwang.contracts.device_access import SSH_PORT
from yunwang.topology import Region


@dataclass(frozen=True)
class ManagedDevice:
    name: str
    address: str
    """HOST:PORT of its SSH server."""
    config_sha256: str


@dataclass(frozen=True)
class DeviceManagement:
    """What the program reads to manage devices (``yunwang:manageDevices`` on, the default)."""

    topology: str
    """``yunwang:topology``: the topology file, relative to the project folder."""
    topology_yaml: str
    login_password: Secret[str] | None
    """``yunwang:deviceSystemPassword``: the drift CronJobs log in with it."""
    known_hosts: str | None = None
    """``yunwang:deviceKnownHosts``: the devices' SSH host keys."""


@dataclass(frozen=True)
class NetworkDevicesArgs:
    region: Region
    stack: str
    topology: str
    """The topology file, relative to the project folder (``yunwang:topology``)."""
    devices: tuple[ManagedDevice, ...]
    known_hosts: str | None = None
    """Trusted SSH host keys (known_hosts lines); None: the known_hosts of the user running Pulumi."""


def managed_device(name: str, mgmt: str, masked_config: str) -> ManagedDevice:
    return ManagedDevice(name, f"{mgmt}:{SSH_PORT}", config_hash(masked_config))


def resource_name(region: str, device: str) -> str:
    """``<region>/devices/<device>``: region first, as every resource name of the plan."""
    return f"{region}/devices/{device}"


class NetworkDevices(Component[NetworkDevicesArgs]):
    """The region's DeviceConfig resources (their parent)."""

    TYPE = "yunwang:infra:NetworkDevices"

    def __init__(self, name: str, args: NetworkDevicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        from infra.network.provider import DeviceConfig

        pulumi.ComponentResource.__init__(self, self.TYPE, name, None, opts)
        self.children = [
            DeviceConfig(resource_name(args.region.name, d.name), {
                "device": d.name, "stack": args.stack, "topology": args.topology, "address": d.address,
                "config_sha256": d.config_sha256, "known_hosts": args.known_hosts},
                opts=pulumi.ResourceOptions(parent=self))
            for d in args.devices]
        self.register_outputs({})

    @staticmethod
    def manifests(args: NetworkDevicesArgs) -> list[Manifest]:
        return []
