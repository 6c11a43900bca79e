"""`yunwang agent host` as a real process: /metrics, /facts, textfiles, errors, lean exec, push to a monitor."""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from yunwang.testkit import ROOT, free_port

from .test_push import TOKEN, Recorder, tls_recorder, url, wait_for

YUNWANG = str(Path(sys.executable).with_name("yunwang"))


def start_agent(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([YUNWANG, "agent", "host", "--listen", f"127.0.0.1:{port}", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{base}/", timeout=1)
            return proc, base
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"agent did not start: {proc.communicate()[0].decode()}") from None
            time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=10)
    return out.decode()


@pytest.fixture
def textfiles(tmp_path: Path) -> Path:
    directory = tmp_path / "textfile"
    directory.mkdir()
    (directory / "raid.prom").write_text("# TYPE site_raid_degraded gauge\nsite_raid_degraded{array=\"md0\"} 0\n")
    return directory


@pytest.fixture
def agent(textfiles: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    proc, base = start_agent("--textfile-dir", str(textfiles))
    yield proc, base
    stop(proc)


def test_metrics_facts_and_http_details(agent: tuple[subprocess.Popen[bytes], str], textfiles: Path) -> None:
    proc, base = agent
    # Exec'd into the lean entry point: same pid, no Typer/pydantic kept in memory.
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
    assert b"agents.host" in cmdline
    metrics = httpx.get(f"{base}/metrics", headers={"Accept-Encoding": "identity"})
    assert metrics.status_code == 200
    assert metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = metrics.text
    assert 'site_raid_degraded{array="md0"} 0' in text
    assert f'node_textfile_mtime_seconds{{file="{textfiles / "raid.prom"}"}}' in text
    assert 'node_scrape_collector_success{collector="cpu"} 1' in text
    zipped = httpx.get(f"{base}/metrics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and "node_load1" in zipped.text
    request = urllib.request.Request(f"{base}/metrics", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as raw:  # urllib does not decode: see the wire bytes
        assert gzip.decompress(raw.read()).startswith(b"# HELP")
    only = httpx.get(f"{base}/metrics", params=[("collect[]", "cpu"), ("collect[]", "loadavg")]).text
    assert "node_load1 " in only and "node_cpu_seconds_total{" in only and "node_memory_" not in only
    assert set(re.findall(r'node_scrape_collector_success\{collector="(\w+)"\}', only)) == {"cpu", "loadavg"}
    refused = httpx.get(f"{base}/metrics", params={"collect[]": "nope"})
    assert refused.status_code == 400 and "unknown or disabled collector(s): nope" in refused.text
    assert httpx.get(f"{base}/nope").status_code == 404
    assert httpx.post(f"{base}/metrics").status_code == 405
    facts = httpx.get(f"{base}/facts", timeout=60)
    assert facts.status_code == 200 and facts.headers["content-type"] == "application/json"
    doc = facts.json()
    assert doc["schema"] == "yunwang.host-facts/v1" and doc["os"]["kernel"] == os.uname().release


def test_bad_options_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    done = subprocess.run([YUNWANG, "agent", "host", "--listen", "localhost"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "--listen: expected HOST:PORT" in done.stderr and "Traceback" not in done.stderr
    # The rest through the lean entry point `yunwang agent host` execs into (quicker to start).
    for args, expected in ((["--listen", "127.0.0.1:99999"], "--listen: expected HOST:PORT"),
                           (["--textfile-dir", str(tmp_path / "missing")], "not a directory"),
                           (["--enable", "bogus"], "unknown collector(s) bogus"),
                           (["--monitor", "ftp://x"], "expected an http:// or https:// URL"),
                           (["--monitor", "http://127.0.0.1:80800"], "the port is not a number from 1 to 65535"),
                           (["--monitor", "https://agent:pa55word@127.0.0.1"], "no user or password in the URL"),
                           (["--monitor", "http://127.0.0.1:1", "--token-file", str(tmp_path / "none")],
                            "cannot read the token file")):
        done = subprocess.run([sys.executable, "-m", "agents.host", *args], capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
        assert done.returncode == 2, (args, done.stderr)
        assert expected in done.stderr and "Traceback" not in done.stderr and "pa55word" not in done.stderr


def test_pushes_to_the_monitor_with_the_token_from_a_file(tmp_path: Path) -> None:
    monitor = Recorder()
    import threading

    threading.Thread(target=monitor.serve_forever, daemon=True).start()
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    proc, _ = start_agent("--monitor", url(monitor), "--agent-id", "gov-web-01", "--token-file", str(token_file),
                          env={"YUNWANG_AGENT_TOKEN": "not-this-one"})
    try:
        wait_for(lambda: {r["path"] for r in monitor.requests} >= {"/api/v1/agents/gov-web-01/facts",
                                                                     "/api/v1/agents/gov-web-01/heartbeat"}, 60)
    finally:
        log = stop(proc)
        monitor.shutdown()
    assert {r["auth"] for r in monitor.requests} == {f"Bearer {TOKEN}"}
    facts = next(r["body"] for r in monitor.requests if r["path"].endswith("/facts"))
    assert facts["schema"] == "yunwang.host-facts/v1"
    assert TOKEN not in log and TOKEN.encode() not in Path(f"/proc/{os.getpid()}/cmdline").read_bytes()


def test_a_silent_monitor_never_stalls_scrapes() -> None:
    """The monitor accepts the connection and the request, then never answers: the push thread waits out its
    timeout while /metrics keeps answering at its usual speed."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as silent:
        proc, base = start_agent("--monitor", f"http://127.0.0.1:{silent.getsockname()[1]}",
                                 env={"YUNWANG_AGENT_TOKEN": TOKEN})
        try:
            silent.settimeout(20)
            held, _ = silent.accept()
            with held:
                held.settimeout(20)
                assert held.recv(65536).startswith(b"POST /api/v1/agents/")  # the heartbeat, now left unanswered
                with httpx.Client(timeout=10) as client:
                    for _ in range(5):
                        started = time.monotonic()
                        reply = client.get(f"{base}/metrics")
                        assert reply.status_code == 200 and "node_load1 " in reply.text
                        assert time.monotonic() - started < 2.0
                assert proc.poll() is None
        finally:
            log = stop(proc)
    assert TOKEN not in log


def test_pushes_to_an_https_monitor_it_trusts(tmp_path: Path) -> None:
    monitor, cert = tls_recorder(tmp_path)
    proc, _ = start_agent("--monitor", url(monitor, "https"), "--agent-id", "gov-web-02",
                          env={"YUNWANG_AGENT_TOKEN": TOKEN, "SSL_CERT_FILE": str(cert)})
    try:
        wait_for(lambda: any(r["path"] == "/api/v1/agents/gov-web-02/heartbeat" for r in monitor.requests), 60)
    finally:
        log = stop(proc)
        monitor.shutdown()
        monitor.server_close()
    assert {r["auth"] for r in monitor.requests} == {f"Bearer {TOKEN}"} and TOKEN not in log
