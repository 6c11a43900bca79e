"""Heartbeats and facts pushed to a monitor (a small HTTP server started here), with back-off on failure."""

from __future__ import annotations

import json
import logging
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agents.host.push import MonitorPusher
from yunwang.testkit import need_binary

TOKEN = "s3cret-agent-token-9f2c"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_first = 0
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                     "type": self.headers.get("Content-Type"), "body": json.loads(body),
                                     "at": time.monotonic()})
        status = 503 if len(self.server.requests) <= self.server.fail_first else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def monitor() -> Iterator[Recorder]:
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: Recorder, scheme: str = "http") -> str:
    host, port = server.server_address[:2]
    return f"{scheme}://{host!s}:{port}"


def wait_for(predicate: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def push_until(pusher: MonitorPusher, predicate: Any, seconds: float = 5.0) -> None:
    """Run the pusher's thread until ``predicate()`` holds, then stop it."""
    pusher.start()
    try:
        wait_for(predicate, seconds)
    finally:
        pusher.stop()


def test_heartbeats_and_facts_reach_the_monitor(monitor: Recorder) -> None:
    facts = {"schema": "yunwang.host-facts/v1", "hostname": "h1"}
    started = time.time()
    pusher = MonitorPusher(url(monitor), "web 01/a", "h1", "0.1.0", TOKEN, lambda: json.dumps(facts).encode(),
                           heartbeat_interval=0.1, facts_interval=0.5, address="10.10.99.21:9810")
    push_until(pusher, lambda: sum(r["path"].endswith("/heartbeat") for r in monitor.requests) >= 4
               and sum(r["path"].endswith("/facts") for r in monitor.requests) >= 2)
    facts_posts = [r for r in monitor.requests if r["path"].endswith("/facts")]
    beats = [r for r in monitor.requests if r["path"].endswith("/heartbeat")]
    # A heartbeat first (the monitor keeps facts only of agents it has heard from), then the facts at once.
    assert [r["path"] for r in monitor.requests[:2]] == ["/api/v1/agents/web%2001%2Fa/heartbeat",
                                                         "/api/v1/agents/web%2001%2Fa/facts"]
    assert facts_posts[0]["body"] == facts
    assert all(r["auth"] == f"Bearer {TOKEN}" and r["type"] == "application/json" for r in monitor.requests)
    seqs = [b["body"]["seq"] for b in beats]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert seqs[0] >= int(started * 1000)  # follows the clock: still increasing after an agent restart
    body = beats[0]["body"]
    assert set(body) == {"agent_id", "kind", "hostname", "version", "seq", "sent_at", "address"}
    assert body["address"] == "10.10.99.21:9810"
    assert (body["agent_id"], body["kind"], body["hostname"], body["version"]) == ("web 01/a", "host", "h1", "0.1.0")
    assert body["sent_at"].endswith("Z")


def test_failures_back_off_and_never_log_the_token(monitor: Recorder, caplog: pytest.LogCaptureFixture) -> None:
    monitor.fail_first = 2  # the first heartbeat and its first retry get 503
    caplog.set_level(logging.DEBUG)
    pusher = MonitorPusher(url(monitor), "a1", "h1", "0.1.0", TOKEN, lambda: b'{"schema": "x"}',
                           heartbeat_interval=0.05, facts_interval=60, max_backoff=0.4)
    push_until(pusher, lambda: pusher.sent["facts"] >= 1 and pusher.sent["heartbeat"] >= 2, seconds=10)
    beats = [r for r in monitor.requests if r["path"].endswith("/heartbeat")]
    # The retry after the first failure waited about 1 s (capped here at 0.4 s), not the 0.05 s interval.
    assert beats[1]["at"] - beats[0]["at"] >= 0.35
    assert "answered HTTP 503" in caplog.text
    assert TOKEN not in caplog.text


def test_unreachable_monitor_is_retried_without_crashing(caplog: pytest.LogCaptureFixture) -> None:
    from yunwang.testkit import free_port

    pusher = MonitorPusher(f"http://127.0.0.1:{free_port()}", "a1", "h1", "0.1.0", TOKEN, lambda: b"{}",
                           heartbeat_interval=0.05, max_backoff=0.1, timeout=1)
    push_until(pusher, lambda: pusher.failures["heartbeat"] >= 3)
    assert pusher.sent == {"heartbeat": 0, "facts": 0}
    assert "Connection refused" in caplog.text and TOKEN not in caplog.text


def self_signed_for_loopback(folder: Path) -> tuple[Path, Path]:
    """Key and certificate for 127.0.0.1 (subjectAltName IP), from Debian's openssl."""
    openssl = need_binary("openssl", "openssl")
    key, cert = folder / "monitor.key", folder / "monitor.crt"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=30)
    return key, cert


def tls_recorder(folder: Path) -> tuple[Recorder, Path]:
    """A running Recorder behind TLS with a self-signed certificate for 127.0.0.1, and that certificate's file."""
    key, cert = self_signed_for_loopback(folder)
    server = Recorder()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert


def test_https_push_verifies_the_monitor_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    server, cert = tls_recorder(tmp_path)
    try:
        # Not in the trusted CA store: refused before any byte of the request (or the token) is sent.
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
        untrusting = MonitorPusher(url(server, "https"), "a1", "h1", "0.1.0", TOKEN, lambda: b"{}",
                                   heartbeat_interval=0.05, max_backoff=0.05, timeout=2)
        push_until(untrusting, lambda: untrusting.failures["heartbeat"] >= 2)
        assert server.requests == [] and "SSLCertVerificationError" in caplog.text and TOKEN not in caplog.text
        # Trusted through SSL_CERT_FILE (the same variable OpenSSL tools honour): heartbeat and facts arrive.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        trusting = MonitorPusher(url(server, "https"), "a1", "h1", "0.1.0", TOKEN, lambda: b'{"schema": "x"}',
                                 heartbeat_interval=0.05, timeout=2)
        push_until(trusting, lambda: trusting.sent["facts"] >= 1)
        assert {r["auth"] for r in server.requests} == {f"Bearer {TOKEN}"}
        assert {r["path"] for r in server.requests} == {"/api/v1/agents/a1/heartbeat", "/api/v1/agents/a1/facts"}
    finally:
        server.shutdown()
        server.server_close()


def test_a_monitor_path_prefix_is_kept(monitor: Recorder) -> None:
    """A monitor behind a reverse proxy at /monitor/ gets /monitor/api/v1/…"""
    pusher = MonitorPusher(url(monitor) + "/monitor/", "a1", "h1", "0.1.0", None, lambda: b"{}",
                           heartbeat_interval=0.05)
    push_until(pusher, lambda: pusher.sent["heartbeat"] >= 1)
    assert monitor.requests[0]["path"] == "/monitor/api/v1/agents/a1/heartbeat"
    assert monitor.requests[0]["auth"] is None  # no token configured: no Authorization header at all
