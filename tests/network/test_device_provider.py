"""The DeviceConfig dynamic provider against a simulated device over SSH, called directly (a dynamic provider is
a plain object): check, diff, read, create, a change by hand, update, delete, and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from agents.sim.ssh.server import FleetThread, SshFleet
from infra.network.device_state import DeviceConfigError
from infra.network.intent_digest import config_hash
from infra.network.provider import DeviceConfigProvider
from infra.network.render import render_stack
from yunwang.contracts.device_access import ADMIN_ROLES, password_env
from yunwang.contracts.device_secrets import AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV
from yunwang.stacks import load_stack
from yunwang.testkit import ROOT, free_tcp_block

DEVICE = "luan-acc-1"
TELNET = "telnet server enable"
TOPOLOGY = "infra/topology/dev.yaml"
SECRETS = {**{password_env(role): f"Provider-{role}-Pw-1" for role in ADMIN_ROLES},
           **{name: f"provider-{name.lower()}" for name in (AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV)},
           **{f"YUNWANG_SNMP_{p}_{k}_KEY": f"provider-{p.lower()}-{k.lower()}"
              for p in ("V3_CORE", "V3_EDGE", "V3_IOT") for k in ("AUTH", "PRIV")}}


def lines(config: str) -> set[str]:
    return {line.strip() for line in config.splitlines()}


@pytest.fixture
def device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FleetThread, dict[str, Any]]]:
    """One simulated device in its factory state, and the inputs the plan gives its DeviceConfig."""
    monkeypatch.setenv("YUNWANG_HOME", str(ROOT))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    stack = load_stack("dev", ROOT)
    topo = stack.topology
    assert topo is not None
    [rendered] = render_stack(topo, stack.topology_file, devices=[DEVICE])
    port = free_tcp_block(1)
    fleet = FleetThread(SshFleet([topo.device_by_name[DEVICE]], topology=topo, base_port=port, state_dir=tmp_path))
    fleet.start()
    key = asyncssh.read_private_key(str(tmp_path / "ssh_host_ed25519_key")).export_public_key().decode().strip()
    props = {"device": DEVICE, "stack": "dev", "topology": TOPOLOGY, "address": f"127.0.0.1:{port}",
             "config_sha256": config_hash(rendered.text), "known_hosts": f"[127.0.0.1]:{port} {key}\n"}
    try:
        yield fleet, props
    finally:
        fleet.close()


def test_the_provider_brings_a_device_to_its_intent_and_sees_it_drift(
        device: tuple[FleetThread, dict[str, Any]]) -> None:
    fleet, props = device
    provider = DeviceConfigProvider()
    assert provider.check({}, props).failures == []

    # Factory state: preview shows a change, refresh records how far the device is from its intent.
    assert provider.diff(DEVICE, props, props).changes is True
    factory = provider.read(DEVICE, props).outs
    assert factory["drift_lines"] > 10 and factory["collected_at"]
    assert TELNET in lines(fleet.running_config(DEVICE))

    # pulumi up: the remediation is pushed, verified and saved.
    created = provider.create(props)
    assert created.id == DEVICE
    assert created.outs["drift_lines"] == 0 and created.outs["applied_lines"] > 10
    running = fleet.running_config(DEVICE)
    assert TELNET not in lines(running) and fleet.saved_config(DEVICE) == running
    assert provider.diff(DEVICE, props, props).changes is False
    assert provider.read(DEVICE, props).outs["drift_lines"] == 0

    # Someone changes the device by hand: the next preview shows it, the next up restores the intent.
    fleet.drift(DEVICE, [TELNET])
    assert provider.diff(DEVICE, props, props).changes is True
    assert provider.read(DEVICE, props).outs["drift_lines"] >= 1
    updated = provider.update(DEVICE, props, props).outs
    assert updated["drift_lines"] == 0 and updated["applied_lines"] >= 1
    assert TELNET not in lines(fleet.running_config(DEVICE))

    # Delete sends nothing: the device keeps its configuration (and stays reachable).
    before = fleet.running_config(DEVICE)
    provider.delete(DEVICE, props)
    assert fleet.running_config(DEVICE) == before


def test_the_provider_refuses_a_stale_plan_and_names_missing_secrets(
        device: tuple[FleetThread, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    fleet, props = device
    provider = DeviceConfigProvider()
    factory = fleet.running_config(DEVICE)
    with pytest.raises(DeviceConfigError, match="topology changed since this plan"):
        provider.create({**props, "config_sha256": "0" * 64})
    monkeypatch.delenv(password_env("security"))
    with pytest.raises(DeviceConfigError, match="YUNWANG_DEVICE_SECURITY_PASSWORD") as missing:
        provider.create(props)
    assert "Provider-" not in str(missing.value)
    assert fleet.running_config(DEVICE) == factory, "a refused create sent something"
    failures = provider.check({}, {**props, "device": "nowhere-sw-1"}).failures
    assert [f.property for f in failures] == ["device"]
    assert [f.property for f in provider.check({}, {**props, "address": "nowhere"}).failures] == ["address"]


def test_an_untrusted_host_key_is_not_accepted(device: tuple[FleetThread, dict[str, Any]]) -> None:
    _, props = device
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    port = props["address"].rsplit(":", 1)[1]
    with pytest.raises(DeviceConfigError, match="host key"):
        DeviceConfigProvider().read(DEVICE, {**props, "known_hosts": f"[127.0.0.1]:{port} {other}\n"})
