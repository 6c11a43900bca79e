"""End to end with the real monitor (`yunwang monitor`): heartbeats register the agent and its scrape address,
facts are stored and served back."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from yunwang.testkit import ROOT, free_port

YUNWANG = str(Path(sys.executable).with_name("yunwang"))
AGENT_TOKEN = "agent-token-for-tests-8d41"
ADMIN_TOKEN = "admin-token-for-tests-77c2"


def test_agent_registers_and_stores_facts_at_the_monitor(tmp_path: Path) -> None:
    if importlib.util.find_spec("monitor.cli") is None:
        pytest.skip("monitor/cli.py is not in this tree")
    (tmp_path / "agent.tok").write_text(AGENT_TOKEN + "\n")
    (tmp_path / "admin.tok").write_text(ADMIN_TOKEN + "\n")
    monitor_port, agent_port = free_port(), free_port()
    monitor = subprocess.Popen(
        [YUNWANG, "monitor", "--listen", f"127.0.0.1:{monitor_port}", "--db", f"sqlite:///{tmp_path / 'm.db'}",
         "--agent-token-file", str(tmp_path / "agent.tok"), "--admin-token-file", str(tmp_path / "admin.tok"),
         "--state-dir", str(tmp_path / "state"), "--host-targets", "agents",
         "--sd-allow", "127.0.0.0/8"],  # the agent's loopback address is in no range of the dev stack
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    agent = None
    base = f"http://127.0.0.1:{monitor_port}"
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if monitor.poll() is not None or time.monotonic() > deadline:
                output = monitor.stderr.read().decode()[-2000:] if monitor.stderr else ""
                pytest.fail(f"monitor did not start: {output}")
            time.sleep(0.2)
        agent = subprocess.Popen(
            [YUNWANG, "agent", "host", "--listen", f"127.0.0.1:{agent_port}", "--monitor", base,
             "--agent-id", "la-city-web-01", "--token-file", str(tmp_path / "agent.tok"),
             "--state-dir", str(tmp_path / "agent-state")],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        facts = None
        deadline = time.monotonic() + 60
        while facts is None:
            response = httpx.get(f"{base}/api/v1/agents/la-city-web-01/facts", headers=admin, timeout=5)
            if response.status_code == 200:
                facts = response.json()
            else:
                assert time.monotonic() < deadline, f"facts never arrived: {response.status_code} {response.text}"
                time.sleep(0.3)
        assert facts["schema"] == "yunwang.host-facts/v1" and "sshd" in facts and "login_defs" in facts
        (registered,) = [a for a in httpx.get(f"{base}/api/v1/agents", headers=admin, timeout=5).json()
                         if a["agent_id"] == "la-city-web-01"]
        assert registered["kind"] == "host" and registered["address"] == f"127.0.0.1:{agent_port}"
        targets = httpx.get(f"{base}/api/v1/sd/host", headers=admin, timeout=5).json()
        assert any(f"127.0.0.1:{agent_port}" in group["targets"] for group in targets)
        # The bootstrap token enrolled the agent once; its own token is kept for restarts, readable by it alone.
        kept = tmp_path / "agent-state" / "agent-la-city-web-01.token"
        assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text().strip() != AGENT_TOKEN
    finally:
        for proc in (agent, monitor):
            if proc is not None:
                proc.terminate()
                proc.wait(15)
