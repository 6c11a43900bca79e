"""The city's monitoring hierarchy with real processes, end to end.

Simulated devices (the fast simulator) polled by one SNMP poller per region; a Prometheus per region (jinan, luan)
with the project's rules, its region label, its plane's Alertmanager and remote write to the city view; the city
view (a Prometheus receiving remote writes, with the city-wide rules); an Alertmanager per plane (Debian's 0.25)
with the routing tree generated from the topology, posting to a real monitor, which keeps the history and forwards
to the teams' robots (a local sink standing in for DingTalk and WeCom).

A jinan device dies → jinan's Prometheus fires YunwangDeviceDown → jinan's Alertmanager routes it to jinan's team
(jinan's robots get it, luan's nothing) → the city view shows it. A maintenance window made through the monitor
silences the next device. The link from jinan to the city is cut (the city view stopped) → jinan still alerts
its team; once the city view is back, its copy of jinan's series over the outage is complete.

Intervals are short (1 s evaluation, 2 s polls) and every alert's ``for:`` scaled by 0.02 (5 m → 6 s), so the
whole story takes about two minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hierarchy_testlib import DeviceRelay, PrometheusServer, largest_gap, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))  # the monitor's and robots' helpers
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agents_sim"))  # the simulated devices' keys

from alerting_testlib import ALERTMANAGER_TOKEN, ROBOTS, AlertmanagerProcess, RobotSink
from monitor_testlib import ADMIN, VIEWER, MonitorProcess, bearer
from sim_testlib import set_keys

from agents.sim.fleet import SimFleet
from monitor.alerting.routing import AlertmanagerOptions, write_alertmanager_config
from monitor.prometheus.render import (
    CITY_RULES_DIR,
    RULES_DIR,
    RemoteWrite,
    render_city_view_config,
    write_prometheus_config,
)
from yunwang.stacks import load_stack
from yunwang.testkit import free_port, free_udp_block, need_binary, stop_process
from yunwang.up_rules import write_scaled_rules

pytestmark = [pytest.mark.peer("prometheus"), pytest.mark.peer("prometheus-alertmanager"), pytest.mark.slow]

REGIONS = ("jinan", "luan")
VICTIMS = ("jinan-acc-1", "jinan-acc-2", "jinan-fw-1")
"""Devices the test makes die: the first alerts, the second is silenced, the third dies while the city is cut off."""
EVALUATION_S = 1.0
POLL_S = 2.0
ALERT_FOR_SCALE = 0.02


@dataclass
class City:
    relays: dict[str, DeviceRelay]
    regions: dict[str, PrometheusServer]
    city_view: PrometheusServer
    alertmanagers: dict[str, AlertmanagerProcess]
    monitor: MonitorProcess
    sink: RobotSink

    def robot_texts(self, token_key: str) -> list[str]:
        """What the robot holding ``token_key`` (DingTalk token or WeCom key) was sent, one text per call."""
        return [json.dumps(call.body, ensure_ascii=False) for call in self.sink.calls
                if ROBOTS[token_key] in call.query.values()]

    def history(self) -> list[dict[str, object]]:
        answer = httpx.get(f"{self.monitor.url}/api/v1/alerts", headers=bearer(VIEWER), params={"limit": 1000})
        return answer.json()  # type: ignore[no-any-return]

    def firing_in(self, server: PrometheusServer, device: str) -> bool:
        return bool(server.query(f'ALERTS{{alertname="YunwangDeviceDown",device="{device}",alertstate="firing"}}'))


def _poller(port: int, region: str, endpoints: Path, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen", f"127.0.0.1:{port}", "--stack", "dev",
             "--regions", region, "--endpoints", str(endpoints), "--interval", f"{POLL_S:g}s", "--timeout", "0.5",
             "--retries", "0"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[City]:
    prometheus = need_binary("prometheus", "prometheus")
    need_binary("prometheus-alertmanager", "prometheus-alertmanager")
    tmp = tmp_path_factory.mktemp("city")
    mp = pytest.MonkeyPatch()
    set_keys(mp)
    for key, value in ROBOTS.items():
        mp.setenv(f"YUNWANG_ALERT_{key}", value)
    topo = load_stack("dev", repo_root).topology
    assert topo is not None
    token = tmp / "alertmanager.token"
    token.write_text(ALERTMANAGER_TOKEN + "\n")
    token.chmod(0o600)
    rules, city_rules = tmp / "rules", tmp / "city-rules"
    write_scaled_rules(RULES_DIR, rules, ALERT_FOR_SCALE)
    write_scaled_rules(CITY_RULES_DIR, city_rules, ALERT_FOR_SCALE)

    started: list[object] = []
    fleet = SimFleet(topo, tmp / "sim", engine="fast", base_port=free_udp_block(len(topo.devices)))
    try:
        endpoints = fleet.start()
        started.append(fleet)
        relays = {name: DeviceRelay(endpoints[name]) for name in VICTIMS}
        started.extend(relays.values())
        polled = tmp / "endpoints.json"
        polled.write_text(json.dumps({**endpoints, **{n: r.address for n, r in relays.items()}}))
        sink = RobotSink()
        started.append(sink)
        am_ports = {region: free_port() for region in REGIONS}
        monitor = MonitorProcess(tmp, f"sqlite:///{tmp}/monitor.db", extra_args=(
            "--alertmanager-token-file", str(token), "--alertmanager", f"http://127.0.0.1:{am_ports['jinan']}",
            "--dingtalk-api", f"{sink.url}/robot/send", "--wecom-api", f"{sink.url}/cgi-bin/webhook/send"))
        started.append(monitor)
        am_config = write_alertmanager_config(tmp / "alertmanager.yml", topo, AlertmanagerOptions(
            monitor_url=monitor.url, webhook_token_file=str(token), group_wait="1s", group_interval="2s",
            repeat_interval="1h", critical_repeat_interval="1h"))
        alertmanagers = {}
        for region in REGIONS:
            (tmp / f"am-{region}").mkdir()
            alertmanagers[region] = AlertmanagerProcess(tmp / f"am-{region}", am_config, port=am_ports[region])
            started.append(alertmanagers[region])
        city_port = free_port()
        city_config = tmp / "city-view.yml"
        city_config.write_text(render_city_view_config(
            stack="dev", rules_dir=city_rules, evaluation_interval=f"{EVALUATION_S:g}s",
            alertmanagers=[f"127.0.0.1:{am_ports['luan']}"]))
        city_view = PrometheusServer(prometheus, city_config, tmp / "city-data", city_port,
                                     "--web.enable-remote-write-receiver")
        city_view.start()
        started.append(city_view)
        (tmp / "viewer.token").write_text(VIEWER + "\n")
        regions = {}
        for region in REGIONS:
            poller_port = free_port()
            started.append(_poller(poller_port, region, polled, tmp / f"poller-{region}.log"))
            config = write_prometheus_config(
                tmp / f"prometheus-{region}.yml", monitor.url, token_file=tmp / "viewer.token", stack="dev",
                region=region, jobs=("snmp-poller", "monitor"), snmp_pollers=[f"127.0.0.1:{poller_port}"],
                scrape_interval=f"{EVALUATION_S:g}s", scrape_timeout="1s", evaluation_interval=f"{EVALUATION_S:g}s",
                snmp_interval=f"{POLL_S:g}s", snmp_timeout="1s", sd_refresh="2s", rules_dir=rules,
                alertmanagers=[f"127.0.0.1:{am_ports[region]}"],
                remote_write=[RemoteWrite(f"{city_view.url}/api/v1/write")])
            regions[region] = PrometheusServer(prometheus, config, tmp / f"{region}-data", free_port())
            regions[region].start()
            started.append(regions[region])
        yield City(relays, regions, city_view, alertmanagers, monitor, sink)
    finally:
        for piece in reversed(started):
            if isinstance(piece, subprocess.Popen):
                stop_process(piece)
            elif isinstance(piece, RobotSink | DeviceRelay):
                piece.close()
            elif isinstance(piece, SimFleet | PrometheusServer | MonitorProcess | AlertmanagerProcess):
                piece.stop()
        mp.undo()


def test_a_dead_jinan_device_reaches_jinan_team_only_and_the_city_view(city: City) -> None:
    jinan = city.regions["jinan"]
    wait_until("jinan's five devices up in jinan's Prometheus",
               lambda: len(jinan.query('yunwang:device:up{region="jinan"} == 1')) == 5, timeout=90)
    wait_until("jinan's devices in the city view",
               lambda: len(city.city_view.query('yunwang:device:up{region="jinan"}')) == 5, timeout=60)
    assert city.sink.calls == []

    city.relays["jinan-acc-1"].dead = True
    wait_until("jinan's robots told about jinan-acc-1", lambda: any(
        "jinan-acc-1" in t for t in city.robot_texts("JINAN_DINGTALK_TOKEN")) and any(
        "jinan-acc-1" in t for t in city.robot_texts("JINAN_WECOM_KEY")), timeout=60)
    text = next(t for t in city.robot_texts("JINAN_DINGTALK_TOKEN") if "jinan-acc-1" in t)
    assert "YunwangDeviceDown" in text or "设备" in text, text
    events = [e for e in city.history() if e["labels"].get("device") == "jinan-acc-1"]  # type: ignore[attr-defined]
    assert events and {e["receiver"] for e in events} == {"jinan"}
    assert {e["labels"]["region"] for e in events} == {"jinan"}  # type: ignore[index]
    assert {e["status"] for e in events} == {"firing"}
    # The city view shows it: the alert and the device's state, remote-written by jinan.
    wait_until("the alert in the city view", lambda: city.firing_in(city.city_view, "jinan-acc-1"), timeout=30)
    (down,) = city.city_view.query('yunwang:device:up{device="jinan-acc-1"}')
    assert down["value"][1] == "0" and down["metric"]["region"] == "jinan"
    assert not [t for t in city.robot_texts("LUAN_DINGTALK_TOKEN") if "jinan" in t]


def test_a_maintenance_window_made_through_the_monitor_silences_the_next_device(city: City) -> None:
    made = httpx.post(f"{city.monitor.url}/api/v1/silences", headers=bearer(ADMIN), json={
        "scope": "device", "name": "jinan-acc-2", "duration_minutes": 30,
        "comment": "CHG-2026-0142 replace the access switch", "created_by": "zhang.wei"})
    assert made.status_code == 201, made.text
    calls_before = len(city.sink.calls)

    city.relays["jinan-acc-2"].dead = True
    jinan_am = city.alertmanagers["jinan"]
    wait_until("jinan-acc-2's alert in jinan's Alertmanager, suppressed", lambda: [
        a for a in httpx.get(f"{jinan_am.url}/api/v2/alerts", params={"filter": 'device="jinan-acc-2"'},
                             timeout=5).json()
        if a["status"]["state"] == "suppressed" and made.json()["id"] in a["status"]["silencedBy"]], timeout=60)
    time.sleep(4)  # two group intervals: a notification would have gone out by now
    assert not [c for c in city.sink.calls[calls_before:] if "jinan-acc-2" in json.dumps(c.body, ensure_ascii=False)]
    assert not [e for e in city.history() if e["labels"].get("device") == "jinan-acc-2"]  # type: ignore[attr-defined]


def test_a_jinan_cut_off_from_the_city_still_alerts_and_the_city_catches_up(city: City) -> None:
    jinan = city.regions["jinan"]
    city.city_view.stop()
    cut_at = time.time()
    try:
        city.relays["jinan-fw-1"].dead = True
        wait_until("jinan's team told about jinan-fw-1 while the city is unreachable", lambda: any(
            "jinan-fw-1" in t for t in city.robot_texts("JINAN_DINGTALK_TOKEN")), timeout=60)
        assert city.firing_in(jinan, "jinan-fw-1")
        time.sleep(max(0.0, 20 - (time.time() - cut_at)))  # an outage of at least 20 s
    finally:
        restored_at = time.time()
        city.city_view.start()

    # Once jinan has sent what waited in its write-ahead log, the city's copy of the outage is complete.
    # (in jinan's Prometheus, in the city view: series without a region label get jinan's on the way, interval)
    series = [("yunwang:plane:heartbeat", 'yunwang:plane:heartbeat{region="jinan"}', EVALUATION_S),
              ('yunwang:device:up{device="jinan-fw-1"}', 'yunwang:device:up{device="jinan-fw-1"}', EVALUATION_S),
              ('up{job="snmp-poller"}', 'up{job="snmp-poller",region="jinan"}', POLL_S)]
    wait_until("the city view caught up with jinan", lambda: city.city_view.sample_times(
        'yunwang:plane:heartbeat{region="jinan"}', restored_at, time.time() + 60), timeout=60)
    for in_jinan, in_city, interval in series:
        def complete(in_jinan: str = in_jinan, in_city: str = in_city) -> bool:
            ours = jinan.sample_times(in_jinan, cut_at, restored_at)
            theirs = city.city_view.sample_times(in_city, cut_at - 5, restored_at + 5)
            return bool(ours) and set(ours) <= set(theirs)
        wait_until(f"every sample of {in_city} from the outage in the city view", complete, timeout=60)
        stamps = city.city_view.sample_times(in_city, cut_at - 5, restored_at + 5)
        # Jinan's own copy may skip an evaluation on a loaded machine; the city has each one jinan has.
        assert largest_gap(stamps) <= largest_gap(jinan.sample_times(in_jinan, cut_at - 5, restored_at + 5)) + 0.01
        assert largest_gap(stamps) < 2 * interval + 1, (in_city, largest_gap(stamps))
    assert city.firing_in(city.city_view, "jinan-fw-1")
    (down,) = city.city_view.query('yunwang:device:up{device="jinan-fw-1"}')
    assert down["value"][1] == "0"
