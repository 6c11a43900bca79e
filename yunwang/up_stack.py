"""What `yunwang up` runs: local secrets generated once, and the command line of every child process.

Secrets (monitor tokens, SNMP keys of the simulated devices, the devices' administrator passwords and keys) are
random, generated on the first run into files of mode 0600 under the state folder and reused afterwards; children
get the *paths* (``--*-token-file``, ``YUNWANG_SNMP_<PROFILE>_<KIND>_FILE``, ``YUNWANG_DEVICE_<ROLE>_PASSWORD_FILE``
…), never the values, so nothing secret appears in a process list or a log.
The host agent gets the agent bootstrap token, enrols with it once and keeps its own token in the same folder
(``agent-<id>.token``); the state folder is the owner's only (0700), and so is the monitor's database (0600).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import secrets
import shutil
import socket
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yunwang.contracts.device_access import LOGIN_ROLE, SSH_BASE_PORT, SSH_ENDPOINTS_FILE, password_env
from yunwang.errors import InputError, Problem
from yunwang.inventory import shard_of
from yunwang.planes import city_plane, monitoring_planes, poller_shards, shards_for
from yunwang.supervisor import ChildSpec
from yunwang.topology import Topology
from yunwang.up_capacity import (
    ENGINES,
    CycleCost,
    DriftCost,
    choose_engine,
    choose_interval,
    cycle_cost,
    drift_cost,
    format_interval,
)

TOKEN_ROLES = ("admin", "viewer", "agent", "alertmanager")
DEFAULT_POLL_S = 30.0
DEFAULT_DRIFT_S = 300.0
DRIFT_START_S = 300.0
"""The drift check starts at the first all-green, or this long after start if that takes longer."""
DEVICES_IN_FLIGHT = 64
"""Devices polled at once by all the pollers together (each shard gets its part): one poller's default. Every
shard at 64 would put a thousand devices' requests before the simulator at once at start, and it answers them
in turn, so the last ones time out."""
SNMP_SCRAPE_MAX_S = 60.0
"""Prometheus scrapes the pollers at most this long apart, even when they poll less often: a cycle's results then
reach Prometheus within a minute, and rate() over 5m always has points."""
SNMP_SCRAPE_TIMEOUT_MAX_S = 10.0
"""A poller shard's scrape (its held bytes, gzipped) takes a second or two even on a loaded machine."""
MONITOR_SERIES = ("snmp_up|snmp_scrape_partial|snmp_scrape_timestamp_seconds|ifOperStatus|ifAdminStatus|ifHighSpeed"
                  "|ifPhysAddress|lldpRemSysName|lldpRemPortIdSubtype")
"""Series the monitor reads besides the city view's own (device up/down, link states, a device's interfaces; `net
links` too): with one Prometheus per region, the regions send them to the city view on this machine, which the
monitor reads, as the plan's per-plane consoles read their own plane's Prometheus."""
SIM_READY_S = 300.0
"""The first run of the simulator may install its snmpsim environment before serving anything."""


@dataclass(frozen=True)
class Ports:
    monitor: int = 8080
    host_agent: int = 9810
    snmp_agent: int = 9811
    prometheus: int = 9090
    sim_base: int = 16100
    city_view: int = 9091
    alertmanager: int = 9093

    def region_ports(self, count: int) -> list[int]:
        """Ports of ``count`` region Prometheus servers: from ``prometheus`` up, skipping the other servers' ports
        (by default luan 9090, jinan 9092, then 9094…, around the city view's 9091 and Alertmanager's 9093)."""
        others = {self.monitor, self.host_agent, self.snmp_agent, self.city_view, self.alertmanager}
        ports: list[int] = []
        port = self.prometheus
        while len(ports) < count:
            if port not in others or port == self.prometheus:
                ports.append(port)
            port += 1
        return ports


