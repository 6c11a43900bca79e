"""Alerting test helpers: a robot API sink (DingTalk and WeCom shapes), a real Alertmanager, webhook bodies."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from monitor_testlib import free_port, need_binary

from yunwang.testkit import stop_process

ALERTMANAGER_TOKEN = "alertmanager-token-for-e2e-0123456789"
ROBOTS = {"LUAN_DINGTALK_TOKEN": "luan-dt-token-1111", "LUAN_DINGTALK_SECRET": "luan-dt-secret-2222",
          "JINAN_DINGTALK_TOKEN": "jinan-dt-token-3333", "JINAN_DINGTALK_SECRET": "jinan-dt-secret-4444",
          "JINAN_WECOM_KEY": "jinan-wecom-key-5555"}
"""The dev topology's robots' secrets (``YUNWANG_ALERT_<KEY>``), recognisable in what the robot sink receives."""


@dataclass
class RobotCall:
    path: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class RobotSink:
    """Answers like the robots' APIs (``{"errcode": 0}``) and records every call; ``fail_next`` makes the next
    calls answer HTTP 500, ``refuse`` answers errcode 310000 (DingTalk's bad signature)."""

    calls: list[RobotCall] = field(default_factory=list)
    fail_next: int = 0
    refuse: bool = False

    def __post_init__(self) -> None:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                sink.calls.append(RobotCall(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body))
                if sink.fail_next > 0:
                    sink.fail_next -= 1
                    status, answer = 500, {"error": "down"}
                elif sink.refuse:
                    status, answer = 200, {"errcode": 310000, "errmsg": "sign not match"}
                else:
                    status, answer = 200, {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[RobotCall]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.calls)


class AlertmanagerProcess:
    """Debian's prometheus-alertmanager on 127.0.0.1 with the given config (clustering off: one member)."""

    def __init__(self, workdir: Path, config: Path, port: int | None = None):
        binary = need_binary("prometheus-alertmanager", "prometheus-alertmanager")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"alertmanager-{self.port}.log"
        (workdir / "am-data").mkdir(exist_ok=True)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [binary, f"--config.file={config}", f"--storage.path={workdir / 'am-data'}",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=", "--log.level=debug"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"alertmanager not ready: {self.log.read_text()[-3000:]}")

    def post_alerts(self, *alerts: dict[str, Any]) -> None:
        response = httpx.post(f"{self.url}/api/v2/alerts", json=list(alerts), timeout=5)
        assert response.status_code == 200, response.text

    def stop(self) -> None:
        stop_process(self.proc)


def am_alert(alertname: str, **labels: str) -> dict[str, Any]:
    """An alert as Prometheus posts it to Alertmanager's API."""
    return {"labels": {"alertname": alertname, "severity": "critical", **labels},
            "annotations": {"summary": f"{alertname} on {labels.get('device', '?')}",
                            "summary_zh": f"{labels.get('device', '?')} 告警"}}


def webhook_body(receiver: str = "jinan", status: str = "firing", *alerts: dict[str, Any]) -> dict[str, Any]:
    """A version 4 webhook body as Alertmanager posts it."""
    alerts = alerts or (fired("YunwangDeviceDown", device="jinan-acc-1", region="jinan", site="三十铺镇"),)
    return {"version": "4", "groupKey": '{}:{alertname="YunwangDeviceDown"}', "truncatedAlerts": 0,
            "status": status, "receiver": receiver, "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager.example:9093",
            "alerts": list(alerts)}


def fired(alertname: str, status: str = "firing", **labels: str) -> dict[str, Any]:
    ends = "2026-12-01T08:10:00Z" if status == "resolved" else "0001-01-01T00:00:00Z"
    return {"status": status, "labels": {"alertname": alertname, "severity": "critical", **labels},
            "annotations": {"summary": f"Device {labels.get('device', '')} does not answer SNMP",
                            "summary_zh": f"设备 {labels.get('device', '')} SNMP 无响应"},
            "startsAt": "2026-12-01T08:00:00Z", "endsAt": ends,
            "generatorURL": "http://prometheus.example/graph", "fingerprint": f"{abs(hash(str(labels))):016x}"[:16]}
