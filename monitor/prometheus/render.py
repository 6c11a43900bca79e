"""Render monitor/prometheus/prometheus.yml for one deployment.

The template stays a readable Prometheus file; only addresses, intervals and paths differ between a laptop
(`yunwang up`) and the city's monitoring plane, so those are the only things filled in here. Every value is
checked and YAML-quoted, so a bad option becomes a clear error instead of a config Prometheus rejects later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

import yaml

from yunwang.errors import InputError, Problem

PROMETHEUS_DIR = Path(__file__).resolve().parent
TEMPLATE = PROMETHEUS_DIR / "prometheus.yml"
RULES_DIR = PROMETHEUS_DIR / "rules"
"""Rules every region's Prometheus evaluates, where the data is (``*.yml``; not the sub-folders)."""
CITY_RULES_DIR = RULES_DIR / "city"
"""Rules the city view evaluates over what the regions send it (a region falling silent, compliance by region)."""
CITY_VIEW_SERIES = ("yunwang:(device:up|region:.+|plane:.+|compliance:ratio)|ALERTS|up|yunwang_devices"
                    "|yunwang_audit_findings|yunwang_audit_control_status|yunwang_agent_last_seen_timestamp_seconds")
"""Metric names a region remote-writes to the city view: per-device up, the region's aggregates (rules/region.yml),
alerts and the monitor's inventory and compliance. Interface counters and host metrics stay in the region
(its Grafana shows them), which keeps the extranet traffic to a few series per device."""
OUT_OF_ORDER_WINDOW = "3h"
"""How far back the city view accepts samples arriving late: a region's write-ahead log replayed after a link
outage (the sender keeps about 2-3 hours of WAL, so a longer window would not bring more back)."""
SD_JOBS: tuple[str, ...] = ("host", "snmp", "snmp-poller", "monitor")

_DURATION = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as ``1m30s``; raises ValueError when it is not one."""
    if not _DURATION.match(text):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", text))


def _problem(option: str, value: str, message: str, hint: str) -> Problem:
    return Problem("prometheus config", None, option, value, message, hint)


@dataclass(frozen=True)
class RemoteWrite:
    """One remote-write queue from a region's Prometheus to a city-view replica."""

    url: str
    name: str = "city-view"
    tls_dir: str | None = None
    """Folder with ``tls.crt``, ``tls.key`` and ``ca.crt``: the region's client certificate for the city's Ingress."""
    keep: str = CITY_VIEW_SERIES


def sd_url(monitor_url: str, job: str) -> str:
    """The monitor's HTTP service discovery endpoint for one scrape job."""
    return f"{monitor_url.rstrip('/')}/api/v1/sd/{job}"


