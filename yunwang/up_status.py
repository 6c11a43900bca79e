"""The live status of `yunwang up`: children, Prometheus targets, the SNMP poller's last poll, audit findings."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from rich.console import Group
from rich.table import Table
from rich.text import Text

from yunwang.contracts.audit import CONTROL_STATUSES, SUMMARY_COUNTS
from yunwang.supervisor import Status, Supervisor
from yunwang.up_audit import AuditWorker
from yunwang.up_stack import UpConfig

STYLE = {Status.HEALTHY: "green", Status.RUNNING: "green", Status.STARTING: "yellow", Status.WAITING: "dim",
         Status.UNHEALTHY: "red", Status.BACKOFF: "red", Status.STOPPED: "dim", Status.NOT_INSTALLED: "magenta"}
_SAMPLE = re.compile(r"^(snmp_up|snmp_scrape_timestamp_seconds)\{[^}]*\}\s+(\S+)", re.M)


@dataclass
class Probes:
    """What the services report about themselves, refreshed every few seconds."""

    expected_devices: int = 0
    """Devices in the stack's inventory: what "every device answers" means."""
    targets: dict[str, tuple[int, int]] = field(default_factory=dict)
    targets_error: str = ""
    devices_up: int = 0
    devices_polled: int = 0
    last_poll: float | None = None
    poll_error: str = ""
    refreshed: float = 0.0

    def refresh(self, cfg: UpConfig, client: httpx.Client) -> None:
        self.refreshed = time.monotonic()
        if cfg.prometheus:
            try:
                active = client.get(f"{cfg.prometheus_url}/api/v1/targets",
                                    params={"state": "active"}).json()["data"]["activeTargets"]
                counts: dict[str, list[int]] = {}
                for target in active:
                    up_total = counts.setdefault(target["labels"].get("job", "?"), [0, 0])
                    up_total[0] += target.get("health") == "up"
                    up_total[1] += 1
                self.targets = {job: (v[0], v[1]) for job, v in sorted(counts.items())}
                self.targets_error = ""
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                self.targets_error = type(exc).__name__
        try:
            text = client.get(f"http://127.0.0.1:{cfg.ports.snmp_agent}/metrics").text
            ups = [float(v) for name, v in _SAMPLE.findall(text) if name == "snmp_up"]
            stamps = [float(v) for name, v in _SAMPLE.findall(text) if name == "snmp_scrape_timestamp_seconds"]
            self.devices_up, self.devices_polled = int(sum(ups)), len(ups)
            self.last_poll = max(stamps) if stamps else None
            self.poll_error = ""
        except (httpx.HTTPError, ValueError) as exc:
            self.poll_error = type(exc).__name__


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
        targets = probes.targets_error or ", ".join(f"{job} {up}/{total}" for job, (up, total) in
                                                    probes.targets.items()) or "none discovered yet"
        table.add_row("Prometheus targets up", targets)
    if probes.poll_error:
        table.add_row("SNMP poll", f"poller not answering ({probes.poll_error})")
    elif probes.devices_polled or probes.expected_devices:
        table.add_row("SNMP poll", poll_summary(probes))
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
    return table


def poll_summary(probes: Probes) -> str:
    """Answering devices out of the inventory's; those the poller's first cycle has not reached yet are named
    as such (right after start the poller has finished only some walks: that is no failure)."""
    expected = max(probes.expected_devices, probes.devices_polled)
    text = f"{probes.devices_up}/{expected} devices answer"
    if probes.devices_polled < expected:
        text += f" ({expected - probes.devices_polled} not polled yet)"
    if probes.last_poll:
        text += f", last poll {_age(max(time.time() - probes.last_poll, 0))} ago"
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
                                                                      Status.NOT_INSTALLED)]
    waiting = [f"services {', '.join(missing)}"] if missing else []
    if cfg.prometheus:
        down = [job for job, (up, total) in probes.targets.items() if up < total]
        if probes.targets_error or not probes.targets or down:
            waiting.append("Prometheus targets" + (f" ({', '.join(down)})" if down else ""))
    if probes.devices_up < probes.expected_devices or probes.poll_error:
        waiting.append(f"devices ({probes.devices_up}/{probes.expected_devices})")
    if worker is not None and worker.audit_id is None:
        waiting.append("audit")
    return not waiting, "waiting for " + "; ".join(waiting) if waiting else "all green"


def status_view(sup: Supervisor, cfg: UpConfig, probes: Probes, worker: AuditWorker | None) -> Group:
    green, summary = overall(sup, cfg, probes, worker)
    return Group(children_table(sup), facts_table(cfg, probes, worker),
                 Text(summary, style="bold green" if green else "yellow"),
                 Text("Ctrl-C stops every service; state and logs stay in " + str(cfg.state_dir), style="dim"))
