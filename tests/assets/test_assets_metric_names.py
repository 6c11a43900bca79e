"""Every metric a dashboard or rule reads is one our components export (monitor/metrics_catalogue.yaml), every
dashboard query is valid PromQL, and the catalogue agrees with the exporters' code where that code exists."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from assets_testlib import running

from monitor.grafana.dashboards import DASHBOARD_DIR
from monitor.prometheus.promql import label_values_metric, metric_names
from monitor.prometheus.render import RULES_DIR
from yunwang.testkit import ROOT, free_port, need_binary

CATALOGUE_FILE = ROOT / "monitor" / "metrics_catalogue.yaml"
CATALOGUE: dict[str, Any] = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
METRICS: dict[str, dict[str, Any]] = CATALOGUE["metrics"]


def _rules() -> list[dict[str, Any]]:
    return [rule for path in sorted(RULES_DIR.rglob("*.yml"))
            for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def _dashboard_queries() -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel query and every label_values variable of every dashboard."""
    import json

    for path in sorted(DASHBOARD_DIR.glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        for panel in board["panels"]:
            for target in panel["targets"]:
                yield f"{path.name}: {panel['title']} [{target['refId']}]", target["expr"]
        for variable in board["templating"]["list"]:
            selector = label_values_metric(variable.get("definition", "")) if variable["type"] == "query" else None
            if selector:
                yield f"{path.name}: variable {variable['name']}", selector


def _all_expressions() -> list[tuple[str, str]]:
    rules = [(f"rule {r.get('alert') or r['record']}", r["expr"]) for r in _rules()]
    return rules + list(_dashboard_queries())


RECORDED = {rule["record"] for rule in _rules() if "record" in rule}


def test_catalogue_is_well_formed() -> None:
    exporters = set(CATALOGUE["exporters"])
    for name, entry in METRICS.items():
        assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", name), name
        assert entry["exporter"] in exporters, f"{name}: unknown exporter {entry['exporter']}"
        assert entry["type"] in {"counter", "gauge", "histogram", "summary", "info"}
        if entry["type"] == "counter":
            assert name.endswith("_total") or entry["exporter"] == "snmp", f"{name}: counters end in _total"


@pytest.mark.parametrize(("expr", "expected"), [
    ("sum by (region) (yunwang:device:up)", {"yunwang:device:up"}),
    ('rate(ifInErrors{ifName=~"$interface"}[$__rate_interval]) * 8 / (ifHighSpeed > 0) / 1e6',
     {"ifInErrors", "ifHighSpeed"}),
    ("count(a == 0) or vector(0)", {"a"}),
    ("topk(10, b{role=\"core\"}) offset 1d", {"b"}),
    ("sum without (mode) (c) / on (instance) group_left (job) d", {"c", "d"}),
    ("max(up{job=\"snmp\"}) by (device) unless absent(e)", {"up", "e"}),
    ('histogram_quantile(0.9, sum by (le) (rate(f_bucket[1h:5m])))', {"f_bucket"}),
    ('{__name__="g", job="x"}', {"g"}),
    ("time() - h > bool 300", {"h"}),
])
def test_name_finder(expr: str, expected: set[str]) -> None:
    assert metric_names(expr) == expected


def test_every_metric_used_is_exported() -> None:
    known = set(METRICS) | RECORDED
    unknown = {where: sorted(metric_names(expr) - known) for where, expr in _all_expressions()
               if metric_names(expr) - known}
    assert unknown == {}, f"not in {CATALOGUE_FILE.name} and not recorded by a rule"


def test_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    promtool = need_binary("promtool", "prometheus")
    rules = []
    for index, (where, expr) in enumerate(_dashboard_queries()):
        concrete = re.sub(r"\$\{?__\w+\}?", "5m", expr)
        concrete = re.sub(r"\$\{?\w+\}?", "x", concrete)
        rules.append({"record": f"dashboard:query_{index}", "expr": concrete, "labels": {"where": where[:100]}})
    path = tmp_path / "dashboards.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, allow_unicode=True))
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the catalogue against the exporters' own code -------------------------------------------------------------

def _names_of(exporters: set[str]) -> set[str]:
    return {name for name, entry in METRICS.items() if entry["exporter"] in exporters}


def _source_text(folder: Path, suffixes: tuple[str, ...], skip: tuple[str, ...] = ()) -> str:
    files = [p for p in sorted(folder.rglob("*")) if p.suffix in suffixes and p.is_file()
             and not any(part in skip for part in p.relative_to(folder).parts)]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def _missing_words(names: set[str], text: str) -> set[str]:
    return {name for name in names if not re.search(rf"(?<![\w:]){re.escape(name)}(?![\w:])", text)}


def test_catalogue_matches_the_snmp_agent() -> None:
    folder = ROOT / "agents" / "snmp"
    text = _source_text(folder, (".py", ".yaml", ".yml")) if folder.is_dir() else ""
    if "ifHCInOctets" not in text:
        pytest.skip("agents/snmp has no if_mib module definition yet: nothing to compare the catalogue with")
    missing = _missing_words(_names_of({"snmp", "snmp-agent", "poller"}), text)
    assert missing == set(), f"catalogued as exported by agents/snmp but not found there: {sorted(missing)}"


def test_catalogue_matches_the_monitor() -> None:
    folder = ROOT / "monitor"
    text = _source_text(folder, (".py",), skip=("prometheus", "grafana"))
    # the monitor serves the latest audit and the link states through these
    for served in (ROOT / "policies" / "metrics.py", ROOT / "links" / "exposition.py"):
        if served.is_file():
            text += "\n" + served.read_text(encoding="utf-8")
    if "yunwang_" not in text:
        pytest.skip("monitor/ exports no metrics yet: nothing to compare the catalogue with")
    missing = _missing_words(_names_of({"monitor"}), text)
    assert missing == set(), f"catalogued as exported by the monitor but not found in monitor/: {sorted(missing)}"


def test_catalogue_matches_the_running_host_agent(tmp_path: Path) -> None:
    if importlib.util.find_spec("agents.cli") is None:
        pytest.skip("agents/cli.py (`yunwang agent host`) does not exist yet: cannot run the host agent")
    port = free_port()
    with running([sys.executable, "-m", "yunwang", "agent", "host", "--listen", f"127.0.0.1:{port}"],
                 cwd=tmp_path) as proc:
        text = _scrape(f"http://127.0.0.1:{port}/metrics", proc)
    exported = {line.split("{", 1)[0].split(" ", 1)[0] for line in text.splitlines() if line and line[0] != "#"}
    missing = _names_of({"host"}) - exported
    assert missing == set(), f"catalogued for the host agent but absent from its /metrics: {sorted(missing)}"


def _scrape(url: str, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            assert proc.stderr is not None
            pytest.fail(f"`yunwang agent host` exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return response.text
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"`yunwang agent host` did not serve {url} within 20 s")
