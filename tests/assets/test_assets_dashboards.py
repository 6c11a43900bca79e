"""Grafana dashboards and provisioning: committed JSON is what the generator writes, panels are laid out and
queried consistently, titles are bilingual, and every variable a query uses is defined."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.grafana.dashboards import DASHBOARD_DIR, render_dashboards
from monitor.grafana.panels import GRID_WIDTH

PROVISIONING = DASHBOARD_DIR.parent / "provisioning"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s"}
DASHBOARD_FILES = sorted(DASHBOARD_DIR.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _bilingual(text: str) -> bool:
    return bool(CJK.search(text) and LATIN.search(text))


def test_committed_json_matches_generator() -> None:
    rendered = render_dashboards()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DASHBOARD_FILES}
    assert set(on_disk) == set(rendered), "run: python -m monitor.grafana.dashboards"
    for name, text in rendered.items():
        assert on_disk[name] == text, f"{name} is stale; run: python -m monitor.grafana.dashboards"


def test_the_five_dashboards_exist_with_their_variables() -> None:
    variables = {p.stem: {v["name"] for v in _load(p)["templating"]["list"]} for p in DASHBOARD_FILES}
    assert set(variables) == {"city-overview", "region", "device", "host", "compliance"}
    assert "region" in variables["region"]
    assert {"device", "interface"} <= variables["device"]
    assert "instance" in variables["host"]
    assert all("datasource" in names for names in variables.values())


def test_uids_are_unique() -> None:
    uids = [_load(p)["uid"] for p in DASHBOARD_FILES]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.stem)
def test_dashboard_is_consistent(path: Path) -> None:
    board = _load(path)
    assert _bilingual(board["title"]), board["title"]
    defined = {v["name"] for v in board["templating"]["list"]} | GRAFANA_BUILTINS
    for variable in board["templating"]["list"]:
        assert _bilingual(variable["label"])
    cells: set[tuple[int, int]] = set()
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert _bilingual(panel["title"]), panel["title"]
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= GRID_WIDTH
        mine = {(x, y) for x in range(pos["x"], pos["x"] + pos["w"]) for y in range(pos["y"], pos["y"] + pos["h"])}
        assert not cells & mine, f"panel {panel['title']} overlaps another"
        cells |= mine
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"], f"panel {panel['title']} has no query"
        for target in panel["targets"]:
            assert target["expr"].strip()
            used = set(re.findall(r"\$\{?(\w+)", target["expr"]))
            assert used <= defined, f"{panel['title']}: undefined variables {used - defined}"
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            used = set(re.findall(r"\$\{?(\w+)", variable["definition"]))
            assert used <= defined - {variable["name"]}


def test_provisioning_points_at_prometheus_and_the_dashboards() -> None:
    sources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    (source,) = sources["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"].startswith("http://127.0.0.1:9090")
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "yunwang.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"]
