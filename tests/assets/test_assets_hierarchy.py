"""The monitoring hierarchy's Prometheus pieces: a region's config with its region label, Alertmanagers and remote
write to the city view, the city view's config; with real Prometheus 2.42 processes, a region's aggregates reach the
city view and a city outage is filled in afterwards from the region's write-ahead log."""

from __future__ import annotations

import itertools
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from assets_testlib import running

from monitor.prometheus.render import (
    CITY_RULES_DIR,
    CITY_VIEW_SERIES,
    RULES_DIR,
    RemoteWrite,
    render_city_view_config,
    render_prometheus_config,
    write_prometheus_config,
)
from yunwang.errors import InputError
from yunwang.testkit import free_port, need_binary

MONITOR = "http://127.0.0.1:9"  # nothing listens: these Prometheus servers only evaluate rules


def _token(tmp_path: Path) -> Path:
    path = tmp_path / "sd.token"
    path.write_text("token-for-tests-0123456789\n")
    return path


def _region_config(tmp_path: Path, city: str, **options: Any) -> Path:
    return write_prometheus_config(
        tmp_path / "region.yml", MONITOR, token_file=_token(tmp_path), jobs=("monitor",), region="jinan",
        remote_write=[RemoteWrite(f"{city}/api/v1/write")], **options)


def test_a_region_config_carries_its_region_alertmanagers_and_remote_write(tmp_path: Path) -> None:
    text = render_prometheus_config(
        MONITOR, token_file=_token(tmp_path), region="jinan", stack="liuan",
        alertmanagers=["alertmanager-0.alertmanager:9093", "alertmanager-1.alertmanager:9093"],
        remote_write=[RemoteWrite("https://city-view-0.luan.gov.example/api/v1/write", tls_dir="/etc/tls/")])
    config = yaml.safe_load(text)
    assert config["global"]["external_labels"] == {"stack": "liuan", "region": "jinan"}
    assert config["alerting"]["alertmanagers"] == [{"static_configs": [{"targets": [
        "alertmanager-0.alertmanager:9093", "alertmanager-1.alertmanager:9093"]}]}]
    (queue,) = config["remote_write"]
    assert queue["url"] == "https://city-view-0.luan.gov.example/api/v1/write"
    assert queue["tls_config"] == {"cert_file": "/etc/tls/tls.crt", "key_file": "/etc/tls/tls.key",
                                   "ca_file": "/etc/tls/ca.crt"}
    assert queue["write_relabel_configs"] == [{"source_labels": ["__name__"], "regex": CITY_VIEW_SERIES,
                                               "action": "keep"}]
    assert len(config["scrape_configs"]) == 4
    plain = yaml.safe_load(render_prometheus_config(MONITOR, token_file=_token(tmp_path)))
    assert "alerting" not in plain and "remote_write" not in plain
    assert plain["global"]["external_labels"] == {"stack": "dev"}


def test_promtool_accepts_both_configs(tmp_path: Path) -> None:
    promtool = need_binary("promtool", "prometheus")
    region = _region_config(tmp_path, "https://city-view-0.luan.gov.example", alertmanagers=["127.0.0.1:9093"])
    city = tmp_path / "city.yml"
    city.write_text(render_city_view_config(stack="liuan", alertmanagers=["127.0.0.1:9093"]))
    for config in (region, city):
        result = subprocess.run([promtool, "check", "config", str(config)], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("options", "where"), [
    ({"region": "Jin An"}, "region"),
    ({"alertmanagers": ["alertmanager"]}, "alertmanagers"),
    ({"remote_write": [RemoteWrite("city-view:9090/api/v1/write")]}, "remote_write"),
    ({"remote_write": [RemoteWrite("https://c/api/v1/write", keep="yunwang:(")]}, "remote_write.keep"),
])
def test_bad_hierarchy_options_are_refused(tmp_path: Path, options: dict[str, Any], where: str) -> None:
    with pytest.raises(InputError) as caught:
        render_prometheus_config(MONITOR, token_file=_token(tmp_path), **options)
    assert [p.path for p in caught.value.problems] == [where]