@dataclass(frozen=True)
class PollerShard:
    """One SNMP poller process: the devices of ``regions`` (all when empty) whose shard of ``shard[1]`` is
    ``shard[0]``, served on ``port``."""

    name: str
    port: int
    regions: tuple[str, ...]
    shard: tuple[int, int]
    devices: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def poller_layout(topology: Topology, first_port: int, shards: int | None = None,
                  per_region: bool = False) -> list[PollerShard]:
    """The pollers of the local stack: the plan's (each monitoring plane's regions in as many shards as the plan
    gives it, yunwang.planes), or with ``per_region`` each region of a plane in shards of its own (each region's
    Prometheus then scrapes its own pollers), or ``shards`` shards of the whole inventory when asked."""
    names = [d.name for d in topology.devices]
    regions_of = {d.name: d.region for d in topology.devices}
    groups: list[tuple[str, tuple[str, ...], int]] = []
    if shards is None:
        _, planes = monitoring_planes(topology)
        counts = poller_shards(topology, planes)
        per_device = Counter(regions_of.values())
        for plane, polled in planes.items():
            kept = tuple(r for r in polled if r in per_device)
            if per_region and kept != (plane,):
                groups += [(f"snmp-agent-{r}", (r,), shards_for(per_device[r])) for r in kept]
            elif kept:
                groups.append((f"snmp-agent-{plane}", kept, counts[plane]))
    if not groups:  # asked for, or a topology without monitoring planes: shards of the whole inventory
        groups.append(("snmp-agent", (), shards or 1))
    out: list[PollerShard] = []
    for prefix, regions, total in groups:
        for index in range(total):
            devices = sum(1 for n in names if (not regions or regions_of[n] in regions) and shard_of(n, total) == index)
            name = prefix if total == 1 and not regions else f"{prefix}-{index}"
            out.append(PollerShard(name, first_port + len(out), regions if shards is None else (), (index, total),
                                   devices))
    return out


@dataclass(frozen=True)
class PrometheusServer:
    """One Prometheus of the local stack: a region's (scraping that region's pollers, with its region label), or
    the one for all regions; the city plane's also scrapes the host agent and the monitor."""

    name: str
    region: str | None
    port: int
    folder: Path
    pollers: tuple[PollerShard, ...]
    """Scraped as static targets (empty: every poller, through the monitor's discovery)."""
    scrapes_monitor: bool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class UpConfig:
    stack: str
    root: Path
    """Project folder (holds Pulumi.yaml): children run there."""
    state_dir: Path
    ports: Ports
    with_sim: bool = True
    prometheus: str | None = None
    """Path of the prometheus program, or None to run without it."""
    alertmanager: str | None = None
    """Path of the Alertmanager program (Debian's prometheus-alertmanager), or None to run without it."""
    plane: str | None = None
    """The monitoring plane this machine plays (the city's, yunwang.planes): its Prometheus carries that region
    label, and the city view beside it takes its remote writes."""
    scrape_interval: str = "15s"
    poll_interval: str = "30s"
    """How often the poller walks the devices, and Prometheus scrapes the poller."""
    alert_for_scale: float = 1.0
    """Factor on every alert's ``for:`` hold time (1: the shipped rules as they are)."""
    audit_interval: str = "10m"
    """How often the audits run again ("0": only at start)."""
    drift_interval: str = "5m"
    """How often ``net diff`` checks the devices' configurations and reports to the monitor ("0": never)."""
    ssh_base_port: int = SSH_BASE_PORT
    """TCP port of the first simulated device's SSH server."""
    pollers: tuple[PollerShard, ...] = ()
    """The SNMP poller processes (default: one for the whole inventory on ``ports.snmp_agent``)."""
    sim_engine: str = "snmpsim"
    """What serves the simulated devices: snmpsim, or the fast simulator for fleets snmpsim cannot keep up with."""
    prometheus_regions: tuple[str, ...] = ()
    """Regions with a Prometheus of their own, the city plane's first (on :meth:`Ports.region_ports`); empty: one
    Prometheus for every region (the plane's, on ``ports.prometheus``)."""

    @property
    def prometheus_servers(self) -> tuple[PrometheusServer, ...]:
        base = self.state_dir / "prometheus"
        if not self.prometheus_regions:
            return (PrometheusServer("prometheus", self.plane, self.ports.prometheus, base, (), True),)
        ports = self.ports.region_ports(len(self.prometheus_regions))
        return tuple(PrometheusServer(
            f"prometheus-{region}", region, port, base / region,
            tuple(p for p in self.poller_shards if region in p.regions), i == 0)
            for i, (region, port) in enumerate(zip(self.prometheus_regions, ports, strict=True)))

    @property
    def monitor_prometheus_url(self) -> str:
        """What the monitor reads series from: the one Prometheus, or the city view, which every region's
        Prometheus also sends the series the monitor reads (:data:`MONITOR_SERIES`)."""
        return self.city_view_url if self.prometheus_regions else self.prometheus_url

    @property
    def snmp_scrape(self) -> tuple[float, float]:
        """(interval, timeout) of Prometheus' scrapes of the pollers: at most a minute apart, at most 10 s each."""
        from monitor.prometheus.render import duration_seconds

        interval = min(duration_seconds(self.poll_interval), SNMP_SCRAPE_MAX_S)
        return interval, float(max(min(int(interval * 0.8), SNMP_SCRAPE_TIMEOUT_MAX_S), 1))

    @property
    def poller_shards(self) -> tuple[PollerShard, ...]:
        return self.pollers or (PollerShard("snmp-agent", self.ports.snmp_agent, (), (0, 1), 0),)

    @property
    def secrets_dir(self) -> Path:
        return self.state_dir / "secrets"

    @property
    def endpoints_file(self) -> Path:
        return self.state_dir / "sim-endpoints.json"

    @property
    def rules_dir(self) -> Path:
        """Where Prometheus reads its rules: the shipped ones, or scaled copies in the state folder."""
        from monitor.prometheus.render import RULES_DIR

        return RULES_DIR if self.alert_for_scale == 1 else self.state_dir / "prometheus" / "rules"

    @property
    def city_rules_dir(self) -> Path:
        from monitor.prometheus.render import CITY_RULES_DIR

        return CITY_RULES_DIR if self.alert_for_scale == 1 else self.state_dir / "city-view" / "rules"

    @property
    def city_view_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.city_view}"

    @property
    def alertmanager_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.alertmanager}"

    @property
    def plan_dir(self) -> Path:
        return self.state_dir / "plan"

    @property
    def monitor_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.monitor}"

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.prometheus}"

    def token_file(self, role: str) -> Path:
        return self.secrets_dir / f"monitor-{role}.token"


