"""The overview drawn from the topology and live link states: every link state has its colour, the device
pages answer, liuan stays one readable page rendered in well under a second, and a real browser shows both
stacks without a console error (under a strict Content-Security-Policy: script and style from the monitor)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from links_testlib import FakePrometheus, sim_observations, topology
from monitor_testlib import ADMIN, ROOT, VIEWER, MonitorProcess, bearer, enrol, finding, heartbeat, need_binary, report

from agents.sim.wiring import Wiring
from links.declared import declared_network
from links.observed import Observations
from links.state import State
from monitor.netmap import LINK_COLOURS

V = bearer(VIEWER)
ARTIFACTS = ROOT / "test-artifacts"
FIRING = [{"labels": {"alertname": "YunwangLinkMiswired", "severity": "warning", "link": "luan-core-1:3~luan-acc-1:49"},
           "annotations": {"summary": "Link luan-core-1 Ten-GigabitEthernet1/0/3 — luan-acc-1 XGigabitEthernet0/0/1 "
                                      "(luan) is miswired", "summary_zh": "六安市本级链路接错"},
           "state": "firing", "activeAt": "2026-01-01T00:00:00Z"}]


def every_state_wired(stack: str = "dev") -> Observations:
    """The dev fleet with one link of each bad state, a stranger, and one device not answering."""
    net = declared_network(topology(stack))
    wiring = Wiring.declared(net.topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 50))       # miswired
    wiring.unplug(("jinan-agg-1", 2))                         # down
    wiring.set_lldp(("luan-core-1", 1), False)                # missing
    wiring.add_stranger(("jinan-acc-1", 5), "rogue-ap", "eth0")  # unexpected neighbour
    return sim_observations(net, wiring, silent=frozenset({"jinan-acc-2"}))


@pytest.fixture
def fake_prometheus() -> Iterator[FakePrometheus]:
    fake = FakePrometheus(every_state_wired(), FIRING, external_labels={"region": "luan"})
    yield fake
    fake.close()


def test_every_link_state_is_drawn_in_its_colour(make_client: Any, sqlite_url: str,
                                                fake_prometheus: FakePrometheus) -> None:
    client = make_client(sqlite_url, prometheus_url=fake_prometheus.url)
    page = client.get("/", params={"lang": "zh"}, headers=V).text
    for state in (State.OK, State.MISWIRED, State.DOWN, State.MISSING):
        assert re.search(rf'<path class="link {state.value}"[^>]*stroke="{LINK_COLOURS[state]}"', page), state
    assert 'class="link unexpected"' in page and "rogue-ap" in page
    # devices by up/down: jinan-acc-2 does not answer
    assert re.search(r'<g class="device down" data-device="jinan-acc-2"', page)
    assert re.search(r'<g class="device up" data-device="luan-core-1"', page)
    # what is wrong, said in words, and the alert firing
    assert "luan-core-1 Ten-GigabitEthernet1/0/3 的 LLDP 邻居是 luan-acc-1 XGigabitEthernet0/0/2" in page
    assert "六安市本级链路接错" in page and "YunwangLinkMiswired" in page
    # the region comes from the server's external labels, as in Alertmanager's notification
    assert '<td>YunwangLinkMiswired</td><td class="warning">warning</td><td>luan</td>' in page
    assert "<script" not in page.replace('<script src="/static/overview.js" defer></script>', "")
    # nothing a strict Content-Security-Policy (default-src 'self') would block: no inline style or handlers
    assert " style=" not in page and "<style" not in page and not re.search(r"<[^>]+\son[a-z]+=", page)
    assert not re.search(r'(src|href)="(data:|https?:)', page)
    en = client.get("/", params={"lang": "en"}, headers=V).text
    assert "sees luan-acc-1 XGigabitEthernet0/0/2 (port 50) instead of luan-acc-1 XGigabitEthernet0/0/1" in en
    assert client.get("/static/overview.js").status_code == 200
    assert client.get("/static/overview.css").status_code == 200
    assert client.get("/static/favicon.svg").status_code == 200


def test_the_device_page_shows_interfaces_neighbours_links_findings_and_drift(
        make_client: Any, sqlite_url: str, fake_prometheus: FakePrometheus) -> None:
    client = make_client(sqlite_url, prometheus_url=fake_prometheus.url)
    client.post("/api/v1/audits", headers=bearer(ADMIN), json=report(
        finding("snmp-v2c", "luan-core-1", "8.1.3.5-a", "medium", "device"), controls={"8.1.3.5-a": "partial"}))
    page = client.get("/devices/luan-core-1", params={"lang": "en"}, headers=V).text
    assert "Ten-GigabitEthernet1/0/3" in page and 'id="interfaces"' in page
    assert re.search(r"<td>Ten-GigabitEthernet1/0/3</td><td>.*luan-acc-1 XGigabitEthernet0/0/2", page)
    assert "snmp-v2c" in page and 'id="drift"' in page and "Last poll" in page
    assert 'class="state miswired"' in page
    assert client.get("/devices/nope", headers=V).status_code == 404
    assert client.get("/devices/luan-core-1", follow_redirects=False).status_code == 303  # no token: sign in


def test_liuan_renders_in_well_under_a_second(make_client: Any, sqlite_url: str) -> None:
    from monitor.overview import OverviewData, render_overview

    net = declared_network(topology("liuan"))
    seen = sim_observations(net)
    from links.state import evaluate

    link_report = evaluate(net, seen)
    data = OverviewData(net, seen.reachable, link_report, [], None, [], [], {})
    started = time.perf_counter()
    html = render_overview(data, "zh")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"liuan overview took {elapsed:.2f} s"
    assert html.count('<details class="region"') == 8 and " open>" not in html  # all ok: every region folded
    assert html.count('class="device up"') == 667


@pytest.mark.peer("chromium")
@pytest.mark.parametrize("stack", ["dev", "liuan"])
def test_headless_chromium_shows_the_map_without_console_errors(tmp_path: Path, stack: str) -> None:
    chromium = need_binary("chromium", "chromium")
    from devtools import Browser

    seen = every_state_wired() if stack == "dev" else sim_observations(declared_network(topology(stack)))
    fake = FakePrometheus(seen, FIRING)
    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db", stack=stack,
                            extra_args=("--prometheus", fake.url))
    browser = None
    try:
        httpx.post(f"{server.url}/api/v1/agents/luan-mgmt-1/heartbeat", json=heartbeat("luan-mgmt-1"),
                   headers=enrol(httpx, "luan-mgmt-1", server.url)).raise_for_status()
        for controls in ({"8.1.4.2-a": "non-compliant", "8.1.3.1-a": "compliant"},
                         {"8.1.4.2-a": "partial", "8.1.3.1-a": "compliant", "8.1.5.1-a": "not-assessed"}):
            httpx.post(f"{server.url}/api/v1/audits", headers=bearer(ADMIN), json=report(
                finding("ssh-root", "luan-mgmt-1"), controls=controls)).raise_for_status()
        browser = Browser(chromium, free_port_for_browser())
        browser.open(f"{server.url}/?lang=zh", {"Authorization": f"Bearer {VIEWER}"})
        assert browser.problems() == []
        colours = browser.evaluate(
            "[...new Set([...document.querySelectorAll('svg .link')].map(l => l.classList[1]))].sort()")
        if stack == "dev":
            assert colours == sorted(["down", "missing", "miswired", "ok", "unexpected"])
            assert browser.evaluate("getComputedStyle(document.querySelector('.link.miswired')).stroke") \
                == "rgb(207, 34, 46)"
        else:
            assert colours == ["ok"]
            assert browser.evaluate("document.querySelectorAll('details.region[open]').length") == 0
            browser.evaluate("document.querySelector('button[data-expand=\"1\"]').click()")
            assert browser.evaluate("document.querySelectorAll('details.region[open]').length") == 8
        assert browser.evaluate("document.querySelectorAll('details.not-assessed-fold:not([open])').length") == 1
        browser.screenshot(ARTIFACTS / f"overview-map-{stack}.png")
        browser.open(f"{server.url}/devices/luan-core-1?lang=en", {"Authorization": f"Bearer {VIEWER}"})
        assert browser.problems() == []
        assert browser.evaluate("document.querySelectorAll('#interfaces tbody tr').length") > 40
    finally:
        if browser is not None:
            browser.close()
        server.stop()
        fake.close()


def free_port_for_browser() -> int:
    from monitor_testlib import free_port

    return int(free_port())


def test_firing_alerts_come_from_every_region_s_prometheus_and_the_city_view() -> None:
    """A Prometheus lists only its own rules' alerts: with one per region (`yunwang up`), each is asked."""
    from monitor.firing import FiringAlerts

    city_wide = [{"labels": {"alertname": "YunwangRegionSilent", "severity": "critical", "region": "jinan"},
                  "annotations": {"summary": "jinan sends nothing"}, "state": "firing",
                  "activeAt": "2026-01-01T00:01:00Z"},
                 {"labels": {"alertname": "YunwangPending", "severity": "critical"}, "state": "pending"}]
    region, city = FakePrometheus(every_state_wired(), FIRING), FakePrometheus(every_state_wired(), city_wide)
    try:
        both = FiringAlerts(region.url, sources=(region.url, city.url)).current()
        assert both is not None
        assert [(a.name, a.severity) for a in both] == [("YunwangRegionSilent", "critical"),
                                                        ("YunwangLinkMiswired", "warning")]
        only = FiringAlerts(region.url).current()
        assert only is not None and [a.name for a in only] == ["YunwangLinkMiswired"]
    finally:
        region.close()
        city.close()


