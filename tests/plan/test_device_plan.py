"""Network devices in the plan: a DeviceConfig per device keyed by its masked rendering, a drift CronJob per
plane, both off with ``yunwang:manageDevices: false``, and no device secret anywhere."""

from __future__ import annotations

import hashlib
import runpy
from pathlib import Path
from typing import Any

import pytest
from infra_plans import ROOT, SECRETS, Plan
from pulumi.errors import RunError

from infra.components.drift_check import KNOWN_HOSTS_FILE
from infra.components.monitoring import monitor_endpoint
from infra.plan import run_with_mocks, write_device_configs
from infra.program import monitoring_planes
from yunwang.contracts.device_access import SSH_PORT
from yunwang.stacks import load_stack

DEVICE_CONFIG = "pulumi-python:dynamic/yunwang:DeviceConfig"


def _device_configs(plan: Plan) -> dict[str, dict[str, Any]]:
    return {r["inputs"]["device"]: r for r in plan.doc["resources"] if r["type"] == DEVICE_CONFIG}


def test_every_device_is_one_device_config_keyed_by_its_rendering(plan: Plan, tmp_path: Path) -> None:
    stack = load_stack(plan.doc["stack"], ROOT)
    assert stack.topology is not None
    configs = _device_configs(plan)
    assert sorted(configs) == sorted(d.name for d in stack.topology.devices)
    write_device_configs(stack, tmp_path)  # as `yunwang plan` writes them beside resources.json
    for device in stack.topology.devices:
        record = configs[device.name]
        assert record["name"] == f"{device.region}/devices/{device.name}" and record["region"] == device.region
        rendered = (tmp_path / "configs" / device.region / f"{device.name}.cfg").read_bytes()
        inputs = record["inputs"]
        assert inputs["config_sha256"] == hashlib.sha256(rendered).hexdigest()
        assert inputs["address"] == f"{device.mgmt}:{SSH_PORT}"
        assert inputs["topology"] == stack.config["yunwang:topology"] and inputs["stack"] == stack.name
        assert inputs["__provider"] == "[secret]"  # the pickled provider, whatever it holds, never shown
        assert record["parent"].endswith(f"yunwang:infra:NetworkDevices::{device.region}/network-devices")


def test_each_plane_runs_a_drift_check_of_the_devices_it_polls(plan: Plan) -> None:
    stack = load_stack(plan.doc["stack"], ROOT)
    assert stack.topology is not None
    zone, planes = monitoring_planes(stack.topology)
    assert zone is not None
    jobs = {j["metadata"]["labels"]["yunwang.io/region"]: j for j in plan.of_kind("CronJob")
            if j["metadata"]["name"] == "device-drift"}
    assert sorted(jobs) == sorted(planes)
    for region, polled in planes.items():
        job = jobs[region]
        assert job["metadata"]["namespace"] == zone.name and job["spec"]["concurrencyPolicy"] == "Forbid"
        pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        command = pod["containers"][0]["command"]
        assert command[:3] == ["yunwang", "net", "diff"]
        assert command[command.index("--report-to") + 1] == monitor_endpoint(zone.name)
        assert command[command.index("--known-hosts") + 1] == KNOWN_HOSTS_FILE
        assert [command[i + 1] for i, a in enumerate(command) if a == "--region"] == polled
        secrets = {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
        assert secrets == {"device-credentials", "monitor-admin-token"}
        egress = next(p for p in plan.of_kind("NetworkPolicy") if p["metadata"]["name"] ==
                      "allow-device-drift-to-devices" and p["metadata"]["labels"]["yunwang.io/region"] == region)
        cidrs = [peer["ipBlock"]["cidr"] for rule in egress["spec"]["egress"] for peer in rule["to"]]
        assert cidrs == [str(stack.topology.region_by_name[r].management) for r in polled]
        assert egress["spec"]["egress"][0]["ports"] == [{"port": SSH_PORT, "protocol": "TCP"}]


def test_the_drift_job_reads_the_planned_topology(dev_plan: Plan) -> None:
    stack_map = next(c for c in dev_plan.of_kind("ConfigMap") if c["metadata"]["name"] == "device-drift-stack")
    assert stack_map["data"]["topology.yaml"] == (ROOT / "infra" / "topology" / "dev.yaml").read_text()
    assert "yunwang:topology: topology.yaml" in stack_map["data"]["Pulumi.dev.yaml"]
    credentials = next(s for s in dev_plan.of_kind("Secret") if s["metadata"]["name"] == "device-credentials")
    assert credentials["stringData"] == {"YUNWANG_DEVICE_SYSTEM_PASSWORD": "[secret]"}
    hosts = next(c for c in dev_plan.of_kind("ConfigMap") if c["metadata"]["name"] == "device-known-hosts")
    assert "yunwang:deviceKnownHosts" in hosts["data"]["known_hosts"]  # says how to fill it


def _program(config: dict[str, str]) -> list[Any]:
    base = {"yunwang:topology": "infra/topology/dev.yaml", **SECRETS}
    merged = {**base, **config}
    secret_keys = [k for k in merged if k in SECRETS]
    return run_with_mocks(lambda: runpy.run_path(str(ROOT / "infra" / "__main__.py")), "dev",
                          {k: v for k, v in merged.items() if v is not None}, secret_keys)


def test_device_management_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNWANG_HOME", str(ROOT))
    hosts = "10.34.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0mZGV2aWNla2V5aG9zdA\n"
    on = _program({"yunwang:deviceKnownHosts": hosts})
    assert sum(r.type == DEVICE_CONFIG for r in on) == 11
    known = next(r for r in on if r.name == "luan/security-management/device-known-hosts")
    assert known.inputs["data"]["known_hosts"] == hosts
    off = _program({"yunwang:manageDevices": "false", "yunwang:deviceSystemPassword": None})  # type: ignore[dict-item]
    assert not [r for r in off if r.type == DEVICE_CONFIG or "device-drift" in r.name or "device-" in r.name]


def test_a_missing_device_password_names_the_key_and_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNWANG_HOME", str(ROOT))
    with pytest.raises(RunError) as exc:
        _program({"yunwang:deviceSystemPassword": None})  # type: ignore[dict-item]
    assert "yunwang:deviceSystemPassword" in str(exc.value) and "manageDevices false" in str(exc.value)
