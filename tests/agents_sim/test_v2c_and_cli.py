"""SNMPv2c communities, and `yunwang sim` as an operator runs it: endpoints file, signals, children."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sim_testlib import KEYS, free_udp_block, need_binary, need_snmpsim, set_keys

from agents.sim.credentials import env_name
from agents.sim.fleet import SimFleet
from yunwang.topology import Topology

ROOT = Path(__file__).resolve().parents[2]
SNMP_ENV = {"MIBS": "", "PATH": "/usr/bin:/bin"}


def two_device_v2c(dev: Topology) -> Topology:
    """The dev access switch and IoT gateway, polled with a v2c community."""
    data = dev.model_dump(by_alias=True, mode="json")
    keep = {"luan-acc-1", "luan-iot-1"}
    data["snmp_profiles"] = [{"name": "v2c-legacy", "version": "2c"}]
    data["devices"] = [{**d, "snmp": "v2c-legacy"} for d in data["devices"] if d["name"] in keep]
    data["links"] = [ln for ln in data["links"] if {ln["a"]["device"], ln["b"]["device"]} <= keep]
    return Topology.model_validate(data)


def test_v2c_community_selects_each_device_and_rejects_others(dev_topology: Topology, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    need_snmpsim()
    snmpget = need_binary("snmpget", "snmp")
    monkeypatch.setenv(env_name("v2c-legacy", "COMMUNITY"), "luan-ro-7f3a")
    topo = two_device_v2c(dev_topology)
    with SimFleet(topo, tmp_path, base_port=free_udp_block(2)) as endpoints:
        for name, endpoint in endpoints.items():
            done = subprocess.run([snmpget, "-v2c", "-c", "luan-ro-7f3a", "-Oqv", endpoint, "1.3.6.1.2.1.1.5.0"],
                                  capture_output=True, text=True, timeout=30, env=SNMP_ENV)
            assert done.stdout.strip().strip('"') == name, done.stderr
        wrong = subprocess.run([snmpget, "-v2c", "-c", "public", "-t", "1", "-r", "0", endpoints["luan-acc-1"],
                                "1.3.6.1.2.1.1.5.0"], capture_output=True, text=True, timeout=30, env=SNMP_ENV)
        assert wrong.returncode != 0 and "luan-acc-1" not in wrong.stdout


def test_uniform_fleet_shares_one_recording_per_process(dev_topology: Topology, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Load-test fleets: devices of one model share a data file (rendered and indexed once per process)."""
    need_snmpsim()
    snmpget = need_binary("snmpget", "snmp")
    monkeypatch.setenv(env_name("v2c-legacy", "COMMUNITY"), "luan-ro-7f3a")
    data = two_device_v2c(dev_topology).model_dump(by_alias=True, mode="json")
    acc = next(d for d in data["devices"] if d["name"] == "luan-acc-1")
    data["devices"] = [{**acc, "name": f"acc-{i}", "mgmt": f"10.9.0.{i + 1}"} for i in range(6)]
    data["links"] = []
    topo = Topology.model_validate(data)
    with SimFleet(topo, tmp_path, base_port=free_udp_block(6), processes=2, uniform=True) as endpoints:
        files = sorted(tmp_path.glob("shard-*/*/r-*.snmprec"))
        assert len(files) == 2 and files[0].read_text() == files[1].read_text()  # one per process, not per device
        if_number = next(ln for ln in files[0].read_text().splitlines() if ln.startswith("1.3.6.1.2.1.2.1.0|"))
        assert int(if_number.split("|")[2]) > acc["interfaces"]
        for endpoint in endpoints.values():
            done = subprocess.run([snmpget, "-v2c", "-c", "luan-ro-7f3a", "-Oqv", endpoint, "1.3.6.1.2.1.2.1.0"],
                                  capture_output=True, text=True, timeout=30, env=SNMP_ENV)
            assert done.stdout.strip() == if_number.split("|")[2], done.stderr


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "yunwang", "sim", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_cli_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUNWANG_SNMP_")}
    proc = _cli(["--stack", "dev", "--data-dir", str(tmp_path), "--endpoints-out", str(tmp_path / "ep.json")], env)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "YUNWANG_SNMP_V3_CORE_AUTH_KEY" in err and "YUNWANG_SNMP_V3_EDGE_PRIV_KEY" in err
    assert "Traceback" not in err


def test_cli_serves_until_sigterm_then_stops_its_children(dev_topology: Topology, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    need_snmpsim()
    snmpget = need_binary("snmpget", "snmp")
    set_keys(monkeypatch)
    base = free_udp_block(len(dev_topology.devices))
    out = tmp_path / "endpoints.json"
    proc = _cli(["--stack", "dev", "--base-port", str(base), "--processes", "2", "--data-dir", str(tmp_path / "d"),
                 "--endpoints-out", str(out)], dict(os.environ))
    try:
        deadline = time.monotonic() + 90
        while not out.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "no endpoints file"
            time.sleep(0.2)
        endpoints = json.loads(out.read_text())
        assert endpoints == {d.name: f"127.0.0.1:{base + i}" for i, d in enumerate(dev_topology.devices)}
        auth, priv = KEYS["v3-edge"]
        done = subprocess.run([snmpget, "-v3", "-l", "authPriv", "-u", "yunwang-edge", "-a", "SHA", "-A", auth,
                               "-x", "AES", "-X", priv, "-Oqv", endpoints["jinan-acc-2"], "1.3.6.1.2.1.1.5.0"],
                              capture_output=True, text=True, timeout=30, env=SNMP_ENV)
        assert done.stdout.strip().strip('"') == "jinan-acc-2", done.stderr
        children = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                    text=True).stdout.split()]
        assert len(children) == 2
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert not out.exists()
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        for secret in (auth, priv):
            assert secret not in err
        assert not list((tmp_path / "d" / "run").glob("args-*")), "secrets file left behind"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_busy_port_is_a_clear_input_error(dev_topology: Topology, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from yunwang.errors import InputError

    set_keys(monkeypatch)
    base = free_udp_block(len(dev_topology.devices))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", base + 3))
        with pytest.raises(InputError) as caught:
            SimFleet(dev_topology, tmp_path, base_port=base).start()
    assert f"{base + 3}" in caught.value.problems[0].message
    assert not (tmp_path / "run").exists(), "nothing started or written for a fleet that cannot bind"
