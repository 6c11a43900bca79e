"""The overview page for liuan (667 devices, 651 links), server-side render: goal under 1 s.

Measured three ways: the link states (from the fleet's observations), the HTML render alone, and the whole
request through the monitor (the link states and device up/down read from a stand-in Prometheus, a stored
audit with history). Figures in docs/performance.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "netlinks"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))

from links_testlib import FakePrometheus, sim_observations, topology

from links.declared import declared_network
from links.state import evaluate
from monitor.overview import OverviewData, render_overview


@pytest.fixture(scope="module")
def liuan() -> tuple[Any, Any, Any]:
    net = declared_network(topology("liuan"))
    seen = sim_observations(net)
    return net, seen, evaluate(net, seen)


def test_link_states_for_liuan(benchmark: Any, liuan: tuple[Any, Any, Any]) -> None:
    net, seen, _ = liuan
    report = benchmark(evaluate, net, seen)
    assert len(report.links) == 651 and report.all_ok


def test_overview_render_for_liuan(benchmark: Any, liuan: tuple[Any, Any, Any]) -> None:
    net, seen, report = liuan
    data = OverviewData(net, seen.reachable, report, [], None, [], [], {})
    html = benchmark(render_overview, data, "zh")
    assert benchmark.stats.stats.max < 1.0
    assert html.count('class="device up"') == 667


def test_link_states_read_from_prometheus_for_liuan(benchmark: Any, liuan: tuple[Any, Any, Any]) -> None:
    """What the monitor does at most every 2 s while Prometheus scrapes it: read the series, compute the states.
    (The stand-in Prometheus runs in this process and competes for it: the real one does not.)"""
    from links.prometheus import read_observations

    net, seen, _ = liuan
    fake = FakePrometheus(seen)
    try:
        read_observations(fake.url)  # the stand-in builds its answers once
        report = benchmark(lambda: evaluate(net, read_observations(fake.url)))
        assert report.all_ok
    finally:
        fake.close()


def test_overview_request_for_liuan(benchmark: Any, liuan: tuple[Any, Any, Any], tmp_path: Path) -> None:
    """GET / with every Prometheus answer and an audit history of 20 runs: under 1 s."""
    from monitor_testlib import ADMIN, VIEWER, bearer, finding, report

    from monitor.app import create_app
    from monitor.service import build_monitor
    from monitor.settings import MonitorSettings, Tokens
    from yunwang.testkit import ROOT

    _, seen, _ = liuan
    fake = FakePrometheus(seen)
    try:
        from fastapi.testclient import TestClient

        settings = MonitorSettings(stack="liuan", db_url=f"sqlite:///{tmp_path}/m.db", project_root=ROOT,
                                   prometheus_url=fake.url, tokens=Tokens(admin=ADMIN, viewer=VIEWER))
        monitor = build_monitor(settings)
        client = TestClient(create_app(monitor))
        for _ in range(20):
            client.post("/api/v1/audits", headers=bearer(ADMIN),
                        json=report(*(finding("ssh-root", f"luan-mgmt-{i}") for i in range(50)),
                                    controls={"8.1.4.2-a": "non-compliant", "8.1.3.1-a": "compliant"}))
        client.get("/", headers=bearer(VIEWER))  # link states read (as a scrape of /metrics would)
        page = benchmark(lambda: client.get("/", headers=bearer(VIEWER)))
        assert page.status_code == 200 and page.text.count('class="device up"') == 667
        assert benchmark.stats.stats.median < 1.0
    finally:
        fake.close()
