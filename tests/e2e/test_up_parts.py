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
from yunwang.up_status import Probes, audit_summary, devices_summary, overall, poll_summary


def _cfg(tmp_path: Path, **kw: Any) -> UpConfig:
    stack = load_stack("dev")
    return UpConfig(stack="dev", root=stack.root, state_dir=tmp_path / "state",
                    ports=kw.pop("ports", Ports()), **kw)


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
    assert [s.name for s in specs] == ["sim", "monitor", "host-agent", "snmp-agent", "prometheus", "city-view",
                                       "alertmanager", "drift"]
    monitor = specs[1]
    assert "--endpoints" in monitor.argv and "--prometheus" in monitor.argv
    assert monitor.health_url == "http://127.0.0.1:8080/healthz"
    assert specs[0].ready_file == cfg.endpoints_file
    assert specs[3].restart_with == ("sim",), "the poller starts afresh with a restarted simulator"

    no_sim = build_specs(_cfg(tmp_path, with_sim=False), {})
    assert [s.name for s in no_sim] == ["monitor", "host-agent", "snmp-agent", "prometheus", "city-view",
                                        "alertmanager", "drift"]
    assert all("--endpoints" not in s.argv for s in no_sim)
    assert all(s.restart_with == () for s in no_sim)
    assert no_sim[3].missing and "--without-prometheus" in no_sim[3].missing
    assert no_sim[4].missing == "needs Prometheus" and "prometheus-alertmanager" in (no_sim[5].missing or "")


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
    assert drift.missing is None and drift.deferred, "its first round must not compete with the start-up"
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
    config = yaml.safe_load(write_prometheus(cfg)[0].read_text())
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert set(jobs) == {"host", "snmp-poller", "monitor"}
    assert jobs["snmp-poller"]["scrape_interval"] == "1m"
    assert config["global"]["scrape_interval"] == "5s"
    assert config["global"]["scrape_timeout"] == "4s"
    sd = jobs["host"]["http_sd_configs"][0]
    assert sd["authorization"]["credentials_file"] == str(cfg.token_file("viewer"))
    # Polling every 2m, the pollers are still scraped every minute: a cycle's results reach Prometheus sooner.
    slow = yaml.safe_load(write_prometheus(_cfg(tmp_path, prometheus="/usr/bin/prometheus",
                                                poll_interval="2m"))[0].read_text())
    poller_job = next(j for j in slow["scrape_configs"] if j["job_name"] == "snmp-poller")
    assert (poller_job["scrape_interval"], poller_job["scrape_timeout"]) == ("1m", "10s")


def test_the_plane_writes_to_the_city_view_and_alerts_through_the_monitor(tmp_path: Path) -> None:
    """As the plan: the plane's Prometheus carries its region, alerts to its Alertmanager and remote-writes to the
    city view; the city view evaluates the city-wide rules; Alertmanager's receivers all post to the monitor."""
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus", alertmanager="/usr/bin/prometheus-alertmanager",
               plane="luan", alert_for_scale=0.02)
    config = yaml.safe_load(write_prometheus(cfg)[0].read_text())
    assert config["global"]["external_labels"] == {"stack": "dev", "region": "luan"}
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9093"]
    assert [w["url"] for w in config["remote_write"]] == ["http://127.0.0.1:9091/api/v1/write"]
    city = yaml.safe_load((cfg.state_dir / "city-view" / "city-view.yml").read_text())
    assert city["rule_files"] == [str(cfg.state_dir / "city-view" / "rules" / "*.yml")]
    scaled = yaml.safe_load((cfg.state_dir / "city-view" / "rules" / "city.yml").read_text())
    assert {r["for"] for g in scaled["groups"] for r in g["rules"] if "for" in r} <= {"6s", "12s", "72s"}
    routes = yaml.safe_load((cfg.state_dir / "alertmanager" / "alertmanager.yml").read_text())
    assert {r["name"] for r in routes["receivers"]} == {"luan", "jinan"}
    hooks = [w for r in routes["receivers"] for w in r.get("webhook_configs", [])]
    assert hooks and {w["url"] for w in hooks} == {f"{cfg.monitor_url}/api/v1/alerts/webhook"}
    assert {w["http_config"]["authorization"]["credentials_file"] for w in hooks} == {
        str(cfg.token_file("alertmanager"))}
    specs = {s.name: s for s in build_specs(cfg, {})}
    assert "--web.enable-remote-write-receiver" in specs["city-view"].argv
    monitor = list(specs["monitor"].argv)
    assert monitor[monitor.index("--alertmanager") + 1] == "http://127.0.0.1:9093"
    assert monitor[monitor.index("--alertmanager-token-file") + 1] == str(cfg.token_file("alertmanager"))


