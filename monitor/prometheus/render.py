"""Render monitor/prometheus/prometheus.yml for one deployment.

The template stays a readable Prometheus file; only addresses, intervals and paths differ between a laptop
(`yunwang up`) and the city's monitoring plane, so those are the only things filled in here. Every value is
checked and YAML-quoted, so a bad option becomes a clear error instead of a config Prometheus rejects later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml

from yunwang.errors import InputError, Problem

PROMETHEUS_DIR = Path(__file__).resolve().parent
TEMPLATE = PROMETHEUS_DIR / "prometheus.yml"
RULES_DIR = PROMETHEUS_DIR / "rules"
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
) -> str:
    """Prometheus YAML that discovers every target through ``monitor_url``'s ``/api/v1/sd/{job}``.

    ``token_file`` holds the bearer token for the SD endpoint; it is referenced, never read or inlined.
    ``jobs`` keeps only some scrape jobs, e.g. without ``snmp`` where the poller shards already poll every
    device (exporter mode would walk each device a second time).
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
    yaml.safe_load(text)  # the template plus quoted values must stay valid YAML
    return text


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
