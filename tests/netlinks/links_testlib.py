"""What a poller would read from the simulated fleet, as :class:`links.observed.Observations`.

Built from the simulator's own model of each device (agents/sim/recordings.py), so the tests of the link logic
see the same interface names, states and LLDP rows the simulated devices serve, for any wiring.
"""

from __future__ import annotations

from agents.sim.recordings import ETHERNET, FleetView, _mac
from agents.sim.wiring import Wiring
from links.declared import DeclaredNetwork
from links.observed import DOWN, UP, InterfaceRow, NeighbourRow, Observations
from yunwang.stacks import load_stack
from yunwang.topology import Topology


def topology(stack: str = "dev") -> Topology:
    topo = load_stack(stack).topology
    assert topo is not None
    return topo


def sim_observations(net: DeclaredNetwork, wiring: Wiring | None = None,
                     silent: frozenset[str] = frozenset()) -> Observations:
    """Every device answers (but those in ``silent``); LLDP is read where the inventory polls it."""
    topo = net.topology
    fleet = FleetView(topo, wiring)
    seen = Observations(source="simulated fleet", taken_at=0.0)
    for device in topo.devices:
        seen.reachable[device.name] = device.name not in silent
        interfaces = fleet.interfaces(device)
        seen.interfaces[device.name] = [
            InterfaceRow(device.name, i.index, i.name, i.descr, i.alias, UP if i.oper_up else DOWN,
                         _mac(device.name, i.index) if i.if_type == ETHERNET else "") for i in interfaces]
        if device.name not in net.lldp_devices:
            continue
        rows = []
        for i in interfaces:
            peer = i.neighbour
            if peer is None or not peer.lldp:
                continue
            far = topo.device_by_name.get(peer.device)
            descr, name = (fleet.port_names(far, peer.port)[:2] if far is not None
                           else (peer.port_name, peer.port_name))
            rows.append(NeighbourRow(device.name, i.index, i.name, i.descr, peer.device, name, 5, descr,
                                     _mac(peer.device, 0)))
        seen.neighbours[device.name] = rows
    return seen
