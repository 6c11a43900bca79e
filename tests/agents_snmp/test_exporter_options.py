"""`yunwang agent snmp --timeout/--retries` govern exporter-mode scrapes as well as the poller's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from snmp_testlib import free_port


def test_exporter_mode_uses_the_timeout_and_retries_given(tmp_path: Path) -> None:
    auths = tmp_path / "auths.yml"
    auths.write_text("auths:\n  lab:\n    community: not-used\n")
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # takes requests, never answers: only timeouts end it
    silent.bind(("127.0.0.1", 0))
    dead = f"127.0.0.1:{silent.getsockname()[1]}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen", f"127.0.0.1:{port}",
                             "--auths", str(auths), "--timeout", "0.3", "--retries", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "MIBS": ""})
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        started = time.monotonic()
        body = httpx.get(f"{base}/snmp", params={"target": dead, "auth": "lab", "module": "system"}, timeout=30).text
        took = time.monotonic() - started
        assert "snmp_up 0" in body
        assert took < 2.5, f"a dead device took {took:.1f} s: the default 5 s x 2 tries, not --timeout 0.3"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        silent.close()