def test_only_the_allowed_series_leave_the_region() -> None:
    import re

    keep = re.compile(f"^(?:{CITY_VIEW_SERIES})$")
    sent = ["yunwang:device:up", "yunwang:region:devices_down", "yunwang:plane:heartbeat", "ALERTS", "up",
            "yunwang:compliance:ratio", "yunwang_audit_findings", "yunwang_devices"]
    kept = ["ifHCInOctets", "node_cpu_seconds_total", "yunwang:interface_utilisation:ratio", "snmp_up",
            "yunwang_monitor_http_requests_total", "ALERTS_FOR_STATE"]
    assert [n for n in sent if not keep.match(n)] == []
    assert [n for n in kept if keep.match(n)] == []


def _query(base: str, query: str) -> list[dict[str, Any]]:
    try:
        answer = httpx.get(f"{base}/api/v1/query", params={"query": query}, timeout=3).json()
        return answer["data"]["result"]  # type: ignore[no-any-return]
    except (httpx.HTTPError, KeyError, ValueError):
        return []


def _wait(base: str, query: str, timeout: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = _query(base, query)
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"nothing for {query} at {base} within {timeout} s")


def _city(prometheus: str, tmp_path: Path, port: int) -> list[str]:
    config = tmp_path / "city.yml"
    config.write_text(render_city_view_config(stack="dev", rules_dir=CITY_RULES_DIR, evaluation_interval="1s"))
    return [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'city-data'}",
            f"--web.listen-address=127.0.0.1:{port}", "--web.enable-remote-write-receiver", "--log.level=warn"]


@pytest.mark.peer("prometheus")
def test_the_city_view_receives_a_region_and_is_filled_in_after_an_outage(tmp_path: Path) -> None:
    prometheus = need_binary("prometheus", "prometheus")
    city_port, region_port = free_port(), free_port()
    city = f"http://127.0.0.1:{city_port}"
    region_config = _region_config(tmp_path, city, evaluation_interval="1s", rules_dir=RULES_DIR)
    region_cmd = [prometheus, f"--config.file={region_config}", f"--storage.tsdb.path={tmp_path / 'region-data'}",
                  f"--web.listen-address=127.0.0.1:{region_port}", "--log.level=warn"]
    with running(region_cmd), running(_city(prometheus, tmp_path, city_port)) as city_proc:
        (beat,) = _wait(city, 'yunwang:plane:heartbeat{region="jinan"}')
        assert beat["metric"] == {"__name__": "yunwang:plane:heartbeat", "region": "jinan", "stack": "dev"}
        assert _query(city, '{__name__=~"yunwang:interface.*|up"}') == []  # filtered at the region
        groups = httpx.get(f"{city}/api/v1/rules", timeout=5).json()["data"]["groups"]
        assert [g["name"] for g in groups] == ["yunwang-city"]  # the city evaluates the city-wide rules only
        city_proc.terminate()
        city_proc.wait(timeout=20)
        outage_start = time.time()
        time.sleep(15)  # the city is down; the region keeps evaluating and keeps the samples in its WAL
        outage_end = time.time()
        with running(_city(prometheus, tmp_path, city_port)):
            deadline = time.monotonic() + 90
            gap = float("inf")
            while time.monotonic() < deadline:
                since = int(time.time() - outage_start) + 10
                samples = _query(city, f'yunwang:plane:heartbeat{{region="jinan"}}[{since}s]')
                stamps = sorted(float(t) for s in samples for t, _ in s["values"])
                covered = [t for t in stamps if outage_start - 5 <= t <= outage_end + 5]
                if covered and covered[-1] > outage_end:
                    gap = max(b - a for a, b in itertools.pairwise(covered))
                    if gap <= 2.5:
                        break
                time.sleep(1)
            assert gap <= 2.5, f"largest gap in the city's series over the outage: {gap:.1f} s"


def test_a_region_on_one_machine_scrapes_its_own_pollers(tmp_path: Path) -> None:
    config = yaml.safe_load(render_prometheus_config(
        MONITOR, token_file=_token(tmp_path), region="jinan", jobs=("snmp-poller", "monitor"),
        snmp_pollers=["127.0.0.1:9813", "127.0.0.1:9814"]))
    poller, monitor = config["scrape_configs"]
    assert poller["static_configs"] == [{"targets": ["127.0.0.1:9813", "127.0.0.1:9814"]}]
    assert "http_sd_configs" not in poller and poller["honor_labels"] is True
    assert monitor["http_sd_configs"][0]["url"] == f"{MONITOR}/api/v1/sd/monitor"
    with pytest.raises(InputError, match="snmp_pollers"):
        render_prometheus_config(MONITOR, token_file=_token(tmp_path), snmp_pollers=["poller-0"])
