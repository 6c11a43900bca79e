"""With real processes: Alertmanager (Debian's 0.25) runs the routing tree generated from the dev topology and
delivers to a real monitor, which keeps the history and forwards to the team's robots (a local sink); a
maintenance window created through the monitor's API silences the next notification."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alerting_testlib import ALERTMANAGER_TOKEN, AlertmanagerProcess, RobotSink, am_alert
from alerting_testlib import ROBOTS as TOKENS
from monitor_testlib import ADMIN, VIEWER, MonitorProcess, bearer, free_port, need_binary

from monitor.alerting.routing import AlertmanagerOptions, write_alertmanager_config
from yunwang.stacks import load_stack

pytestmark = pytest.mark.peer("prometheus-alertmanager")


@dataclass
class Plane:
    alertmanager: AlertmanagerProcess
    monitor: MonitorProcess
    sink: RobotSink

    def history(self) -> list[dict[str, object]]:
        answer = httpx.get(f"{self.monitor.url}/api/v1/alerts", headers=bearer(VIEWER), params={"limit": 1000})
        return answer.json()  # type: ignore[no-any-return]

    def devices_notified(self) -> set[str]:
        return {e["labels"]["device"] for e in self.history() if "device" in e["labels"]}  # type: ignore[index]

    def robots_called_for(self, token_key: str) -> list[str]:
        texts = []
        for call in self.sink.calls:
            if TOKENS[token_key] in call.query.values():
                texts.append(str(call.body))
        return texts


def _wait(check: object, timeout: float = 30.0) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def plane(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Plane]:
    need_binary("prometheus-alertmanager", "prometheus-alertmanager")
    for key, value in TOKENS.items():
        monkeypatch.setenv(f"YUNWANG_ALERT_{key}", value)
    token = tmp_path / "alertmanager.token"
    token.write_text(ALERTMANAGER_TOKEN + "\n")
    token.chmod(0o600)
    sink = RobotSink()
    am_port = free_port()
    monitor = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db", extra_args=(
        "--alertmanager-token-file", str(token), "--alertmanager", f"http://127.0.0.1:{am_port}",
        "--dingtalk-api", f"{sink.url}/robot/send", "--wecom-api", f"{sink.url}/cgi-bin/webhook/send"))
    topo = load_stack("dev", repo_root).topology
    assert topo is not None
    config = write_alertmanager_config(tmp_path / "alertmanager.yml", topo, AlertmanagerOptions(
        monitor_url=monitor.url, webhook_token_file=str(token), group_wait="1s", group_interval="2s",
        repeat_interval="1h", critical_repeat_interval="1h"))
    alertmanager = None
    try:
        alertmanager = AlertmanagerProcess(tmp_path, config, port=am_port)
        yield Plane(alertmanager, monitor, sink)
    finally:
        if alertmanager is not None:
            alertmanager.stop()
        monitor.stop()
        sink.close()


def test_a_jinan_alert_reaches_jinan_team_only(plane: Plane) -> None:
    plane.alertmanager.post_alerts(am_alert("YunwangDeviceDown", device="jinan-acc-1", region="jinan", site="三十铺镇"))
    _wait(lambda: len(plane.robots_called_for("JINAN_DINGTALK_TOKEN")) == 1
          and len(plane.robots_called_for("JINAN_WECOM_KEY")) == 1)
    (event,) = plane.history()
    assert event["receiver"] == "jinan" and event["labels"]["device"] == "jinan-acc-1"  # type: ignore[index]
    assert "jinan-acc-1" in plane.robots_called_for("JINAN_DINGTALK_TOKEN")[0]
    time.sleep(3)  # a group interval and more: nothing else may arrive
    assert plane.robots_called_for("LUAN_DINGTALK_TOKEN") == []
    assert len(plane.sink.calls) == 2


def test_city_wide_alerts_and_unrouted_regions_reach_the_city_team(plane: Plane) -> None:
    plane.alertmanager.post_alerts(am_alert("YunwangRegionSilent", region="jinan", scope="city"),
                                   am_alert("YunwangDeviceDown", device="x-1", region="nowhere"))
    _wait(lambda: len(plane.history()) == 2)
    assert {e["receiver"] for e in plane.history()} == {"luan"}
    _wait(lambda: len(plane.robots_called_for("LUAN_DINGTALK_TOKEN")) == 2)
    assert plane.robots_called_for("JINAN_DINGTALK_TOKEN") == []


def test_a_silence_made_through_the_monitor_suppresses_the_next_notification(plane: Plane) -> None:
    url = plane.monitor.url
    made = httpx.post(f"{url}/api/v1/silences", headers=bearer(ADMIN), json={
        "scope": "device", "name": "jinan-acc-2", "duration_minutes": 30,
        "comment": "CHG-2026-0142 replace the access switch", "created_by": "zhang.wei"})
    assert made.status_code == 201, made.text
    silence = made.json()
    assert (silence["scope"], silence["name"], silence["state"]) == ("device", "jinan-acc-2", "active")
    listed = httpx.get(f"{url}/api/v1/silences", headers=bearer(VIEWER), params={"scope": "device"}).json()
    assert [s["id"] for s in listed] == [silence["id"]]

    plane.alertmanager.post_alerts(am_alert("YunwangDeviceDown", device="jinan-acc-2", region="jinan"),
                                   am_alert("YunwangDeviceDown", device="jinan-fw-1", region="jinan"))
    _wait(lambda: "jinan-fw-1" in plane.devices_notified())
    time.sleep(3)
    assert plane.devices_notified() == {"jinan-fw-1"}

    assert httpx.delete(f"{url}/api/v1/silences/{silence['id']}", headers=bearer(ADMIN)).status_code == 204
    assert httpx.get(f"{url}/api/v1/silences", headers=bearer(VIEWER)).json() == []
    plane.alertmanager.post_alerts(am_alert("YunwangDeviceDown", device="jinan-acc-2", region="jinan"))
    _wait(lambda: "jinan-acc-2" in plane.devices_notified())


@pytest.mark.parametrize(("scope", "name", "labels"), [
    ("site", "东桥镇", {"device": "jinan-acc-2", "site": "东桥镇"}),
    ("region", "jinan", {"device": "jinan-agg-1", "site": "金安区政务服务中心"}),
])
def test_site_and_region_windows(plane: Plane, scope: str, name: str, labels: dict[str, str]) -> None:
    made = httpx.post(f"{plane.monitor.url}/api/v1/silences", headers=bearer(ADMIN), json={
        "scope": scope, "name": name, "duration_minutes": 60, "comment": "maintenance", "created_by": "ops"})
    assert made.status_code == 201, made.text
    plane.alertmanager.post_alerts(am_alert("YunwangDeviceDown", region="jinan", **labels),
                                   am_alert("YunwangDeviceDown", device="luan-core-1", region="luan"))
    _wait(lambda: "luan-core-1" in plane.devices_notified())
    time.sleep(3)
    assert plane.devices_notified() == {"luan-core-1"}


def test_unknown_names_and_an_unreachable_alertmanager_are_explained(plane: Plane) -> None:
    url = plane.monitor.url
    unknown = httpx.post(f"{url}/api/v1/silences", headers=bearer(ADMIN), json={
        "scope": "device", "name": "jinan-acc-9", "comment": "x", "created_by": "ops"})
    assert unknown.status_code == 404 and "jinan-acc-1" in unknown.json()["error"]
    assert httpx.post(f"{url}/api/v1/silences", headers=bearer(VIEWER), json={
        "scope": "region", "name": "jinan", "comment": "x", "created_by": "ops"}).status_code == 403
    plane.alertmanager.stop()
    down = httpx.get(f"{url}/api/v1/silences", headers=bearer(VIEWER))
    assert down.status_code == 502 and "did not answer" in down.json()["error"]
