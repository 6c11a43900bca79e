"""Size of an unsharded poller's /metrics for the whole city (stack liuan, 667 devices, every module).

The devices' answers come from their simulator recordings, walked in-process (agents/sim/offline.py), and go
through the poller's own hot path and render. Printed: bytes and series with every inventory label on every
series (the old layout) and with SERIES_LABELS on polled series (the current one).
Run: .venv/bin/pytest tests/bench/test_snmp_metrics_size.py -s -p no:cacheprovider
"""

from __future__ import annotations

import time

from agents.sim.offline import walk_records
from agents.sim.recordings import DeviceRecording, FleetView
from agents.snmp.collect import DeviceResult, build_families, render_families
from agents.snmp.latest import device_meta
from agents.snmp.modules import builtin_modules, plan_for
from agents.snmp.poller import device_prefix, series_prefix
from yunwang.inventory import build_inventory
from yunwang.stacks import load_stack


def render_city(all_labels: bool) -> tuple[int, int, float]:
    """(bytes, series, seconds to build and render) of one /metrics holding every liuan device."""
    topo = load_stack("liuan").topology
    assert topo is not None
    fleet, modules = FleetView(topo), builtin_modules()
    inventory = build_inventory(topo).devices
    results, prefixes = [], {}
    sinks_of = {}
    for dev in inventory:
        plan = plan_for(dev.modules, modules)
        sinks_of[dev.name] = (plan, walk_records(DeviceRecording(fleet, topo.device_by_name[dev.name]).records(),
                                                 plan.walk, plan.get))
    t0 = time.perf_counter()
    for dev in inventory:
        plan, sinks = sinks_of[dev.name]
        result = DeviceResult(dev.name, dev.address, ok=True)
        build_families(plan, sinks, device_prefix(dev) if all_labels else series_prefix(dev), result)
        results.append(result)
        prefixes[dev.name] = device_prefix(dev)
    body = "".join(render_families(results)) + device_meta(results, prefixes)
    took = time.perf_counter() - t0
    series = sum(1 for line in body.splitlines() if line and line[0] != "#")
    return len(body.encode()), series, took


def test_city_metrics_size() -> None:
    before, series, t_before = render_city(all_labels=True)
    after, series_after, t_after = render_city(all_labels=False)
    assert series == series_after
    print(f"\nliuan, 667 devices, unsharded /metrics: {series:,} series; all 7 device labels on every series "
          f"{before / 1e6:.1f} MB ({t_before:.2f} s to build+render), device+region on polled series "
          f"{after / 1e6:.1f} MB ({t_after:.2f} s): {before / after:.2f}x smaller")
    assert after < before