def test_each_region_has_its_prometheus_and_the_monitor_reads_the_city_view(tmp_path: Path) -> None:
    """Per region (as the plan): each region's pollers, a Prometheus each from --prometheus-port up with its own
    data, its region label, its rules, the Alertmanager and remote write to the city view, which also receives the
    series the monitor reads; the city plane's scrapes the host agent and the monitor too."""
    from monitor.prometheus.promql import metric_names
    from monitor.prometheus.render import CITY_VIEW_SERIES
    from yunwang.up_stack import poller_layout, prometheus_regions

    dev = load_stack("dev").topology
    assert dev is not None
    regions = prometheus_regions(dev, "luan")
    assert regions == ("luan", "jinan")
    pollers = tuple(poller_layout(dev, 9811, per_region=True))
    assert [(p.name, p.regions, p.devices) for p in pollers] == [
        ("snmp-agent-luan-0", ("luan",), pollers[0].devices), ("snmp-agent-luan-1", ("luan",), 6 - pollers[0].devices),
        ("snmp-agent-jinan-0", ("jinan",), pollers[2].devices),
        ("snmp-agent-jinan-1", ("jinan",), 5 - pollers[2].devices)]
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus", alertmanager="/usr/bin/prometheus-alertmanager",
               plane="luan", prometheus_regions=regions, pollers=pollers)
    specs = {s.name: s for s in build_specs(cfg, {})}
    assert [n for n in specs if n.startswith(("prometheus", "city"))] == ["prometheus-luan", "prometheus-jinan",
                                                                          "city-view"]
    for region, port in (("luan", 9090), ("jinan", 9092)):  # around the city view's 9091
        argv = specs[f"prometheus-{region}"].argv
        assert f"--web.listen-address=127.0.0.1:{port}" in argv
        assert f"--storage.tsdb.path={cfg.state_dir / 'prometheus' / region / 'data'}" in argv
        assert "--regions " + region in " ".join(specs[f"snmp-agent-{region}-0"].argv)

    paths = write_prometheus(cfg)
    assert paths == [cfg.state_dir / "prometheus" / r / "prometheus.yml" for r in regions]
    configs = {r: yaml.safe_load(p.read_text()) for r, p in zip(regions, paths, strict=True)}
    for i, region in enumerate(regions):
        config = configs[region]
        jobs = {j["job_name"]: j for j in config["scrape_configs"]}
        assert config["global"]["external_labels"] == {"stack": "dev", "region": region}
        assert set(jobs) == ({"host", "snmp-poller", "monitor"} if region == "luan" else {"snmp-poller"})
        assert jobs["snmp-poller"]["static_configs"] == [{"targets": [p.address for p in pollers[2 * i:2 * i + 2]]}]
        assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9093"]
        (write,) = config["remote_write"]
        assert write["url"] == "http://127.0.0.1:9091/api/v1/write"
        keep = write["write_relabel_configs"][0]["regex"]
        assert keep.startswith(CITY_VIEW_SERIES)
        assert config["rule_files"] == [str(cfg.rules_dir / "*.yml")]

    # The monitor reads device up/down, link states and interfaces from the city view: every series it asks for
    # is sent there; its overview's firing alerts come from every region's Prometheus and the city view.
    import re

    from links.observed import PHYS_ADDRESS
    from links.prometheus import QUERIES
    from monitor.reachability import QUERY

    read = {PHYS_ADDRESS, "ifAdminStatus", "ifHighSpeed", "snmp_scrape_timestamp_seconds", *metric_names(QUERY),
            *(n for q in QUERIES.values() for n in metric_names(q))}
    assert [n for n in sorted(read) if not re.fullmatch(keep, n)] == []
    monitor = list(specs["monitor"].argv)
    assert monitor[monitor.index("--prometheus") + 1] == cfg.city_view_url
    assert [monitor[i + 1] for i, a in enumerate(monitor) if a == "--alerts-from"] == [
        "http://127.0.0.1:9090", "http://127.0.0.1:9092", cfg.city_view_url]

    # Eight regions (liuan) from 9090 go around the city view and Alertmanager; a given port may still clash.
    assert Ports().region_ports(8) == [9090, 9092, 9094, 9095, 9096, 9097, 9098, 9099]
    clash = _cfg(tmp_path, prometheus="/usr/bin/prometheus", plane="luan", prometheus_regions=regions,
                 pollers=pollers, ports=Ports(prometheus=9091))
    with pytest.raises(InputError) as caught:
        check_ports_free(clash, ["prometheus-luan", "prometheus-jinan", "city-view"])
    assert "port 9091 is given to both the prometheus-luan and the city-view" in str(caught.value.problems[0])


