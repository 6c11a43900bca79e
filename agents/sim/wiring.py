"""The simulated fleet's cabling, changeable while it runs: recable, unplug, silence LLDP, add a stranger.

The topology declares the cables; the simulator starts with exactly those (``Wiring.declared``). A test (or a
demonstration) changes the wiring and calls :func:`agents.sim.rewire.rewire`, which serves it from the running
fleet. The wiring is kept in ``wiring.json`` beside the recordings, so a restarted simulator keeps it until it
is rewired back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

WIRING_FILE = "wiring.json"
DEVICES_FILE = "devices.json"
"""Written by fleet.write_recordings: device → its data file (relative to the data folder)."""

Port = tuple[str, int]


@dataclass(frozen=True)
class Cable:
    a: Port
    b: Port
    bandwidth_mbps: int = 1000
    lldp: bool = True
    """False: the ports are up but no LLDP frame crosses (a media converter, LLDP disabled at both ends)."""

    def other(self, end: Port) -> Port:
        return self.b if end == self.a else self.a


@dataclass(frozen=True)
class Stranger:
    """A device that is not in the topology, plugged into ``at`` and sending LLDP."""

    at: Port
    name: str
    port: str
    descr: str = ""


@dataclass
class Wiring:
    cables: list[Cable] = field(default_factory=list)
    strangers: list[Stranger] = field(default_factory=list)

    @classmethod
    def declared(cls, topo: Topology) -> Wiring:
        """Every cable as the topology declares it."""
        return cls([Cable((ln.a.device, ln.a.port), (ln.b.device, ln.b.port), ln.bandwidth_mbps)
                    for ln in topo.links])

    def cable_at(self, end: Port) -> Cable | None:
        return next((c for c in self.cables if end in (c.a, c.b)), None)

    def _free(self, end: Port) -> None:
        self.cables = [c for c in self.cables if end not in (c.a, c.b)]
        self.strangers = [s for s in self.strangers if s.at != end]

    def plug(self, a: Port, b: Port, bandwidth_mbps: int | None = None) -> None:
        """Cable ``a`` to ``b``; whatever was plugged into either is pulled out first (its far end goes dark).

        Moving one end of a declared link to another port is ``plug(kept_end, new_port)``."""
        old = self.cable_at(a) or self.cable_at(b)
        self._free(a)
        self._free(b)
        self.cables.append(Cable(a, b, bandwidth_mbps or (old.bandwidth_mbps if old else 1000)))

    def unplug(self, end: Port) -> None:
        """Pull the cable (or stranger) out of ``end``: both ports it joined go down."""
        self._free(end)

    def set_lldp(self, end: Port, on: bool) -> None:
        cable = self.cable_at(end)
        if cable is None:
            raise ValueError(f"no cable at {end[0]} port {end[1]}")
        self.cables = [Cable(c.a, c.b, c.bandwidth_mbps, on) if c == cable else c for c in self.cables]

    def add_stranger(self, at: Port, name: str, port: str, descr: str = "") -> None:
        """Plug an undeclared device into ``at`` (pulling out what was there)."""
        self._free(at)
        self.strangers.append(Stranger(at, name, port, descr))

    def check(self, topo: Topology) -> None:
        """Every port must exist on its device: an InputError names the ones that do not."""
        problems = []
        devices = topo.device_by_name
        for end in [p for c in self.cables for p in (c.a, c.b)] + [s.at for s in self.strangers]:
            device = devices.get(end[0])
            if device is None or not 1 <= end[1] <= device.interfaces:
                shown = "unknown device" if device is None else f"{device.name} has ports 1..{device.interfaces}"
                problems.append(Problem(WIRING_FILE, None, "", f"{end[0]}:{end[1]}", f"no such port ({shown})",
                                        "plug only ports of the topology's devices"))
        if problems:
            raise InputError(problems)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Wiring:
        data = json.loads(text)
        return cls([Cable(tuple(c["a"]), tuple(c["b"]), c["bandwidth_mbps"], c["lldp"])  # type: ignore[arg-type]
                    for c in data.get("cables", [])],
                   [Stranger(tuple(s["at"]), s["name"], s["port"], s.get("descr", ""))  # type: ignore[arg-type]
                    for s in data.get("strangers", [])])


def load_wiring(data_dir: Path, topo: Topology) -> Wiring:
    """The wiring the simulator serves from ``data_dir``: the saved one, else the declared one."""
    path = data_dir / WIRING_FILE
    if not path.exists():
        return Wiring.declared(topo)
    try:
        return Wiring.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(str(path), None, "", "", f"unreadable wiring file: {exc}",
                                  "delete it to go back to the declared cabling")]) from None