@dataclass(frozen=True)
class Polling:
    """How the local stack polls: the interval, the simulator (None for real devices) and why."""

    interval: str
    engine: str | None
    cost: CycleCost
    warning: str | None = None

    def describe(self, cfg: UpConfig) -> str:
        shards = cfg.poller_shards
        planes = {p.name.rsplit("-", 1)[0] for p in shards if p.regions}
        layout = f"{len(shards)} poller shard{'s' if len(shards) > 1 else ''}"
        if cfg.prometheus_regions:
            layout += f" ({len(cfg.prometheus_regions)} regions' own, each scraped by its region's Prometheus)"
        elif planes:
            layout += f" ({len(planes)} monitoring plane{'s' if len(planes) > 1 else ''}, as the plan)"
        text = f"{self.cost.devices} devices, {layout}, every {self.interval}; ~{self.cost.cpu:.0f} CPU-s per cycle"
        if self.engine:
            from agents.sim.cli import default_processes

            text += f"; simulated by {self.engine} ({default_processes(self.cost.devices, self.engine)} process(es))"
        return text


def plan_polling(topology: Topology, poll_interval: str, sim_engine: str | None) -> Polling:
    """The poll interval and simulator for ``topology`` on this machine (yunwang.up_capacity's arithmetic):
    ``poll_interval`` "auto" means 30 s unless the machine needs longer; ``sim_engine`` "auto" means snmpsim when
    it keeps up with that interval, else the fast simulator; None means real devices."""
    explicit = poll_interval.strip().lower() != "auto"
    wanted = interval_seconds(poll_interval) if explicit else DEFAULT_POLL_S
    if wanted is None or wanted < 1:
        raise InputError([Problem("--poll-interval", None, "", poll_interval, "not a duration of at least 1 s",
                                  "e.g. 30s, 2m, or auto")])
    if sim_engine is not None and sim_engine not in ("auto", *ENGINES):
        raise InputError([Problem("--sim-engine", None, "", sim_engine, "not a simulator",
                                  f"one of auto, {', '.join(ENGINES)}")])
    engine = (choose_engine(topology, wanted) if sim_engine == "auto" else sim_engine)
    cost = cycle_cost(topology, engine or "")
    seconds, warning = choose_interval(cost, wanted, explicit)
    return Polling(poll_interval if explicit else format_interval(seconds), engine, cost, warning)


