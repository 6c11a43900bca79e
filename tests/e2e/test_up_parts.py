"""The pieces of `yunwang up` that need no running service: secrets, child command lines, checks, audit merge."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from yunwang.errors import InputError
from yunwang.stacks import load_stack
from yunwang.up_audit import AuditWorker, merge_reports
from yunwang.up_stack import (
    Ports,
    UpConfig,
    build_specs,
    check_intervals,
    check_ports_free,
    prepare_secrets,
    write_prometheus,
)
from yunwang.up_status import Probes, audit_summary, overall, poll_summary


def _cfg(tmp_path: Path, **kw: Any) -> UpConfig:
    stack = load_stack("dev")
    return UpConfig(stack="dev", root=stack.root, state_dir=tmp_path / "state", ports=Ports(), **kw)


def test_secrets_are_private_generated_once_and_passed_by_path(tmp_path: Path) -> None:
    topo = load_stack("dev").topology
    assert topo is not None
    cfg = _cfg(tmp_path)
    env = prepare_secrets(cfg, topo)
    files = sorted((cfg.secrets_dir).iterdir())
    contents = {p: p.read_text() for p in files}
    assert cfg.secrets_dir.stat().st_mode & 0o077 == 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in files)
    assert prepare_secrets(cfg, topo) == env
    assert {p: p.read_text() for p in files} == contents, "secrets must survive a restart"
    assert len(set(contents.values())) == len(contents), "every secret is different"

    # The simulator and the poller find them under the shared variable names.
    import os

    from agents.sim.credentials import credentials_for
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        creds = credentials_for(list(topo.snmp_profiles), "dev.yaml")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert {p.name for p in topo.snmp_profiles} == set(creds)
    assert all(c.auth_key and c.priv_key for c in creds.values())

    specs = build_specs(cfg, env)
    command_lines = " ".join(" ".join(s.argv) for s in specs)
    for value in contents.values():
        assert value.strip() not in command_lines
    assert all(v.strip() not in str(s.env) for s in specs for v in contents.values())


def test_children_and_their_order(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus")
    specs = build_specs(cfg, {})
    assert [s.name for s in specs] == ["sim", "monitor", "host-agent", "snmp-agent", "prometheus", "drift"]
    monitor = specs[1]
    assert "--endpoints" in monitor.argv and "--prometheus" in monitor.argv
    assert monitor.health_url == "http://127.0.0.1:8080/healthz"
    assert specs[0].ready_file == cfg.endpoints_file
    assert specs[3].restart_with == ("sim",), "the poller starts afresh with a restarted simulator"

    no_sim = build_specs(_cfg(tmp_path, with_sim=False), {})
    assert [s.name for s in no_sim] == ["monitor", "host-agent", "snmp-agent", "prometheus", "drift"]
    assert all("--endpoints" not in s.argv for s in no_sim)
    assert all(s.restart_with == () for s in no_sim)
    assert no_sim[-2].missing and "--without-prometheus" in no_sim[-2].missing


def test_the_drift_check_reports_to_the_monitor_with_the_simulated_devices_secrets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("YUNWANG_DEVICE_SYSTEM_PASSWORD", "YUNWANG_DEVICE_SYSTEM_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    topo = load_stack("dev").topology
    assert topo is not None
    cfg = _cfg(tmp_path, drift_interval="30s", ssh_base_port=23000)
    env = prepare_secrets(cfg, topo)
    assert {f"YUNWANG_DEVICE_{r}_PASSWORD_FILE" for r in ("SYSTEM", "SECURITY", "AUDIT")} <= set(env)
    assert {f"YUNWANG_DEVICE_{k}_KEY_FILE" for k in ("AAA", "NTP", "OSPF")} <= set(env)
    specs = {s.name: s for s in build_specs(cfg, env)}
    assert specs["sim"].env == env and "--ssh-base-port" in specs["sim"].argv and "23000" in specs["sim"].argv
    drift = specs["drift"]
    argv = list(drift.argv)
    assert argv[argv.index("--report-to") + 1] == cfg.monitor_url and argv[argv.index("--every") + 1] == "30s"
    assert argv[argv.index("--endpoints") + 1] == str(cfg.state_dir / "ssh-endpoints.json")
    assert "--trust-simulator" in argv
    assert drift.env["YUNWANG_ADMIN_TOKEN_FILE"] == str(cfg.token_file("admin"))
    assert drift.env["YUNWANG_DEVICE_SYSTEM_PASSWORD_FILE"] == env["YUNWANG_DEVICE_SYSTEM_PASSWORD_FILE"]
    assert drift.missing is None
    off = build_specs(_cfg(tmp_path, drift_interval="0"), env)[-1]
    assert off.name == "drift" and off.missing == "--drift-interval 0"
    real = _cfg(tmp_path / "real", with_sim=False)
    real_env = prepare_secrets(real, topo)
    assert not any(k.startswith("YUNWANG_DEVICE_") for k in real_env), "real devices' passwords are not invented"
    assert "YUNWANG_DEVICE_SYSTEM_PASSWORD" in (build_specs(real, real_env)[-1].missing or "")
    with pytest.raises(InputError, match="--drift-interval"):
        check_intervals(_cfg(tmp_path, drift_interval="often"))


def test_prometheus_config_polls_through_the_poller_only(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus", scrape_interval="5s", poll_interval="1m")
    config = yaml.safe_load(write_prometheus(cfg).read_text())
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert set(jobs) == {"host", "snmp-poller", "monitor"}
    assert jobs["snmp-poller"]["scrape_interval"] == "1m"
    assert config["global"]["scrape_interval"] == "5s"
    assert config["global"]["scrape_timeout"] == "4s"
    sd = jobs["host"]["http_sd_configs"][0]
    assert sd["authorization"]["credentials_file"] == str(cfg.token_file("viewer"))


def test_bad_intervals_and_busy_ports_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        check_intervals(_cfg(tmp_path, scrape_interval="0s", poll_interval="fast"))
    assert [p.file for p in caught.value.problems] == ["--scrape-interval", "--poll-interval"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cfg = UpConfig("dev", tmp_path, tmp_path, Ports(monitor=port))
        with pytest.raises(InputError) as caught:
            check_ports_free(cfg, ["monitor", "host-agent"])
    (problem,) = [p for p in caught.value.problems if p.file == "--monitor-port"]
    assert str(port) in problem.message


def _report(controls: dict[str, str], high: int = 0, findings: int = 0) -> dict[str, Any]:
    return {"tool": {"name": "yunwang", "version": "0"}, "standard": "GB/T 22239-2019 level 3",
            "findings": [{"rule_id": f"r{i}"} for i in range(findings)], "errors": [],
            "summary": {"high": high, "medium": 0, "low": 0, "waived": 0, "controls": controls}}


def test_merged_audit_keeps_the_worst_assessed_status() -> None:
    merged = merge_reports([
        _report({"a": "compliant", "b": "not-assessed", "c": "partial", "d": "not-assessed"}, high=1, findings=2),
        _report({"a": "non-compliant", "b": "compliant", "c": "compliant", "d": "not-assessed"}, high=2, findings=1),
    ])
    assert merged["summary"]["controls"] == {"a": "non-compliant", "b": "compliant", "c": "partial",
                                             "d": "not-assessed"}
    assert merged["summary"]["high"] == 3
    assert len(merged["findings"]) == 3


def test_a_running_audit_is_stopped_with_up(tmp_path: Path) -> None:
    import sys
    import threading
    import time

    from yunwang.up_audit import Runner

    runner = Runner()
    threading.Timer(0.5, runner.stop).start()
    started = time.monotonic()
    done = runner.run([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path)
    assert time.monotonic() - started < 10
    assert done.returncode == -15
    with pytest.raises(InterruptedError):
        runner.run([sys.executable, "-c", "pass"], tmp_path)


def test_scaled_alert_rules_leave_the_shipped_ones_alone(tmp_path: Path) -> None:
    import hashlib
    import subprocess

    from monitor.prometheus.render import RULES_DIR, duration_seconds
    from yunwang.testkit import need_binary
    from yunwang.up_rules import format_duration

    assert [format_duration(s) for s in (6, 1.5, 0, 3600 * 0.02)] == ["6s", "1500ms", "0s", "72s"]
    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in RULES_DIR.glob("*.yml")}
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus", alert_for_scale=0.02)
    config = yaml.safe_load(write_prometheus(cfg).read_text())
    assert config["rule_files"] == [str(cfg.state_dir / "prometheus" / "rules" / "*.yml")]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in RULES_DIR.glob("*.yml")} == shipped
    compared = 0
    for name in shipped:
        original = yaml.safe_load((RULES_DIR / name).read_text())
        scaled = yaml.safe_load((cfg.rules_dir / name).read_text())
        for group, scaled_group in zip(original["groups"], scaled["groups"], strict=True):
            for rule, copy in zip(group["rules"], scaled_group["rules"], strict=True):
                assert {k: v for k, v in copy.items() if k != "for"} == {k: v for k, v in rule.items() if k != "for"}
                if "for" in rule:
                    compared += 1
                    assert duration_seconds(copy["for"]) == duration_seconds(rule["for"]) * 0.02
    assert compared >= 5
    promtool = need_binary("promtool", "prometheus")
    checked = subprocess.run([promtool, "check", "rules", *map(str, sorted(cfg.rules_dir.glob("*.yml")))],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr

    # Scale 1 (the default) points Prometheus at the shipped rules themselves.
    plain = yaml.safe_load(write_prometheus(_cfg(tmp_path / "plain", prometheus="/usr/bin/prometheus")).read_text())
    assert plain["rule_files"] == [str(RULES_DIR / "*.yml")]


def test_audit_interval_and_alert_scale_are_checked(tmp_path: Path) -> None:
    check_intervals(_cfg(tmp_path, audit_interval="0"))
    check_intervals(_cfg(tmp_path, audit_interval="1h"))
    with pytest.raises(InputError) as caught:
        check_intervals(_cfg(tmp_path, audit_interval="often", alert_for_scale=0))
    assert [p.file for p in caught.value.problems] == ["--audit-interval", "--alert-for-scale"]
    with pytest.raises(InputError):
        check_intervals(_cfg(tmp_path, audit_interval="500ms"))


class _CountingWorker(AuditWorker):
    """The real schedule with a round that only counts (the audits themselves run in test_up_e2e)."""

    def audit_round(self) -> None:
        self.state = f"round {self.rounds + 1} ({self.trigger})"
        self.seen.append(self.trigger)

    seen: list[str]


def _worker(tmp_path: Path, interval: float) -> _CountingWorker:
    worker = _CountingWorker(_cfg(tmp_path), {}, interval=interval)
    worker.seen = []
    return worker


def test_audits_run_again_on_schedule_and_on_request(tmp_path: Path) -> None:
    import time

    periodic = _worker(tmp_path, interval=0.2)
    periodic.start()
    try:
        deadline = time.monotonic() + 10
        while len(periodic.seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert periodic.seen[:3] == ["start", "schedule", "schedule"]
    finally:
        periodic.stop()
        periodic.join(5)
    assert not periodic._thread.is_alive()  # type: ignore[union-attr]

    once = _worker(tmp_path, interval=0)  # "--audit-interval 0": only at start, and when asked
    once.start()
    try:
        deadline = time.monotonic() + 10
        while once.rounds < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert once.seen == ["start"] and once.next_at is None
        once.rerun("simulated devices restarted")
        while once.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert once.seen == ["start", "simulated devices restarted"]
        assert "(simulated devices restarted)" in audit_summary(once)
    finally:
        once.stop()
        once.join(5)
    assert not once._thread.is_alive()  # type: ignore[union-attr]


def test_status_counts_devices_against_the_inventory(tmp_path: Path) -> None:
    from yunwang.supervisor import Supervisor

    topo = load_stack("dev").topology
    assert topo is not None
    cfg = _cfg(tmp_path)
    probes = Probes(expected_devices=len(topo.devices), devices_up=6, devices_polled=6)
    not_yet = len(topo.devices) - 6
    assert poll_summary(probes) == f"6/{len(topo.devices)} devices answer ({not_yet} not polled yet)"
    sup = Supervisor([], tmp_path)
    assert overall(sup, cfg, probes, None) == (False, f"waiting for devices (6/{len(topo.devices)})")
    probes.devices_up = probes.devices_polled = len(topo.devices)
    assert overall(sup, cfg, probes, None) == (True, "all green")
    assert poll_summary(probes) == f"{len(topo.devices)}/{len(topo.devices)} devices answer"
    worker = _worker(tmp_path, 0)
    assert overall(sup, cfg, probes, worker) == (False, "waiting for audit")
