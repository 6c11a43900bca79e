"""The live status of `yunwang up`: children, Prometheus targets, the SNMP poller's last poll, audit findings."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Group
from rich.table import Table
from rich.text import Text

from yunwang.contracts.audit import CONTROL_STATUSES, SUMMARY_COUNTS
from yunwang.supervisor import Status, Supervisor
from yunwang.up_audit import AuditWorker
from yunwang.up_prometheus import PrometheusCounts, PrometheusError, read_all_counts
from yunwang.up_stack import UpConfig

STYLE = {Status.HEALTHY: "green", Status.RUNNING: "green", Status.STARTING: "yellow", Status.WAITING: "dim",
         Status.UNHEALTHY: "red", Status.BACKOFF: "red", Status.STOPPED: "dim", Status.NOT_INSTALLED: "magenta"}
SHOWN_REGIONS = 4


@dataclass
class Probes:
    """What the services report about themselves, refreshed every few seconds: small answers only (Prometheus
    queries, each poller's /status), whatever the size of the fleet."""

    expected: dict[str, int] = field(default_factory=dict)
    """Devices of the inventory per region: what "every device answers" means."""
    prometheus: PrometheusCounts | None = None
    prometheus_error: str = ""
    pollers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each poller's /status (agents/snmp/latest.py), by child name."""
    poll_errors: dict[str, str] = field(default_factory=dict)
    refreshed: float = 0.0

    @property
    def expected_devices(self) -> int:
        return sum(self.expected.values())

    @property
    def targets(self) -> dict[str, tuple[int, int]]:
        return self.prometheus.targets if self.prometheus is not None else {}

    @property
    def source(self) -> str:
        """Where device counts come from: Prometheus when it runs, else the pollers themselves."""
        return "prometheus" if self.prometheus is not None else "pollers"

    def up_by_region(self) -> dict[str, int]:
        if self.prometheus is not None:
            return dict(self.prometheus.up)
        out: dict[str, int] = {}
        for summary in self.pollers.values():
            for region, counts in summary.get("regions", {}).items():
                out[region] = out.get(region, 0) + int(counts.get("up", 0))
        return out

    @property
    def devices_up(self) -> int:
        return sum(self.up_by_region().values())

    def poller_total(self, key: str) -> int:
        return sum(int(s.get(key) or 0) for s in self.pollers.values())

    @property
    def first_cycle_done(self) -> bool:
        """Every poller has polled each of its devices once (its first cycle no longer competes for the CPU)."""
        return bool(self.pollers) and not self.poll_errors and all(
            s.get("first_cycle_seconds") is not None or not s.get("devices") for s in self.pollers.values())

    @property
    def last_poll(self) -> float | None:
        stamps = [float(s["last_poll_at"]) for s in self.pollers.values() if s.get("last_poll_at")]
        return max(stamps) if stamps else None

    def refresh(self, cfg: UpConfig, client: httpx.Client, pollers: list[tuple[str, str]]) -> None:
        """Ask Prometheus (when it runs) and every poller (``(name, HOST:PORT)``) how things are."""
        self.refreshed = time.monotonic()
        if cfg.prometheus:
            try:
                self.prometheus, self.prometheus_error = read_all_counts(
                    client, [server.url for server in cfg.prometheus_servers]), ""
            except PrometheusError as exc:
                self.prometheus_error = str(exc)
        for name, address in pollers:
            try:
                self.pollers[name] = client.get(f"http://{address}/status").json()
                self.poll_errors.pop(name, None)
            except (httpx.HTTPError, ValueError) as exc:
                self.poll_errors[name] = type(exc).__name__

    def snapshot(self) -> dict[str, Any]:
        """What `yunwang up` writes to <state>/status.json at every refresh (for people and tests to compare)."""
        up = self.up_by_region()
        return {"at": time.time(), "devices_source": self.source, "devices_up": sum(up.values()),
                "devices_expected": self.expected_devices,
                "regions": {r: {"up": up.get(r, 0), "expected": n} for r, n in sorted(self.expected.items())},
                "prometheus_at": self.prometheus.at if self.prometheus is not None else None,
                "prometheus_error": self.prometheus_error, "targets": self.targets,
                "pollers": {"shards": len(self.pollers) + len(self.poll_errors), "errors": dict(self.poll_errors),
                            **{k: self.poller_total(k) for k in ("devices", "polled", "up", "failed")},
                            "first_cycle_done": self.first_cycle_done, "last_poll_at": self.last_poll}}


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def children_table(sup: Supervisor) -> Table:
    now = time.monotonic()
    table = Table(title="yunwang up", title_justify="left", expand=False)
    for column in ("service", "status", "pid", "up for", "restarts", "address"):
        table.add_column(column, justify="right" if column in ("pid", "restarts") else "left")
    for child in sup.children:
        status = child.status.value
        if child.status is Status.BACKOFF:
            status += f" in {max(child.restart_at - now, 0):.0f} s"
        if child.last_exit is not None and child.status is Status.BACKOFF:
            status += f" (exit {child.last_exit})"
        if child.spec.deferred and child.status is Status.WAITING:
            status += " (starts after the start-up)"
        table.add_row(child.spec.name, Text(status, style=STYLE[child.status]), str(child.pid or "-"),
                      _age(child.uptime(now)) if child.pid else "-", str(child.restarts),
                      child.spec.url or "", end_section=False)
        if child.status is Status.NOT_INSTALLED and child.spec.missing:
            table.add_row("", Text(child.spec.missing, style="dim"), "", "", "", "")
    return table


def facts_table(cfg: UpConfig, probes: Probes, worker: AuditWorker | None) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    if cfg.prometheus:
        targets = probes.prometheus_error or ", ".join(f"{job} {up}/{total}" for job, (up, total) in
                                                       probes.targets.items()) or "none discovered yet"
        table.add_row("Prometheus targets up", targets)
        table.add_row("devices in Prometheus", devices_summary(probes))
    table.add_row("SNMP pollers", poll_summary(probes))
    if worker is not None:
        table.add_row("audit", audit_summary(worker))
        if worker.merged is not None:
            s = worker.merged["summary"]
            statuses = Counter(s["controls"].values())
            table.add_row("findings", " · ".join(f"{k} {s[k]}" for k in SUMMARY_COUNTS))
            table.add_row("controls", " · ".join(f"{k} {statuses.get(k, 0)}" for k in CONTROL_STATUSES))
        for outcome in worker.outcomes:
            if outcome.error:
                table.add_row(f"audit {outcome.name}", Text(outcome.error, style="red"))
            elif "skipped" in (coverage := outcome.coverage()):
                table.add_row(f"audit {outcome.name}", Text(coverage, style="yellow"))
    return table


def devices_summary(probes: Probes) -> str:
    """Answering devices of the inventory as counted by the status's source, with the regions still missing some
    (and, from Prometheus, how old the count is)."""
    if probes.prometheus is not None and probes.prometheus.at is None:
        return "none yet (Prometheus has not scraped every poller yet)"
    up = probes.up_by_region()
    text = f"{sum(up.values())}/{probes.expected_devices} answer"
    if probes.prometheus is not None and probes.prometheus.at is not None:
        text += f" as of {_age(max(time.time() - probes.prometheus.at, 0))} ago"
    short = [(region, n - up.get(region, 0)) for region, n in probes.expected.items() if up.get(region, 0) < n]
    if short:
        shown = ", ".join(f"{region} {missing}" for region, missing in short[:SHOWN_REGIONS])
        text += f" (missing: {shown}{' …' if len(short) > SHOWN_REGIONS else ''})"
    return text


def poll_summary(probes: Probes) -> str:
    """The pollers' own view: how many of their devices they have polled and how those answered. Devices their
    first cycle has not reached yet are named as such (right after start that is no failure)."""
    shards = len(probes.pollers) + len(probes.poll_errors)
    if not probes.pollers:
        return f"not answering ({', '.join(sorted(set(probes.poll_errors.values())))})" if probes.poll_errors \
            else "starting"
    devices, polled = probes.poller_total("devices"), probes.poller_total("polled")
    text = f"{shards} shard{'s' if shards > 1 else ''}: {probes.poller_total('up')}/{devices} devices answer"
    if polled < devices:
        text += f" ({devices - polled} not polled yet)"
    failed = probes.poller_total("failed")
    if failed:
        reasons: dict[str, int] = {}
        for summary in probes.pollers.values():
            for reason, n in summary.get("reasons", {}).items():
                reasons[reason] = reasons.get(reason, 0) + int(n)
        text += f", {failed} failed ({', '.join(f'{r} {n}' for r, n in sorted(reasons.items()))})"
    if probes.last_poll:
        text += f", last poll {_age(max(time.time() - probes.last_poll, 0))} ago"
    if probes.poll_errors:
        text += f"; {len(probes.poll_errors)} not answering"
    return text


def audit_summary(worker: AuditWorker) -> str:
    text = worker.state
    if worker.trigger not in ("start", "schedule"):
        text += f" ({worker.trigger})"
    if worker.next_at is not None:
        text += f", next at {time.strftime('%H:%M', time.localtime(worker.next_at))}"
    return text


def overall(sup: Supervisor, cfg: UpConfig, probes: Probes, worker: AuditWorker | None) -> tuple[bool, str]:
    """Whether everything is green — every service healthy, every Prometheus target up, every device of the
    inventory answering, the audit posted — and otherwise what is still missing."""
    if sup.stopping:
        return False, "stopped"
    missing = [c.spec.name for c in sup.children if c.status not in (Status.HEALTHY, Status.RUNNING,
                                                                      Status.NOT_INSTALLED)
               and not (c.spec.deferred and c.status is Status.WAITING)]
    waiting = [f"services {', '.join(missing)}"] if missing else []
    if cfg.prometheus:
        down = [job for job, (up, total) in probes.targets.items() if up < total]
        if probes.prometheus_error or not probes.targets or down:
            waiting.append("Prometheus targets" + (f" ({', '.join(down)})" if down else ""))
    if probes.devices_up < probes.expected_devices or (probes.source == "pollers" and probes.poll_errors):
        where = " in Prometheus" if probes.source == "prometheus" else ""
        waiting.append(f"devices{where} ({probes.devices_up}/{probes.expected_devices})")
    if worker is not None and worker.audit_id is None:
        waiting.append("audit")
    return not waiting, "waiting for " + "; ".join(waiting) if waiting else "all green"


def status_view(sup: Supervisor, cfg: UpConfig, probes: Probes, worker: AuditWorker | None) -> Group:
    green, summary = overall(sup, cfg, probes, worker)
    return Group(children_table(sup), facts_table(cfg, probes, worker),
                 Text(summary, style="bold green" if green else "yellow"),
                 Text("Ctrl-C stops every service; state and logs stay in " + str(cfg.state_dir), style="dim"))