def render_prometheus_config(
    monitor_url: str,
    *,
    token_file: str | Path = "/etc/yunwang/monitor-sd.token",
    snmp_agent: str = "127.0.0.1:9811",
    scrape_interval: str = "30s",
    scrape_timeout: str = "10s",
    evaluation_interval: str = "30s",
    snmp_interval: str = "60s",
    snmp_timeout: str = "50s",
    sd_refresh: str = "30s",
    stack: str = "dev",
    rules_dir: str | Path = RULES_DIR,
    jobs: Sequence[str] = SD_JOBS,
    region: str | None = None,
    alertmanagers: Sequence[str] = (),
    remote_write: Sequence[RemoteWrite] = (),
    snmp_pollers: Sequence[str] = (),
) -> str:
    """Prometheus YAML that discovers every target through ``monitor_url``'s ``/api/v1/sd/{job}``.

    ``token_file`` holds the bearer token for the SD endpoint; it is referenced, never read or inlined.
    ``jobs`` keeps only some scrape jobs, e.g. without ``snmp`` where the poller shards already poll every
    device (exporter mode would walk each device a second time). ``snmp_pollers`` (HOST:PORT) replaces the
    pollers' discovery with those targets: on one machine (`yunwang up`) one monitor lists every region's
    pollers, and each region's Prometheus scrapes its own. In the hierarchy each region's Prometheus gets
    ``region`` as an external label (on its alerts and remote-written series that carry none: the monitor's,
    the audit's), the members of its ``alertmanagers`` (HOST:PORT) and its ``remote_write`` queues
    to the city view.
    """
    problems: list[Problem] = []
    unknown = [job for job in jobs if job not in SD_JOBS]
    if unknown or not jobs:
        problems.append(_problem("jobs", ",".join(unknown), "unknown or no scrape jobs",
                                 f"choose among {', '.join(SD_JOBS)}"))
    parts = urlsplit(monitor_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(_problem("monitor_url", monitor_url, "the monitor URL must be http(s)://HOST:PORT",
                                 "e.g. http://127.0.0.1:8080"))
    problems += [_problem("snmp_pollers", a, "a poller must be HOST:PORT", "e.g. 127.0.0.1:9811")
                 for a in snmp_pollers if not _HOST_PORT.match(a)]
    if not _HOST_PORT.match(snmp_agent):
        problems.append(_problem("snmp_agent", snmp_agent, "the SNMP agent address must be HOST:PORT",
                                 "e.g. 127.0.0.1:9811"))
    durations = {"scrape_interval": scrape_interval, "scrape_timeout": scrape_timeout,
                 "evaluation_interval": evaluation_interval, "snmp_interval": snmp_interval,
                 "snmp_timeout": snmp_timeout, "sd_refresh": sd_refresh}
    seconds: dict[str, float] = {}
    for option, value in durations.items():
        try:
            seconds[option] = duration_seconds(value)
        except ValueError:
            problems.append(_problem(option, value, "not a Prometheus duration", "e.g. 30s, 1m, 1m30s"))
    for timeout, interval in (("scrape_timeout", "scrape_interval"), ("snmp_timeout", "snmp_interval")):
        if timeout in seconds and interval in seconds and seconds[timeout] > seconds[interval]:
            problems.append(_problem(timeout, durations[timeout], f"longer than {interval} ({durations[interval]})",
                                     "Prometheus refuses a timeout longer than its interval"))
    problems += _hierarchy_problems(region, alertmanagers, remote_write)
    if not str(token_file).strip():
        problems.append(_problem("token_file", "", "a bearer token file is required for the monitor's SD",
                                 "write the token to a file readable by Prometheus"))
    if problems:
        raise InputError(problems)

    values: dict[str, str] = {
        **durations,
        "stack": stack,
        "token_file": str(token_file),
        "snmp_agent": snmp_agent,
        "rules_glob": str(Path(rules_dir) / "*.yml"),
        **{f"sd_{job.replace('-', '_')}": sd_url(monitor_url, job) for job in SD_JOBS},
    }
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        {key: json.dumps(value) for key, value in values.items()})
    text = _keep_jobs(text, set(jobs))
    if snmp_pollers:
        text = _static_pollers(text, snmp_pollers)
    if region is not None:
        text = text.replace(f"    stack: {json.dumps(stack)}\n",
                            f"    stack: {json.dumps(stack)}\n    region: {json.dumps(region)}\n", 1)
    text = text.replace("rule_files:", _sections(alertmanagers, remote_write) + "rule_files:", 1)
    yaml.safe_load(text)  # the template plus quoted values must stay valid YAML
    return text


def _hierarchy_problems(region: str | None, alertmanagers: Sequence[str],
                        remote_write: Sequence[RemoteWrite]) -> list[Problem]:
    problems = []
    if region is not None and not re.match(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", region):
        problems.append(_problem("region", region, "not a region name", "e.g. jinan"))
    problems += [_problem("alertmanagers", a, "an Alertmanager must be HOST:PORT", "e.g. 127.0.0.1:9093")
                 for a in alertmanagers if not _HOST_PORT.match(a)]
    for rw in remote_write:
        parts = urlsplit(rw.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(_problem("remote_write", rw.url, "a remote-write URL must be http(s)://HOST:PORT/PATH",
                                     "e.g. https://city-view-0.luan.gov.example/api/v1/write"))
        try:
            re.compile(rw.keep)
        except re.error as exc:
            problems.append(_problem("remote_write.keep", rw.keep, f"not a regular expression: {exc}",
                                     "a RE2 alternation of metric names"))
    return problems


def _sections(alertmanagers: Sequence[str], remote_write: Sequence[RemoteWrite]) -> str:
    """The ``alerting`` and ``remote_write`` sections (none when not asked for)."""
    doc: dict[str, Any] = {}
    if alertmanagers:
        doc["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": list(alertmanagers)}]}]}
    if remote_write:
        doc["remote_write"] = [_remote_write(rw) for rw in remote_write]
    if not doc:
        return ""
    notes = ("# Alerts go to every member of this plane's Alertmanager group (they deduplicate by gossip).\n"
             "# Remote write: the region's aggregates, per-device up and alerts go to the city view; samples wait in\n"
             "# the write-ahead log while the city cannot be reached and are sent when it can again.\n")
    return notes + yaml.safe_dump(doc, sort_keys=False, width=200) + "\n"


