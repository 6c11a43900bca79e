"""Finding 5, the smaller items: lone surrogates, out-of-range ports, world-readable database files, escape
sequences in the log and the table report, /facts open to the network, missing security headers, and API docs
loaded from a public CDN."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from monitor_testlib import ADMIN, VIEWER, MonitorProcess, bearer, finding, heartbeat, report

from yunwang.testkit import ROOT, free_port, need_binary

JSON = {"content-type": "application/json"}


def test_a_lone_surrogate_is_422_not_500(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    own = bearer(ADMIN)  # writes any agent's heartbeat and facts
    hb = json.dumps(heartbeat(hostname="h\ud800")).encode()  # ensure_ascii: the surrogate travels as \ud800
    assert client.post("/api/v1/agents/host-1/heartbeat", content=hb, headers={**own, **JSON}).status_code == 422
    fine = client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(hostname="h\U0001f600"), headers=own)
    assert fine.status_code == 200  # a valid pair (\ud83d\ude00) is text
    facts = json.dumps({"schema": "yunwang.host-facts/v1", "hostname": "\udc00"}).encode()
    refused = client.post("/api/v1/agents/host-1/facts", content=facts, headers={**own, **JSON})
    assert refused.status_code == 422 and "surrogate" in refused.json()["error"]
    audit = json.dumps(report(finding("r", "t\udfff"))).encode()
    assert client.post("/api/v1/audits", content=audit, headers={**bearer(ADMIN), **JSON}).status_code == 422
    assert client.get("/readyz").status_code == 200  # the heartbeat writer survived


def test_out_of_range_ports_are_refused(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    own = bearer(ADMIN)
    bad = client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(address="10.34.19.5:70000"), headers=own)
    assert bad.status_code == 422 and "address" in bad.json()["error"]
    port = free_port()
    agent = subprocess.Popen([sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen", f"127.0.0.1:{port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                replies = [httpx.get(f"http://127.0.0.1:{port}/snmp", params={"target": t}, timeout=10)
                           for t in ("127.0.0.1:70000", "[::1]:70000", "127.0.0.1:0")]
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert [r.status_code for r in replies] == [400, 400, 400]
        assert "from 1 to 65535" in replies[0].text
    finally:
        agent.terminate()
        agent.wait(10)


def test_the_database_is_readable_by_its_owner_only(make_client: Any, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        client = make_client(f"sqlite:///{tmp_path}/state/monitor.db")
        assert client.post("/api/v1/audits", json=report(), headers=bearer(ADMIN)).status_code == 201
    finally:
        os.umask(old)
    files = sorted(p.name for p in (tmp_path / "state").iterdir())
    assert {"monitor.db", "monitor.db-wal", "monitor.db-shm"} <= set(files)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in (tmp_path / "state").iterdir()} == \
        dict.fromkeys(files, "0o600")
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700


def test_escape_sequences_never_reach_the_log(tmp_path: Path) -> None:
    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db")
    try:
        path = "/api/v1/inventory%1b%5b2J%1b%5d0%3bpwned%07%0aFAKE%20log%20line"
        assert httpx.get(f"{server.url}{path}", headers=bearer("wrong-token-0123456789abcdef")).status_code in (
            401, 404)
        assert httpx.post(f"{server.url}/api/v1/agents/x%1b%5b31m/heartbeat", json={},
                          headers=bearer("wrong-token-0123456789abcdef")).status_code == 401
    finally:
        server.stop()
    log = server.log.read_bytes()
    assert b"authentication failed" in log
    assert b"\x1b" not in log and b"\x07" not in log and b"\nFAKE log line" not in log
    assert b"\\x1b" in log


def test_escape_sequences_never_reach_the_table_report(tmp_path: Path) -> None:
    manifest = tmp_path / "pod.yaml"
    manifest.write_text('apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web\\e[2J\\e]0;pwned\\a[bold red]x[/]"\n'
                        "  namespace: default\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
                        "    securityContext: {privileged: true}\n")
    done = subprocess.run([sys.executable, "-m", "yunwang.cli", "audit", "k8s", str(manifest), "--format", "table"],
                          capture_output=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout
    assert b"\\x1b[2J" in done.stdout and b"[bold red]x[/]" in done.stdout


def _non_loopback_address() -> str | None:
    for probe in ("192.0.2.1", "10.255.255.254", "172.31.255.254"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                address = str(s.getsockname()[0])
        except OSError:
            continue
        if not address.startswith("127."):
            return address
    return None


def test_facts_are_served_to_this_host_only() -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to call the agent from")
    port = free_port()
    agent = subprocess.Popen([sys.executable, "-m", "agents.host", "--listen", f"0.0.0.0:{port}"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert agent.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        remote = httpx.get(f"http://{address}:{port}/facts", timeout=60)
        assert remote.status_code == 403 and "this host only" in remote.text
        assert httpx.get(f"http://{address}:{port}/metrics", timeout=30).status_code == 200  # Prometheus still scrapes
        local = httpx.get(f"http://127.0.0.1:{port}/facts", timeout=120)
        assert local.status_code == 200 and local.json()["schema"] == "yunwang.host-facts/v1"
    finally:
        agent.terminate()
        agent.wait(10)


HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


def test_security_headers_on_every_page(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    for path, headers in (("/", bearer(VIEWER)), ("/login", {}), ("/logout", {}), ("/docs", {}), ("/redoc", {}),
                          ("/api/v1/inventory", {}), ("/healthz", {}), ("/nope", {})):
        reply = client.get(path, headers=headers, follow_redirects=False)
        missing = [h for h in HEADERS if h not in reply.headers]
        assert missing == [], (path, missing)
        assert reply.headers["x-frame-options"] == "DENY" and reply.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
        assert "script-src 'self'" in reply.headers["content-security-policy"]


def test_api_docs_load_nothing_from_outside(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert not re.search(r"(src|href)=\"(https?:)?//", html), html
        assets = re.findall(r"(?:src|href)=\"(/[^\"]+)\"", html)
        scripts = [a for a in assets if a.endswith(".js")]
        assert scripts, html
        for asset in assets:
            reply = client.get(asset)
            assert reply.status_code == 200 and len(reply.content) > 100, asset
        assert "<script>" not in html  # no inline script: the policy forbids them


@pytest.mark.peer("chromium")
def test_swagger_ui_and_redoc_render_offline_under_the_policy(tmp_path: Path) -> None:
    chromium = need_binary("chromium", "chromium")
    from devtools import Browser

    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db")
    browser = None
    try:
        browser = Browser(chromium, free_port())
        browser.open(f"{server.url}/docs", {})
        _wait_until(browser, "document.querySelectorAll('.opblock').length > 15")
        assert browser.problems() == []
        browser.open(f"{server.url}/redoc", {})
        _wait_until(browser, "document.querySelectorAll('[data-section-id]').length > 15")
        assert browser.problems() == []
    finally:
        if browser is not None:
            browser.close()
        server.stop()


def _wait_until(browser: Any, expression: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not browser.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}; problems: {browser.problems()}"
        time.sleep(0.2)
