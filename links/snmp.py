"""Observations read straight from the devices over SNMP, for a change window that cannot wait for Prometheus.

The same walks and the same metric names as the pollers (agents/snmp, modules ``if_mib`` and ``lldp``), with
the credentials the pollers read from the environment; the samples go through the same
:func:`links.observed.observations_from_samples` as Prometheus's.
"""

from __future__ import annotations

import time

from prometheus_client.parser import text_string_to_metric_families

from links.observed import PARTIAL, REACHABLE, Observations, Sample, observations_from_samples
from yunwang.inventory import build_inventory
from yunwang.topology import Topology

WANTED_MODULES = ("if_mib", "lldp")


def poll_observations(topo: Topology, endpoints: dict[str, str] | None = None,
                      timeout: float | None = None) -> Observations:
    """Walk every device's interface table (and LLDP table where the inventory reads it) once."""
    from agents.snmp.collect import render_families
    from agents.snmp.poller import poll_once, resolver_for

    inventory = build_inventory(topo, endpoints)
    devices = [d.model_copy(update={"modules": [m for m in d.modules if m in WANTED_MODULES]})
               for d in inventory.devices]
    taken = time.time()
    results = poll_once(devices, resolver_for(topology=topo), timeout=timeout)
    samples: list[Sample] = [(REACHABLE, {"device": r.name}, 1.0 if r.ok else 0.0) for r in results]
    samples += [(PARTIAL, {"device": r.name}, 1.0 if r.partial else 0.0) for r in results]
    text = "".join(render_families(results))
    for family in text_string_to_metric_families(text):
        samples += [(s.name, s.labels, s.value) for s in family.samples]
    return observations_from_samples(samples, "snmp (polled directly)", taken)