@dataclass(frozen=True)
class Drift:
    """How often the local stack checks the devices' configurations, and why."""

    interval: str
    cost: DriftCost | None
    """None when the check is off."""
    warning: str | None = None

    def describe(self) -> str:
        if self.cost is None:
            return "off (--drift-interval 0)"
        return f"{self.cost.devices} devices every {self.interval}; ~{self.cost.cpu:.0f} CPU-s per round"


def plan_drift(topology: Topology, drift_interval: str, simulated: bool) -> Drift:
    """The drift interval for ``topology`` on this machine: "auto" means 5m unless a round needs more of the CPUs
    than background work may take (yunwang.up_capacity's arithmetic); "0" turns the check off."""
    explicit = drift_interval.strip().lower() != "auto"
    wanted = interval_seconds(drift_interval) if explicit else DEFAULT_DRIFT_S
    if wanted is None or (wanted < 1 and wanted != 0):
        raise InputError([Problem("--drift-interval", None, "", drift_interval, "not a duration of at least 1 s "
                                  "(or 0 to turn it off)", "e.g. 5m, 1h, auto or 0")])
    if wanted == 0:
        return Drift("0", None)
    cost = drift_cost(topology, simulated)
    seconds, warning = choose_interval(cost, wanted, explicit)
    return Drift(drift_interval if explicit else format_interval(seconds), cost, warning)


def write_status(cfg: UpConfig, status: dict[str, Any]) -> None:
    """<state>/status.json: what the status table shows, for scripts and tests (replaced atomically)."""
    path = cfg.state_dir / "status.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _secret_file(path: Path) -> Path:
    """Create ``path`` (mode 0600) holding a fresh random value unless it already exists."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    return path


def prepare_secrets(cfg: UpConfig, topo: Topology) -> dict[str, str]:
    """Generate (once) the monitor tokens and every SNMP profile's secrets; return the children's environment."""
    for role in TOKEN_ROLES:
        _secret_file(cfg.token_file(role))
    env: dict[str, str] = {}
    for profile in topo.snmp_profiles:
        if profile.version == "2c":
            kinds = ["COMMUNITY"]
        else:
            level = profile.security_level or "authPriv"
            kinds = {"noAuthNoPriv": [], "authNoPriv": ["AUTH_KEY"]}.get(level, ["AUTH_KEY", "PRIV_KEY"])
        for kind in kinds:
            name = f"YUNWANG_SNMP_{profile.name.upper().replace('-', '_')}_{kind}"
            path = _secret_file(cfg.secrets_dir / f"snmp-{profile.name}-{kind.lower().replace('_', '-')}")
            env[f"{name}_FILE"] = str(path)
    return {**env, **device_secrets(cfg)} if cfg.with_sim else env


def device_secrets(cfg: UpConfig) -> dict[str, str]:
    """``…_FILE`` variables of the simulated devices' secrets: the three administrators' passwords (the simulator
    and the device tools log in as the system administrator) and the AAA, NTP and OSPF keys a push sends."""
    from yunwang.contracts.device_access import ADMIN_ROLES
    from yunwang.contracts.device_secrets import AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV

    names = [*(password_env(role) for role in ADMIN_ROLES), AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV]
    return {f"{name}_FILE": str(_secret_file(cfg.secrets_dir / name.lower().replace("_", "-"))) for name in names}


def _command_missing(module: str, command: str) -> str | None:
    """Why ``yunwang <command>`` cannot run in this installation, or None when it can."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    return None if found else f"`yunwang {command}` is not installed ({module} missing)"


