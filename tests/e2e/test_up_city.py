"""`yunwang up` at reduced city scale (liuan's first 150 devices, two monitoring planes, four poller shards, the fast
simulator, a Prometheus per region): the status it shows is Prometheus' own count at every refresh, the
supervisor stays small, and a stalled simulator makes the live SNMP audit skip devices (with the reason) instead of
failing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from yunwang.generate import generate_city
from yunwang.testkit import ROOT, free_port, free_tcp_block, free_udp_block, need_binary

pytestmark = pytest.mark.slow

DEVICES = 150
STACK = "city150"
REGIONS = 2


@dataclass
class City:
    proc: subprocess.Popen[bytes]
    home: Path
    state: Path
    ports: dict[str, int]
    log: Path

    def status(self) -> dict[str, Any] | None:
        with contextlib.suppress(OSError, ValueError):
            found: dict[str, Any] = json.loads((self.state / "status.json").read_text())
            return found
        return None

    def prometheus_up(self, at: float) -> dict[str, int]:
        """Devices answering per region at ``at``, asked of each region's Prometheus (two planes: two regions)."""
        out = {}
        for i in range(REGIONS):
            answer = httpx.get(f"http://127.0.0.1:{self.ports['prometheus'] + i}/api/v1/query", timeout=5, params={
                "query": "count by (region) (snmp_up == 1)", "time": f"{at:.3f}"}).json()
            out.update({r["metric"]["region"]: int(r["value"][1]) for r in answer["data"]["result"]})
        return out


def _project(folder: Path) -> Path:
    """A project folder whose stack ``city150`` is liuan's first 150 devices (and the links between them)."""
    data = generate_city(1)
    data["devices"] = data["devices"][:DEVICES]
    kept = {d["name"] for d in data["devices"]}
    data["links"] = [ln for ln in data["links"] if {ln["a"]["device"], ln["b"]["device"]} <= kept]
    folder.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", folder / "Pulumi.yaml")
    (folder / "city150.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / f"Pulumi.{STACK}.yaml").write_text("config:\n  yunwang:topology: city150.yaml\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    need_binary("prometheus", "prometheus")
    folder = tmp_path_factory.mktemp("city")
    home = _project(folder / "project")
    state = folder / "state"
    ports = {"monitor": free_port(), "host": free_port(), "snmp": free_tcp_block(4),
             "prometheus": free_tcp_block(REGIONS),
             "sim": free_udp_block(DEVICES), "ssh": free_tcp_block(DEVICES), "city-view": free_port(),
             "alertmanager": free_port()}
    log_path = folder / "up.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "yunwang", "up", "--stack", STACK, "--state-dir", str(state), "--with-prometheus",
         "--no-audit", "--monitor-port", str(ports["monitor"]), "--host-agent-port", str(ports["host"]),
         "--snmp-agent-port", str(ports["snmp"]), "--prometheus-port", str(ports["prometheus"]),
         "--sim-base-port", str(ports["sim"]), "--scrape-interval", "5s", "--poll-interval", "10s",
         "--city-view-port", str(ports["city-view"]), "--alertmanager-port", str(ports["alertmanager"]),
         "--sim-engine", "fast", "--ssh-base-port", str(ports["ssh"])],
        cwd=home, env={**os.environ, "YUNWANG_HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        yield City(proc, home, state, ports, log_path)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_the_status_is_prometheus_own_count_at_every_refresh(city: City) -> None:
    """Each status.json names the instant its Prometheus queries were evaluated at; the same query at that instant
    gives the same counts, region by region, from the first count on, until all green and a few refreshes more."""
    compared: list[tuple[int, int]] = []
    seen_at: set[float] = set()
    deadline = time.monotonic() + 240
    status = None
    while time.monotonic() < deadline:
        assert city.proc.poll() is None, city.log.read_text()[-3000:]
        status = city.status()
        if status and status["prometheus_at"] and status["prometheus_at"] not in seen_at:
            seen_at.add(status["prometheus_at"])
            regions = {r: v["up"] for r, v in status["regions"].items() if v["up"]}
            assert regions == city.prometheus_up(status["prometheus_at"]), status
            assert status["devices_up"] == sum(regions.values()) and status["devices_expected"] == DEVICES
            compared.append((status["devices_up"], int(status["green"])))
            if status["green"] and len(compared) >= 3:
                break
        time.sleep(0.5)
    assert status is not None and status["green"], (status, city.log.read_text()[-3000:])
    assert len(compared) >= 3 and compared[-1] == (DEVICES, 1)
    assert status["line"] == "all green" and status["pollers"]["shards"] == 4
    assert status["pollers"]["first_cycle_done"] and status["pollers"]["up"] == DEVICES
    assert "simulated by fast (2 process(es))" in city.log.read_text()
    rss_kib = int(next(line.split()[1] for line in Path(f"/proc/{city.proc.pid}/status").read_text().splitlines()
                       if line.startswith("VmRSS:")))
    assert rss_kib < 150 * 1024, f"yunwang up uses {rss_kib / 1024:.0f} MiB"


def test_a_stalled_simulator_skips_devices_instead_of_failing_the_audit(city: City) -> None:
    """The live SNMP audit exactly as `yunwang up` runs it, while one of the two simulator processes is stopped
    (SIGSTOP: alive, silent, as an overloaded agent): its devices are skipped with the reason, the others audited;
    with both stopped the audit still yields a report (everything skipped), not an error."""
    from yunwang.stacks import load_stack
    from yunwang.up_audit import AuditWorker, run_json_audit
    from yunwang.up_stack import Ports, UpConfig, prepare_secrets

    os.environ["YUNWANG_HOME"] = str(city.home)
    try:
        topology = load_stack(STACK).topology
    finally:
        del os.environ["YUNWANG_HOME"]
    assert topology is not None
    cfg = UpConfig(STACK, city.home, city.state, Ports(), prometheus=None)
    worker = AuditWorker(cfg, prepare_secrets(cfg, topology), snmp_args=("--timeout", "0.5", "--retries", "1",
                                                                           "--concurrency", "64"))
    children = json.loads((city.state / "supervisor-state.json").read_text())["children"]
    sim = children["sim"]["pid"]
    servers = [int(p) for p in subprocess.run(["pgrep", "-P", str(sim)], capture_output=True, text=True).stdout.split()]
    assert len(servers) == 2, servers
    out = city.state / "audits" / "snmp-test.json"
    try:
        os.kill(servers[0], signal.SIGSTOP)
        half = run_json_audit("snmp", worker.snmp_job(), out, cfg, worker.env, nothing_audited_ok=True)
        os.kill(servers[1], signal.SIGSTOP)
        none = run_json_audit("snmp", worker.snmp_job(), out, cfg, worker.env, nothing_audited_ok=True)
    finally:
        for pid in servers:
            os.kill(pid, signal.SIGCONT)
    assert half.error == "" and half.exit_code in (0, 1) and half.report is not None
    stats = half.report["stats"]
    assert 0 < stats["sources"]["snmp"]["skipped"] < DEVICES
    assert stats["sources"]["snmp"]["audited"] + stats["sources"]["snmp"]["skipped"] == DEVICES
    assert all("no answer to any SNMP probe within 0.5 s × 2 tries" in s["reason"] for s in stats["skipped"])
    assert half.report["errors"] == []
    assert "skipped" in half.coverage()
    assert none.error == "" and none.exit_code == 2 and none.report is not None
    assert none.report["stats"]["sources"]["snmp"]["skipped"] == DEVICES
