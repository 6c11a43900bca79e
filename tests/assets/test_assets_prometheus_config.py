"""The rendered Prometheus config: promtool accepts it, bad options are refused with a clear message, and a real
Prometheus discovers and scrapes targets through a monitor-shaped HTTP SD with the snmp_exporter relabelling."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from assets_testlib import running

from monitor.prometheus.render import SD_JOBS, render_prometheus_config, sd_url, write_prometheus_config
from yunwang.errors import InputError
from yunwang.testkit import free_port, need_binary

TOKEN = "sd-token-for-tests"


def _token_file(tmp_path: Path) -> Path:
    path = tmp_path / "sd.token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_promtool_accepts_rendered_config(tmp_path: Path) -> None:
    promtool = need_binary("promtool", "prometheus")
    config = write_prometheus_config(tmp_path / "prometheus.yml", "http://127.0.0.1:8080",
                                     token_file=_token_file(tmp_path))
    result = subprocess.run([promtool, "check", "config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_every_job_is_discovered_from_the_monitor_with_a_token_file(tmp_path: Path) -> None:
    token = _token_file(tmp_path)
    config = yaml.safe_load(render_prometheus_config("https://monitor.example:8443/", token_file=token))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(SD_JOBS)
    for name, job in jobs.items():
        assert "static_configs" not in job
        (sd,) = job["http_sd_configs"]
        assert sd["url"] == f"https://monitor.example:8443/api/v1/sd/{name}"
        assert sd["authorization"] == {"type": "Bearer", "credentials_file": str(token)}
    assert jobs["monitor"]["authorization"] == {"type": "Bearer", "credentials_file": str(token)}
    text = render_prometheus_config("http://127.0.0.1:8080", token_file=token)
    assert TOKEN not in text
    assert "credentials:" not in text
    snmp = jobs["snmp"]
    assert snmp["metrics_path"] == "/snmp"
    assert snmp["relabel_configs"][0] == {"source_labels": ["__address__"], "target_label": "__param_target"}
    assert snmp["relabel_configs"][-1] == {"target_label": "__address__", "replacement": "127.0.0.1:9811"}


def test_jobs_can_be_left_out_with_their_comments(tmp_path: Path) -> None:
    text = render_prometheus_config("http://127.0.0.1:8080", token_file=_token_file(tmp_path),
                                    jobs=["host", "snmp-poller", "monitor"])
    config = yaml.safe_load(text)
    assert [job["job_name"] for job in config["scrape_configs"]] == ["host", "snmp-poller", "monitor"]
    assert "metrics_path: /snmp" not in text and "exporter mode" not in text
    assert "# SNMP poller shards" in text


@pytest.mark.parametrize(("options", "where"), [
    ({"monitor_url": "127.0.0.1:8080"}, "monitor_url"),
    ({"snmp_agent": "localhost"}, "snmp_agent"),
    ({"scrape_interval": "30 seconds"}, "scrape_interval"),
    ({"snmp_interval": "30s", "snmp_timeout": "1m"}, "snmp_timeout"),
    ({"token_file": " "}, "token_file"),
    ({"jobs": ["host", "blackbox"]}, "jobs"),
])
def test_bad_options_are_refused_with_the_option_named(options: dict[str, Any], where: str) -> None:
    monitor_url = options.pop("monitor_url", "http://127.0.0.1:8080")
    with pytest.raises(InputError) as caught:
        render_prometheus_config(monitor_url, **options)
    assert [p.path for p in caught.value.problems] == [where]
    assert caught.value.problems[0].hint


class _FakeMonitorAndAgent(BaseHTTPRequestHandler):
    """Serves HTTP SD like the monitor (token required), and /snmp and /metrics like our agents."""

    seen: list[tuple[str, dict[str, list[str]], str]] = []
    targets: dict[str, list[dict[str, Any]]] = {}

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.seen.append((parts.path, parse_qs(parts.query), self.headers.get("Authorization", "")))
        if parts.path.startswith("/api/v1/sd/"):
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, "text/plain", b"missing token")
                return
            job = parts.path.rsplit("/", 1)[1]
            self._send(200, "application/json", json.dumps(self.targets.get(job, [])).encode())
        elif parts.path in ("/snmp", "/metrics"):
            self._send(200, "text/plain; version=0.0.4", b"# TYPE sysUpTime gauge\nsysUpTime 4200\n")
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture()
def fake_monitor() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeMonitorAndAgent)
    port = int(server.server_address[1])
    here = f"127.0.0.1:{port}"
    _FakeMonitorAndAgent.seen = []
    _FakeMonitorAndAgent.targets = {
        "snmp": [
            {"targets": ["127.0.0.1:16100"], "labels": {"device": "luan-core-1", "region": "luan", "role": "core",
                                                        "__param_module": "if_mib,system", "__param_auth": "v3-core"}},
            {"targets": ["127.0.0.1:16101"], "labels": {"device": "jinan-acc-1", "region": "jinan"}},
        ],
        "host": [{"targets": [here], "labels": {"region": "luan", "zone": "security-management"}}],
        "monitor": [{"targets": [here], "labels": {}}],
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


def test_real_prometheus_discovers_and_relabels(tmp_path: Path, fake_monitor: int) -> None:
    prometheus = need_binary("prometheus", "prometheus")
    agent = f"127.0.0.1:{fake_monitor}"
    config = write_prometheus_config(
        tmp_path / "prometheus.yml", f"http://{agent}", token_file=_token_file(tmp_path), snmp_agent=agent,
        scrape_interval="1s", scrape_timeout="1s", snmp_interval="1s", snmp_timeout="1s", sd_refresh="1s",
        evaluation_interval="1s")
    web = f"127.0.0.1:{free_port()}"
    with running([prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                  f"--web.listen-address={web}", "--log.level=warn"]) as proc:
        up = _wait_for_series(f"http://{web}", 'up{job="snmp"}', 2, proc)
        by_instance = {s["metric"]["instance"]: s["metric"] for s in up}
        assert set(by_instance) == {"luan-core-1", "jinan-acc-1"}
        assert by_instance["luan-core-1"]["region"] == "luan"
        snmp_requests = {q["target"][0]: q for path, q, _ in _FakeMonitorAndAgent.seen if path == "/snmp"}
        assert snmp_requests["127.0.0.1:16100"]["module"] == ["if_mib,system"]
        assert snmp_requests["127.0.0.1:16100"]["auth"] == ["v3-core"]
        assert snmp_requests["127.0.0.1:16101"]["module"] == ["if_mib"]
        assert "auth" not in snmp_requests["127.0.0.1:16101"]
        sd_calls = [(path, auth) for path, _, auth in _FakeMonitorAndAgent.seen if path.startswith("/api/v1/sd/")]
        assert {path for path, _ in sd_calls} == {sd_url("", job) for job in SD_JOBS}
        assert {auth for _, auth in sd_calls} == {f"Bearer {TOKEN}"}
        _wait_for_series(f"http://{web}", 'up{job="host",zone="security-management"} == 1', 1, proc)
        _wait_for_series(f"http://{web}", 'up{job="monitor"} == 1', 1, proc)
        assert {auth for path, _, auth in _FakeMonitorAndAgent.seen if path == "/metrics"} == {f"Bearer {TOKEN}", ""}
        rules = httpx.get(f"http://{web}/api/v1/rules", timeout=5).json()["data"]["groups"]
        assert {g["name"] for g in rules} >= {"yunwang-recording", "yunwang-network", "yunwang-hosts",
                                              "yunwang-audit"}


def _wait_for_series(base: str, query: str, count: int, proc: subprocess.Popen[bytes]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    result: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            assert proc.stderr is not None
            pytest.fail(f"prometheus exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            result = httpx.get(f"{base}/api/v1/query", params={"query": query}, timeout=2).json()["data"]["result"]
        except (httpx.HTTPError, KeyError, ValueError):
            result = []
        if len(result) >= count:
            return result
        time.sleep(0.3)
    pytest.fail(f"no {count} series for {query} within 30 s; last: {result}")