def _yunwang(*args: str) -> list[str]:
    return [sys.executable, "-m", "yunwang", *args]


def build_specs(cfg: UpConfig, env: dict[str, str]) -> list[ChildSpec]:
    """Children in start order: devices first (others read their endpoints), then monitor, agents, Prometheus."""
    p = cfg.ports
    endpoints = ["--endpoints", str(cfg.endpoints_file)] if cfg.with_sim else []
    specs: list[ChildSpec] = []
    if cfg.with_sim:
        specs.append(ChildSpec(
            "sim", _yunwang("sim", "--stack", cfg.stack, "--base-port", str(p.sim_base), "--engine", cfg.sim_engine,
                            "--data-dir", str(cfg.state_dir / "sim" / cfg.stack),
                            "--endpoints-out", str(cfg.endpoints_file), "--ssh-base-port", str(cfg.ssh_base_port)),
            env=env, cwd=cfg.root, ready_file=cfg.endpoints_file, missing=_command_missing("agents.sim.cli", "sim"),
            url=f"udp 127.0.0.1:{p.sim_base}+", ready_timeout=SIM_READY_S))
    pollers = [a for poller in cfg.poller_shards for a in ("--poller", poller.address)]
    monitor_args = ["monitor", "--listen", f"127.0.0.1:{p.monitor}", "--stack", cfg.stack,
                    "--db", f"sqlite:///{cfg.state_dir / 'monitor.db'}", *endpoints, *pollers,
                    "--host-targets", "agents",
                    "--state-dir", str(cfg.state_dir), "--no-access-log",
                    # Everything of this run listens on loopback, which is in none of the stack's ranges.
                    "--sd-allow", "127.0.0.0/8",
                    *(a for role in TOKEN_ROLES for a in (f"--{role}-token-file", str(cfg.token_file(role))))]
    if cfg.prometheus:
        monitor_args += ["--prometheus", cfg.monitor_prometheus_url]
        if cfg.prometheus_regions:  # the overview's firing alerts: each region's, and the city-wide ones
            monitor_args += [a for server in cfg.prometheus_servers for a in ("--alerts-from", server.url)]
            monitor_args += ["--alerts-from", cfg.city_view_url]
    if cfg.alertmanager:  # maintenance windows are made there
        monitor_args += ["--alertmanager", cfg.alertmanager_url]
    specs.append(ChildSpec("monitor", _yunwang(*monitor_args), cwd=cfg.root,
                           health_url=f"{cfg.monitor_url}/healthz", missing=_command_missing("monitor.cli", "monitor"),
                           url=f"{cfg.monitor_url}/"))
    specs.append(ChildSpec(
        "host-agent", _yunwang("agent", "host", "--listen", f"127.0.0.1:{p.host_agent}", "--monitor", cfg.monitor_url,
                               # The bootstrap token enrols the agent once; its own token is kept beside it.
                               "--token-file", str(cfg.token_file("agent")), "--state-dir", str(cfg.secrets_dir)),
        cwd=cfg.root, health_url=f"http://127.0.0.1:{p.host_agent}/metrics",
        missing=_command_missing("agents.cli", "agent host"), url=f"http://127.0.0.1:{p.host_agent}/metrics"))
    concurrency = str(max(4, math.ceil(DEVICES_IN_FLIGHT / len(cfg.poller_shards))))
    for poller in cfg.poller_shards:
        scope = ["--regions", ",".join(poller.regions)] if poller.regions else []
        shard = ["--shard", f"{poller.shard[0]}/{poller.shard[1]}"] if poller.shard[1] > 1 else []
        specs.append(ChildSpec(
            poller.name, _yunwang("agent", "snmp", "--listen", poller.address, "--stack", cfg.stack, *scope, *shard,
                                  "--interval", cfg.poll_interval, "--concurrency", concurrency, *endpoints),
            env=env, cwd=cfg.root, health_url=f"http://{poller.address}/healthz",
            missing=_command_missing("agents.cli", "agent snmp"), url=f"http://{poller.address}/metrics",
            # A restarted simulator has new SNMPv3 engine IDs. The poller rediscovers them itself
            # (agents/snmp/engine.py), one timed-out or rejected request per device later; starting it afresh with
            # the simulator makes the first cycle after a restart a clean one instead.
            restart_with=("sim",) if cfg.with_sim else (), group="pollers"))
    specs += [ChildSpec(
        server.name, [cfg.prometheus or "prometheus", f"--config.file={server.folder / 'prometheus.yml'}",
                      f"--storage.tsdb.path={server.folder / 'data'}", f"--web.listen-address=127.0.0.1:{server.port}",
                      "--storage.tsdb.retention.time=15d", "--log.level=warn"],
        cwd=cfg.root, health_url=f"{server.url}/-/ready",
        missing=None if cfg.prometheus else "not on PATH (install the Debian package 'prometheus') or "
                                            "--without-prometheus",
        url=f"{server.url}/") for server in cfg.prometheus_servers]
    specs += hierarchy_specs(cfg)
    specs.append(drift_spec(cfg, env))
    return specs


