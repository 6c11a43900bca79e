"""Command definitions that several dialects share word for word (VRP and Comware ACL rules, display)."""

from __future__ import annotations

from agents.sim.ssh.dialect import Command, line, run

_ADDRESS = "{<{side}:ipv4> <{side}w:wildcard>|any}"
_PORT = "{{eq <{p}:port>|gt <{p}:port>|lt <{p}:port>|neq <{p}:port>|range <{p}:port> <{p}2:port>}}"


def _address(side: str) -> str:
    return "{<" + side + ":ipv4> <" + side + "w:wildcard>|any}"


ACL_BASIC_RULE = line(
    "rule [<id:int:0-4294967294>] {act=permit|deny} [* source " + _address("src") + " | logging | "
    "time-range <tr:word> | vpn-instance <vpn:word> | counting ]",
    key=("id",), hook="acl-rule", sort=True, undo="rule <id:int:0-4294967294>")

ACL_ADV_RULE = line(
    "rule [<id:int:0-4294967294>] {act=permit|deny} {proto=ip|tcp|udp|icmp|gre|ospf|igmp|<pn:int:0-255>} "
    "[* source " + _address("src") + " | source-port " + _PORT.format(p="sp") + " | destination "
    + _address("dst") + " | destination-port " + _PORT.format(p="dp") + " | icmp-type <icmp:word> | logging | "
    "time-range <tr:word> | vpn-instance <vpn:word> | counting ]",
    key=("id",), hook="acl-rule", sort=True, undo="rule <id:int:0-4294967294>")


def display_commands(verb: str, running: str, startup: str) -> list[Command]:
    """``display|show`` of the running and saved configuration, of the current section and of the version."""
    return [
        run(f"{verb} {running} [interface <if:iface>]", "display-config"),
        run(f"{verb} {startup}", "display-saved"),
        run(f"{verb} this", "display-this"),
        run(f"{verb} version", "display-version"),
    ]
