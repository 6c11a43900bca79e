"""Alertmanager's configuration generated from the topology: amtool accepts it, each region's alerts reach that
region's team only, city-wide alerts and regions without a team reach the city's, and no secret is in it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from monitor.alerting.routing import (
    AlertmanagerOptions,
    alertmanager_config,
    render_alertmanager_config,
    write_alertmanager_config,
)
from yunwang.stacks import load_stack
from yunwang.testkit import ROOT, need_binary
from yunwang.topology import Topology

pytestmark = pytest.mark.peer("prometheus-alertmanager")
OPTIONS = AlertmanagerOptions(monitor_url="http://yunwang-monitor.security-management.svc.cluster.local:8080",
                              webhook_token_file="/etc/alertmanager/monitor/token",
                              smtp_password_file="/etc/alertmanager/smtp/password")


def _topology(stack: str) -> Topology:
    topo = load_stack(stack, ROOT).topology
    assert topo is not None
    return topo


def _amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need_binary("amtool", "prometheus-alertmanager"), *args], capture_output=True, text=True,
                          timeout=60)


@pytest.fixture(scope="module", params=["dev", "liuan"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Topology, Path]:
    topo = _topology(request.param)
    return topo, write_alertmanager_config(tmp_path_factory.mktemp("am") / "alertmanager.yml", topo, OPTIONS)


def _routes_to(config: Path, *labels: str) -> list[str]:
    result = _amtool("config", "routes", "test", f"--config.file={config}", *labels)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.split()


def test_amtool_accepts_the_generated_config(written: tuple[Topology, Path]) -> None:
    result = _amtool("check-config", str(written[1]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_each_region_alert_reaches_its_own_team_only(written: tuple[Topology, Path]) -> None:
    topo, config = written
    teams = {c.region for c in topo.alerting.contacts}
    assert "jinan" in teams
    for region in topo.regions:
        for severity in ("warning", "critical"):
            expected = region.name if region.name in teams else topo.city.name
            assert _routes_to(config, "alertname=YunwangDeviceDown", f"region={region.name}",
                              f"severity={severity}", "device=x") == [expected], (region.name, severity)


def test_city_wide_and_unrouted_alerts_reach_the_city_team(written: tuple[Topology, Path]) -> None:
    topo, config = written
    city = topo.city.name
    assert _routes_to(config, "alertname=YunwangRegionSilent", "region=jinan", "scope=city") == [city]
    assert _routes_to(config, "alertname=YunwangDeviceDown", "region=elsewhere") == [city]
    assert _routes_to(config, "alertname=YunwangComplianceLow") == [city]


def test_critical_alerts_repeat_every_hour_others_every_four(written: tuple[Topology, Path]) -> None:
    config = yaml.safe_load(written[1].read_text())
    route = config["route"]
    assert (route["group_by"], route["group_wait"], route["group_interval"], route["repeat_interval"]) == (
        ["alertname", "region"], "30s", "5m", "4h")
    jinan = next(r for r in route["routes"] if r["matchers"] == ['region="jinan"'])
    assert jinan["routes"] == [{"receiver": "jinan", "matchers": ['severity="critical"'], "repeat_interval": "1h"}]


def test_every_team_gets_the_monitor_webhook_and_its_mail(written: tuple[Topology, Path]) -> None:
    topo, config_file = written
    config = yaml.safe_load(config_file.read_text())
    receivers = {r["name"]: r for r in config["receivers"]}
    assert set(receivers) == {topo.city.name} | {c.region for c in topo.alerting.contacts}
    for name, receiver in receivers.items():
        (hook,) = receiver["webhook_configs"]
        assert hook["url"] == f"{OPTIONS.monitor_url}/api/v1/alerts/webhook" and hook["send_resolved"] is True
        assert hook["http_config"]["authorization"] == {"type": "Bearer",
                                                        "credentials_file": OPTIONS.webhook_token_file}
        contact = topo.alerting.contact_for(name)
        if contact is not None and contact.email:
            assert receiver["email_configs"] == [{"to": ", ".join(contact.email), "send_resolved": True}]
    assert config["global"]["smtp_smarthost"] == topo.alerting.smtp.smarthost  # type: ignore[union-attr]


def test_no_secret_and_no_password_field_is_written(written: tuple[Topology, Path]) -> None:
    text = written[1].read_text()
    for word in ("api_secret", "auth_password:", "credentials:", "key=", "access_token", "bearer_token:"):
        assert word not in text
    # no SMTP login configured: no password file either
    assert "smtp_auth_password_file" not in text


def test_an_smtp_login_reads_its_password_from_a_file(tmp_path: Path) -> None:
    topo = _topology("dev")
    smtp = topo.alerting.smtp
    assert smtp is not None
    with_login = topo.model_copy(update={"alerting": topo.alerting.model_copy(
        update={"smtp": smtp.model_copy(update={"username": "yunwang-alerts"})})})
    config = alertmanager_config(with_login, OPTIONS)["global"]
    assert config["smtp_auth_username"] == "yunwang-alerts"
    assert config["smtp_auth_password_file"] == OPTIONS.smtp_password_file
    path = tmp_path / "am.yml"
    path.write_text(render_alertmanager_config(with_login, OPTIONS))
    assert _amtool("check-config", str(path)).returncode == 0


def test_a_topology_without_teams_still_keeps_the_history(tmp_path: Path) -> None:
    topo = _topology("dev")
    bare = topo.model_copy(update={"alerting": topo.alerting.model_copy(update={"contacts": (), "smtp": None})})
    config = alertmanager_config(bare, OPTIONS)
    assert [r["name"] for r in config["receivers"]] == ["luan"]
    assert set(config["receivers"][0]) == {"name", "webhook_configs"}
    path = tmp_path / "am.yml"
    path.write_text(render_alertmanager_config(bare, OPTIONS))
    assert _amtool("check-config", str(path)).returncode == 0
    assert _routes_to(path, "region=jinan", "alertname=YunwangDeviceDown") == ["luan"]