def hierarchy_specs(cfg: UpConfig) -> list[ChildSpec]:
    """The city view (a Prometheus receiving the plane's remote writes, with the city-wide rules) and the plane's
    Alertmanager (routing each region's alerts to its team through the monitor's webhook), as the plan has them
    (docs/scaling.md); one member of each on this machine."""
    city_dir, am_dir = cfg.state_dir / "city-view", cfg.state_dir / "alertmanager"
    city = ChildSpec(
        "city-view", [cfg.prometheus or "prometheus", f"--config.file={city_dir / 'city-view.yml'}",
                      f"--storage.tsdb.path={city_dir / 'data'}",
                      f"--web.listen-address=127.0.0.1:{cfg.ports.city_view}", "--web.enable-remote-write-receiver",
                      "--storage.tsdb.retention.time=15d", "--log.level=warn"],
        cwd=cfg.root, health_url=f"{cfg.city_view_url}/-/ready", url=f"{cfg.city_view_url}/",
        missing=None if cfg.prometheus else "needs Prometheus")
    alertmanager = ChildSpec(
        "alertmanager", [cfg.alertmanager or "prometheus-alertmanager", f"--config.file={am_dir / 'alertmanager.yml'}",
                         f"--storage.path={am_dir / 'data'}",
                         f"--web.listen-address=127.0.0.1:{cfg.ports.alertmanager}",
                         "--cluster.listen-address=", "--log.level=warn"],
        cwd=cfg.root, health_url=f"{cfg.alertmanager_url}/-/ready", url=f"{cfg.alertmanager_url}/",
        missing=None if cfg.alertmanager else "not on PATH (install the Debian package 'prometheus-alertmanager')")
    return [city, alertmanager]


def drift_spec(cfg: UpConfig, env: dict[str, str]) -> ChildSpec:
    """``net diff --report-to`` the monitor every ``--drift-interval``: each device's configuration drift (the
    simulated devices' over SSH, or with ``--no-sim`` the real ones' with the caller's credentials).

    Deferred: `yunwang up` starts it once the stack is all green (at the latest :data:`DRIFT_START_S` after start),
    so its first round (a city's SSH sessions and comparisons) does not compete with the first poll cycle."""
    login = password_env(LOGIN_ROLE)
    missing = _command_missing("infra.network.cli", "net")
    if interval_seconds(cfg.drift_interval) == 0:
        missing = "--drift-interval 0"
    elif not cfg.with_sim and not (os.environ.get(login) or os.environ.get(f"{login}_FILE")):
        missing = f"--no-sim: set {login} or {login}_FILE to check the real devices"
    # The simulator's own host key is trusted for its endpoints only (it writes both into the state folder).
    where = ["--endpoints", str(cfg.state_dir / SSH_ENDPOINTS_FILE), "--trust-simulator"] if cfg.with_sim else []
    return ChildSpec(
        "drift", _yunwang("net", "diff", "--stack", cfg.stack, *where, "--report-to", cfg.monitor_url,
                          "--every", cfg.drift_interval),
        env={**env, "YUNWANG_ADMIN_TOKEN_FILE": str(cfg.token_file("admin"))}, cwd=cfg.root, missing=missing,
        url=f"every {cfg.drift_interval} → {cfg.monitor_url}/#drift", deferred=True)


