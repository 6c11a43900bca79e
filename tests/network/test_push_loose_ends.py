"""What the push path sends is what the simulated device takes, as the vendor takes it: NTP keys stored as the
device prints them, trunk lists changed without dropping a live VLAN, header lines never counted as drift."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

import pytest
from netsim import topology_text

from agents.sim.ssh.accounts import LoginAccount
from agents.sim.ssh.build import build_device
from agents.sim.ssh.device import Frame, SimDevice
from infra.network.apply import fingerprint
from infra.network.backup import backup_text
from infra.network.diff import diff_device
from infra.network.remediation import remediate
from infra.network.render import render_stack
from yunwang.contracts import device_passwords as pw
from yunwang.topology import Device, Topology, Vendor, load_topology

ACCOUNT = LoginAccount("sysadmin", "Sim-Test-Pw1")


@cache
def netops() -> Topology:
    path = Path(tempfile.mkdtemp()) / "topology.yaml"
    path.write_text(topology_text(), encoding="utf-8")
    return load_topology(path)


def device_of(vendor: Vendor) -> Device:
    """A switch of the family (a router for Cisco: the stack has no Cisco switch; its ports switch too)."""
    ranked = ("access", "core", "router")
    return min((d for d in netops().devices if d.vendor == vendor and d.role.value in ranked),
               key=lambda d: ranked.index(d.role.value))


def typed(sim: SimDevice, lines: list[str] | tuple[str, ...]) -> list[str]:
    """Type ``lines`` in configuration mode; the device's error for each rejected one."""
    stack = [*sim.login_frames("sysadmin"), Frame(sim.dialect.config_mode, sim.root)]
    errors = []
    for line in lines:
        output = sim.execute(stack, line, "sysadmin").output.strip()
        if output.startswith(("Error", "%", "^")):
            errors.append(f"{line!r}: {output.splitlines()[-1]}")
    return errors


@pytest.mark.parametrize("vendor", [Vendor.RUIJIE, Vendor.CISCO], ids=["rgos", "ios"])
def test_the_ntp_key_is_pushed_in_clear_stored_in_type_7_and_then_matches_the_intent(
        vendor: Vendor, secrets: dict[str, str]) -> None:
    device = device_of(vendor)
    topo = netops()
    intent = render_stack(topo, devices=[device.name])[0].text
    real = render_stack(topo, devices=[device.name], push=True, env=secrets)[0].text
    assert re.search(r"^ntp authentication-key 1 \S+ \[secret\] 7$", intent, re.M)  # as the device prints it
    sent = next(line for line in real.splitlines() if line.startswith("ntp authentication-key"))
    assert sent.endswith(" " + secrets["YUNWANG_DEVICE_NTP_KEY"])  # typed in clear, no "7" claiming a cipher

    sim = build_device(device, ACCOUNT)
    found = remediate(vendor, sim.running_config(), intent, real, device=device.name)
    assert typed(sim, found.commands) == []
    shown = next(line for line in sim.running_config().splitlines() if line.startswith("ntp authentication-key"))
    stored = shown.split()[-2]
    assert shown.endswith(" 7") and pw.reveal_type7(stored) == secrets["YUNWANG_DEVICE_NTP_KEY"]
    assert remediate(vendor, sim.running_config(), intent, device=device.name).empty  # no eternal drift
    assert typed(sim, [f"ntp authentication-key 1 md5 {stored} 7"]) == []  # a type 7 value is kept as typed
    assert stored in sim.running_config()


TRUNKS = {  # vendor: (enter the port as a trunk, the list line with {}, VLAN separator)
    Vendor.CISCO: (["switchport mode trunk"], " switchport trunk allowed vlan {}", ","),
    Vendor.RUIJIE: (["switchport mode trunk"], " switchport trunk allowed vlan only {}", ","),
    Vendor.HUAWEI: (["port link-type trunk"], " port trunk allow-pass vlan {}", " "),
    Vendor.H3C: (["port link-type trunk"], " port trunk permit vlan {}", " "),
}
EVERY = set(range(1, 4095))


def port_block(sim: SimDevice, port: str) -> list[str]:
    lines = sim.running_config().splitlines()
    at = lines.index(f"interface {port}")
    block = []
    for line in lines[at + 1:]:
        if not line.startswith(" "):
            break
        block.append(line)
    return block