def test_one_prometheus_per_region_unless_memory_is_short() -> None:
    from yunwang.up_capacity import choose_prometheus_layout

    roomy = choose_prometheus_layout(8, None, available=8 << 30)
    assert roomy.per_region and roomy.extra == 7 * 50 << 20
    assert roomy.explain() == "8 region servers cost ~350 MiB more than one; 10% of the 8192 MiB available is 819 MiB"
    tight = choose_prometheus_layout(8, None, available=2 << 30)
    assert not tight.per_region
    assert choose_prometheus_layout(8, True, available=1 << 30).per_region
    assert not choose_prometheus_layout(2, False, available=8 << 30).per_region
    assert not choose_prometheus_layout(1, None, available=8 << 30).per_region


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
    config = yaml.safe_load(write_prometheus(cfg)[0].read_text())
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
    plain = yaml.safe_load(write_prometheus(_cfg(tmp_path / "plain", prometheus="/usr/bin/prometheus"))[0].read_text())
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


def _poller(regions: dict[str, tuple[int, int, int]], first_cycle: float | None = 3.0) -> dict[str, object]:
    """A poller's /status with (devices, polled, up) per region."""
    per = {r: {"devices": d, "polled": p, "up": u, "failed": p - u} for r, (d, p, u) in regions.items()}
    totals = {k: sum(int(v[k]) for v in per.values()) for k in ("devices", "polled", "up", "failed")}
    return {**totals, "regions": per, "reasons": {"timeout": totals["failed"]} if totals["failed"] else {},
            "first_cycle_seconds": first_cycle, "last_poll_at": 1e9}


