"""The audits `yunwang up` runs once its services are up: the rendered plan, this host, the simulated devices.

Each audit is the ordinary `yunwang audit ... --format json` command (so what `up` shows is exactly what a user
gets by hand); their reports are merged into one run and posted to the monitor, whose /metrics exposes the latest
run to Prometheus. The individual reports stay in ``<state>/audits/`` for reading.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from yunwang.contracts.audit import CONTROL_SCORE, SUMMARY_COUNTS
from yunwang.topology import Topology
from yunwang.up_stack import UpConfig

AUDIT_TIMEOUT_S = 600
SNMP_CONCURRENCY = {"snmpsim": 16, "fast": 64}
"""Devices the live SNMP audit probes at once, by simulator (64 for real devices). Each probe is ~45 requests,
most of them wrong communities a device drops silently, so a probe lasts its full timeout whatever the agent;
snmpsim spends ~1 ms of CPU on each request, so 16 probes at once (~700 requests) is what it answers within a
timeout, the fast simulator ~30 µs, so 64 (~2,900)."""
FIRST_CYCLE_WAIT_S = 600.0
"""How long the live SNMP audit waits for the pollers' first cycle before it probes anyway."""


@dataclass
class AuditOutcome:
    name: str
    exit_code: int | None = None
    report: dict[str, Any] | None = None
    error: str = ""

    def coverage(self) -> str:
        """"N audited, M skipped (first reason)" from the report's read statistics, or "" without any."""
        if self.report is None:
            return ""
        stats = self.report.get("stats", {})
        sources = stats.get("sources", {}).values()
        audited, skipped = sum(s.get("audited", 0) for s in sources), sum(s.get("skipped", 0) for s in sources)
        if not skipped:
            return f"{audited} audited" if audited else ""
        reasons = [s.get("reason", "") for s in stats.get("skipped", [])]
        return f"{audited} audited, {skipped} skipped ({reasons[0] if reasons else 'see the report'})"


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One contract report from several: findings and errors concatenated, counts summed, and per clause the
    worst status any audit assessed (a clause compliant in the plan but not on the host is not compliant)."""
    merged: dict[str, Any] = {"tool": reports[0]["tool"], "standard": reports[0]["standard"], "findings": [],
                              "errors": [], "summary": {**dict.fromkeys(SUMMARY_COUNTS, 0), "controls": {}}}
    controls: dict[str, str] = merged["summary"]["controls"]
    for report in reports:
        merged["findings"].extend(report.get("findings", []))
        merged["errors"].extend(report.get("errors", []))
        summary = report.get("summary", {})
        for key in SUMMARY_COUNTS:
            merged["summary"][key] += int(summary.get(key, 0))
        for clause, status in summary.get("controls", {}).items():
            before = controls.get(clause, "not-assessed")
            worse = status in CONTROL_SCORE and (before not in CONTROL_SCORE
                                                 or CONTROL_SCORE[status] < CONTROL_SCORE[before])
            if worse:
                controls[clause] = status
            else:
                controls.setdefault(clause, status)
    return merged


def _yunwang(*args: str) -> list[str]:
    return [sys.executable, "-m", "yunwang", *args]


class Runner:
    """Runs one command at a time and can stop it from another thread (when `yunwang up` is told to stop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self.stopped = False

    def run(self, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        import os

        with self._lock:
            if self.stopped:
                raise InterruptedError("stopping")
            self._proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})}, text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = self._proc.communicate(timeout=AUDIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            out, err = self._proc.communicate()
            err += f"\ntook longer than {AUDIT_TIMEOUT_S} s"
        finally:
            with self._lock:
                proc, self._proc = self._proc, None
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()


def run_json_audit(name: str, args: list[str], out: Path, cfg: UpConfig, env: dict[str, str],
                   runner: Runner | None = None, nothing_audited_ok: bool = False) -> AuditOutcome:
    """Run one `yunwang audit ... --format json --out FILE`; exit 0/1 both mean a report was written, and so does 2
    with ``nothing_audited_ok`` when the report is there (every target skipped, each with its reason)."""
    outcome = AuditOutcome(name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    done = (runner or Runner()).run(_yunwang("audit", *args, "--format", "json", "--out", str(out)), cfg.root, env)
    outcome.exit_code = done.returncode
    if (done.returncode in (0, 1) or (done.returncode == 2 and nothing_audited_ok)) and out.is_file():
        try:
            outcome.report = json.loads(out.read_text(encoding="utf-8"))
        except ValueError as exc:
            outcome.error = f"unreadable report {out}: {exc}"
    else:
        outcome.error = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1][:300]
    return outcome


@dataclass
class AuditWorker:
    """Renders the plan and runs the audits in a background thread, again every ``interval`` seconds (0: only at
    start) and whenever :meth:`rerun` asks, so the monitor's audit history and compliance metrics follow the
    system; the status table reads its fields."""

    cfg: UpConfig
    env: dict[str, str]
    interval: float = 0.0
    snmp_args: tuple[str, ...] = ()
    """Options of the live SNMP audit (timeout, retries, concurrency) suited to the fleet."""
    snmp_ready: Callable[[], bool] | None = None
    """Whether the pollers' first cycle is done: the live SNMP audit waits for it (bounded) so as not to compete
    with it for the simulated devices and the CPU."""
    state: str = "waiting"
    outcomes: list[AuditOutcome] = field(default_factory=list)
    merged: dict[str, Any] | None = None
    audit_id: int | None = None
    finished_at: float | None = None
    """When the latest round ended (wall clock)."""
    rounds: int = 0
    next_at: float | None = None
    """When the next round is due (wall clock), or None when none is scheduled."""
    _thread: threading.Thread | None = None
    _runner: Runner = field(default_factory=Runner)
    trigger: str = "start"
    """Why the current (or latest) round runs: start, schedule, or the reason given to :meth:`rerun`."""
    _wake: threading.Event = field(default_factory=threading.Event)
    _reason: str = ""

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="up-audits", daemon=True)
        self._thread.start()

    def rerun(self, reason: str) -> None:
        """Start a round now (or right after the one running), e.g. because the audited devices restarted."""
        self._reason = reason
        self._wake.set()

    def stop(self) -> None:
        """Stop the command running now; the thread then ends without starting another."""
        self._runner.stop()
        self._wake.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._runner.stopped:
            self._wake.clear()
            try:
                self.audit_round()
            except InterruptedError:
                self.state = "stopped"
                return
            except Exception as exc:  # reported in the status table; the services keep running
                self.state = f"failed: {type(exc).__name__}: {exc}"
            finally:
                self.finished_at = time.time()
                self.rounds += 1
            self.next_at = time.time() + self.interval if self.interval > 0 else None
            self._wake.wait(self.interval if self.interval > 0 else None)
            self.next_at = None
            self.trigger, self._reason = self._reason or "schedule", ""

    def audit_round(self) -> None:
        """One round: render, audit, merge, post. Split out so the schedule can be tested without the audits."""
        outcomes: list[AuditOutcome] = []
        try:
            self._run_all(outcomes)
        finally:
            self.outcomes = outcomes

    def _run_all(self, outcomes: list[AuditOutcome]) -> None:
        cfg = self.cfg
        audits_dir = cfg.state_dir / "audits"
        self.state = "rendering plan"
        plan = self._runner.run(_yunwang("plan", "--stack", cfg.stack, "--out", str(cfg.plan_dir)), cfg.root)
        jobs: list[tuple[str, list[str]]] = []
        if plan.returncode == 0:
            jobs.append(("plan", ["plan", str(cfg.plan_dir)]))
        else:
            outcomes.append(AuditOutcome("plan", plan.returncode, None,
                                              (plan.stderr.strip().splitlines() or ["plan failed"])[-1][:300]))
        jobs.append(("host", ["host"]))
        if self._sim_endpoints():
            jobs.append(("snmp", self.snmp_job()))
        for name, args in jobs:
            if name == "snmp":
                self._wait_first_cycle()
            self.state = f"auditing {name}"
            outcomes.append(run_json_audit(name, args, audits_dir / f"{name}.json", cfg, self.env, self._runner,
                                           nothing_audited_ok=name == "snmp"))
        reports = [o.report for o in outcomes if o.report is not None]
        if not reports:
            self.state = "no audit produced a report"
            return
        self.merged = merge_reports(reports)
        (audits_dir / "merged.json").write_text(json.dumps(self.merged, ensure_ascii=False, indent=1), "utf-8")
        if self._runner.stopped:
            raise InterruptedError("stopping")
        self.state = "posting to the monitor"
        self.audit_id = post_audit(cfg.monitor_url, cfg.token_file("admin"), self.merged)
        self.state = f"posted as audit {self.audit_id} at {time.strftime('%H:%M:%S')}"

    def snmp_job(self) -> list[str]:
        """`yunwang audit` arguments of the live SNMP audit: every simulated device, the unreachable ones skipped."""
        return ["snmp", "--endpoints", str(self.cfg.endpoints_file), "--unreachable", "skip", *self.snmp_args]

    def _sim_endpoints(self) -> bool:
        """Whether the simulated devices' endpoints file is there to probe (waiting a minute for it)."""
        if not self.cfg.with_sim:
            return False
        deadline = time.monotonic() + 60
        while not self.cfg.endpoints_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.5)
        try:
            endpoints = json.loads(self.cfg.endpoints_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(endpoints, dict) and bool(endpoints)

    def _wait_first_cycle(self) -> None:
        if self.snmp_ready is None:
            return
        self.state = "waiting for the first poll cycle"
        deadline = time.monotonic() + FIRST_CYCLE_WAIT_S
        while not self.snmp_ready() and time.monotonic() < deadline:
            if self._runner.stopped:
                raise InterruptedError("stopping")
            time.sleep(1.0)


def post_audit(monitor_url: str, admin_token_file: Path, report: dict[str, Any], attempts: int = 20) -> int:
    """POST the report to the monitor (retrying while it starts); returns the stored audit id."""
    token = admin_token_file.read_text(encoding="utf-8").strip()
    last = ""
    for _ in range(attempts):
        try:
            response = httpx.post(f"{monitor_url}/api/v1/audits", json=report, timeout=30, trust_env=False,
                                  headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 201:
                return int(response.json()["id"])
            last = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code < 500:
                break
        time.sleep(1.0)
    raise RuntimeError(f"the monitor refused the audit: {last}")


def snmp_audit_options(topology: Topology, engine: str | None = None) -> tuple[str, ...]:
    """Timeout and retries of the slowest SNMP profile the fleet uses (at least one retry: a device busy with a
    poll answers late, not never) and a concurrency bounded for what serves the devices (``engine``: the
    simulator, None for real devices)."""
    used = {d.snmp for d in topology.devices}
    profiles = [p for p in topology.snmp_profiles if p.name in used]
    timeout = max((p.timeout_s for p in profiles), default=2.0)
    retries = max(1, *(p.retries for p in profiles)) if profiles else 1
    return ("--timeout", f"{timeout:g}", "--retries", str(min(retries, 5)), "--concurrency",
            str(min(SNMP_CONCURRENCY.get(engine or "", 64), max(len(topology.devices), 1))))
