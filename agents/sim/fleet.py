"""Serve a topology's devices with snmpsim: device i answers on UDP 127.0.0.1:(base port + i).

Devices are spread round-robin over several snmpsim processes (one process manages ~16 walks/s of a
Huawei ifTable, so large fleets need shards). Inside a process, the devices of one credential profile share
an SNMP engine with that profile's v3 user. Data files are content-addressed (``r-<sha256 prefix>.snmprec``):
devices whose recordings are identical share one file, which snmpsim indexes once per process; a
``contexts.json`` per process maps each endpoint's transport ID (``1.3.6.1.6.1.1.<n>``) to its file, and the
entry point in ``snmpsim_main.py`` selects it per request. ``uniform=True`` (load tests) makes every device
of one model, port count and profile serve the recording of the first of them, so a 1,000-device fleet of one
model renders and indexes one file per process instead of 1,000.
Secrets reach snmpsim through an ``--args-from-file`` file (mode 0600) that is deleted once it is running.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from agents.sim.credentials import SimCredentials, credentials_for
from agents.sim.install import ENTRY, ensure_snmpsim
from agents.sim.recordings import DeviceRecording, FleetView
from agents.sim.snmprec import render
from agents.sim.wiring import DEVICES_FILE, WIRING_FILE, load_wiring
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

HOST = "127.0.0.1"
UDP_DOMAIN = "1.3.6.1.6.1.1"
LISTENING = "Listening at UDP/IPv4 endpoint"
GENERATOR_VERSION = "3"
"""Bump when recordings.py or profiles.py change what a recording contains."""
NOISE = ('Variation module "redis"', 'Variation module "sql"')
CONTEXTS_FILE = "contexts.json"
CONTEXTS_ENV = "YUNWANG_SIM_CONTEXTS"
ENGINES = ("snmpsim", "fast")
"""snmpsim (the reference) or agents/sim/fastserve.py (the same answers from pre-encoded recordings)."""


@dataclass(frozen=True)
class SimDevice:
    name: str
    port: int
    profile: str
    shard: int
    transport_id: int

    @property
    def endpoint(self) -> str:
        return f"{HOST}:{self.port}"


@dataclass
class FleetPlan:
    """Which process serves which device on which port, in the order snmpsim numbers its endpoints."""

    devices: list[SimDevice]
    processes: int

    def shard(self, index: int) -> list[SimDevice]:
        return [d for d in self.devices if d.shard == index]

    def endpoints(self) -> dict[str, str]:
        return {d.name: d.endpoint for d in sorted(self.devices, key=lambda d: d.port)}


def plan_fleet(topology: Topology, base_port: int = 16100, processes: int = 1) -> FleetPlan:
    count = len(topology.devices)
    if count == 0:
        raise InputError([Problem(topology.name, None, "devices", "", "the topology has no devices to simulate",
                                  "add devices to the stack's topology")])
    if not 1024 <= base_port <= 65535 - count + 1:
        raise InputError([Problem("--base-port", None, "", str(base_port),
                                  f"ports {base_port}..{base_port + count - 1} do not fit in 1024..65535",
                                  "pick a lower base port")])
    processes = max(1, min(processes, count))
    by_shard: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for i, device in enumerate(topology.devices):
        by_shard[i % processes].append((i, device.name, device.snmp))
    devices: list[SimDevice] = []
    for shard, members in by_shard.items():
        # snmpsim numbers endpoints in command-line order: engine blocks by profile, then topology order
        ordered = sorted(members, key=lambda m: (m[2], m[0]))
        devices += [SimDevice(name, base_port + i, profile, shard, n) for n, (i, name, profile) in enumerate(ordered)]
    devices.sort(key=lambda d: d.port)
    return FleetPlan(devices, processes)


def busy_ports(ports: list[int]) -> list[int]:
    """The UDP ports on 127.0.0.1 that something already holds (snmpsim would share them silently)."""
    busy = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                busy.append(port)
    return busy


def die_with_parent() -> None:
    """Child side of fork: get SIGTERM if `yunwang sim` itself is killed, so no orphan keeps the ports."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _write_if_changed(path: Path, text: str) -> None:
    """Keep unchanged files untouched so snmpsim reuses its index instead of rebuilding it."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.write_text(text, encoding="utf-8")


def write_recordings(topology: Topology, plan: FleetPlan, data_dir: Path,
                     creds: dict[str, SimCredentials], uniform: bool = False) -> None:
    """``data_dir/shard-K/<profile>/r-<hash>.snmprec`` (one per distinct recording), ``shard-K/contexts.json``
    and ``devices.json`` (device → its file, for :func:`agents.sim.wiring.rewire`).

    Stale files are removed. Skipped when nothing changed since the last start (same topology, wiring, plan,
    communities and generator): rendering a whole city takes seconds.
    """
    stamp = data_dir / "recordings.sha256"
    wiring_file = data_dir / WIRING_FILE
    wiring_text = wiring_file.read_text(encoding="utf-8") if wiring_file.exists() else ""
    digest = hashlib.sha256("\n".join([
        GENERATOR_VERSION, topology.model_dump_json(), repr(plan), f"uniform={uniform}", wiring_text,
        *(f"{c.profile}:{c.version}:{hashlib.sha256(c.community.encode()).hexdigest()}" for c in creds.values()),
    ]).encode()).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        return
    stamp.unlink(missing_ok=True)
    fleet = FleetView(topology, load_wiring(data_dir, topology) if wiring_text else None)
    wanted: set[Path] = set()
    files: dict[str, str] = {}
    rendered: dict[tuple[str, ...], str] = {}  # uniform: one text per model, port count and profile
    contexts: dict[int, dict[str, str]] = defaultdict(dict)
    for dev in plan.devices:
        device = topology.device_by_name[dev.name]
        key = (dev.profile, device.vendor.value, device.model, str(device.interfaces)) if uniform else (dev.name,)
        text = rendered.get(key)
        if text is None:
            text = render(DeviceRecording(fleet, device).records())
            if uniform:
                rendered[key] = text
        folder = data_dir / f"shard-{dev.shard}" / dev.profile
        folder.mkdir(parents=True, exist_ok=True)
        context = "r-" + hashlib.sha256(text.encode()).hexdigest()[:16]
        path = folder / f"{context}.snmprec"
        if path not in wanted:
            _write_if_changed(path, text)
            wanted.add(path)
        files[dev.name] = str(path.relative_to(data_dir))
        contexts[dev.shard][f"{UDP_DOMAIN}.{dev.transport_id}"] = context
        cred = creds[dev.profile]
        if cred.version == "2c":
            # snmpsim accepts a community only if a data file carries its name; a hard link (not a symlink,
            # which snmpsim resolves and collapses) registers it without another copy
            community = folder / f"{cred.community}.snmprec"
            if not community.exists():
                os.link(path, community)
            wanted.add(community)
    for shard, mapping in contexts.items():
        path = data_dir / f"shard-{shard}" / CONTEXTS_FILE
        _write_if_changed(path, json.dumps(mapping, sort_keys=True))
        wanted.add(path)
    _write_if_changed(data_dir / DEVICES_FILE, json.dumps(files, indent=1, sort_keys=True))
    for stale in [*data_dir.glob("shard-*/*/*.snmprec"), *data_dir.glob(f"shard-*/{CONTEXTS_FILE}")]:
        if stale not in wanted:
            stale.unlink()
    for view in data_dir.glob("shard-*/*/*.snmprec.view"):  # the fast simulator's parsed copies
        if view.with_suffix("") not in wanted:
            view.unlink()
    stamp.write_text(digest, encoding="utf-8")


def snmpsim_args(plan: FleetPlan, shard: int, data_dir: Path, creds: dict[str, SimCredentials]) -> list[str]:
    """The engine/user/data/endpoint options of one process (secrets included: goes to a 0600 file)."""
    lines: list[str] = []
    groups: dict[str, list[SimDevice]] = defaultdict(list)
    for dev in plan.shard(shard):
        groups[dev.profile].append(dev)
    for profile in sorted(groups):
        cred = creds[profile]
        lines.append("--v3-engine-id=auto")
        if cred.version == "3":
            lines.append(f"--v3-user={cred.user}")
            if cred.auth_key:
                lines += [f"--v3-auth-key={cred.auth_key}", f"--v3-auth-proto={cred.auth_proto}"]
            if cred.priv_key:
                lines += [f"--v3-priv-key={cred.priv_key}", f"--v3-priv-proto={cred.priv_proto}"]
        else:
            # without a user snmpsim adds a default one with well-known keys: give it an unguessable one
            lines += [f"--v3-user=sim-{secrets.token_hex(4)}", f"--v3-auth-key={secrets.token_hex(16)}",
                      "--v3-auth-proto=SHA256"]
        lines.append(f"--data-dir={data_dir / f'shard-{shard}' / profile}")
        lines += [f"--agent-udpv4-endpoint={dev.endpoint}" for dev in sorted(groups[profile],
                                                                              key=lambda d: d.transport_id)]
    return lines


def fast_spec(plan: FleetPlan, shard: int, data_dir: Path, creds: dict[str, SimCredentials]) -> dict[str, object]:
    """What one fast simulator process serves (secrets included: goes to a 0600 file): each device's port and
    recording file (as snmpsim's contexts.json maps them), and the credentials of its profiles."""
    contexts = json.loads((data_dir / f"shard-{shard}" / CONTEXTS_FILE).read_text(encoding="utf-8"))
    devices = plan.shard(shard)
    return {"host": HOST,
            "devices": [{"port": d.port, "profile": d.profile,
                         "file": str(data_dir / f"shard-{shard}" / d.profile /
                                     f"{contexts[f'{UDP_DOMAIN}.{d.transport_id}']}.snmprec")} for d in devices],
            "profiles": {name: dataclasses.asdict(creds[name]) for name in sorted({d.profile for d in devices})}}


@dataclass
class SimFleet:
    """Running snmpsim processes for a topology; use as a context manager or call start()/stop()."""

    topology: Topology
    data_dir: Path
    base_port: int = 16100
    processes: int = 1
    topology_file: str = "topology"
    startup_timeout_s: float = 120.0
    uniform: bool = False
    engine: str = "snmpsim"
    plan: FleetPlan = field(init=False)
    children: list[subprocess.Popen[bytes]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.plan = plan_fleet(self.topology, self.base_port, self.processes)

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    def log_path(self, shard: int) -> Path:
        return self.run_dir / f"snmpsim-{shard}.log"

    def start(self) -> dict[str, str]:
        """Write recordings, start every process, wait until all endpoints listen; returns the endpoints."""
        used = {p.name for p in self.topology.snmp_profiles if any(d.snmp == p.name for d in self.topology.devices)}
        creds = credentials_for([p for p in self.topology.snmp_profiles if p.name in used], self.topology_file)
        busy = busy_ports([d.port for d in self.plan.devices])
        if busy:
            raise InputError([Problem("--base-port", None, "", str(self.base_port),
                                      f"UDP port(s) {', '.join(map(str, busy[:5]))} on {HOST} already in use",
                                      "stop what holds them or pick another --base-port")])
        python = ensure_snmpsim() if self.engine == "snmpsim" else Path(sys.executable)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)  # v2c communities are file names in here
        self.run_dir.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.run_dir, 0o700)
        write_recordings(self.topology, self.plan, self.data_dir, creds, self.uniform)
        env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}  # no privilege drop: the venv may live under /root
        args_files: list[Path] = []
        try:
            for shard in range(self.plan.processes):
                args_file = self.run_dir / f"args-{shard}"
                fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    if self.engine == "fast":
                        fh.write(json.dumps(fast_spec(self.plan, shard, self.data_dir, creds)))
                    else:
                        fh.write("\n".join(snmpsim_args(self.plan, shard, self.data_dir, creds)) + "\n")
                args_files.append(args_file)
                log = open(self.log_path(shard), "wb")  # noqa: SIM115 - handed to the child
                os.chmod(self.log_path(shard), 0o600)
                argv = ([str(python), "-m", "agents.sim.fastserve", f"--spec={args_file}"] if self.engine == "fast"
                        else [str(python), str(ENTRY), f"--args-from-file={args_file}",
                              f"--cache-dir={self.data_dir / f'cache-{shard}'}", "--log-level=error"])
                self.children.append(subprocess.Popen(
                    argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env={**env, CONTEXTS_ENV: str(self.data_dir / f"shard-{shard}" / CONTEXTS_FILE)},
                    preexec_fn=die_with_parent))
                log.close()
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        finally:
            for args_file in args_files:
                args_file.unlink(missing_ok=True)
        return self.plan.endpoints()

    def log_tail(self, shard: int, lines: int = 8) -> str:
        try:
            text = self.log_path(shard).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        kept = [ln for ln in text.splitlines() if ln.strip() and not any(n in ln for n in NOISE)]
        return "\n".join(kept[-lines:])

    def _wait_ready(self) -> None:
        want = {shard: len(self.plan.shard(shard)) for shard in range(self.plan.processes)}
        deadline = time.monotonic() + self.startup_timeout_s
        while True:
            pending = []
            for shard, child in enumerate(self.children):
                if child.poll() is not None:
                    raise RuntimeError(f"snmpsim process {shard} exited with code {child.returncode}:\n"
                                       f"{self.log_tail(shard)}")
                text = self.log_path(shard).read_text(encoding="utf-8", errors="replace")
                if text.count(LISTENING) < want[shard]:
                    pending.append(shard)
            if not pending:
                time.sleep(0.3)  # the dispatcher starts right after the last endpoint is bound
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"snmpsim processes {pending} not listening after {self.startup_timeout_s:.0f} s"
                                   f" (see {self.log_path(pending[0])})")
            time.sleep(0.2)

    def failed(self) -> list[int]:
        """Shards whose process has exited."""
        return [shard for shard, child in enumerate(self.children) if child.poll() is not None]

    def pids(self) -> list[int]:
        return [child.pid for child in self.children]

    def stop(self, timeout_s: float = 5.0) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for child in self.children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.children.clear()

    def __enter__(self) -> dict[str, str]:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def write_endpoints(path: Path, endpoints: dict[str, str]) -> None:
    """The endpoints file the poller, monitor and `yunwang up` read ({device: "127.0.0.1:PORT"})."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(endpoints, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
