"""`yunwang up --stack dev` with the real children: simulated devices are polled, Prometheus scrapes through the
monitor's SD and evaluates our rules, the audits reach the monitor, a killed child comes back, SIGTERM stops all."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from yunwang.testkit import ROOT, free_port, need_binary

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _free_udp_block(size: int) -> int:
    """A base port with ``size`` consecutive free UDP ports (for the simulated devices)."""
    for _ in range(50):
        base = free_port(socket.SOCK_DGRAM)
        if base + size > 65000:
            continue
        sockets = []
        try:
            for port in range(base, base + size):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    pytest.fail("no block of free UDP ports")


def _until(what: str, check: Callable[[], Any], proc: subprocess.Popen[bytes], timeout: float = 150) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"yunwang up exited {proc.returncode} while waiting for {what}")
        try:
            last = check()
        except (httpx.HTTPError, OSError, ValueError, KeyError) as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(1.0)
    pytest.fail(f"timed out waiting for {what}; last: {last!r}")


@pytest.fixture()
def up_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, int], Path]]:
    need_binary("prometheus", "prometheus")
    ports = {"monitor": free_port(), "host": free_port(), "snmp": free_port(), "prometheus": free_port(),
             "sim": _free_udp_block(10)}
    state = tmp_path / "state"
    log = open(tmp_path / "up.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "yunwang", "up", "--stack", "dev", "--state-dir", str(state), "--with-prometheus",
         "--monitor-port", str(ports["monitor"]), "--host-agent-port", str(ports["host"]),
         "--snmp-agent-port", str(ports["snmp"]), "--prometheus-port", str(ports["prometheus"]),
         "--sim-base-port", str(ports["sim"]), "--scrape-interval", "5s", "--poll-interval", "15s"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc, ports, state
    finally:
        children = _state(state).get("children", {}) if (state / "supervisor-state.json").exists() else {}
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for entry in children.values():
            if entry.get("pid"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(entry["pid"], signal.SIGKILL)
        log.close()
        if proc.returncode is None:
            proc.wait()


def _dashboard_queries() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "monitor" / "grafana" / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            for target in panel["targets"]:
                yield f"{path.name}: {panel['title']}", target["expr"]


def _state(state: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((state / "supervisor-state.json").read_text())
    return data


def _query(port: int, promql: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = httpx.get(f"http://127.0.0.1:{port}/api/v1/query", params={"query": promql},
                                             timeout=5).json()["data"]["result"]
    return result


def test_up_runs_the_whole_system_and_stops_it(up_run: tuple[subprocess.Popen[bytes], dict[str, int], Path]) -> None:
    proc, ports, state = up_run
    token = lambda role: (state / "secrets" / f"monitor-{role}.token").read_text().strip()  # noqa: E731
    _until("every service running", lambda: all(c["pid"] for c in _state(state)["children"].values()), proc)
    for path in (state / "secrets").iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"

    # The poller polls the simulated devices; Prometheus scrapes it via the monitor's SD and records device state.
    # (Whether each walk finishes in time depends on the machine's load: one answering device proves the path.)
    devices = _until("the 10 devices recorded by Prometheus, one answering",
                     lambda: _query(ports["prometheus"], "yunwang:device:up == 1") and
                     len(found := _query(ports["prometheus"], "yunwang:device:up")) == 10 and found,
                     proc, timeout=200)
    assert {d["metric"]["region"] for d in devices} == {"luan", "jinan"}
    assert _query(ports["prometheus"], 'up{job="host"} == 1'), "the host agent is not scraped"
    assert _query(ports["prometheus"], 'up{job="monitor"} == 1')

    # With real series, every rule evaluates without error and every dashboard query runs.
    rules = httpx.get(f"http://127.0.0.1:{ports['prometheus']}/api/v1/rules", timeout=5).json()["data"]["groups"]
    broken = {r["name"]: r.get("lastError") for g in rules for r in g["rules"] if r["health"] == "err"}
    assert broken == {}
    for where, expr in _dashboard_queries():
        concrete = expr.replace("$__rate_interval", "1m").replace("$region", "luan").replace(
            "$device", "luan-core-1").replace("$interface", ".*").replace("$instance", ".*")
        answer = httpx.get(f"http://127.0.0.1:{ports['prometheus']}/api/v1/query", params={"query": concrete},
                           timeout=10).json()
        assert answer["status"] == "success", f"{where}: {answer.get('error')}"

    # The audits reached the monitor and its metrics.
    viewer = {"Authorization": f"Bearer {token('viewer')}"}
    audits = _until("the audit run in the monitor", lambda: httpx.get(
        f"http://127.0.0.1:{ports['monitor']}/api/v1/audits", headers=viewer, timeout=5).json(), proc, timeout=300)
    merged = json.loads((state / "audits" / "merged.json").read_text())
    assert audits[0]["findings"] == len(merged["findings"])
    for name in ("plan", "host", "snmp"):
        assert (state / "audits" / f"{name}.json").is_file(), f"no {name} audit report"
    metrics = httpx.get(f"http://127.0.0.1:{ports['monitor']}/metrics", headers=viewer, timeout=5).text
    assert "yunwang_audit_control_status" in metrics

    # Host and compliance panels show data: their metric names and label selectors match the real exporters.
    # (Interface panels depend on complete walks, which a loaded machine may cut short: not asserted here.)
    instance = f"127.0.0.1:{ports['host']}"
    _until("compliance metrics in Prometheus", lambda: _query(ports["prometheus"], "yunwang:compliance:ratio"), proc)
    empty = []
    for where, expr in _dashboard_queries():
        if where.startswith(("host.json", "compliance.json")):
            concrete = expr.replace("$__rate_interval", "1m").replace("$instance", instance)
            if not _query(ports["prometheus"], concrete):
                empty.append(where)
    assert empty == []

    # A child killed outright is restarted.
    host_pid = _state(state)["children"]["host-agent"]["pid"]
    os.killpg(host_pid, signal.SIGKILL)
    _until("the host agent restarted", lambda: _state(state)["children"]["host-agent"]["restarts"] == 1 and
           httpx.get(f"http://127.0.0.1:{ports['host']}/metrics", timeout=5).status_code == 200, proc, timeout=60)

    # SIGTERM stops everything, whatever each child started, and keeps the state.
    pids = [c["pid"] for c in _state(state)["children"].values()]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    for pid in pids:
        assert not _alive(pid), f"child {pid} outlived yunwang up"
    final = _state(state)
    assert {c["status"] for c in final["children"].values()} == {"stopped"}
    assert final["children"]["host-agent"]["restarts"] == 1
    assert (state / "monitor.db").exists() and (state / "prometheus" / "data").is_dir()
    log = (state.parent / "up.log").read_text()
    for secret_file in (state / "secrets").iterdir():
        assert secret_file.read_text().strip() not in log, "a secret reached the output"