def test_status_counts_devices_against_the_inventory(tmp_path: Path) -> None:
    from yunwang.supervisor import Supervisor
    from yunwang.up_prometheus import PrometheusCounts

    topo = load_stack("dev").topology
    assert topo is not None
    expected = {"luan": 6, "jinan": 5}
    assert sum(expected.values()) == len(topo.devices)
    cfg = _cfg(tmp_path)
    sup = Supervisor([], tmp_path)

    # Without Prometheus the pollers' own summaries count (a shard still in its first cycle says so).
    probes = Probes(expected=expected)
    probes.pollers = {"snmp-agent-luan-0": _poller({"luan": (3, 3, 3), "jinan": (3, 2, 2)}, first_cycle=None),
                      "snmp-agent-luan-1": _poller({"luan": (3, 3, 2), "jinan": (2, 2, 2)})}
    assert poll_summary(probes).startswith("2 shards: 9/11 devices answer (1 not polled yet), 1 failed (timeout 1)")
    assert overall(sup, cfg, probes, None) == (False, "waiting for devices (9/11)")
    assert not probes.first_cycle_done
    probes.pollers["snmp-agent-luan-0"] = _poller({"luan": (3, 3, 3), "jinan": (3, 3, 3)})
    probes.pollers["snmp-agent-luan-1"] = _poller({"luan": (3, 3, 3), "jinan": (2, 2, 2)})
    assert probes.first_cycle_done and overall(sup, cfg, probes, None) == (True, "all green")
    assert probes.snapshot()["regions"] == {"jinan": {"up": 5, "expected": 5}, "luan": {"up": 6, "expected": 6}}

    # With Prometheus, devices count where alerts and dashboards count them: in Prometheus, per region.
    with_prometheus = _cfg(tmp_path, prometheus="/usr/bin/prometheus")
    probes.prometheus = PrometheusCounts(targets={"snmp-poller": (2, 2), "host": (1, 1), "monitor": (1, 1)},
                                         up={"luan": 6, "jinan": 3}, seen={"luan": 6, "jinan": 5}, at=1e9)
    assert overall(sup, with_prometheus, probes, None) == (False, "waiting for devices in Prometheus (9/11)")
    assert devices_summary(probes).startswith("9/11 answer as of ") and devices_summary(probes).endswith(
        " ago (missing: jinan 2)")
    snapshot = probes.snapshot()
    assert (snapshot["devices_source"], snapshot["devices_up"], snapshot["prometheus_at"]) == ("prometheus", 9, 1e9)
    probes.prometheus.up["jinan"] = 5
    assert overall(sup, with_prometheus, probes, None) == (True, "all green")
    worker = _worker(tmp_path, 0)
    assert overall(sup, with_prometheus, probes, worker) == (False, "waiting for audit")


def test_pollers_as_the_plan_shards_them(tmp_path: Path) -> None:
    from yunwang.planes import monitoring_planes, poller_shards
    from yunwang.up_stack import poller_layout

    liuan = load_stack("liuan").topology
    assert liuan is not None
    layout = poller_layout(liuan, 9811)
    _, planes = monitoring_planes(liuan)
    assert len(layout) == sum(poller_shards(liuan, planes).values()) == 16
    assert [p.port for p in layout] == list(range(9811, 9811 + 16))
    assert sum(p.devices for p in layout) == len(liuan.devices)
    assert {p.name for p in layout} >= {"snmp-agent-luan-0", "snmp-agent-luan-1", "snmp-agent-huoshan-1"}
    assert all(p.regions == tuple(planes[p.name.rsplit("-", 1)[0].removeprefix("snmp-agent-")]) for p in layout)
    whole = poller_layout(liuan, 9811, shards=3)
    assert [(p.name, p.regions, p.shard) for p in whole] == [(f"snmp-agent-{i}", (), (i, 3)) for i in range(3)]
    assert [p.name for p in poller_layout(liuan, 9811, shards=1)] == ["snmp-agent"]

    dev = load_stack("dev").topology
    assert dev is not None
    cfg = _cfg(tmp_path, prometheus="/usr/bin/prometheus", pollers=tuple(poller_layout(dev, 9811)))
    specs = {s.name: s for s in build_specs(cfg, {})}
    pollers = [specs["snmp-agent-luan-0"], specs["snmp-agent-luan-1"]]  # dev: one plane (luan adopts jinan)
    for i, spec in enumerate(pollers):
        argv = " ".join(spec.argv)
        assert f"--listen 127.0.0.1:{9811 + i} --stack dev --regions luan,jinan --shard {i}/2" in argv
        assert spec.health_url == f"http://127.0.0.1:{9811 + i}/healthz"  # never a whole /metrics
        assert spec.restart_with == ("sim",)
    monitor = " ".join(specs["monitor"].argv)
    assert "--poller 127.0.0.1:9811 --poller 127.0.0.1:9812" in monitor
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 9812))
        busy.listen()
        with pytest.raises(InputError) as caught:
            check_ports_free(cfg, ["snmp-agent-luan-0", "snmp-agent-luan-1"])
    assert caught.value.problems[0].file == "--snmp-agent-port" and "9811..9812" in caught.value.problems[0].hint


