"""Offline plan against its floor: the same resources registered under the same mocks by a program with no logic.

Each measurement runs in a fresh interpreter (peak RSS is per process); runs of ours and of the floor
alternate, and medians are reported with their ratio.

    .venv/bin/python scripts/bench/plan_floor.py --stack liuan --runs 3
    .venv/bin/python scripts/bench/plan_floor.py --scales 1,2,5,10 --runs 1

``ours``  = load the stack + build the program + register under mocks + write resources.json and manifests
``floor`` = register the very same manifests (same classes, components, providers; precomputed outside the
            timing) under the same mock monitor, write nothing
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plan_stacks import ROOT, stack_root


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _preimport() -> None:
    """Pulumi's own import (~0.5 s) is start-up common to both sides: keep it out of both timings."""
    import pulumi  # noqa: F401
    import pulumi_kubernetes  # noqa: F401


def measure_ours(stack: str, root: Path) -> dict[str, Any]:
    from infra.plan import run_program, write_plan

    _preimport()
    cpu0 = _cpu()
    started = time.perf_counter()
    result = run_program(stack, root=root)
    registered = time.perf_counter()
    cpu1 = _cpu()
    with tempfile.TemporaryDirectory() as out:
        write_plan(result, Path(out))
    done = time.perf_counter()
    return {"resources": len(result.registrations), "seconds": done - started,
            "register_seconds": registered - started, "write_seconds": done - registered,
            "register_cpu": cpu1 - cpu0, "cpu": _cpu() - cpu0}


def measure_floor(stack: str, root: Path) -> dict[str, Any]:
    import pulumi

    from infra.component import register
    from infra.components.network_devices import DeviceManagement, NetworkDevicesArgs, resource_name
    from infra.plan import placeholder_secrets, run_with_mocks
    from infra.program import ProgramOptions, component_specs
    from yunwang.stacks import load_stack

    loaded = load_stack(stack, root)
    topo = loaded.topology
    assert topo is not None
    secrets = placeholder_secrets(topo)
    topology_ref = str(loaded.config["yunwang:topology"])
    devices = DeviceManagement(topology_ref, loaded.topology_file.read_text(encoding="utf-8"), "x")
    opts = ProgramOptions(stack=stack, credentials=json.loads(secrets["yunwang:snmpCredentials"]),
                          tokens={"viewer": "x"}, prometheus_config=lambda *_: "global: {}\n", devices=devices)
    decided = component_specs(topo, opts).specs
    specs = [(s.resource_type, s.name, s.region, s.manifests()) for s in decided]
    # DeviceConfig resources hold no manifest: the floor registers a bare custom resource with the same inputs.
    device_inputs = [(resource_name(a.region.name, d.name), {"device": d.name, "address": d.address,
                                                            "config_sha256": d.config_sha256, "topology": a.topology})
                     for s in decided if isinstance(a := getattr(s, "args", None), NetworkDevicesArgs)
                     for d in a.devices]
    regions = [r.name for r in topo.regions]

    class Bare(pulumi.ComponentResource):
        pass

    def program() -> None:
        import pulumi_kubernetes as k8s

        providers = {r: k8s.Provider(r) for r in regions}
        for token, name, region, manifests in specs:
            parent = Bare(token, name, None, pulumi.ResourceOptions(provider=providers[region]))
            for m in manifests:
                register(m, region, parent)
        for name, inputs in device_inputs:
            pulumi.CustomResource("pulumi-python:dynamic/yunwang:DeviceConfig", name, inputs)

    _preimport()
    cpu0 = _cpu()
    started = time.perf_counter()
    recorded = run_with_mocks(program, stack, {}, [])
    return {"resources": len(recorded), "seconds": time.perf_counter() - started, "register_cpu": _cpu() - cpu0}


def one(kind: str, stack: str, scale: int) -> dict[str, Any]:
    name, root = stack_root(stack, scale)
    out = (measure_ours if kind == "ours" else measure_floor)(name, root)
    out["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def spawn(kind: str, stack: str, scale: int) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--one", kind, "--stack", stack, "--scale", str(scale)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def compare(stack: str, scale: int, runs: int) -> dict[str, Any]:
    ours: list[dict[str, Any]] = []
    floor: list[dict[str, Any]] = []
    for _ in range(runs):
        ours.append(spawn("ours", stack, scale))
        floor.append(spawn("floor", stack, scale))
    med = {k: statistics.median(r[k] for r in ours) for k in ("seconds", "register_seconds", "write_seconds",
                                                                "register_cpu", "cpu", "max_rss_mib")}
    fmed = {k: statistics.median(r[k] for r in floor) for k in ("seconds", "register_cpu", "max_rss_mib")}
    n = ours[0]["resources"]
    return {"stack": stack if scale == 0 else f"synth{scale}", "resources": n, "floor_resources":
            floor[0]["resources"], "ours_s": med["seconds"], "ours_register_s": med["register_seconds"],
            "ours_write_s": med["write_seconds"], "floor_s": fmed["seconds"],
            "ratio": med["register_seconds"] / fmed["seconds"], "ratio_with_write": med["seconds"] / fmed["seconds"],
            "cpu_ratio": med["register_cpu"] / fmed["register_cpu"], "ours_cpu_s": med["cpu"],
            "ours_register_cpu_s": med["register_cpu"], "floor_cpu_s": fmed["register_cpu"],
            "cpu_ms_per_resource": 1000 * med["cpu"] / n,
            "resources_per_s": n / med["seconds"], "ours_rss_mib": med["max_rss_mib"],
            "floor_rss_mib": fmed["max_rss_mib"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="liuan")
    parser.add_argument("--scales", default="0", help="comma list; 0 = the real stack, N = N× liuan's counties")
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", choices=["ours", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.stack, args.scale)))
        return
    print(f"{'stack':<8} {'resources':>9} {'ours s':>7} {'register':>8} {'write':>6} {'floor s':>7} "
          f"{'ratio':>6} {'ours cpu':>8} {'floor cpu':>9} {'cpu ratio':>9} {'cpu ms/res':>10} {'res/s':>6} "
          f"{'RSS MiB':>8} {'floor RSS':>9}")
    for scale in (int(s) for s in args.scales.split(",")):
        r = compare(args.stack, scale, args.runs)
        print(f"{r['stack']:<8} {r['resources']:>9} {r['ours_s']:>7.2f} {r['ours_register_s']:>8.2f} "
              f"{r['ours_write_s']:>6.2f} {r['floor_s']:>7.2f} {r['ratio']:>6.2f} {r['ours_cpu_s']:>8.2f} "
              f"{r['floor_cpu_s']:>9.2f} {r['cpu_ratio']:>9.2f} {r['cpu_ms_per_resource']:>10.2f} "
              f"{r['resources_per_s']:>6.0f} "
              f"{r['ours_rss_mib']:>8.0f} {r['floor_rss_mib']:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
