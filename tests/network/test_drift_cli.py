"""`net diff --report-to` against simulated devices and a running monitor: one round for a region, a device that
refuses the login, the repeat mode (`--every`) seeing a change by hand, and the mistakes it refuses up front."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from netsim import SECRETS, STACK, World

from yunwang.contracts.device_drift import DRIFT_PATH
from yunwang.testkit import free_port

ADMIN = "drift-admin-token-0123456789"
VIEWER = "drift-viewer-token-0123456789"


@pytest.fixture
def monitor(sim: World, tmp_path: Path) -> Iterator[str]:
    """`yunwang monitor` serving the simulated stack (it knows which devices exist)."""
    port = free_port()
    env = sim.env(YUNWANG_ADMIN_TOKEN=ADMIN, YUNWANG_VIEWER_TOKEN=VIEWER,
                  YUNWANG_AGENT_TOKEN="drift-agent-token-012345")
    with open(tmp_path / "monitor.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "yunwang", "monitor", "--listen", f"127.0.0.1:{port}",
                                 "--stack", STACK, "--db", f"sqlite:///{tmp_path / 'monitor.db'}", "--state-dir",
                                 str(tmp_path / "state"), "--no-access-log"], cwd=sim.project, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "monitor.log").read_text()
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _drift(url: str, device: str | None = None) -> Any:
    path = f"{DRIFT_PATH}/{device}" if device else DRIFT_PATH
    reply = httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {VIEWER}"}, timeout=5)
    return reply.json() if reply.status_code == 200 else None


def test_one_round_reports_the_devices_of_a_region(sim: World, monitor: str) -> None:
    jinan = sorted(d.name for d in sim.topology.devices if d.region == "jinan")
    sim.fleet.refuse_logins(jinan[0])
    done = sim.net("diff", *sim.access_args, "--region", "jinan", "--report-to", monitor,
                   YUNWANG_ADMIN_TOKEN=ADMIN)
    assert done.returncode == 0, done.stderr  # reported (the devices drifted: that is the monitor's to show)
    assert f"drift of {len(jinan)} devices reported to {monitor}" in done.stderr
    stored = {d["device"]: d for d in _drift(monitor)}
    assert sorted(stored) == jinan
    assert stored[jinan[0]]["drift_lines"] is None and "login" in stored[jinan[0]]["error"]
    for name in jinan[1:]:
        one = _drift(monitor, name)
        assert one["drift_lines"] > 0 and one["error"] is None and one["region"] == "jinan"
        assert one["drift_lines"] == len(one["remediation"].splitlines())
        assert not [v for v in SECRETS.values() if v in one["remediation"]], "a secret reached the monitor"


def test_every_round_reports_again_until_stopped(sim: World, monitor: str) -> None:
    device = "luan-acc-1"
    proc = subprocess.Popen([sys.executable, "-m", "yunwang", "net", "diff", "--stack", STACK, *sim.access_args,
                             "--device", device, "--report-to", monitor, "--every", "1s"],
                            cwd=sim.project, env=sim.env(YUNWANG_ADMIN_TOKEN=ADMIN), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (first := _drift(monitor, device)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert first, "no report within a minute"
        sim.fleet.drift(device, ["vlan 3999", "quit"])
        while time.monotonic() < deadline:
            now = _drift(monitor, device)
            if now["drift_lines"] != first["drift_lines"]:
                break
            time.sleep(0.3)
        assert "3999" in now["remediation"], "the change by hand was not reported"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert err.count(" drift: 1 devices, 1 drifted") >= 2, err


@pytest.mark.parametrize(("args", "message"), [
    (["--every", "5m"], "add --report-to"),
    (["--report-to", "http://127.0.0.1:9", "--region", "atlantis"], "no such region"),
    (["--report-to", "monitor:8080"], "--report-to"),
    (["--report-to", "http://127.0.0.1:9", "--every", "soon"], "--every"),
])
def test_mistakes_are_input_errors(sim: World, args: list[str], message: str) -> None:
    done = sim.net("diff", *sim.access_args, *args, YUNWANG_ADMIN_TOKEN=ADMIN)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_a_monitor_that_does_not_take_the_report_fails_the_run(sim: World, monitor: str) -> None:
    done = sim.net("diff", *sim.access_args, "--device", "luan-acc-1", "--report-to", monitor,
                   YUNWANG_ADMIN_TOKEN="not-the-admin-token-0123")
    assert done.returncode == 1 and "HTTP 401" in done.stderr and "Traceback" not in done.stderr
    assert "not-the-admin" not in done.stderr


def test_the_admin_token_is_needed_before_any_device_is_read(sim: World) -> None:
    done = sim.net("diff", *sim.access_args, "--report-to", "http://127.0.0.1:9")
    assert done.returncode == 2 and "YUNWANG_ADMIN_TOKEN" in done.stderr
    assert json.loads(sim.endpoints.read_text())  # the simulated devices were never needed
