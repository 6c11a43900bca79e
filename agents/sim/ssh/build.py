"""A topology device → its simulated twin: the dialect its vendor speaks, its ports, its factory configuration."""

from __future__ import annotations

from functools import cache

from agents.sim.ssh import factory
from agents.sim.ssh.accounts import LoginAccount
from agents.sim.ssh.actions import run_action
from agents.sim.ssh.device import Frame, Hook, SimDevice
from agents.sim.ssh.dialect import Dialect
from yunwang.hardware import port_name, profile_for
from yunwang.topology import Device, DeviceRole, Vendor

_FACTORY: dict[Vendor, factory.FactoryConfig] = {
    Vendor.HUAWEI: factory.vrp, Vendor.H3C: factory.comware, Vendor.CISCO: factory.ios, Vendor.RUIJIE: factory.rgos,
}


@cache
def dialect_for(vendor: Vendor, firewall: bool) -> tuple[Dialect, dict[str, Hook]]:
    """One dialect object per vendor (and firewall variant), shared by every device that speaks it."""
    if vendor == Vendor.HUAWEI:
        from agents.sim.ssh.dialects import vrp
        return vrp.dialect(firewall), vrp.HOOKS
    if vendor == Vendor.H3C:
        from agents.sim.ssh.dialects import comware
        return comware.dialect(firewall), comware.HOOKS
    if vendor == Vendor.CISCO:
        from agents.sim.ssh.dialects import ios
        return ios.dialect(), ios.HOOKS
    from agents.sim.ssh.dialects import rgos
    return rgos.dialect(), rgos.HOOKS


def build_device(device: Device, account: LoginAccount) -> SimDevice:
    """The device in its factory state (configuration saved, as shipped)."""
    dialect, hooks = dialect_for(device.vendor, device.role == DeviceRole.FIREWALL)
    profile = profile_for(device)
    ports = [port_name(device, i) for i in range(1, device.interfaces + 1)]
    sim = SimDevice(device.name, dialect, ports, [name for name, _type in profile.logical],
                    profile.descr.format(model=device.model), hooks, run_action)
    stack = [*sim.login_frames(account.name), Frame(dialect.config_mode, sim.root)]
    for command in _FACTORY[device.vendor](device, account):
        reply = sim.execute(stack, command, "factory")
        if reply.output.lstrip().startswith(("Error", "%")) or "\nError" in reply.output or "\n%" in reply.output:
            raise AssertionError(f"{device.name}: factory command {command!r} rejected by the {dialect.name} "
                                 f"grammar:\n{reply.output}")
    sim.changed = None
    sim.save()
    return sim
