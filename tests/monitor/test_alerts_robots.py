"""Robot messages stay within what each robot accepts, name what they leave out, and never carry a secret."""

from __future__ import annotations

from monitor.alerting.history import Forward, StoredAlert
from monitor.alerting.robots import MAX_BYTES, RobotSecrets, build_request, markdown_of, scrub


def _storm(n: int, channel: str = "wecom", status: str = "firing") -> Forward:
    alerts = tuple(StoredAlert(status, {"alertname": "YunwangDeviceDown", "region": "huoqiu", "severity": "critical",
                                        "device": f"huoqiu-t{i:02d}-acc-1", "site": "一个很长的乡镇名称" * 3},
                               {"summary_zh": "设备 SNMP 无响应：请检查设备、管理链路或 SNMP 凭据" * 2},
                               1764576000.0, 1764576600.0 if status == "resolved" else None) for i in range(n))
    return Forward(7, 3, channel, "huoqiu", 0, status, "http://alertmanager:9093", 5, alerts)


def test_a_storm_fits_each_robot_and_counts_what_is_left_out() -> None:
    for channel in ("wecom", "dingtalk"):
        text = markdown_of(_storm(200, channel), MAX_BYTES[channel])
        assert len(text.encode()) <= MAX_BYTES[channel]
        listed = text.count("huoqiu-t")
        assert 0 < listed < 200
        assert f"…另有 {200 - listed + 5} 条未列出" in text  # the 5 Alertmanager truncated count too
        assert text.endswith("[Alertmanager](http://alertmanager:9093)")


def test_resolved_alerts_say_when_they_ended() -> None:
    text = markdown_of(_storm(1, status="resolved"), MAX_BYTES["wecom"])
    assert "已恢复" in text and "✅" in text and "恢复于 2025-12-01 16:10:00" in text


def test_requests_carry_secrets_in_the_query_only_and_errors_are_scrubbed() -> None:
    secrets = RobotSecrets({"huoqiu": {"wecom_key": "k-123456", "dingtalk_token": "t-123456",
                                       "dingtalk_secret": "SEC-123456"}})
    assert "k-123456" not in repr(secrets) and "SEC" not in repr(secrets)
    wecom = build_request(_storm(2), secrets, "https://ding.example/send", "https://wecom.example/send")
    assert not isinstance(wecom, str) and wecom.params == {"key": "k-123456"}
    ding = build_request(_storm(2, "dingtalk"), secrets, "https://ding.example/send", "https://wecom.example/send",
                         now_ms=1764576000000)
    assert not isinstance(ding, str)
    assert ding.params["access_token"] == "t-123456" and ding.params["timestamp"] == "1764576000000"
    assert "SEC-123456" not in str(ding.params) + str(ding.body)
    assert scrub("failed for https://x/?access_token=t-123456", secrets) == "failed for https://x/?access_token=[secret]"
    missing = build_request(_storm(1, "dingtalk"), RobotSecrets({}), "https://d", "https://w")
    assert missing == ("no DingTalk robot secret for region huoqiu: set YUNWANG_ALERT_HUOQIU_DINGTALK_TOKEN and "
                       "YUNWANG_ALERT_HUOQIU_DINGTALK_SECRET (or …_FILE)")
