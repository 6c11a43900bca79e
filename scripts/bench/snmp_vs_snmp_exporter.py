#!/usr/bin/env python3
"""Side by side: poll a simulated fleet's IF-MIB with our SNMP engine and with snmp_exporter, same run.

What it measures, per cycle (every device polled once for the ``if_mib`` module, ifTable + ifXTable):
  * wall time of the cycle, and CPU seconds per device of the *poller process* (ours in-process: this process's
    CPU during ``poll_once``; ``ours/http+gzip``: ``yunwang agent snmp`` in exporter mode, scraped over HTTP
    like snmp_exporter, with ``Accept-Encoding: gzip`` as Prometheus sends it, utime+stime of its process;
    theirs: utime+stime of the prometheus-snmp-exporter process from /proc);
  * bytes on the wire per device for the two HTTP pollers (gzipped);
  * the simulator's own CPU, so a cycle bounded by snmpsim is visible as such instead of passing for a
    poller figure (snmpsim, pure Python, is far slower than either poller).
Both pollers poll the same fleet in the same run; each round runs every poller once, rotating which goes
first; medians are printed with the ratios ours/theirs (goal for CPU: <= 0.5 with gzip on). ``--in-flight 1,2``
runs our poller once per value (requests outstanding per device) to compare them on the same fleet;
``--no-http`` leaves out the HTTP run of ours.
The fleet is "uniform" (every device serves the same 48-port S5735 recording from a file shared per simulator
process), so 1,000 devices start in seconds; the simulator's CPU is reported next to the pollers'. It is served by
the project's fast simulator unless ``--sim-engine snmpsim`` is given.

Usage: .venv/bin/python scripts/bench/snmp_vs_snmp_exporter.py [--devices 1000] [--ports 48] [--rounds 3]
       [--sim-processes 2] [--sim-engine fast|snmpsim] [--concurrency 64] [--in-flight 1,2]
Needs: Debian's prometheus-snmp-exporter (0.21: credentials inside modules); with ``--sim-engine snmpsim`` the
snmpsim venv (created on first use by agents/sim/install.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from agents.sim.fleet import SimFleet, die_with_parent  # noqa: E402
from agents.snmp.auth import AuthResolver  # noqa: E402
from agents.snmp.engine import DEFAULT_IN_FLIGHT  # noqa: E402
from agents.snmp.poller import poll_once  # noqa: E402
from yunwang.inventory import build_inventory  # noqa: E402
from yunwang.testkit import free_udp_block  # noqa: E402
from yunwang.topology import Topology  # noqa: E402

EXPORTER = "/usr/bin/prometheus-snmp-exporter"
PROFILE = "bench-v3"
USER = "yunwang-bench"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def bench_topology(devices: int, ports: int) -> Topology:
    """``devices`` Huawei S5735 access switches with ``ports`` ports each, polled with SNMPv3 authPriv."""
    return Topology.model_validate({
        "name": "bench", "supernet": "10.0.0.0/8",
        "regions": [{"name": "bench", "name_zh": "基准", "kind": "city", "management": "10.40.0.0/16"}],
        "zones": [{"name": "extranet-service", "name_zh": "政务外网业务区", "kind": "extranet-service"}],
        "snmp_profiles": [{"name": PROFILE, "version": "3", "username": USER, "security_level": "authPriv",
                           "auth_protocol": "SHA", "priv_protocol": "AES-128", "timeout_s": 10, "retries": 2}],
        "devices": [{"name": f"bench-{i:04d}", "role": "access", "vendor": "huawei", "model": "S5735-L48T4X",
                     "region": "bench", "mgmt": f"10.40.{i // 250}.{i % 250 + 1}", "interfaces": ports,
                     "snmp": PROFILE} for i in range(devices)],
    })


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_cpu(pid: int) -> float:
    """utime + stime of a process, seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def exporter_config(auth_key: str, priv_key: str, timeout_s: float, retries: int) -> dict[str, object]:
    """snmp_exporter 0.21 config: our if_mib module (numeric OIDs), with the v3 credentials inside it."""
    module = dict(builtin_modules_raw()["if_mib"])
    module.update({"version": 3, "max_repetitions": 25, "retries": retries, "timeout": f"{timeout_s:g}s",
                   "auth": {"username": USER, "security_level": "authPriv", "auth_protocol": "SHA",
                            "password": auth_key, "priv_protocol": "AES", "priv_password": priv_key}})
    return {"if_mib": module}


