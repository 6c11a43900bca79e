"""Rendered device configurations: compliant by construction, deterministic, secrets never shown, one intent."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from infra.network.render import FAMILIES, Rendered, mask_running, render_stack
from policies.engine import AuditUnit, ReadStats, run_audit
from policies.facts_device import parse_device_config
from yunwang.hardware import port_name
from yunwang.stacks import load_stack
from yunwang.topology import DeviceRole, Topology, Vendor

ROOT = Path(__file__).resolve().parents[2]


@cache
def stack(name: str) -> tuple[Topology, tuple[Rendered, ...]]:
    loaded = load_stack(name)
    assert loaded.topology is not None
    return loaded.topology, tuple(render_stack(loaded.topology, loaded.topology_file))


@pytest.mark.parametrize("vendor", list(Vendor), ids=[v.value for v in Vendor])
@pytest.mark.parametrize("name", ["dev", "liuan"])
def test_every_rendered_device_passes_the_device_audit(name: str, vendor: Vendor) -> None:
    """Zero high and zero medium findings from the device rules, for every device of the stack."""
    _, rendered = stack(name)
    mine = [r for r in rendered if r.device.vendor == vendor]
    if not mine:
        pytest.skip(f"stack {name} has no {vendor.value} device")
    units = [AuditUnit(source="device", facts=parse_device_config(r.text, r.path)) for r in mine]
    report = run_audit(units, stats=ReadStats(), errors=[])
    serious = [f"{f.rule.id} {f.target.file}:{f.target.line} {f.message}" for f in report.findings
               if f.rule.severity in ("high", "medium")]
    assert not serious, "\n".join(serious[:20])
    assert not report.errors


def test_rendering_is_deterministic_and_plans_write_the_same_files(tmp_path: Path) -> None:
    topo, first = stack("dev")
    again = render_stack(topo)
    assert [r.text for r in first] == [r.text for r in again]
    out = tmp_path / "net"
    subprocess.run([sys.executable, "-m", "yunwang", "net", "render", "--stack", "dev", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    for r in first:
        assert (out / r.device.region / f"{r.device.name}.cfg").read_text(encoding="utf-8") == r.text


def test_secrets_are_shown_masked_and_pushed_real(monkeypatch: pytest.MonkeyPatch) -> None:
    topo, masked = stack("dev")
    values = {}
    for r in masked:
        for env in r.secrets:
            values[env] = f"Zq{abs(hash(env)) % 10**8}Secret"
    assert {"YUNWANG_DEVICE_SYSTEM_PASSWORD", "YUNWANG_DEVICE_AUDIT_PASSWORD", "YUNWANG_SNMP_V3_CORE_AUTH_KEY",
            "YUNWANG_SNMP_V3_EDGE_PRIV_KEY", "YUNWANG_DEVICE_NTP_KEY", "YUNWANG_DEVICE_AAA_KEY",
            "YUNWANG_DEVICE_OSPF_KEY"} <= set(values)
    for env, value in values.items():
        monkeypatch.setenv(env, value)
    shown = render_stack(topo)
    pushed = render_stack(topo, push=True)
    for plain, push in zip(shown, pushed, strict=True):
        assert not any(v in plain.text for v in values.values()), "a masked rendering shows a secret"
        assert plain.text.count("[secret]") == sum(push.text.count(v) for v in values.values()) > 0
        assert "[secret]" not in push.text


def test_masking_a_running_configuration_matches_the_masked_rendering() -> None:
    """What a device prints (its own hashes where the plan has [secret]) masks back to the plan's text."""
    _, rendered = stack("liuan")
    by_vendor = {r.device.vendor: r for r in rendered}
    assert set(by_vendor) == set(FAMILIES)
    for vendor, r in by_vendor.items():
        hashes = (f"$c$3$Hx{i}Q==" for i in range(10**6))
        device_view = re.sub(r"\[secret\]", lambda _m, h=hashes: next(h), r.text)
        assert "[secret]" not in device_view
        assert mask_running(device_view, vendor) == r.text, vendor