def write_prometheus(cfg: UpConfig) -> list[Path]:
    """Render each Prometheus' config (and scaled rules, if asked) for this machine: SD from the local monitor with
    the viewer token, its region label, this machine's Alertmanager and remote write to the city view.

    SNMP comes from the pollers alone: exporter-mode scrapes would walk every simulated device a second time.
    """
    from monitor.prometheus.render import (
        CITY_VIEW_SERIES,
        RULES_DIR,
        RemoteWrite,
        duration_seconds,
        write_prometheus_config,
    )
    from yunwang.up_rules import write_scaled_rules

    if cfg.rules_dir != RULES_DIR:
        write_scaled_rules(RULES_DIR, cfg.rules_dir, cfg.alert_for_scale)

    scrape_timeout = f"{max(int(duration_seconds(cfg.scrape_interval) * 0.8), 1)}s"
    snmp_seconds, snmp_timeout = cfg.snmp_scrape
    keep = f"{CITY_VIEW_SERIES}|{MONITOR_SERIES}" if cfg.prometheus_regions else CITY_VIEW_SERIES
    write_hierarchy(cfg)
    return [write_prometheus_config(
        server.folder / "prometheus.yml", cfg.monitor_url, token_file=cfg.token_file("viewer"),
        snmp_agent=cfg.poller_shards[0].address, snmp_pollers=[p.address for p in server.pollers], stack=cfg.stack,
        scrape_interval=cfg.scrape_interval, scrape_timeout=min(scrape_timeout, "10s", key=duration_seconds),
        evaluation_interval=cfg.scrape_interval, snmp_interval=format_interval(snmp_seconds),
        snmp_timeout=format_interval(snmp_timeout), sd_refresh=cfg.scrape_interval, rules_dir=cfg.rules_dir,
        jobs=("host", "snmp-poller", "monitor") if server.scrapes_monitor else ("snmp-poller",), region=server.region,
        alertmanagers=[f"127.0.0.1:{cfg.ports.alertmanager}"] if cfg.alertmanager else [],
        remote_write=[RemoteWrite(f"{cfg.city_view_url}/api/v1/write", keep=keep)])
        for server in cfg.prometheus_servers]


def write_hierarchy(cfg: UpConfig) -> None:
    """The city view's config (and scaled city-wide rules, if asked) and, with Alertmanager, its routing tree
    from the topology's contacts: every receiver posts to this monitor's webhook with the alertmanager token."""
    from monitor.alerting.routing import AlertmanagerOptions, write_alertmanager_config
    from monitor.prometheus.render import CITY_RULES_DIR, render_city_view_config
    from yunwang.stacks import load_stack
    from yunwang.up_rules import write_scaled_rules

    if cfg.city_rules_dir != CITY_RULES_DIR:
        write_scaled_rules(CITY_RULES_DIR, cfg.city_rules_dir, cfg.alert_for_scale)
    city = cfg.state_dir / "city-view" / "city-view.yml"
    city.parent.mkdir(parents=True, exist_ok=True)
    city.write_text(render_city_view_config(
        stack=cfg.stack, rules_dir=cfg.city_rules_dir, evaluation_interval=cfg.scrape_interval,
        alertmanagers=[f"127.0.0.1:{cfg.ports.alertmanager}"] if cfg.alertmanager else []), encoding="utf-8")
    if cfg.alertmanager:
        topo = load_stack(cfg.stack, cfg.root).topology
        assert topo is not None
        write_alertmanager_config(cfg.state_dir / "alertmanager" / "alertmanager.yml", topo, AlertmanagerOptions(
            monitor_url=cfg.monitor_url, webhook_token_file=str(cfg.token_file("alertmanager"))))


def prometheus_regions(topology: Topology, plane: str | None) -> tuple[str, ...]:
    """The regions with devices, the city plane's first: each gets a Prometheus in the per-region layout."""
    with_devices = {d.region for d in topology.devices}
    ordered = [r.name for r in topology.regions if r.name in with_devices]
    return tuple(sorted(ordered, key=lambda r: r != plane))