def allowed(sim: SimDevice, vendor: Vendor, port: str) -> set[int]:
    """The VLANs the trunk carries (IOS / RGOS: no list is every VLAN; VRP / Comware: VLAN 1 unless undone)."""
    block = port_block(sim, port)
    listed = next((line for line in block if re.match(r" (switchport trunk allowed|port trunk (allow-pass|permit)) "
                                                      r"vlan ", line)), None)
    if listed is None:
        return EVERY if vendor in (Vendor.CISCO, Vendor.RUIJIE) else ({1} - {1 if any(
            "vlan 1" in line and line.strip().startswith("undo") for line in block) else 0})
    ids: set[int] = set()
    words = re.sub(r"^.*? vlan (only )?", "", listed).replace(",", " ").replace(" to ", "-").split()
    for word in words:
        low, _, high = word.partition("-")
        ids.update(range(int(low), int(high or low) + 1))
    undone = any(line.strip().startswith("undo port trunk") and line.strip().endswith("vlan 1") for line in block)
    return ids | ({1} if vendor in (Vendor.HUAWEI, Vendor.H3C) and not undone else set())


@pytest.mark.parametrize("vendor", list(TRUNKS), ids=[v.value for v in TRUNKS])
def test_trunk_lists_change_as_the_device_takes_them_and_never_drop_a_vlan_kept(vendor: Vendor) -> None:
    enter, listed, sep = TRUNKS[vendor]
    device = device_of(vendor)
    sim = build_device(device, ACCOUNT)
    port = next(line.split(" ", 1)[1] for line in sim.running_config().splitlines()
                if line.startswith("interface") and "Ethernet" in line)
    section = f"interface {port}\n{' ' + enter[0]}\n" + "{}" + ("!\n" if sep == "," else "#\n")

    def config(vlans: list[int] | None) -> str:
        return section.format("" if vlans is None else listed.format(sep.join(map(str, vlans))) + "\n")

    assert typed(sim, [f"interface {port}", *enter, listed.format(sep.join(["10", "20", "30"])).strip()]) == []
    for wanted in ([10, 20, 40], None):
        before = allowed(sim, vendor, port)
        if wanted is not None:
            kept = before & set(wanted)
        else:  # the intent drops the list: IOS / RGOS go back to every VLAN, VRP / Comware carry none of them
            kept = before if vendor in (Vendor.CISCO, Vendor.RUIJIE) else set()
        running = config(sorted(before - {1}) if before != EVERY else None)
        found = remediate(vendor, running, config(wanted), config(wanted), device=device.name)
        assert found.commands, wanted
        for command in found.commands:  # one line at a time, as the push types them
            if command in ("quit", "exit", f"interface {port}"):
                continue
            stack_errors = typed(sim, [f"interface {port}", command])
            assert stack_errors == [], (found.commands, stack_errors)
            assert kept <= allowed(sim, vendor, port), f"{command!r} dropped {kept - allowed(sim, vendor, port)}"
        if wanted is not None:
            assert allowed(sim, vendor, port) - {1} == set(wanted)
        elif vendor in (Vendor.CISCO, Vendor.RUIJIE):
            assert found.commands[1] == "no switchport trunk allowed vlan"  # the vendor's bare no form
            assert allowed(sim, vendor, port) == EVERY
    if vendor in (Vendor.CISCO, Vendor.RUIJIE):  # add / remove work from "every VLAN" when no list is set
        assert typed(sim, [f"interface {port}", listed.strip().replace("only ", "").format("remove 40")]) == []
        assert allowed(sim, vendor, port) == EVERY - {40}


@pytest.mark.parametrize("vendor", list(Vendor), ids=[v.value for v in Vendor])
def test_header_lines_of_running_and_saved_configurations_are_never_drift(vendor: Vendor) -> None:
    device = device_of(vendor)
    sim = build_device(device, ACCOUNT)
    renamed = "hostname" if vendor in (Vendor.CISCO, Vendor.RUIJIE) else "sysname"
    assert typed(sim, [f"{renamed} {device.name}-x"]) == []  # a change: the "last change" header appears
    sim.save()
    first = sim.running_config()
    header = [line for line in first.splitlines()[:4] if re.search(r"[Vv]ersion|Last configuration", line)]
    assert header, first[:200]
    upgraded = first
    for line in header:  # another software version, another timestamp: nothing configured changed
        upgraded = upgraded.replace(line, re.sub(r"\d", "9", line))
    assert upgraded != first
    assert backup_text(upgraded, vendor) == backup_text(first, vendor)
    assert fingerprint(upgraded, device) == fingerprint(first, device)
    assert fingerprint(sim.saved_config(), device) == fingerprint(first, device)
    assert diff_device(device, upgraded, backup_text(first, vendor)).status == "clean"