def test_the_intent_reaches_every_device() -> None:
    topo, rendered = stack("liuan")
    texts = {r.device.name: r.text for r in rendered}
    peers: dict[str, dict[int, tuple[str, int]]] = defaultdict(dict)
    for link in topo.links:
        peers[link.a.device][link.a.port] = (link.b.device, link.b.port)
        peers[link.b.device][link.b.port] = (link.a.device, link.a.port)
    for device in topo.devices:
        text = texts[device.name]
        # Uplink descriptions name the peer and its port, in the peer's own port names.
        for peer, peer_port in peers[device.name].values():
            assert f"description to {peer} {port_name(topo.device_by_name[peer], peer_port)}" in text
        # No SNMPv1/v2c, no Telnet, no HTTP; SNMPv3 with privacy.
        assert "community" not in text and not re.search(r"^(ip http server|telnet server enable)", text, re.M)
        assert re.search(r"snmp-(agent group v3 \S+ privacy|server group \S+ v3 priv)", text)
        # Unused ports are shut down: a device has as many shut ports as ports with neither link nor user.
        unused = sum(1 for line in text.splitlines() if line.strip() == "description unused")
        assert text.count("\n shutdown\n") == unused
    # Every routed adjacency between regions is authenticated, on both ends.
    crossing = [link for link in topo.links
                if topo.device_by_name[link.a.device].region != topo.device_by_name[link.b.device].region]
    assert crossing
    for link in crossing:
        for end in (link.a, link.b):
            device = topo.device_by_name[end.device]
            block = _interface_block(texts[end.device], port_name(device, end.port))
            assert "ospf authentication-mode hmac-sha256 1 cipher [secret]" in block or \
                "ip ospf authentication key-chain" in block, (end.device, block)
    # Access ports carry admission control; user ports of IoT gateways port security.
    acc = texts["huoqiu-t01-acc-1"]
    assert acc.count("authentication-profile yunwang-dot1x") > 10
    assert "port-security enable" in texts["huoqiu-t01-iot-1"]
    assert any(d.role == DeviceRole.FIREWALL for d in topo.devices)


def _interface_block(text: str, name: str) -> str:
    start = text.index(f"\ninterface {name}\n")
    return text[start:text.index("\n#", start + 1)] if "\n#" in text[start + 1:] else text[start:]


def test_device_overrides_change_only_that_device() -> None:
    _, rendered = stack("dev")
    texts = {r.device.name: r.text for r in rendered}
    ruijie = texts["jinan-acc-2"]
    assert ruijie.count("switchport port-security\n") == 20  # intent: port security on ports 1-20
    assert "dot1x port-control" not in ruijie
    assert texts["jinan-acc-1"].count("authentication-profile yunwang-dot1x") == 22  # role default: 802.1X


def test_unsupported_model_is_a_located_error(tmp_path: Path) -> None:
    text = (ROOT / "infra/topology/dev.yaml").read_text(encoding="utf-8")
    bad = text.replace("vendor: huawei, model: NE40E-X8A", "vendor: huawei, model: CE12808")
    assert bad != text
    (tmp_path / "topo.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "Pulumi.yaml").write_text("name: yunwang\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.bad.yaml").write_text("config:\n  yunwang:topology: topo.yaml\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "yunwang", "net", "render", "--stack", "bad", "--out",
                             str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True,
                            env={"YUNWANG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if "CE12808" in s)
    assert f"topo.yaml:{line} at devices[3].model" in result.stderr.replace("\n", "")
    assert "no Huawei VRP renderer for model CE12808" in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr


def test_the_plan_writes_every_device_configuration(tmp_path: Path) -> None:
    topo, rendered = stack("dev")
    out = tmp_path / "plan"
    subprocess.run([sys.executable, "-m", "yunwang", "plan", "--stack", "dev", "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    written = sorted(p.relative_to(out).as_posix() for p in (out / "configs").rglob("*.cfg"))
    assert written == sorted(r.path for r in rendered)
    for r in rendered:
        assert (out / r.path).read_text(encoding="utf-8") == r.text
    assert len(written) == len(topo.devices)