def local_plane(topology: Topology) -> str | None:
    """The plane `yunwang up` plays: the city's (the one whose Prometheus feeds the city view beside it)."""
    return city_plane(topology, monitoring_planes(topology)[1])


def find_alertmanager(wanted: bool | None) -> str | None:
    """Debian's prometheus-alertmanager (or an ``alertmanager`` on PATH) when Prometheus runs too."""
    if not wanted:
        return None
    return shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def find_prometheus(wanted: bool | None) -> str | None:
    """The prometheus program to run: required when ``wanted`` is True, skipped when False, else if installed."""
    if wanted is False:
        return None
    path = shutil.which("prometheus")
    if path is None and wanted:
        raise InputError([Problem("--with-prometheus", None, "", "", "'prometheus' is not on PATH",
                                  "install the Debian package 'prometheus', or use --without-prometheus")])
    return path


def check_intervals(cfg: UpConfig) -> None:
    """Intervals must be Prometheus durations of at least a second (the audit interval may be 0: off), and the
    alert hold-time factor positive."""
    problems = []
    for option, value, zero_ok in (("--scrape-interval", cfg.scrape_interval, False),
                                   ("--poll-interval", cfg.poll_interval, False),
                                   ("--audit-interval", cfg.audit_interval, True),
                                   ("--drift-interval", cfg.drift_interval, True)):
        seconds = interval_seconds(value)
        if seconds is None or (seconds < 1 and not (zero_ok and seconds == 0)):
            problems.append(Problem(option, None, "", value, "not a duration of at least 1 s" +
                                    (" (or 0 to turn it off)" if zero_ok else ""), "e.g. 15s, 1m, 10m"))
    if not cfg.alert_for_scale > 0:
        problems.append(Problem("--alert-for-scale", None, "", f"{cfg.alert_for_scale:g}", "not a positive factor",
                                "e.g. 1 (the shipped hold times) or 0.02 (5m becomes 6s)"))
    if problems:
        raise InputError(problems)


def interval_seconds(value: str) -> float | None:
    """Seconds in a Prometheus duration (a bare ``0`` too), or None when ``value`` is not one."""
    from monitor.prometheus.render import duration_seconds

    if value.strip() == "0":
        return 0.0
    try:
        return duration_seconds(value)
    except ValueError:
        return None


def check_ports_free(cfg: UpConfig, names: list[str]) -> None:
    """Fail early, naming the option to change, when a port we are about to serve on is taken."""
    options = {"monitor": ("--monitor-port", cfg.ports.monitor), "host-agent": ("--host-agent-port",
               cfg.ports.host_agent),
               "city-view": ("--city-view-port", cfg.ports.city_view),
               "alertmanager": ("--alertmanager-port", cfg.ports.alertmanager)}
    servers = cfg.prometheus_servers
    for n, server in enumerate(servers):
        options[server.name] = ("--prometheus-port", server.port) if n == 0 else (
            f"--prometheus-port (the region servers use {', '.join(str(s.port) for s in servers)})",
            server.port)
    for n, poller in enumerate(cfg.poller_shards):
        options[poller.name] = ("--snmp-agent-port", poller.port) if n == 0 else (
            f"--snmp-agent-port (the pollers use {cfg.poller_shards[0].port}..{cfg.poller_shards[-1].port})",
            poller.port)
    problems = []
    taken: dict[int, str] = {}
    for name in names:
        if name in options:
            option, port = options[name]
            if port in taken:
                problems.append(Problem(option.split(" ")[0], None, "", str(port),
                                        f"port {port} is given to both the {taken[port]} and the {name}",
                                        f"pick ports that do not overlap with {option}"))
            taken.setdefault(port, name)
    for name in names:
        if name not in options:
            continue
        option, port = options[name]
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no conflict
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                problems.append(Problem(option.split(" ")[0], None, "", str(port),
                                        f"port {port} for the {name} is already in use",
                                        f"stop what listens there or pick another port with {option}"))
    if problems:
        raise InputError(problems)
