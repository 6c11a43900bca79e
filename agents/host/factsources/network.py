"""Listening sockets from /proc/net/{tcp,tcp6,udp,udp6}, with the owning process where /proc/<pid>/fd is readable."""

from __future__ import annotations

import ipaddress
import os

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import ListeningSocket

_TCP_LISTEN = "0A"
_UDP_UNCONNECTED = "07"


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    # IPv6: four 32-bit words, each in host (little-endian) order.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    address = ipaddress.IPv6Address(words)
    return str(address.ipv4_mapped or address)


def _socket_owners(ctx: FactContext, inodes: set[str]) -> dict[str, int]:
    """socket inode → pid, for the inodes asked about (processes we may not inspect are skipped)."""
    owners: dict[str, int] = {}
    proc = ctx.path("proc")
    for pid in ctx.processes:
        fd_dir = proc / str(pid) / "fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd_dir / fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inode = target[8:-1]
                if inode in inodes:
                    owners.setdefault(inode, pid)
    return owners


@fact_source("listening")
def listening(ctx: FactContext) -> list[ListeningSocket]:
    found: list[tuple[str, str, int, str]] = []
    for proto, name, state in (("tcp", "tcp", _TCP_LISTEN), ("tcp", "tcp6", _TCP_LISTEN),
                               ("udp", "udp", _UDP_UNCONNECTED), ("udp", "udp6", _UDP_UNCONNECTED)):
        text = ctx.read(f"proc/net/{name}", "listening")
        for line in (text or "").splitlines()[1:]:
            fields = line.split()
            if len(fields) < 10 or fields[3] != state:
                continue
            hex_address, _, hex_port = fields[1].partition(":")
            found.append((proto, _address(hex_address), int(hex_port, 16), fields[9]))
    owners = _socket_owners(ctx, {inode for *_, inode in found})
    sockets = []
    seen: set[tuple[str, str, int, int | None]] = set()
    for proto, address, port, inode in sorted(found, key=lambda s: (s[0], s[2], s[1])):
        pid = owners.get(inode)
        key = (proto, address, port, pid)
        if key in seen:
            continue
        seen.add(key)
        sockets.append(ListeningSocket(proto=proto, address=address, port=port, pid=pid,
                                       process=ctx.processes.get(pid) if pid is not None else None))
    return sockets