def test_the_poll_interval_is_one_this_machine_can_meet() -> None:
    from yunwang.up_capacity import choose_engine, choose_interval, cycle_cost

    liuan = load_stack("liuan").topology
    assert liuan is not None
    assert choose_engine(liuan, 30, cpus=2, load=0) == "fast"
    slow = cycle_cost(liuan, "snmpsim", cpus=2, load=0)
    interval, said = choose_interval(slow, 30, explicit=False)
    assert interval == 300 and said is not None
    assert said.startswith("667 devices × ~917 values need ~")
    assert said.endswith("polling every 30s is not possible here: using 5m (--poll-interval overrides)")
    kept, warned = choose_interval(slow, 30, explicit=True)
    assert kept == 30 and warned is not None and "cycles will overrun" in warned
    fast = cycle_cost(liuan, "fast", cpus=2, load=0)
    assert choose_interval(fast, 30, explicit=False) == (30, None)
    busy = cycle_cost(liuan, "fast", cpus=2, load=5.6)  # other work leaves a quarter of the CPUs: 86 s at best
    interval, said = choose_interval(busy, 30, explicit=False)
    assert interval == 120 and said is not None and "(load average 5.6 from other work)" in said
    assert said.endswith("using 2m (--poll-interval overrides)")
    dev = load_stack("dev").topology
    assert dev is not None
    assert choose_engine(dev, 10, cpus=2, load=0) == "snmpsim"  # the reference serves small stacks


def test_the_drift_interval_is_one_this_machine_can_bear() -> None:
    """auto: 5m when a round takes at most a quarter of the free CPUs, else the next step that does, with the
    arithmetic; an explicit interval is kept with a warning; 0 turns the check off."""
    from yunwang.up_capacity import choose_interval, drift_cost
    from yunwang.up_stack import plan_drift

    liuan = load_stack("liuan").topology
    dev = load_stack("dev").topology
    assert liuan is not None and dev is not None
    assert choose_interval(drift_cost(liuan, simulated=True, cpus=2, load=0), 300, explicit=False) == (300, None)
    busy = drift_cost(liuan, simulated=True, cpus=2, load=5.6)
    interval, said = choose_interval(busy, 300, explicit=False)
    assert interval == 900 and said is not None
    assert said.startswith("667 devices' drift check needs ~77 CPU-s per round here (SSH sessions and comparisons "
                           "53 s + the simulated devices' SSH 23 s); 25% of the 0.5 of 2 CPUs free")
    assert said.endswith("checking drift every 5m is not possible here: using 15m (--drift-interval overrides)")
    kept, warned = choose_interval(busy, 300, explicit=True)
    assert kept == 300 and warned is not None and warned.endswith("rounds will run back to back and take CPU "
                                                                   "from the polling")
    real = drift_cost(liuan, simulated=False, cpus=2, load=5.6)
    assert real.cpu < busy.cpu and "simulated" not in real.explain()
    assert choose_interval(drift_cost(dev, simulated=True, cpus=2, load=8), 300, explicit=False) == (300, None)
    assert plan_drift(dev, "0", simulated=True).describe() == "off (--drift-interval 0)"
    assert plan_drift(dev, "10m", simulated=True).interval == "10m"
    with pytest.raises(InputError, match="--drift-interval"):
        plan_drift(dev, "often", simulated=True)


def test_the_live_snmp_audit_is_paced_for_the_fleet(tmp_path: Path) -> None:
    from yunwang.up_audit import AuditOutcome, snmp_audit_options

    liuan = load_stack("liuan").topology
    assert liuan is not None
    assert snmp_audit_options(liuan, "fast") == ("--timeout", "2", "--retries", "1", "--concurrency", "64")
    assert snmp_audit_options(liuan, "snmpsim")[-1] == "16"
    report = {"stats": {"sources": {"snmp": {"audited": 0, "skipped": 2}},
                        "skipped": [{"reason": "no answer to any SNMP probe within 2 s × 2 tries: …"}]}}
    assert AuditOutcome("snmp", 2, report).coverage() == ("0 audited, 2 skipped (no answer to any SNMP probe within "
                                                          "2 s × 2 tries: …)")


