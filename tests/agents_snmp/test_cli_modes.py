"""`yunwang agent snmp` as users run it: poller mode on an inventory, exporter mode, --once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from snmp_testlib import COMMUNITY, Snmpd, free_port, need_binary

from yunwang.testkit import ROOT

YUNWANG = [sys.executable, "-m", "yunwang.cli"]


def write_inventory(tmp_path: Path, snmpd: Snmpd) -> tuple[Path, Path]:
    dead = free_port(socket.SOCK_DGRAM)
    devices = [
        {"name": "core-1", "address": snmpd.address, "auth": "lab", "modules": ["system", "if_mib"],
         "labels": {"device": "core-1", "region": "luan", "role": "core", "vendor": "huawei"}},
        {"name": "acc-9", "address": f"127.0.0.1:{dead}", "auth": "lab", "modules": ["if_mib"],
         "labels": {"device": "acc-9", "region": "jinan", "role": "access", "vendor": "h3c"}},
    ]
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"schema": "yunwang.inventory/v1", "stack": "test", "devices": devices}))
    auths = tmp_path / "auths.yml"
    auths.write_text(f"auths:\n  lab:\n    community: {COMMUNITY}\n")
    return inventory, auths


def test_poller_serves_every_device_with_labels_and_errors(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths = write_inventory(tmp_path, snmpd)
    port = free_port()
    proc = subprocess.Popen([*YUNWANG, "agent", "snmp", "--listen", f"127.0.0.1:{port}", "--inventory",
                             str(inventory), "--auths", str(auths), "--interval", "1s", "--timeout", "0.5"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "MIBS": ""})
    try:
        body = ""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                body = ""
            if 'snmp_up{device="core-1"' in body and 'snmp_up{device="acc-9"' in body:
                break
            time.sleep(0.2)
        assert 'snmp_up{device="core-1",region="luan",role="core",vendor="huawei"} 1' in body
        assert 'snmp_up{device="acc-9",region="jinan",role="access",vendor="h3c"} 0' in body
        assert 'snmp_scrape_error{device="acc-9",region="jinan",role="access",vendor="h3c",reason="unreachable"} 1' \
            in body
        assert 'yunwang_snmp_poll_errors_total{device="acc-9",reason="unreachable"}' in body
        assert 'ifHCInOctets{device="core-1",region="luan",ifIndex="1",' in body
        assert body.count("# TYPE ifHCInOctets counter") == 1
        assert 'snmp_scrape_packets_sent{device="core-1"' in body
        assert 'snmp_scrape_pdus{device="core-1"' in body  # the old name, kept for one release
        exporter = httpx.get(f"http://127.0.0.1:{port}/snmp", params={"target": snmpd.address, "auth": "lab",
                                                                      "module": "system"}, timeout=5).text
        assert "sysName{" in exporter and "snmp_up 1" in exporter
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0].decode()
    assert COMMUNITY not in out  # secrets never reach the log
    assert "acc-9" in out  # the failing device is named once in the log


def test_once_prints_metrics_and_fails_on_a_dead_device(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths = write_inventory(tmp_path, snmpd)
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--once", "--inventory", str(inventory), "--auths", str(auths),
                           "--timeout", "0.5", "--shard", "0/1"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert 'ifMtu{device="core-1"' in done.stdout
    assert "acc-9: unreachable" in done.stderr
    check = subprocess.run([need_binary("promtool", "prometheus"), "check", "metrics"], input=done.stdout,
                           capture_output=True, text=True, timeout=60)
    assert "error while linting" not in check.stdout + check.stderr


def test_regions_pick_a_planes_devices(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths = write_inventory(tmp_path, snmpd)
    base = [*YUNWANG, "agent", "snmp", "--once", "--inventory", str(inventory), "--auths", str(auths),
            "--timeout", "0.5"]
    done = subprocess.run([*base, "--regions", "luan"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr  # the dead device of jinan is not this plane's
    assert 'ifMtu{device="core-1"' in done.stdout and "acc-9" not in done.stdout
    wrong = subprocess.run([*base, "--regions", "luan,nowhere"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 2 and "--regions" in wrong.stderr + wrong.stdout
    assert "regions with devices: jinan, luan" in wrong.stderr + wrong.stdout


def test_bad_arguments_are_input_errors(tmp_path: Path) -> None:
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--shard", "3/2"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "0 ≤ I < N" in (done.stdout + done.stderr)
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--once", "--inventory", str(tmp_path / "none.json")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "inventory file not found" in (done.stdout + done.stderr)


def test_poller_with_no_usable_device_refuses_to_start(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"schema": "yunwang.inventory/v1", "stack": "t", "devices": [
        {"name": "x", "address": "127.0.0.1:1", "auth": "no-such-auth", "modules": ["if_mib"], "labels": {}}]}))
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--inventory", str(inventory), "--listen",
                           f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "unknown auth 'no-such-auth'" in done.stdout + done.stderr


def write_typo_inventory(tmp_path: Path, snmpd: Snmpd, good: bool = True) -> tuple[Path, Path, int]:
    """An inventory (one entry per line, as people write them) whose device typo-1 names module 'if_mibb'; the
    line number of that value."""
    devices = [{"name": "typo-1", "address": snmpd.address, "auth": "lab", "modules": ["system", "if_mibb"],
                "labels": {"device": "typo-1", "region": "luan"}}]
    if good:
        devices.insert(0, {"name": "core-1", "address": snmpd.address, "auth": "lab", "modules": ["system", "if_mib"],
                           "labels": {"device": "core-1", "region": "luan"}})
    inventory = tmp_path / "inventory.json"
    text = json.dumps({"schema": "yunwang.inventory/v1", "stack": "test", "devices": devices}, indent=1)
    inventory.write_text(text)
    auths = tmp_path / "auths.yml"
    auths.write_text(f"auths:\n  lab:\n    community: {COMMUNITY}\n")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"if_mibb"' in row)
    return inventory, auths, line


def test_unknown_module_in_an_inventory_is_located_and_the_other_devices_polled(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths, line = write_typo_inventory(tmp_path, snmpd)
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--once", "--inventory", str(inventory), "--auths", str(auths)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert (f"{inventory}:{line} at devices[1].modules[1]: device typo-1: unknown module 'if_mibb'; known: entity,"
            in done.stderr), done.stderr
    assert "(value: if_mibb)" in done.stderr and "--modules FILE" in done.stderr
    assert "Traceback" not in done.stderr
    assert 'ifMtu{device="core-1"' in done.stdout
    assert 'snmp_scrape_error{device="typo-1",region="luan",reason="config"} 1' in done.stdout


def test_poller_naming_only_unknown_modules_refuses_to_start_with_the_location(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths, line = write_typo_inventory(tmp_path, snmpd, good=False)
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--inventory", str(inventory), "--auths", str(auths),
                           "--listen", f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert f"{inventory}:{line} at devices[0].modules[1]: device typo-1: unknown module 'if_mibb'" in out
    assert "Traceback" not in out


def test_stack_device_without_its_secrets_is_located_at_its_topology_entry() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUNWANG_SNMP_")}
    done = subprocess.run([*YUNWANG, "agent", "snmp", "--once", "--stack", "dev"], capture_output=True, text=True,
                          timeout=60, env=env)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    topology = ROOT / "infra" / "topology" / "dev.yaml"
    line = next(n for n, row in enumerate(topology.read_text().splitlines(), 1) if "name: luan-core-1" in row)
    assert (f"{topology}:{line} at devices[0].snmp: device luan-core-1: no auth key for SNMP profile 'v3-core' "
            "(also ") in out, out
    assert "YUNWANG_SNMP_V3_CORE_AUTH_KEY" in out and "v3-edge" in out
