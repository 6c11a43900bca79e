"""The overview page: content in both languages, escaping, up/down from Prometheus, and a real browser."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from monitor_testlib import (
    ADMIN,
    ROOT,
    VIEWER,
    MonitorProcess,
    bearer,
    enrol,
    finding,
    free_port,
    heartbeat,
    need_binary,
    report,
)

V = bearer(VIEWER)
ARTIFACTS = ROOT / "test-artifacts"


def test_overview_in_both_languages_with_agents_and_audit(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(hostname="<script>alert(1)</script>"),
                headers=enrol(client))
    client.post("/api/v1/audits", json=report(finding("ssh-root", "host-1"),
                                              controls={"8.1.4.2-a": "non-compliant", "8.1.3.1-a": "compliant"}),
                headers=bearer(ADMIN))
    zh = client.get("/", headers={**V, "Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "云网监控总览" in zh and "六安市本级 (luan)" in zh and "金安区 (jinan)" in zh
    assert "不符合" in zh and "符合" in zh and "未知" in zh
    assert "<script>alert(1)</script>" not in zh and "&lt;script&gt;alert(1)&lt;/script&gt;" in zh
    assert 'href="/api/v1/audits/1/findings?clause=8.1.4.2-a"' in zh
    en = client.get("/", params={"lang": "en"}, headers=V).text
    assert "yunwang monitoring overview" in en and "non-compliant" in en and "Unknown" in en
    assert client.get("/", params={"lang": "fr"}, headers=V).status_code == 422


class _FakePrometheus(BaseHTTPRequestHandler):
    """Answers /api/v1/query like Prometheus does for `up` of two devices (one up, one down)."""

    def do_GET(self) -> None:
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"job": "snmp", "device": "luan-core-1"}, "value": [0, "1"]},
            {"metric": {"job": "snmp", "device": "luan-core-2"}, "value": [0, "0"]}]}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_prometheus() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakePrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_up_down_from_prometheus(make_client: Any, sqlite_url: str, fake_prometheus: str) -> None:
    from monitor.reachability import Reachability

    reach = Reachability(fake_prometheus).by_region({"luan": ["luan-core-1", "luan-core-2", "luan-fw-1"]})
    assert (reach["luan"].up, reach["luan"].down, reach["luan"].unknown) == (1, 1, 1)
    unreachable = Reachability(f"http://127.0.0.1:{free_port()}", timeout_s=0.5)
    assert unreachable.by_region({"luan": ["a"]})["luan"].unknown == 1 and unreachable.last_error
    page = make_client(sqlite_url, prometheus_url=fake_prometheus).get("/", params={"lang": "en"}, headers=V).text
    assert '<td class="n up">1</td><td class="n down">1</td>' in page


@pytest.mark.peer("chromium")
def test_headless_chromium_renders_the_page_without_console_errors(tmp_path: Path) -> None:
    chromium = need_binary("chromium", "chromium")
    from devtools import Browser

    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db", stack="liuan")
    browser = None
    try:
        httpx.post(f"{server.url}/api/v1/agents/luan-mgmt-1/heartbeat", json=heartbeat("luan-mgmt-1"),
                   headers=enrol(httpx, "luan-mgmt-1", server.url)).raise_for_status()
        httpx.post(f"{server.url}/api/v1/audits", headers=bearer(ADMIN), json=report(
            finding("ssh-root", "luan-mgmt-1"), finding("snmp-v2c", "luan-core-1", "8.1.3.5-a", "medium", "device"),
            controls={"8.1.4.2-a": "non-compliant", "8.1.3.5-a": "partial", "8.1.3.1-a": "compliant",
                      "8.1.5.1-a": "not-assessed"})).raise_for_status()
        browser = Browser(chromium, free_port())
        for lang in ("zh", "en"):
            browser.open(f"{server.url}/?lang={lang}", {"Authorization": f"Bearer {VIEWER}"})
            assert browser.problems() == []
            title = browser.evaluate("document.title")
            assert ("云网监控总览" if lang == "zh" else "yunwang monitoring overview") in title
            regions = browser.evaluate("document.querySelectorAll('main table')[0].tBodies[0].rows.length")
            assert regions == 8  # the liuan stack's regions
            assert browser.evaluate("document.querySelectorAll('a[href*=\"findings?clause=\"]').length") == 2
            browser.screenshot(ARTIFACTS / f"monitor-overview-{lang}.png")
        assert (ARTIFACTS / "monitor-overview-zh.png").stat().st_size > 10_000
    finally:
        if browser is not None:
            browser.close()
        server.stop()