def test_firing_alerts_carry_their_server_s_external_labels_as_alertmanager_sees_them() -> None:
    """A region server's own alerts lack ``region`` (Prometheus adds external labels only to what it sends):
    the overview adds them, an alert's own label winning, and shows the alerts even when the config is unreadable."""
    from monitor.firing import FiringAlerts

    own = [{"labels": {"alertname": "YunwangRegionDevicesDown", "severity": "critical"}, "state": "firing",
            "annotations": {"summary": "a fifth of the region's devices down"}, "activeAt": "2026-01-01T00:01:00Z"},
           {"labels": {"alertname": "YunwangDeviceDown", "severity": "warning", "region": "luan-override"},
            "state": "firing", "activeAt": "2026-01-01T00:02:00Z"}]
    region = FakePrometheus(every_state_wired(), own, external_labels={"region": "jinan", "plane": "jinan"})
    unreadable = FakePrometheus(every_state_wired(), [dict(own[0])])  # no /api/v1/status/config answer
    try:
        alerts = FiringAlerts(region.url).current()
        assert alerts is not None
        assert {a.name: a.labels.get("region") for a in alerts} == {"YunwangRegionDevicesDown": "jinan",
                                                                    "YunwangDeviceDown": "luan-override"}
        assert alerts[0].labels["plane"] == "jinan"
        plain = FiringAlerts(unreadable.url).current()
        assert plain is not None and [a.labels for a in plain] == [own[0]["labels"]]
    finally:
        region.close()
        unreadable.close()
