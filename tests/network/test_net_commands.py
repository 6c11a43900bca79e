"""`yunwang net collect|diff|apply` against simulated devices over SSH: the happy path of every vendor family and
each failure case of issue 10, run as a user runs them (the CLI in a subprocess) or through the Python API."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from netsim import ONE_PER_FAMILY, SECRETS, STACK, World, run_net, topology_text, write_project

from infra.network.access import build_access
from infra.network.apply import DevicePlan, apply_plans, plan_devices
from infra.network.backup import backup_text, strip_volatile
from infra.network.remediation import Remediation, remediate
from infra.network.render import FAMILIES, render_stack
from infra.network.secrets import mask

pytestmark = pytest.mark.slow
FAMILY_DEVICES = list(ONE_PER_FAMILY.values())


def devices_args(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--device", name)]


def at_intent(sim: World, name: str) -> bool:
    device = sim.topology.device_by_name[name]
    intent = render_stack(sim.topology, devices=[name])[0].text
    return remediate(device.vendor, sim.running(name), intent).empty


def same_config(sim: World, name: str, before: str) -> bool:
    """The device runs ``before`` again (timestamps and the like aside)."""
    vendor = sim.topology.device_by_name[name].vendor
    return remediate(vendor, sim.running(name), mask(before, FAMILIES[vendor].secret_patterns)).empty


def saved_unchanged(sim: World, name: str, before: str) -> bool:
    """The startup configuration is still ``before`` (the simulator stamps both with the last change's time)."""
    vendor = sim.topology.device_by_name[name].vendor
    return strip_volatile(sim.saved(name), vendor) == strip_volatile(before, vendor)


def no_secret_in(*texts: str) -> None:
    for value in SECRETS.values():
        for text in texts:
            assert value not in text, "a secret value reached the output"


def test_every_family_factory_to_intent_audit_clean_and_idempotent(sim: World, tmp_path: Path) -> None:
    chosen = devices_args(*FAMILY_DEVICES)
    before = sim.net("diff", *chosen, "--format", "json", *sim.access_args)
    assert before.returncode == 1, before.stderr
    report = json.loads(before.stdout)
    assert {d["device"]: d["status"] for d in report["devices"]} == dict.fromkeys(FAMILY_DEVICES, "drifted")

    applied = sim.net("apply", *chosen, "--yes", *sim.access_args)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.count(" applied ") >= len(FAMILY_DEVICES) or "4 applied" in applied.stdout
    no_secret_in(applied.stdout, applied.stderr)
    for name in FAMILY_DEVICES:
        assert at_intent(sim, name), name
        assert sim.saved(name) == sim.running(name), f"{name} not saved after verification"

    backup = tmp_path / "backup"
    collected = sim.net("collect", *chosen, "--out", str(backup), *sim.access_args)
    assert collected.returncode == 0, collected.stderr
    assert "4 new, 0 changed, 0 unchanged, 0 failed" in collected.stderr
    files = sorted(backup.rglob("*.cfg"))
    assert [f.stem for f in files] == sorted(FAMILY_DEVICES)
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "Last configuration" not in text and "Current configuration" not in text
    no_secret_in(text)

    audit = subprocess.run([sys.executable, "-m", "yunwang", "audit", "device", str(backup), "--format", "json"],
                           capture_output=True, text=True, env=sim.env(), cwd=sim.project, timeout=120, check=False)
    summary = json.loads(audit.stdout)["summary"]
    assert summary["high"] == 0 and summary["medium"] == 0, audit.stdout[:2000]

    again = sim.net("diff", *chosen, *sim.access_args)
    assert again.returncode == 0, again.stdout
    assert sim.net("diff", *chosen, "--running", str(backup)).returncode == 0
    mtimes = [f.stat().st_mtime_ns for f in files]
    second = sim.net("collect", *chosen, "--out", str(backup), *sim.access_args)
    assert "0 new, 0 changed, 4 unchanged, 0 failed" in second.stderr
    assert [f.stat().st_mtime_ns for f in files] == mtimes


def test_collect_reports_a_changed_device_and_diff_json_gives_drift_for_machines(sim: World, tmp_path: Path) -> None:
    backup, name = tmp_path / "backup", "luan-core-1"
    assert sim.net("collect", "-d", name, "--out", str(backup), *sim.access_args).returncode == 0
    sim.fleet.drift(name, ["sysname hand-made"])
    changed = sim.net("collect", "-d", name, "--out", str(backup), *sim.access_args)
    assert "0 new, 1 changed" in changed.stderr
    out = tmp_path / "diff.json"
    result = sim.net("diff", "-d", name, "--running", str(backup), "--format", "json", "--out", str(out))
    assert result.returncode == 1
    device = json.loads(out.read_text(encoding="utf-8"))["devices"][0]
    assert device["drift_lines"] > 0 and device["collected_at"]
    assert "sysname luan-core-1" in device["remediation"] and "sysname hand-made" in device["rollback"]


def test_wrong_password_skips_that_device_and_the_rest_go_on(sim: World, tmp_path: Path) -> None:
    sim.fleet.refuse_logins("luan-acc-1")
    backup = tmp_path / "backup"
    result = sim.net("collect", *devices_args("luan-acc-1", "luan-core-1"), "--out", str(backup), *sim.access_args)
    assert result.returncode == 1
    assert "luan-acc-1: login refused for sysadmin" in result.stderr
    assert (backup / "luan" / "luan-core-1.cfg").is_file() and not (backup / "luan" / "luan-acc-1.cfg").exists()
    applied = sim.net("apply", *devices_args("luan-acc-1", "luan-core-1"), "--yes", *sim.access_args)
    assert applied.returncode == 1 and at_intent(sim, "luan-core-1")
    wrong = sim.net("collect", "-d", "luan-core-1", "--out", str(backup), *sim.access_args,
                    YUNWANG_DEVICE_SYSTEM_PASSWORD="not-the-password")
    assert "login refused" in wrong.stderr and "not-the-password" not in wrong.stderr + wrong.stdout


@contextmanager
def silent_listener() -> Iterator[int]:
    """A TCP port that accepts connections and never says anything (an SSH server that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def test_an_unreachable_device_costs_only_its_own_timeout(sim: World, tmp_path: Path) -> None:
    endpoints = json.loads(sim.endpoints.read_text(encoding="utf-8"))
    with silent_listener() as port:
        endpoints["luan-acc-1"] = f"127.0.0.1:{port}"
        sim.endpoints.write_text(json.dumps(endpoints), encoding="utf-8")
        started = time.monotonic()
        result = sim.net("collect", *devices_args("luan-acc-1", "luan-core-1", "jinan-acc-2"), "--out",
                         str(tmp_path / "b"), "--connect-timeout", "2", *sim.access_args)
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "luan-acc-1: no answer from 127.0.0.1" in result.stderr and "within 2 s" in result.stderr
    assert "2 new, 0 changed, 0 unchanged, 1 failed" in result.stderr
    assert elapsed < 15, f"took {elapsed:.1f} s: more than the one device's timeout"
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    endpoints["luan-acc-1"] = f"127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    sim.endpoints.write_text(json.dumps(endpoints), encoding="utf-8")
    refused = sim.net("collect", "-d", "luan-acc-1", "--out", str(tmp_path / "b"), *sim.access_args)
    assert "luan-acc-1: cannot connect to 127.0.0.1" in refused.stderr


def test_a_rejected_command_rolls_that_device_back_and_touches_no_other(sim: World) -> None:
    factory = {name: sim.running(name) for name in ("luan-acc-1", "luan-core-1", "luan-fw-1")}
    saved = sim.saved("luan-acc-1")
    sim.fleet.fail_next("luan-acc-1", r"^interface GigabitEthernet0/0/7$")
    result = sim.net("apply", *devices_args("luan-acc-1", "luan-core-1"), "--yes", *sim.access_args)
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("luan-acc-1"))
    assert "failed" in row and "rejected 'interface GigabitEthernet0/0/7'" in row and "rolled back" in row
    assert "Error: Unrecognized command" in row
    assert same_config(sim, "luan-acc-1", factory["luan-acc-1"]) and saved_unchanged(sim, "luan-acc-1", saved)
    assert at_intent(sim, "luan-core-1")
    assert sim.running("luan-fw-1") == factory["luan-fw-1"]  # not selected: never touched


def _plans(sim: World, names: list[str]) -> tuple[object, list[DevicePlan]]:
    devices = [sim.topology.device_by_name[n] for n in names]
    access = build_access(sim.topology, devices, endpoints_file=sim.endpoints, trust_simulator=True)
    intended = render_stack(sim.topology, devices=names)
    pushed = render_stack(sim.topology, devices=names, push=True)
    return access, asyncio.run(plan_devices(access, intended, pushed, 4))


def test_a_failed_verification_rolls_the_device_back(sim: World, secrets: dict[str, str]) -> None:
    name = "luan-core-1"
    factory, saved = sim.running(name), sim.saved(name)
    access, plans = _plans(sim, [name])
    plan = plans[0]
    assert plan.remediation is not None
    # a device that takes every line but ignores some: the lines for one interface never arrive
    commands = plan.remediation.commands
    start = commands.index("interface Ten-GigabitEthernet1/0/2")
    end = commands.index("quit", start) + 1
    plan.remediation = replace(plan.remediation, commands=commands[:start] + commands[end:])
    outcome = asyncio.run(apply_plans(access, plans, 2))[0]  # type: ignore[arg-type]
    assert outcome.status == "failed" and "verification failed" in outcome.detail
    assert outcome.rolled_back is True and "rolled back" in outcome.detail
    assert same_config(sim, name, factory) and saved_unchanged(sim, name, saved)


def test_a_device_changed_since_the_plan_is_refused_unless_its_new_plan_is_confirmed(
        sim: World, secrets: dict[str, str]) -> None:
    name = "jinan-acc-2"
    access, plans = _plans(sim, [name])
    sim.fleet.drift(name, ["snmp-server community hand-made RO"])
    drifted = sim.running(name)
    refused = asyncio.run(apply_plans(access, plans, 1))[0]  # type: ignore[arg-type]
    assert refused.status == "refused" and "changed since the plan" in refused.detail
    assert sim.running(name) == drifted  # nothing sent

    seen: list[Remediation] = []

    async def confirm(_plan: DevicePlan, remediation: Remediation) -> bool:
        seen.append(remediation)
        return True

    applied = asyncio.run(apply_plans(access, plans, 1, reconfirm=confirm))[0]  # type: ignore[arg-type]
    assert applied.status == "applied"
    assert any(line.strip() == "no snmp-server community [secret]" for line in seen[0].lines)
    assert at_intent(sim, name)


def test_the_cli_asks_again_for_a_device_that_changed_while_the_plan_was_shown(sim: World) -> None:
    name = "luan-iot-1"
    command = [sys.executable, "-m", "yunwang", "net", "apply", "--stack", STACK, "-d", name, *sim.access_args]
    proc = subprocess.Popen(command, cwd=sim.project, env=sim.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    seen = _read_until(proc, "Apply these changes to 1 devices?")
    assert "~ luan-iot-1" in seen
    sim.fleet.drift(name, ["sysname changed-meanwhile"])
    drifted = sim.running(name)
    proc.stdin.write("y\n")
    proc.stdin.flush()
    seen = _read_until(proc, f"Apply the new plan to {name}?")
    assert "sysname luan-iot-1" in seen
    proc.stdin.write("n\n")
    proc.stdin.flush()
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "refused" in out
    assert sim.running(name) == drifted


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} in {seen[-2000:]!r}"
        char = proc.stdout.read(1)
        assert char, f"the command ended before {marker!r}: {seen[-2000:]}"
        seen += char
    return seen


def test_ctrl_c_finishes_the_device_in_progress_and_starts_no_other(sim: World) -> None:
    names = ["luan-acc-1", "luan-core-1", "jinan-acc-1"]
    factory = {n: sim.running(n) for n in names}
    saved = {n: sim.saved(n) for n in names}
    for name in names:
        sim.fleet.set_latency(name, 0.004)  # every reply a little late: a push takes seconds
    command = [sys.executable, "-m", "yunwang", "net", "apply", "--stack", STACK, *devices_args(*names), "--yes",
               "--concurrency", "1", *sim.access_args]
    proc = subprocess.Popen(command, cwd=sim.project, env=sim.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while sim.running(names[0]) == factory[names[0]]:  # wait until the first device is half-configured
        assert time.monotonic() < deadline and proc.poll() is None, "the apply never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "interrupted" in err
    first = names[0]
    finished = at_intent(sim, first) and sim.saved(first) == sim.running(first)
    rolled_back = same_config(sim, first, factory[first]) and saved_unchanged(sim, first, saved[first])
    assert finished or rolled_back, "the device in progress was left half-configured"
    for name in names[1:]:
        assert sim.running(name) == factory[name] and saved_unchanged(sim, name, saved[name]), f"{name} was started"
    assert [line.split()[0] for line in out.splitlines() if " not-started " in line] == names[1:]


def test_a_topology_naming_an_unsupported_vendor_or_model_is_a_located_error(tmp_path: Path) -> None:
    juniper = "  - {name: luan-mx-1, role: router, vendor: juniper, model: MX204, region: luan, mgmt: 10.34.0.22, " \
              "interfaces: 4, snmp: v3-core, site: x}\n"
    result = run_net(write_project(tmp_path / "a", topology_text(juniper, "")), "diff", "--running", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "topology.yaml:" in result.stderr and "vendor" in result.stderr and "juniper" in result.stderr
    assert "Traceback" not in result.stderr
    model = topology_text().replace("model: ISR4451-X", "model: NCS5500")
    result = run_net(write_project(tmp_path / "b", model), "apply", "--yes")
    assert result.returncode == 2
    assert "topology.yaml:" in result.stderr and "no Cisco IOS renderer for model NCS5500" in result.stderr


def test_the_netmiko_transport_applies_and_diffs_too(sim: World) -> None:
    name = "luan-iot-1"
    applied = sim.net("apply", "-d", name, "--yes", "--transport", "netmiko", *sim.access_args)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert at_intent(sim, name) and sim.saved(name) == sim.running(name)
    assert sim.net("diff", "-d", name, "--transport", "netmiko", *sim.access_args).returncode == 0


def test_backups_hold_no_secret_and_no_volatile_line() -> None:
    running = ("!Software Version V200R021C10SPC600\n!Last configuration was updated at 2026-12-03 12:00:00+08:00 "
               "by ops\n#\nsysname sw\n#\naaa\n local-user admin password simple Admin@123\n#\nreturn\n")
    from yunwang.topology import Vendor

    text = backup_text(running, Vendor.HUAWEI)
    assert "Admin@123" not in text and "Last configuration" not in text and "sysname sw" in text


def test_an_unknown_host_key_is_refused_unless_the_simulator_is_trusted(sim: World, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("", encoding="utf-8")
    result = sim.net("collect", "-d", "luan-core-1", "--out", str(tmp_path / "b"), "--endpoints", str(sim.endpoints),
                     "--known-hosts", str(empty))
    assert result.returncode == 1
    assert "luan-core-1: host key of 127.0.0.1" in result.stderr and "not trusted" in result.stderr
    assert not (tmp_path / "b" / "luan" / "luan-core-1.cfg").exists()
    trusted = sim.net("collect", "-d", "luan-core-1", "--out", str(tmp_path / "b"), *sim.access_args)
    assert trusted.returncode == 0