def _remote_write(rw: RemoteWrite) -> dict[str, Any]:
    out: dict[str, Any] = {"name": rw.name, "url": rw.url}
    if rw.tls_dir is not None:
        folder = rw.tls_dir.rstrip("/")
        out["tls_config"] = {"cert_file": f"{folder}/tls.crt", "key_file": f"{folder}/tls.key",
                             "ca_file": f"{folder}/ca.crt"}
    out["write_relabel_configs"] = [{"source_labels": ["__name__"], "regex": rw.keep, "action": "keep"}]
    # Retried without end on a 5xx or a lost connection (the samples stay in the WAL): only the backoff is set.
    out["queue_config"] = {"min_backoff": "1s", "max_backoff": "30s"}
    return out


def render_city_view_config(*, stack: str = "dev", rules_dir: str | Path = CITY_RULES_DIR,
                            evaluation_interval: str = "30s", alertmanagers: Sequence[str] = ()) -> str:
    """The city view: a Prometheus that scrapes nothing, receives the regions' remote writes (it runs with
    ``--web.enable-remote-write-receiver``), evaluates the city-wide rules and alerts the city's team."""
    problems = _hierarchy_problems(None, alertmanagers, ())
    try:
        duration_seconds(evaluation_interval)
    except ValueError:
        problems.append(_problem("evaluation_interval", evaluation_interval, "not a Prometheus duration", "e.g. 30s"))
    if problems:
        raise InputError(problems)
    doc: dict[str, Any] = {
        "global": {"evaluation_interval": evaluation_interval, "external_labels": {"stack": stack}},
        "storage": {"tsdb": {"out_of_order_time_window": OUT_OF_ORDER_WINDOW}},
        "rule_files": [str(Path(rules_dir) / "*.yml")],
    }
    if alertmanagers:
        doc["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": list(alertmanagers)}]}]}
    header = ("# The city view (rendered by monitor/prometheus/render.py): every region's Prometheus remote-writes\n"
              "# its aggregates here; this server scrapes nothing and evaluates the city-wide rules.\n")
    return header + yaml.safe_dump(doc, sort_keys=False, width=200)


def _static_pollers(text: str, pollers: Sequence[str]) -> str:
    """The ``snmp-poller`` job with ``pollers`` as its targets instead of the monitor's discovery."""
    found = re.search(r"(  - job_name: snmp-poller\n(?:    (?!http_sd_configs).*\n)*)    http_sd_configs:\n"
                      r"(?:      .*\n)*", text)
    if found is None:
        return text
    static = f"    static_configs:\n      - targets: {json.dumps(list(pollers))}\n"
    return text[:found.start()] + found.group(1) + static + text[found.end():]


def _keep_jobs(text: str, jobs: set[str]) -> str:
    """Drop the scrape job blocks (comment lines and all, blank-line separated) not in ``jobs``."""
    head, marker, body = text.partition("scrape_configs:\n")
    blocks = body.split("\n\n")
    kept = [b for b in blocks if (m := re.search(r"^  - job_name: (\S+)$", b, re.M)) and m.group(1) in jobs]
    return head + marker + "\n\n".join(kept).rstrip("\n") + "\n"


def write_prometheus_config(path: Path, monitor_url: str, **options: object) -> Path:
    """Render and write the config (creating the folder); returns ``path``."""
    text = render_prometheus_config(monitor_url, **options)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
