"""Live SNMP probe against real net-snmp agents started here on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from policies.engine import ReadStats, run_audit
from policies.facts_snmp import (
    ProbeSettings,
    load_guesses,
    parse_target,
    probe_targets,
    probe_units,
    read_target_file,
)
from yunwang.errors import InputError
from yunwang.testkit import free_port, need_binary

GUESS = "Lu4n-Guess"  # on the test's communities file, so reports must not print it
# `monitor` may read only the interfaces table: the agent answers sysDescr with noSuchName / noSuchObject,
# which still proves the community is accepted.
INSECURE = f"""rocommunity public 127.0.0.1
rocommunity {GUESS} 127.0.0.1
view ifonly included .1.3.6.1.2.1.2
rocommunity monitor 127.0.0.1 -V ifonly
createUser initial
rouser initial noauth
"""
HARDENED = """rocommunity Zq8-Not-On-Any-List 127.0.0.1
createUser nmsuser SHA "auth-pass-123" AES "priv-pass-123"
rouser nmsuser priv
"""


def _start_snmpd(binary: str, tmp: Path, name: str, config: str) -> tuple[subprocess.Popen[bytes], int]:
    conf = tmp / f"{name}.conf"
    conf.write_text(config)
    log = tmp / f"{name}.log"
    port = free_port(socket.SOCK_DGRAM)
    persistent = tmp / f"{name}-state"
    persistent.mkdir()
    proc = subprocess.Popen(
        [binary, "-f", "-C", "-c", str(conf), "-Lf", str(log), "-I", "-smux", f"udp:127.0.0.1:{port}"],
        env={**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(persistent)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if log.exists() and "NET-SNMP version" in log.read_text(errors="replace"):
            return proc, port
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"snmpd {name} did not start: {log.read_text(errors='replace') if log.exists() else 'no log'}")


@pytest.fixture(scope="module")
def agents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    binary = need_binary("snmpd", "snmpd")
    tmp = tmp_path_factory.mktemp("snmpd")
    started = {name: _start_snmpd(binary, tmp, name, conf) for name, conf in
               (("insecure", INSECURE), ("hardened", HARDENED))}
    try:
        yield {name: port for name, (_proc, port) in started.items()}
    finally:
        for proc, _port in started.values():
            proc.terminate()
            proc.wait(timeout=5)


@pytest.fixture()
def communities_file(tmp_path: Path) -> Path:
    path = tmp_path / "communities.txt"
    path.write_text(f"# site guesses\n{GUESS}\npublic\n\n")
    return path


def test_probe_insecure_hardened_and_unreachable_together(agents: dict[str, int], communities_file: Path) -> None:
    dead = f"127.0.0.1:{free_port(socket.SOCK_DGRAM)}"
    targets = [f"127.0.0.1:{agents['insecure']}", f"127.0.0.1:{agents['hardened']}", dead]
    settings = ProbeSettings(timeout_s=1.0)
    started = time.monotonic()
    probes, errors = asyncio.run(probe_targets(targets, load_guesses(communities_file), settings))
    elapsed = time.monotonic() - started
    assert elapsed < 4 * settings.timeout_s, "probes of one target must run concurrently, not one per timeout"

    insecure, hardened = probes
    assert insecure.target == targets[0] and hardened.target == targets[1]
    assert {(h.version, h.guess.label) for h in insecure.communities} == {
        ("v1", "public"), ("v2c", "public"), ("v1", "monitor"), ("v2c", "monitor"),
        ("v1", "entry on line 2 of communities.txt"),
        ("v2c", "entry on line 2 of communities.txt")}
    assert insecure.v3_noauth_users == ["initial"] and insecure.sys_descr
    assert hardened.reachable and hardened.v3_responds
    assert hardened.communities == [] and hardened.v3_noauth_users == []
    assert [(e.file, "no answer" in e.message) for e in errors] == [(dead, True)]

    stats = ReadStats()
    stats.note_audited("snmp", len(probes))
    report = run_audit(probe_units(probes), stats=stats, errors=errors)
    found = {(f.rule.id, f.target.id) for f in report.findings}
    assert found == {("YW-SNMP-001", targets[0]), ("YW-SNMP-002", targets[0]), ("YW-SNMP-003", targets[0])}
    assert GUESS not in json.dumps(report.as_dict())
    assert [e.file for e in report.errors] == [dead]


def test_cli_snmp_json(agents: dict[str, int], tmp_path: Path) -> None:
    target = f"127.0.0.1:{agents['insecure']}"
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(json.dumps({"la-core-1": target}))
    out = tmp_path / "snmp.json"
    result = subprocess.run([sys.executable, "-m", "yunwang.cli", "audit", "snmp", f"127.0.0.1:{agents['hardened']}",
                             "--endpoints", str(endpoints), "--format", "json", "--out", str(out), "--timeout", "0.5"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(out.read_text())
    assert {(f["rule_id"], f["target"]["id"]) for f in report["findings"]} == {("YW-SNMP-001", target),
                                                                               ("YW-SNMP-003", target)}
    assert report["stats"]["sources"]["snmp"]["audited"] == 2
    assert report["summary"]["controls"]["8.1.4.2-b"] == "non-compliant"


@pytest.mark.parametrize(("text", "expected"), [
    ("10.1.2.3", ("10.1.2.3", 161)), ("10.1.2.3:1161", ("10.1.2.3", 1161)), ("sw1.example", ("sw1.example", 161)),
    ("[::1]:1161", ("::1", 1161)), ("fe80::1", ("fe80::1", 161)),
])
def test_parse_target(text: str, expected: tuple[str, int]) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["10.1.2.3:notaport", "10.1.2.3:70000", ":161", "a:b:c", "[::1"])
def test_bad_targets_are_input_errors(text: str) -> None:
    with pytest.raises(InputError, match="bad SNMP target"):
        parse_target(text)


def test_unreadable_communities_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the communities file"):
        load_guesses(tmp_path / "absent.txt")


def test_targets_file(tmp_path: Path) -> None:
    good = tmp_path / "targets.txt"
    good.write_text("# core\n10.0.0.1\n\n10.0.0.2:1161\n")
    assert read_target_file(good) == ["10.0.0.1", "10.0.0.2:1161"]
    bad = tmp_path / "bad.txt"
    bad.write_text("10.0.0.1\n10.0.0.2:99999\n")
    with pytest.raises(InputError) as info:
        read_target_file(bad)
    assert f"{bad}:2" in str(info.value)
