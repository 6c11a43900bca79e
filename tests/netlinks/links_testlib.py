"""What a poller would read from the simulated fleet, as :class:`links.observed.Observations`.

Built from the simulator's own model of each device (agents/sim/recordings.py), so the tests of the link logic
see the same interface names, states and LLDP rows the simulated devices serve, for any wiring.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
    """Every device answers (but those in ``silent``: no rows at all); LLDP is read where the inventory polls it."""
    topo = net.topology
    fleet = FleetView(topo, wiring)
    seen = Observations(source="simulated fleet", taken_at=0.0)
    for device in topo.devices:
        seen.reachable[device.name] = device.name not in silent
        if device.name in silent:
            continue
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


def prometheus_vector(seen: Observations, query: str) -> list[dict[str, Any]]:
    """What Prometheus would answer to an instant query about the observed fleet (the queries the monitor and
    links.prometheus send: snmp_up, interface and LLDP series, optionally for one device)."""
    one = re.search(r'device="([^"]+)"', query)
    devices = {one.group(1)} if one else None
    out: list[dict[str, Any]] = []
    first = re.search(r"[A-Za-z_:][A-Za-z0-9_:]*(?=[{\[)]|\s+or|$)", query.split("(")[-1] if "by (" not in query
                      else query[query.index(") (") + 3:])
    name = first.group(0) if first else query
    if name == "snmp_scrape_timestamp_seconds":
        out = [{"metric": {"device": d}, "value": [0, str(seen.taken_at or 1.7e9)]} for d in seen.reachable
               if devices is None or d in devices]
    elif name == "snmp_scrape_partial":
        out = [{"metric": {"device": d}, "value": [0, "1" if d in seen.partial else "0"]} for d in seen.reachable]
    elif name == "snmp_up":
        out = [{"metric": {"device": d}, "value": [0, "1" if up else "0"]} for d, up in seen.reachable.items()]
    elif name in ("ifOperStatus", "ifAdminStatus", "ifHighSpeed"):
        for rows in seen.interfaces.values():
            for r in rows:
                if devices is not None and r.device not in devices:
                    continue
                value = r.oper if name == "ifOperStatus" else 1 if name == "ifAdminStatus" else 1000
                out.append({"metric": {"device": r.device, "ifIndex": str(r.if_index), "ifName": r.name,
                                       "ifDescr": r.descr, "ifAlias": r.alias}, "value": [0, str(value)]})
    elif name in ("lldpRemSysName", "lldpRemPortIdSubtype"):
        for rows in seen.neighbours.values():
            for r in rows:
                key = {"device": r.device, "lldpRemTimeMark": "0", "lldpRemLocalPortNum": str(r.local_num),
                       "lldpRemIndex": "1"}
                if name == "lldpRemPortIdSubtype":
                    out.append({"metric": key, "value": [0, str(r.subtype)]})
                else:
                    out.append({"metric": {**key, "lldpLocPortId": r.local_id, "lldpLocPortDesc": r.local_desc,
                                           "lldpRemChassisId": r.chassis, "lldpRemPortId": r.remote_id,
                                           "lldpRemPortDesc": r.remote_desc, "lldpRemSysName": r.remote_name},
                                "value": [0, "1"]})
    return out


class FakePrometheus:
    """An HTTP server answering /api/v1/query from :attr:`seen`, /api/v1/alerts from :attr:`alerts` and
    /api/v1/status/config with :attr:`external_labels` (when given)."""

    def __init__(self, seen: Observations, alerts: list[dict[str, Any]] | None = None,
                 external_labels: dict[str, str] | None = None) -> None:
        self.seen, self.alerts, self.external_labels = seen, alerts or [], external_labels
        self.answers: dict[tuple[int, str], bytes] = {}  # a city's answers take seconds to build in Python
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query).get("query", [""])[0]
                key = (id(fake.seen), query)
                body = fake.answers.get(key, b"")
                if url.path == "/api/v1/alerts":
                    body = json.dumps({"status": "success", "data": {"alerts": fake.alerts}}).encode()
                elif url.path == "/api/v1/status/config" and fake.external_labels is not None:
                    config = json.dumps({"global": {"scrape_interval": "30s",
                                                    "external_labels": fake.external_labels}})
                    body = json.dumps({"status": "success", "data": {"yaml": config}}).encode()
                elif not body:
                    data = {"resultType": "vector", "result": prometheus_vector(fake.seen, query)}
                    body = fake.answers[key] = json.dumps({"status": "success", "data": data}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
