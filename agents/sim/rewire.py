"""Serve a changed :class:`~agents.sim.wiring.Wiring` from a simulated fleet while it runs.

The recordings of the devices whose ports changed are rendered again and written over their data files.
snmpsim re-reads a data file whose modification time changed (it stats the file on every request and rebuilds
that file's index), so the running agents answer with the new LLDP and interface rows at once: no restart and
no variation module. Its check compares whole seconds, so a rewrite always moves the time on by at least one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from agents.sim.recordings import DeviceRecording, FleetView
from agents.sim.snmprec import render
from agents.sim.wiring import DEVICES_FILE, WIRING_FILE, Wiring, load_wiring
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology


def _replace(path: Path, text: str) -> None:
    """Write ``path`` atomically with a modification time snmpsim sees as new (it compares whole seconds)."""
    before = int(path.stat().st_mtime) if path.exists() else 0
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    stamp = max(time.time(), before + 1.0)
    os.utime(tmp, (stamp, stamp))
    tmp.replace(path)


def rewire(data_dir: Path, topo: Topology, wiring: Wiring) -> list[str]:
    """Serve ``wiring`` from the fleet whose recordings are in ``data_dir``; returns the devices rewritten.

    Only devices whose interface or LLDP rows change are rendered again. Works while the fleet runs (snmpsim
    picks the new files up on the next request) and while it is stopped (the next start keeps the wiring).
    """
    wiring.check(topo)
    index = data_dir / DEVICES_FILE
    try:
        files: dict[str, str] = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(index), None, "", "", "no simulated fleet in this folder",
                                  "start `yunwang sim` (or `yunwang up`) with this --data-dir first")]) from None
    if len(set(files.values())) < len(files):
        raise InputError([Problem(str(index), None, "", "", "devices share recordings (a --uniform fleet)",
                                  "rewire a fleet started without --uniform")])
    old, new = FleetView(topo, load_wiring(data_dir, topo)), FleetView(topo, wiring)
    changed = [d.name for d in topo.devices if old.interfaces(d) != new.interfaces(d)]
    for name in changed:
        _replace(data_dir / files[name], render(DeviceRecording(new, topo.device_by_name[name]).records()))
    declared = Wiring.declared(topo)
    path = data_dir / WIRING_FILE
    if sorted(map(repr, wiring.cables)) == sorted(map(repr, declared.cables)) and not wiring.strangers:
        path.unlink(missing_ok=True)
    else:
        _replace(path, wiring.to_json())
    return changed