def builtin_modules_raw() -> dict[str, dict[str, object]]:
    text = (ROOT / "agents" / "snmp" / "modules" / "if_mib.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["modules"])


@dataclass
class Cycle:
    poller: str
    wall_s: float
    cpu_s: float
    sim_cpu_s: float
    ok: int
    samples: int
    retransmits: int = -1  # known for ours only
    wire_bytes: int = -1  # known for the HTTP pollers


POLLER_CPUS = {min(os.sched_getaffinity(0))}
"""The first CPU this process may use: the poller under test runs there alone with ``--pin``."""


def other_cpus() -> set[int]:
    """Every CPU this process may use but the poller's."""
    return (os.sched_getaffinity(0) - POLLER_CPUS) or os.sched_getaffinity(0)


def pin(pids: list[int], cpus: set[int]) -> None:
    """Move every thread of ``pids`` onto ``cpus`` (threads the processes start later inherit it)."""
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setaffinity(int(task.name), cpus)


def sim_cpu(fleet: SimFleet) -> float:
    return sum(proc_cpu(pid) for pid in fleet.pids())


def cycle_ours(name: str, inventory: list, resolver: AuthResolver, fleet: SimFleet,  # type: ignore[type-arg]
               concurrency: int, timeout_s: float, retries: int, in_flight: int, pinned: bool = False) -> Cycle:
    home = os.sched_getaffinity(0)
    if pinned:
        os.sched_setaffinity(0, POLLER_CPUS)
    try:
        sim0, cpu0, t0 = sim_cpu(fleet), time.process_time(), time.perf_counter()
        results = poll_once(inventory, resolver, concurrency=concurrency, timeout=timeout_s, retries=retries,
                            in_flight=in_flight)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        os.sched_setaffinity(0, home)
    samples = sum(len(lines) for r in results for lines in r.families.values())
    return Cycle(name, wall, cpu, sim_cpu(fleet) - sim0, sum(r.ok for r in results), samples,
                 sum(r.retransmits for r in results))


async def _scrape_all(port: int, targets: list[str], concurrency: int, auth: str | None,
                      encoding: str = "gzip") -> tuple[int, int, int]:
    """Scrape every target as Prometheus does (``Accept-Encoding: gzip``); (ok, series, bytes on the wire)."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    extra = {"auth": auth} if auth else {}
    headers = {"X-Prometheus-Scrape-Timeout-Seconds": "3600", "Accept-Encoding": encoding}
    expected = "gzip" if encoding == "gzip" else None
    # no client timeout: on a starved machine one walk can last as long as the whole cycle, for both pollers
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=None) as client:
        async def one(target: str) -> tuple[bool, int, int]:
            async with gate:
                r = await client.get("/snmp", params={"target": target, "module": "if_mib", **extra},
                                     headers=headers)
                lines = [ln for ln in r.text.splitlines() if ln and not ln.startswith("#")]
                # our exporter mode adds snmp_up (snmp_exporter 0.21 has none): count the device's series only
                series = [ln for ln in lines if not ln.startswith(("snmp_scrape_", "snmp_up"))]
                ok = r.status_code == 200 and not any("snmp_error" in ln for ln in lines) and \
                    r.headers.get("content-encoding") == expected
                return ok, len(series), r.num_bytes_downloaded
        done = await asyncio.gather(*(one(t) for t in targets))
    return sum(ok for ok, _, _ in done), sum(n for _, n, _ in done), sum(b for _, _, b in done)


def cycle_http(name: str, pid: int, port: int, targets: list[str], fleet: SimFleet, concurrency: int,
               auth: str | None = None, encoding: str = "gzip") -> Cycle:
    """One cycle of an HTTP poller process (snmp_exporter, or our agent in exporter mode)."""
    sim0, cpu0, t0 = sim_cpu(fleet), proc_cpu(pid), time.perf_counter()
    ok, samples, wire = asyncio.run(_scrape_all(port, targets, concurrency, auth, encoding))
    wall = time.perf_counter() - t0
    return Cycle(name, wall, proc_cpu(pid) - cpu0, sim_cpu(fleet) - sim0, ok, samples, wire_bytes=wire)


def start_agent(auths_file: Path, port: int, args: BenchArgs) -> subprocess.Popen[bytes]:
    """``yunwang agent snmp`` in exporter mode (no inventory), the bench's credentials in an auths file, the same
    timeout and retries as snmp_exporter's module."""
    proc = subprocess.Popen([sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen", f"127.0.0.1:{port}",
                             "--auths", str(auths_file), "--in-flight", str(args.in_flight[-1]),
                             "--timeout", str(args.timeout), "--retries", str(args.retries)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=die_with_parent, cwd=ROOT)
    return _wait_listening(proc, port, "yunwang agent snmp")


def start_exporter(config_file: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([EXPORTER, f"--config.file={config_file}", f"--web.listen-address=127.0.0.1:{port}",
                             "--log.level=error"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=die_with_parent)
    return _wait_listening(proc, port, "snmp_exporter")


def _wait_listening(proc: subprocess.Popen[bytes], port: int, what: str) -> subprocess.Popen[bytes]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{what} did not start")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class BenchArgs:
    devices: int = 1000
    ports: int = 48
    rounds: int = 3
    sim_processes: int = os.cpu_count() or 2
    sim_engine: str = "fast"
    """``fast``: the project's simulator (agents/sim/fastserve.py, same answers as snmpsim) at ~1/20 of snmpsim's CPU
    per walk, so the pollers are not measured on cores the simulator keeps saturated (with snmpsim on 2 cores both
    pollers' CPU per device rises, ours more: docs/performance.md); ``snmpsim`` for the earlier figures."""
    concurrency: int = 64
    in_flight: tuple[int, ...] = (DEFAULT_IN_FLIGHT,)
    timeout: float = 10.0
    retries: int = 2
    http: bool = True
    """Also scrape our agent over HTTP with gzip, as Prometheus would."""
    identity: bool = False
    """And once more without gzip (same agent process): what gzip costs, measured."""
    pin: bool = False
    """The poller under test alone on the first CPU; the simulator and this process (the HTTP client) on the
    others, as a real device answers from its own CPU (docs/performance.md: it did not remove the extra cost per
    wake-up seen with snmpsim)."""


def run_bench(args: BenchArgs, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the fleet and snmp_exporter, run the rounds, return the medians and ratios."""
    auth_key, priv_key = secrets.token_hex(12), secrets.token_hex(12)
    env_prefix = "YUNWANG_SNMP_" + PROFILE.upper().replace("-", "_")
    os.environ[f"{env_prefix}_AUTH_KEY"], os.environ[f"{env_prefix}_PRIV_KEY"] = auth_key, priv_key
    topo = bench_topology(args.devices, args.ports)
    work = Path(tempfile.mkdtemp(prefix="yunwang-bench-"))
    os.chmod(work, 0o700)
    fleet = SimFleet(topo, work / "sim", base_port=free_udp_block(args.devices), processes=args.sim_processes,
                     startup_timeout_s=900, uniform=True, engine=args.sim_engine)
    exporter: subprocess.Popen[bytes] | None = None
    agent: subprocess.Popen[bytes] | None = None
    load_before = load_average()
    try:
        t0 = time.perf_counter()
        endpoints = fleet.start()
        say(f"simulator: {args.devices} devices x {args.ports} ports on {args.sim_processes} {args.sim_engine} "
            f"process(es), ready in {time.perf_counter() - t0:.1f} s; load average {load_before}")
        inventory = [d.model_copy(update={"modules": ["if_mib"]}) for d in build_inventory(topo, endpoints).devices]
        resolver = AuthResolver({}, dict(topo.profile_by_name), os.environ)
        config_file = work / "snmp.yml"
        fd = os.open(config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            yaml.safe_dump(exporter_config(auth_key, priv_key, args.timeout, args.retries), fh, sort_keys=False)
        port = free_tcp_port()
        exporter = start_exporter(config_file, port)
        if args.pin:
            pin([exporter.pid], POLLER_CPUS)
            pin([os.getpid(), *fleet.pids()], other_cpus())
        exporter_pid = exporter.pid
        targets = [endpoints[d.name] for d in topo.devices]
        ours = {f"ours/in-flight {n}": n for n in args.in_flight}
        pollers = [*ours, "snmp_exporter"]
        if args.http:
            auths_file = work / "auths.yml"
            fd = os.open(auths_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                yaml.safe_dump({"auths": {PROFILE: {"version": 3, "username": USER, "security_level": "authPriv",
                                                    "auth_protocol": "SHA", "password": auth_key,
                                                    "priv_protocol": "AES", "priv_password": priv_key}}}, fh)
            agent_port = free_tcp_port()
            agent = start_agent(auths_file, agent_port, args)
            if args.pin:
                pin([agent.pid], POLLER_CPUS)
            pollers.insert(len(ours), "ours/http+gzip")
            if args.identity:
                pollers.insert(len(ours), "ours/http identity")

        def run(poller: str) -> Cycle:
            if poller in ours:
                return cycle_ours(poller, inventory, resolver, fleet, args.concurrency, args.timeout, args.retries,
                                  ours[poller], args.pin)
            if poller.startswith("ours/http"):
                assert agent is not None
                return cycle_http(poller, agent.pid, agent_port, targets, fleet, args.concurrency, PROFILE,
                                  "gzip" if poller.endswith("gzip") else "identity")
            return cycle_http("snmp_exporter", exporter_pid, port, targets, fleet, args.concurrency)

        cycles: list[Cycle] = []
        for r in range(args.rounds):
            shift = r % len(pollers)
            for poller in pollers[shift:] + pollers[:shift]:  # each poller goes first in turn
                c = run(poller)
                cycles.append(c)
                say(f"round {r + 1} {c.poller:>17}: wall {c.wall_s:7.2f} s  cpu {c.cpu_s:6.2f} s "
                    f"({c.cpu_s / args.devices * 1000:6.2f} ms/device)  ok {c.ok}/{args.devices}  "
                    f"samples {c.samples}  simulator cpu {c.sim_cpu_s:6.1f} s"
                    + (f"  retransmits {c.retransmits}" if c.retransmits >= 0 else "")
                    + (f"  {c.wire_bytes / args.devices / 1024:.1f} KiB/device on the wire" if c.wire_bytes >= 0
                       else ""))
        summary: dict[str, Any] = {"devices": args.devices, "ports": args.ports, "rounds": args.rounds,
                                   "sim_processes": args.sim_processes, "sim_engine": args.sim_engine,
                                   "pinned": args.pin, "concurrency": args.concurrency,
                                   "load_average_before": load_before, "load_average_after": load_average(),
                                   "pollers": {}}
        for poller in pollers:
            mine = [c for c in cycles if c.poller == poller]
            summary["pollers"][poller] = {
                "wall_s": statistics.median(c.wall_s for c in mine),
                "cpu_s": statistics.median(c.cpu_s for c in mine),
                "cpu_ms_per_device": statistics.median(c.cpu_s for c in mine) / args.devices * 1000,
                "sim_cpu_ms_per_device": statistics.median(c.sim_cpu_s for c in mine) / args.devices * 1000,
                "sim_busy": statistics.median(c.sim_cpu_s / (c.wall_s * args.sim_processes) for c in mine),
                "ok": min(c.ok for c in mine), "samples": statistics.median(c.samples for c in mine),
                "retransmits": statistics.median(c.retransmits for c in mine),
                "wire_kib_per_device": statistics.median(c.wire_bytes for c in mine) / args.devices / 1024}
        theirs = summary["pollers"]["snmp_exporter"]
        summary["ratios"] = {name: {"cpu": summary["pollers"][name]["cpu_s"] / theirs["cpu_s"],
                                    "wall": summary["pollers"][name]["wall_s"] / theirs["wall_s"]}
                             for name in summary["pollers"] if name != "snmp_exporter"}
        return summary
    finally:
        for proc in (exporter, agent):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
        fleet.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(summary: dict[str, Any]) -> str:
    lines = [f"medians over {summary['rounds']} rounds, {summary['devices']} devices x {summary['ports']} ports "
             f"(if_mib, v3 authPriv, concurrency {summary['concurrency']}, {summary['sim_processes']} "
             f"{summary['sim_engine']} process(es){', poller pinned to one CPU' if summary['pinned'] else ''}); "
             "load average "
             f"{summary['load_average_before']} before, {summary['load_average_after']} after:"]
    for name, s in summary["pollers"].items():
        lines.append(f"  {name:>17}: cycle {s['wall_s']:.2f} s, CPU {s['cpu_s']:.2f} s/cycle "
                     f"({s['cpu_ms_per_device']:.2f} ms/device), ok {s['ok']}, samples {s['samples']:.0f}, "
                     f"simulator {s['sim_cpu_ms_per_device']:.0f} CPU-ms/device ({s['sim_busy'] * 100:.0f} % busy)"
                     + (f", retransmits {s['retransmits']:.0f}" if s["retransmits"] >= 0 else "")
                     + (f", {s['wire_kib_per_device']:.1f} KiB/device on the wire" if s["wire_kib_per_device"] >= 0
                        else ""))
    for name, ratio in summary["ratios"].items():
        lines.append(f"  ratio {name} / snmp_exporter: CPU per cycle {ratio['cpu']:.2f}, "
                     f"wall per cycle {ratio['wall']:.2f}")
    if max(s["sim_busy"] for s in summary["pollers"].values()) > 0.8:
        lines.append("  note: the simulator was >80 % busy: cycle wall times are bounded by the simulator, "
                     "not the pollers")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    defaults = BenchArgs()
    ap.add_argument("--devices", type=int, default=defaults.devices)
    ap.add_argument("--ports", type=int, default=defaults.ports)
    ap.add_argument("--rounds", type=int, default=defaults.rounds)
    ap.add_argument("--sim-processes", type=int, default=defaults.sim_processes)
    ap.add_argument("--sim-engine", choices=("snmpsim", "fast"), default=defaults.sim_engine,
                    help="the simulator serving the fleet (fast: the project's, far less CPU than snmpsim)")
    ap.add_argument("--concurrency", type=int, default=defaults.concurrency)
    ap.add_argument("--in-flight", default=",".join(map(str, defaults.in_flight)),
                    help="our requests in flight per device; a list (1,2) runs our poller once per value")
    ap.add_argument("--timeout", type=float, default=defaults.timeout, help="per-request timeout, both pollers")
    ap.add_argument("--retries", type=int, default=defaults.retries)
    ap.add_argument("--no-http", action="store_true", help="leave out our agent scraped over HTTP with gzip")
    ap.add_argument("--identity", action="store_true", help="also scrape our agent without gzip (its cost)")
    ap.add_argument("--pin", action="store_true",
                    help="the poller under test alone on the first CPU, the simulator and the HTTP client on the "
                         "others")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ns = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the fleet and snmp_exporter on the way out
    if not Path(EXPORTER).exists():
        print(f"{EXPORTER} missing: apt-get install prometheus-snmp-exporter", file=sys.stderr)
        return 3
    try:
        in_flight = tuple(int(x) for x in ns.in_flight.split(","))
    except ValueError:
        print(f"--in-flight {ns.in_flight!r}: expected numbers separated by commas, e.g. 1,2", file=sys.stderr)
        return 2
    args = BenchArgs(ns.devices, ns.ports, ns.rounds, ns.sim_processes, ns.sim_engine, ns.concurrency, in_flight,
                     ns.timeout, ns.retries, http=not ns.no_http, identity=ns.identity and not ns.no_http, pin=ns.pin)
    summary = run_bench(args, lambda line: print(line, flush=True))
    print("\n" + report(summary))
    if ns.json:
        ns.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
