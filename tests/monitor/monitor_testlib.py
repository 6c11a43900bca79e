"""Helpers shared by the monitor's tests (imported by name: tests/ has no package, and a `tests` package
from a dependency shadows it)."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

_ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("yunwang_root_conftest", _ROOT_CONFTEST)
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
need_binary = _root.need_binary
need_peer = _root.need_peer
free_port = _root.free_port
ROOT: Path = _root.ROOT

ADMIN = "admin-token-0123456789abcdef"
VIEWER = "viewer-token-0123456789abcdef"
AGENT = "agent-token-0123456789abcdef"
BACKENDS = ["sqlite", "postgresql"]


def new_database(server_url: str) -> str:
    """A fresh database on the session's PostgreSQL server, so every test starts empty."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    port = server_url.rsplit(":", 1)[1].split("/")[0]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def enrol(client: Any, agent_id: str = "host-1", base: str = "") -> dict[str, str]:
    """Enrol ``agent_id`` with the bootstrap token (``client``: a TestClient, httpx.Client or the httpx module with
    ``base``); returns the headers of the agent's own token, the only agent token that writes for it."""
    reply = client.post(f"{base}/api/v1/agents/{agent_id}/enrol", headers=bearer(AGENT))
    assert reply.status_code == 201, reply.text
    return bearer(reply.json()["token"])


def heartbeat(agent_id: str = "host-1", seq: int | str = 1, **extra: Any) -> dict[str, Any]:
    """A heartbeat body (``seq`` may be a str, to check the monitor refuses it)."""
    return {"agent_id": agent_id, "kind": "host", "hostname": f"{agent_id}.example", "version": "0.1.0",
            "seq": seq, "sent_at": "2026-11-26T08:00:00Z", **extra}


def finding(rule_id: str, target_id: str, clause: str = "8.1.4.2-a", severity: str = "high",
            source: str = "host", waived: bool = False) -> dict[str, Any]:
    return {"rule_id": rule_id, "clauses": [clause], "severity": severity,
            "target": {"source": source, "id": target_id, "file": None, "line": None},
            "title": f"{rule_id} title", "title_zh": "标题", "message": "what is wrong", "remediation": "fix it",
            "waived": waived, "waiver": None}


def report(*findings: dict[str, Any], controls: dict[str, str] | None = None) -> dict[str, Any]:
    counts = {s: sum(1 for f in findings if f["severity"] == s and not f["waived"]) for s in ("high", "medium", "low")}
    return {"tool": {"name": "yunwang", "version": "0.1.0"}, "standard": "GB/T 22239-2019 level 3",
            "findings": list(findings), "errors": [],
            "summary": {**counts, "waived": sum(1 for f in findings if f["waived"]),
                        "controls": controls if controls is not None else {"8.1.4.2-a": "non-compliant"}}}


class MonitorProcess:
    """`yunwang monitor` as a real server process on 127.0.0.1 (for the browser and crash tests)."""

    def __init__(self, workdir: Path, db_url: str, stack: str = "dev", extra_args: tuple[str, ...] = (),
                 scheme: str = "http", verify: Any = True):
        import os
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.verify = verify
        env = {**os.environ, "YUNWANG_ADMIN_TOKEN": ADMIN, "YUNWANG_VIEWER_TOKEN": VIEWER,
               "YUNWANG_AGENT_TOKEN": AGENT, "YUNWANG_HOME": str(ROOT)}
        self.log = workdir / f"monitor-{self.port}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "yunwang.cli", "monitor", "--listen", f"127.0.0.1:{self.port}", "--db", db_url,
                 "--stack", stack, "--state-dir", str(workdir / "state"), "--no-access-log", *extra_args],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"monitor exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1, verify=self.verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"monitor not ready: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait()


class SilenceApiDouble:
    """Alertmanager's v2 silence endpoints in memory, for the schema run (real Alertmanager: tests/alerting)."""

    def __init__(self) -> None:
        import json
        import threading
        import uuid
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        silences: dict[str, dict[str, Any]] = {}

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._reply(200, list(silences.values()))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sid = str(uuid.uuid4())
                silences[sid] = {**body, "id": sid, "status": {"state": "active"}, "updatedAt": body["startsAt"]}
                self._reply(200, {"silenceID": sid})

            def do_DELETE(self) -> None:
                sid = self.path.rsplit("/", 1)[1]
                self._reply(200 if silences.pop(sid, None) else 404, {})

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
