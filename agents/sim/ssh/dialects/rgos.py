"""Ruijie RGOS: IOS-like modes and errors, ``enable service …`` switches, ``GigabitEthernet 0/1`` names, ``write``."""

from __future__ import annotations

from agents.sim.ssh import hooks
from agents.sim.ssh.device import Hook
from agents.sim.ssh.dialect import Command, Dialect, Layout, Mode, flag, line, merge
from agents.sim.ssh.dialects import ios

VLAN_RANGE = Command("vlan range <vlans:vlanlist>", "line", hook="vlan-range", block="vlan")
GLOBAL = [  # RGOS-only global commands, inserted before the IOS command of the same block
    ("aaa new-model", line("aaa local authentication attempts <n:int:1-2147483647>", block="aaa",
                           undo="aaa local authentication attempts")),
    ("aaa new-model", line("aaa local authentication lockout-time <n:int:1-43200>", block="aaa",
                           undo="aaa local authentication lockout-time")),
    ("tacacs server <name:word>", line("tacacs-server host <ip:ipv4> [key [{type=0|7}] <pw:word>]", key=("ip",),
                                       hook="password", block="tacacs", undo="tacacs-server host <ip:ipv4>")),
    ("tacacs server <name:word>", line("radius-server host <ip:ipv4> [key [{type=0|7}] <pw:word>]", key=("ip",),
                                       hook="password", block="tacacs", undo="radius-server host <ip:ipv4>")),
    ("lldp run", flag("lldp enable", block="lldp")),
    ("logging host <ip:ipv4>", line("logging server <ip:ipv4>", key=("ip",), block="logging")),
    ("logging host <ip:ipv4>", line("logging source interface <if:iface>", block="logging",
                                    undo="logging source interface")),
    ("snmp-server enable traps", line("snmp-server enable version <v:word...>", block="snmp",
                                      undo="snmp-server enable version")),
    ("ntp source <if:iface>", flag("ntp update-calendar", block="ntp")),
]
VIEW = line("snmp-server view <view:word> <subtree:word> {kind=include|exclude}", key=("view", "subtree"),
            block="snmp")
"""RGOS spells the view kinds ``include`` / ``exclude`` (IOS: ``included`` / ``excluded``)."""
INTERFACE = [merge("switchport trunk allowed vlan only <vlans:vlanlist>", "vlans")]


def _copy(command: Command) -> Command:
    """A command object of RGOS's own (a command's rank is its place in its own mode)."""
    return Command(**{k: getattr(command, k) for k in Command.__dataclass_fields__})


def _with(commands: list[Command], extra: list[tuple[str, Command]]) -> list[Command]:
    out = [_copy(c) for c in commands]
    for before, command in extra:
        at = next(i for i, c in enumerate(out) if c.pattern == before)
        out.insert(at, command)
    return out


def dialect() -> Dialect:
    user, privileged = ios.exec_commands()
    config = [VIEW if c.pattern.startswith("snmp-server view ") else c
              for c in _with(ios.config_commands(enable_service=True), GLOBAL)]
    config.insert(next(i for i, c in enumerate(config) if c.mode == "vlan") + 1, VLAN_RANGE)
    table: dict[str, Mode] = {
        "user": Mode("user", "{host}>", user, parent_exec=False),
        "enable": Mode("enable", "{host}#", privileged, parent_exec=False),
        "config": Mode("config", "{host}(config)#", config),
    }
    for name, (prompt, commands) in ios.modes().items():
        if name == "interface":
            commands = _with(commands, [("switchport access vlan <vlan:int:1-4094>", c) for c in INTERFACE])
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
