"""Ruijie RGOS: IOS-like modes and errors, ``enable service …`` switches, ``GigabitEthernet 0/1`` names, ``write``."""

from __future__ import annotations

from agents.sim.ssh import hooks
from agents.sim.ssh.device import Hook
from agents.sim.ssh.dialect import Command, Dialect, Layout, Mode
from agents.sim.ssh.dialects import ios

VLAN_RANGE = Command("vlan range <vlans:vlanlist>", "line", hook="vlan-range", block="vlan")


def dialect() -> Dialect:
    user, privileged = ios.exec_commands()
    config = ios.config_commands(enable_service=True)
    config.insert(next(i for i, c in enumerate(config) if c.mode == "vlan") + 1, VLAN_RANGE)
    table: dict[str, Mode] = {
        "user": Mode("user", "{host}>", user, parent_exec=False),
        "enable": Mode("enable", "{host}#", privileged, parent_exec=False),
        "config": Mode("config", "{host}(config)#", config),
    }
    for name, (prompt, commands) in ios.modes().items():
        table[name] = Mode(name, prompt, commands)
    everywhere = [*ios.dialect().everywhere]
    return Dialect(
        name="rgos", vendor="ruijie", modes=table, everywhere=everywhere,
        layout=Layout(separator="!", end="end", vlan_list="dash"), errors=ios.ERRORS,  # type: ignore[arg-type]
        negation="no", login_mode="user", config_mode="config", default_hostname="Ruijie", space_in_names=True,
        interface_types=(("GigabitEthernet", ("gi", "gigabitethernet"), False),
                         ("TenGigabitEthernet", ("te", "tengigabitethernet"), False),
                         ("AggregatePort", ("ag", "aggregateport"), True), ("VLAN", ("vlan",), True),
                         ("Loopback", ("lo", "loopback"), True), ("Null", ("null",), False)),
        extra=ios._extra("version RGOS 11.0(5)B9P59", ""),
    )


HOOKS: dict[str, Hook] = {**ios.HOOKS, "secret": ios.secret_hook("5"), "user": ios.user_hook("5"),
                          "vlan-range": hooks.vlan_range}
