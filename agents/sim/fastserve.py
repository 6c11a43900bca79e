"""The fast simulator process: serves one shard of a simulated fleet, every device on its own UDP port.

``python -m agents.sim.fastserve --spec FILE`` where FILE (mode 0600, written by agents/sim/fleet.py and deleted
by it once this process listens) is JSON: ``{"host": …, "devices": [{"port", "file", "profile"}],
"profiles": {name: SimCredentials fields}}``. Devices that share a recording share one parsed view. One line
``Listening at UDP/IPv4 endpoint HOST:PORT`` per device says it is ready, as snmpsim's log does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents import eventloop
from agents.sim.mibview import Clock, MibView, RecordingError
from agents.sim.responder import DeviceAgent, V3User, engine_id_for, new_salt
from agents.snmp import usm
from agents.snmp.auth import AUTH_ALIASES, PRIV_ALIASES

LISTENING = "Listening at UDP/IPv4 endpoint"


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, answer: Callable[[bytes], bytes | None]) -> None:
        self.answer = answer
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's UDPTransport is no DatagramTransport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)

    def error_received(self, exc: Exception) -> None:  # a client went away: nothing to do
        pass


def build_agents(spec: dict[str, Any], clock: Clock) -> dict[int, DeviceAgent]:
    """Port → agent for every device of ``spec``; recordings parsed once per file."""
    views: dict[str, MibView] = {}
    salt = new_salt()
    agents: dict[int, DeviceAgent] = {}
    for device in spec["devices"]:
        path = device["file"]
        view = views.get(path)
        if view is None:
            view = views[path] = MibView.load(Path(path))
        cred = spec["profiles"][device["profile"]]
        port = int(device["port"])
        engine_id = engine_id_for(port, salt)
        agent = DeviceAgent(view, clock, engine_id)
        if cred["version"] == "2c":
            agent.community = cred["community"].encode()
        else:
            agent.user = v3_user(cred, engine_id)
        agents[port] = agent
    return agents


def v3_user(cred: dict[str, str], engine_id: bytes) -> V3User:
    """The profile's USM user with keys localized to ``engine_id`` (snmpsim's protocol names accepted)."""
    auth = AUTH_ALIASES.get(cred.get("auth_proto", "NONE").upper()) if cred.get("auth_key") else None
    priv = PRIV_ALIASES.get(cred.get("priv_proto", "NONE").upper()) if cred.get("priv_key") else None
    keys = usm.localized_keys(auth, cred.get("auth_key", "").encode(), priv, cred.get("priv_key", "").encode(),
                              engine_id)
    return V3User(cred["user"].encode(), keys)


async def serve(spec: dict[str, Any]) -> int:
    clock = Clock()
    agents = build_agents(spec, clock)
    loop = asyncio.get_running_loop()
    host = spec.get("host", "127.0.0.1")
    transports = []
    for port, agent in agents.items():
        transport, _ = await loop.create_datagram_endpoint(lambda a=agent: _Endpoint(a.answer),  # type: ignore[misc]
                                                           local_addr=(host, port))
        transports.append(transport)
        print(f"{LISTENING} {host}:{port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for transport in transports:
        transport.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.sim.fastserve")
    parser.add_argument("--spec", type=Path, required=True)
    options = parser.parse_args(argv)
    spec = json.loads(options.spec.read_text(encoding="utf-8"))
    try:
        return eventloop.run(serve(spec))
    except RecordingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
