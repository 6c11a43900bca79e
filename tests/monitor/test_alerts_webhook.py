"""Alertmanager's webhook: validated, token-protected, stored before the reply, listed, and forwarded to the team's
DingTalk robot (signed) and WeCom robot; a forward that fails is recorded and retried, never lost, and no robot
secret reaches a log line or an API answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alerting_testlib import RobotSink, fired, webhook_body
from monitor_testlib import ADMIN, AGENT, VIEWER, bearer
from sqlalchemy import update

from monitor import tables as t
from monitor.alerting.settings import AlertingSettings

ALERTMANAGER = "alertmanager-token-0123456789abcdef"
SECRETS = {"YUNWANG_ALERT_JINAN_DINGTALK_TOKEN": "dt-token-jinan-5a5a5a", "YUNWANG_ALERT_JINAN_DINGTALK_SECRET":
           "SECdt-signing-jinan-7b7b7b", "YUNWANG_ALERT_JINAN_WECOM_KEY": "wecom-key-jinan-9c9c9c"}
WEBHOOK = "/api/v1/alerts/webhook"


@pytest.fixture
def sink() -> Iterator[RobotSink]:
    made = RobotSink()
    yield made
    made.close()


@pytest.fixture
def alerting_client(make_client: Callable[..., Any], sink: RobotSink, monkeypatch: pytest.MonkeyPatch
                    ) -> Callable[..., Any]:
    """A monitor whose robots are the sink; jinan's robot secrets set, luan's (DingTalk) left unset."""
    from monitor.settings import Tokens

    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("YUNWANG_ALERT_LUAN_DINGTALK_TOKEN", raising=False)

    def make(db_url: str, **overrides: Any) -> Any:
        settings = AlertingSettings(dingtalk_api=f"{sink.url}/robot/send", wecom_api=f"{sink.url}/cgi-bin/webhook/send",
                                    timeout_s=2.0, poll_s=0.2, **overrides)
        return make_client(db_url, alerting=settings,
                           tokens=Tokens(admin=ADMIN, viewer=VIEWER, agent_bootstrap=AGENT, alertmanager=ALERTMANAGER))
    return make


def _deliveries(client: Any, want: Callable[[list[dict[str, Any]]], bool], timeout: float = 15) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        found = client.get("/api/v1/alerts/deliveries", headers=bearer(VIEWER)).json()
        if want(found) or time.monotonic() > deadline:
            return found  # type: ignore[no-any-return]
        time.sleep(0.1)


def test_a_notification_is_stored_listed_and_forwarded_to_the_team_robots(alerting_client: Callable[..., Any],
                                                                         db_url: str, sink: RobotSink) -> None:
    client = alerting_client(db_url)
    body = webhook_body("jinan", "firing", fired("YunwangDeviceDown", device="jinan-acc-1", region="jinan",
                                                 site="三十铺镇"),
                        fired("YunwangDeviceDown", device="jinan-acc-2", region="jinan", site="东桥镇"))
    answer = client.post(WEBHOOK, json=body, headers=bearer(ALERTMANAGER))
    assert answer.status_code == 200, answer.text
    assert answer.json()["alerts"] == 2 and sorted(answer.json()["forwards"]) == ["dingtalk", "wecom"]

    listed = client.get("/api/v1/alerts", params={"region": "jinan"}, headers=bearer(VIEWER)).json()
    assert [(a["labels"]["device"], a["receiver"], a["status"]) for a in listed] == [
        ("jinan-acc-2", "jinan", "firing"), ("jinan-acc-1", "jinan", "firing")]
    assert listed[0]["annotations"]["summary_zh"] == "设备 jinan-acc-2 SNMP 无响应"
    assert listed[0]["ends_at"] is None
    assert client.get("/api/v1/alerts", params={"region": "luan"}, headers=bearer(VIEWER)).json() == []

    done = _deliveries(client, lambda ds: len(ds) == 2 and all(d["status"] == "delivered" for d in ds))
    assert sorted((d["channel"], d["region"], d["status"], d["attempts"]) for d in done) == [
        ("dingtalk", "jinan", "delivered", 1), ("wecom", "jinan", "delivered", 1)]
    calls = {c.path: c for c in sink.calls}
    assert set(calls) == {"/robot/send", "/cgi-bin/webhook/send"}

    ding = calls["/robot/send"]
    assert ding.query["access_token"] == SECRETS["YUNWANG_ALERT_JINAN_DINGTALK_TOKEN"]
    timestamp = ding.query["timestamp"]
    assert abs(int(timestamp) / 1000 - time.time()) < 60
    secret = SECRETS["YUNWANG_ALERT_JINAN_DINGTALK_SECRET"]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
                                .digest()).decode()
    assert ding.query["sign"] == expected
    assert ding.body["msgtype"] == "markdown"
    assert "YunwangDeviceDown" in ding.body["markdown"]["title"] and "jinan" in ding.body["markdown"]["title"]
    text = ding.body["markdown"]["text"]
    assert "jinan-acc-1" in text and "三十铺镇" in text and "jinan-acc-2" in text and "东桥镇" in text
    assert "设备 jinan-acc-1 SNMP 无响应" in text

    wecom = calls["/cgi-bin/webhook/send"]
    assert wecom.query == {"key": SECRETS["YUNWANG_ALERT_JINAN_WECOM_KEY"]}
    assert wecom.body["msgtype"] == "markdown" and "jinan-acc-2" in wecom.body["markdown"]["content"]


def test_resolved_notifications_say_so(alerting_client: Callable[..., Any], sqlite_url: str, sink: RobotSink) -> None:
    client = alerting_client(sqlite_url)
    body = webhook_body("jinan", "resolved", fired("YunwangDeviceDown", "resolved", device="jinan-acc-1",
                                                   region="jinan"))
    assert client.post(WEBHOOK, json=body, headers=bearer(ALERTMANAGER)).status_code == 200
    (event,) = client.get("/api/v1/alerts", headers=bearer(VIEWER)).json()
    assert event["status"] == "resolved" and event["ends_at"].startswith("2026-12-01T08:10:00")
    calls = sink.wait_for(2)
    assert all("已恢复" in str(c.body) for c in calls)


@pytest.mark.parametrize(("token", "status"), [(None, 401), (VIEWER, 403), (AGENT, 401)])
def test_only_alertmanager_and_the_admin_may_post(alerting_client: Callable[..., Any], sqlite_url: str,
                                                  token: str | None, status: int) -> None:
    client = alerting_client(sqlite_url)
    headers = bearer(token) if token else {}
    assert client.post(WEBHOOK, json=webhook_body(), headers=headers).status_code == status
    assert client.post(WEBHOOK, json=webhook_body(), headers=bearer(ADMIN)).status_code == 200


def test_the_alertmanager_token_opens_nothing_else(alerting_client: Callable[..., Any], sqlite_url: str) -> None:
    client = alerting_client(sqlite_url)
    for method, path in (("GET", "/api/v1/inventory"), ("GET", "/api/v1/alerts"), ("GET", "/api/v1/silences"),
                         ("POST", "/api/v1/audits"), ("GET", "/api/v1/sd/host")):
        answer = client.request(method, path, headers=bearer(ALERTMANAGER), json={})
        assert answer.status_code == 403, (method, path, answer.status_code)


@pytest.mark.parametrize(("change", "where"), [
    ({"version": "3"}, "body.version"),
    ({"alerts": []}, "body.alerts"),
    ({"status": "pending"}, "body.status"),
    ({"receiver": ""}, "body.receiver"),
])
def test_a_malformed_notification_is_refused_with_the_field_named(alerting_client: Callable[..., Any],
                                                                  sqlite_url: str, change: dict[str, Any],
                                                                  where: str) -> None:
    client = alerting_client(sqlite_url)
    answer = client.post(WEBHOOK, json={**webhook_body(), **change}, headers=bearer(ALERTMANAGER))
    assert answer.status_code == 422
    assert any(p["loc"] == where for p in answer.json()["problems"]), answer.json()
    assert client.get("/api/v1/alerts", headers=bearer(VIEWER)).json() == []


def test_a_failed_forward_is_recorded_retried_and_delivered(alerting_client: Callable[..., Any], sqlite_url: str,
                                                            sink: RobotSink) -> None:
    client = alerting_client(sqlite_url, tries=2)
    sink.fail_next = 4  # both tries of both robots' first attempt
    assert client.post(WEBHOOK, json=webhook_body(), headers=bearer(ALERTMANAGER)).status_code == 200
    failed = _deliveries(client, lambda ds: len(ds) == 2 and all(d["attempts"] == 1 for d in ds))
    assert {(d["status"], d["attempts"], d["last_error"]) for d in failed} == {
        ("pending", 1, "robot API answered HTTP 500")}
    assert all(d["next_attempt_at"] is not None for d in failed)
    assert len(sink.calls) == 4

    monitor = client.app.state.monitor
    with monitor.store.engine.begin() as c:  # the retry is a minute away: make it due now
        c.execute(update(t.alert_deliveries).values(next_attempt_at=time.time()))
    monitor.alerting.worker.wake()
    done = _deliveries(client, lambda ds: all(d["status"] == "delivered" for d in ds))
    assert {(d["status"], d["attempts"], d["last_error"]) for d in done} == {("delivered", 2, None)}
    assert len(sink.calls) == 6


def test_forwards_give_up_after_the_last_attempt_and_stay_listed(alerting_client: Callable[..., Any],
                                                                 sqlite_url: str, sink: RobotSink) -> None:
    client = alerting_client(sqlite_url, tries=1, max_attempts=1)
    sink.refuse = True
    assert client.post(WEBHOOK, json=webhook_body(), headers=bearer(ALERTMANAGER)).status_code == 200
    done = _deliveries(client, lambda ds: len(ds) == 2 and all(d["status"] == "failed" for d in ds))
    assert {(d["status"], d["last_error"], d["next_attempt_at"]) for d in done} == {
        ("failed", "robot refused the message: errcode 310000 sign not match", None)}
    assert len(client.get("/api/v1/alerts", headers=bearer(VIEWER)).json()) == 1


def test_a_robot_without_its_secret_is_recorded_as_failed(alerting_client: Callable[..., Any], sqlite_url: str,
                                                           sink: RobotSink) -> None:
    client = alerting_client(sqlite_url)
    body = webhook_body("luan", "firing", fired("YunwangDeviceDown", device="luan-core-1", region="luan"))
    assert client.post(WEBHOOK, json=body, headers=bearer(ALERTMANAGER)).json()["forwards"] == ["dingtalk"]
    (delivery,) = _deliveries(client, lambda ds: bool(ds) and ds[0]["status"] == "failed")
    assert delivery["status"] == "failed" and delivery["next_attempt_at"] is None
    assert "YUNWANG_ALERT_LUAN_DINGTALK_TOKEN" in delivery["last_error"]
    assert sink.calls == []


def test_a_robot_that_cannot_be_reached_loses_nothing(alerting_client: Callable[..., Any], sqlite_url: str,
                                                       sink: RobotSink) -> None:
    sink.close()
    client = alerting_client(sqlite_url, tries=1)
    assert client.post(WEBHOOK, json=webhook_body(), headers=bearer(ALERTMANAGER)).status_code == 200
    pending = _deliveries(client, lambda ds: len(ds) == 2 and all(d["attempts"] == 1 for d in ds))
    assert {(d["status"], d["last_error"]) for d in pending} == {("pending", "ConnectError talking to the robot API")}
    assert len(client.get("/api/v1/alerts", headers=bearer(VIEWER)).json()) == 1


def test_receivers_without_robots_are_kept_in_the_history_only(alerting_client: Callable[..., Any],
                                                               sqlite_url: str) -> None:
    client = alerting_client(sqlite_url)
    answer = client.post(WEBHOOK, json=webhook_body("somewhere-else"), headers=bearer(ALERTMANAGER))
    assert answer.json()["forwards"] == []
    assert client.get("/api/v1/alerts/deliveries", headers=bearer(VIEWER)).json() == []
    assert len(client.get("/api/v1/alerts", headers=bearer(VIEWER)).json()) == 1


def test_robot_secrets_reach_no_log_and_no_answer(alerting_client: Callable[..., Any], sqlite_url: str,
                                                   sink: RobotSink, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = alerting_client(sqlite_url, tries=1)
    sink.fail_next = 1
    assert client.post(WEBHOOK, json=webhook_body(), headers=bearer(ALERTMANAGER)).status_code == 200
    _deliveries(client, lambda ds: len(ds) == 2 and all(d["attempts"] >= 1 for d in ds))
    seen = caplog.text + client.get("/api/v1/alerts/deliveries", headers=bearer(VIEWER)).text
    seen += client.get("/api/v1/alerts", headers=bearer(VIEWER)).text + repr(client.app.state.monitor.alerting)
    leaked = [name for name, value in SECRETS.items() if value in seen]
    assert leaked == []
    assert sink.calls  # the secrets did travel, to the robot API only


def test_the_overview_section_lists_recent_alerts_escaped(alerting_client: Callable[..., Any],
                                                          sqlite_url: str) -> None:
    from monitor.alerting.overview import alert_history_section

    client = alerting_client(sqlite_url)
    history = client.app.state.monitor.alerting.history
    assert "尚无告警通知" in alert_history_section(history, "zh")
    body = webhook_body("jinan", "firing", fired("YunwangDeviceDown", device="<b>jinan-acc-1</b>", region="jinan"))
    client.post(WEBHOOK, json=body, headers=bearer(ALERTMANAGER))
    html = alert_history_section(history, "en")
    assert "Recent alerts" in html and "YunwangDeviceDown" in html and "firing" in html
    assert "&lt;b&gt;jinan-acc-1&lt;/b&gt;" in html and "<b>jinan" not in html
    page = client.get("/?lang=en", headers=bearer(VIEWER)).text  # the overview shows it under the alerts firing
    assert '<section id="alert-history">' in page and "&lt;b&gt;jinan-acc-1&lt;/b&gt;" in page
    assert page.index('id="alerts"') < page.index('id="alert-history"')


def test_the_generated_config_posts_where_the_monitor_listens() -> None:
    from monitor.alerting.routing import WEBHOOK_PATH
    from monitor.routes.alerts import router

    assert WEBHOOK_PATH == WEBHOOK
    assert any(getattr(r, "path", "") == WEBHOOK and "POST" in getattr(r, "methods", ()) for r in router.routes)