def test_prometheus_counts_are_taken_where_no_scrape_can_still_land() -> None:
    """At the start of the oldest latest poller scrape (less 1 ms), asked with that explicit time; no count while a
    poller has never been scraped (its first scrape could still land before any instant chosen)."""
    import httpx

    from yunwang.up_prometheus import read_counts

    asked: list[dict[str, str]] = []
    scrapes = {"127.0.0.1:9811": "2026-12-03T13:26:57.500000000Z", "127.0.0.1:9812": "2026-12-03T13:26:49.250Z"}

    def prometheus(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/targets":
            targets = [{"labels": {"job": "snmp-poller", "instance": i}, "health": "up", "lastScrape": t}
                       for i, t in scrapes.items()]
            targets.append({"labels": {"job": "host"}, "health": "down", "lastScrape": "2026-12-03T13:20:00Z"})
            return httpx.Response(200, json={"data": {"activeTargets": targets}})
        asked.append(dict(request.url.params))
        up = "== 1" in request.url.params["query"]
        return httpx.Response(200, json={"status": "success", "data": {"result": [
            {"metric": {"region": "luan"}, "value": [0, "5" if up else "6"]}]}})

    client = httpx.Client(transport=httpx.MockTransport(prometheus))
    counts = read_counts(client, "http://prometheus")
    assert counts.targets == {"host": (0, 1), "snmp-poller": (2, 2)}
    assert counts.at == 1796304409.249 and {a["time"] for a in asked} == {"1796304409.249"}
    assert (counts.up, counts.seen) == ({"luan": 5}, {"luan": 6})
    scrapes["127.0.0.1:9812"] = "0001-01-01T00:00:00Z"
    asked.clear()
    pending = read_counts(client, "http://prometheus")
    assert pending.at is None and pending.up == {} and asked == []


def test_counts_of_every_region_s_prometheus_add_up() -> None:
    """Each region's server is asked; targets are summed per job, devices kept per region, at the oldest instant;
    no count until every server has one, and a server that cannot be read is named."""
    import httpx

    from yunwang.up_prometheus import PrometheusError, read_all_counts

    scraped = {"luan": "2026-12-03T13:26:57Z", "jinan": "2026-12-03T13:26:50Z"}
    asked: list[dict[str, str]] = []

    def prometheus(request: httpx.Request) -> httpx.Response:
        region = request.url.host
        if region == "broken":
            return httpx.Response(200, content=b"not json")
        if request.url.path == "/api/v1/targets":
            targets = [{"labels": {"job": "snmp-poller"}, "health": "up", "lastScrape": scraped[region]}]
            if region == "luan":
                targets.append({"labels": {"job": "host"}, "health": "up", "lastScrape": scraped[region]})
            return httpx.Response(200, json={"data": {"activeTargets": targets}})
        asked.append(dict(request.url.params))
        seen = {"luan": 6, "jinan": 5}[region]
        value = seen - 1 if "== 1" in request.url.params["query"] and region == "jinan" else seen
        return httpx.Response(200, json={"status": "success", "data": {"result": [
            {"metric": {"region": region}, "value": [0, str(value)]}]}})

    client = httpx.Client(transport=httpx.MockTransport(prometheus))
    counts = read_all_counts(client, ["http://luan", "http://jinan"])
    assert counts.targets == {"host": (1, 1), "snmp-poller": (2, 2)}
    assert (counts.up, counts.seen) == ({"luan": 6, "jinan": 4}, {"luan": 6, "jinan": 5})
    assert counts.at == round(1796304410 - 0.001, 3)
    assert {a["time"] for a in asked} == {f"{counts.at:.3f}"}, "every server counted at the same instant"
    scraped["jinan"] = "0001-01-01T00:00:00Z"
    pending = read_all_counts(client, ["http://luan", "http://jinan"])
    assert pending.at is None and pending.up == {} and pending.targets["snmp-poller"] == (2, 2)
    with pytest.raises(PrometheusError, match="http://broken"):
        read_all_counts(client, ["http://luan", "http://broken"])
