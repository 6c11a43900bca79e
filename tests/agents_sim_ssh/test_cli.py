"""The CLI of each dialect: prompts, modes, negation, display from state and the vendors' error texts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ssh_testlib import ACCOUNT, BY_DIALECT, PASSWORD, Terminal, device_named

from agents.sim.ssh.build import build_device
from agents.sim.ssh.device import SimDevice
from yunwang.testkit import ROOT
from yunwang.topology import Topology


def terminal(topo: Topology, dialect: str) -> Terminal:
    return Terminal(build_device(device_named(topo, BY_DIALECT[dialect]), ACCOUNT))


def test_vrp_prompts_and_mode_stack(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    assert t.prompt == "<luan-acc-1>"
    assert "Enter system view" in t("system-view")
    assert t.prompt == "[luan-acc-1]"
    t("interface GigabitEthernet0/0/1")
    assert t.prompt == "[luan-acc-1-GigabitEthernet0/0/1]"
    t("quit")
    t("user-interface vty 0 4")
    assert t.prompt == "[luan-acc-1-ui-vty0-4]"
    t("quit")
    t("aaa")
    assert t.prompt == "[luan-acc-1-aaa]"
    t("return")
    assert t.prompt == "<luan-acc-1>"
    t("sys")
    t("acl 3000")
    assert t.prompt == "[luan-acc-1-acl-adv-3000]"
    t("quit")
    t("sysname core-x")
    assert t.prompt == "[core-x]"


def test_usg_security_policy_prompts_and_display(dev: Topology) -> None:
    t = terminal(dev, "vrp-usg")
    t("system-view")
    t("security-policy")
    assert t.prompt == "[luan-fw-1-policy-security]"
    t("rule name mgmt-ssh")
    assert t.prompt == "[luan-fw-1-policy-security-rule-mgmt-ssh]"
    for cmd in ("source-zone trust", "destination-zone local", "source-address 10.34.19.0 24",
                "service protocol tcp destination-port 22", "action permit", "policy logging"):
        assert t(cmd) == "", cmd
    shown = t("display current-configuration")
    assert ("security-policy\n default action permit\n rule name mgmt-ssh\n  source-zone trust\n"
            "  destination-zone local\n  source-address 10.34.19.0 mask 255.255.255.0\n"
            "  service protocol tcp destination-port 22\n  action permit\n  policy logging\n") in shown
    assert "firewall zone trust\n set priority 85\n" in shown


def test_comware_ios_rgos_prompts(dev: Topology) -> None:
    c = terminal(dev, "comware")
    c("system-view")
    c("interface Ten-GigabitEthernet1/0/1")
    assert c.prompt == "[luan-core-1-Ten-GigabitEthernet1/0/1]"
    c("quit")
    c("line vty 0 63")
    assert c.prompt == "[luan-core-1-line-vty0-63]"
    c("quit")
    c("local-user sysadmin class manage")
    assert c.prompt == "[luan-core-1-luser-manage-sysadmin]"
    i = terminal(dev, "ios")
    assert i.prompt == "luan-rt-9#"  # a privilege-15 user lands in privileged exec
    assert "Enter configuration commands" in i("configure terminal")
    assert i.prompt == "luan-rt-9(config)#"
    i("interface Gi0/0/1")
    assert i.prompt == "luan-rt-9(config-if)#"
    i("ip access-list extended MGMT")  # a global command from a sub-mode moves to global configuration
    assert i.prompt == "luan-rt-9(config-ext-nacl)#"
    i("line vty 0 4")
    assert i.prompt == "luan-rt-9(config-line)#"
    i("end")
    assert i.prompt == "luan-rt-9#"
    r = terminal(dev, "rgos")
    r("configure terminal")
    r("interface gi0/3")
    assert r.prompt == "jinan-acc-2(config-if)#"
    r("description uplink")
    r("end")
    assert "interface GigabitEthernet 0/3\n description uplink\n" in r("show running-config")


def test_vrp_undo_removes_lines_and_sections(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    t("system-view")
    t("vlan batch 10 20 30 to 33")
    t("vlan 10")
    t("name users")
    t("quit")
    t("interface Vlanif10")
    t("ip address 10.0.10.1 24")
    t("quit")
    t("acl number 2001")
    t("rule permit source 10.34.19.0 0.0.0.255")
    t("rule deny")
    t("quit")
    shown = t("display current-configuration")
    assert "vlan batch 10 20 30 to 33\n" in shown
    assert "#\nvlan 10\n name users\n#" in shown
    assert "interface Vlanif10\n ip address 10.0.10.1 255.255.255.0\n" in shown
    assert "acl number 2001\n rule 5 permit source 10.34.19.0 0.0.0.255\n rule 10 deny\n" in shown
    t("undo vlan batch 31 to 33")
    t("undo interface Vlanif10")
    t("undo acl 2001")
    t("undo telnet server enable")
    t("undo snmp-agent community public")
    t("aaa")
    t("undo local-user admin")
    t("quit")
    shown = t("display current-configuration")
    assert "vlan batch 10 20 30\n" in shown
    for gone in ("interface Vlanif10", "acl number 2001", "\ntelnet server enable", "snmp-agent community",
                 "local-user admin "):
        assert gone not in shown, gone
    assert "local-user sysadmin" in shown


def test_comware_and_ios_negation(dev: Topology) -> None:
    c = terminal(dev, "comware")
    c("system-view")
    c("vlan 30")
    c("name users")
    assert c("undo name users").startswith(" " * len("[luan-core-1-vlan30]undo name ") + "^\n% Too many")
    assert c("undo name") == ""
    c("quit")
    c("undo telnet server enable")
    shown = c("display current-configuration")
    assert "#\nvlan 30\n#" in shown and " telnet server enable" not in shown
    assert shown.startswith("#\n version 7.1.070, Release 7607\n#\n sysname luan-core-1\n#")
    i = terminal(dev, "ios")
    i("configure terminal")
    i("no ip http server")
    i("ip access-list extended MGMT")
    i("permit tcp 10.34.19.0 0.0.0.255 any eq 22")
    i("deny ip any any log")
    i("exit")
    i("no snmp-server community public")
    i("end")
    shown = i("show running-config")
    assert shown.startswith("Building configuration...\n\nCurrent configuration : ")
    assert "no ip http server\n" in shown and "snmp-server community" not in shown
    assert "ip access-list extended MGMT\n permit tcp 10.34.19.0 0.0.0.255 any eq 22\n deny ip any any log\n" in shown
    assert shown.rstrip().endswith("!\nend")


@pytest.mark.parametrize(("dialect", "line", "expected"), [
    ("vrp", "dispaly current-configuration", "Error: Unrecognized command found at '^' position."),
    ("vrp", "sysname", "Error:Incomplete command found at '^' position."),
    ("vrp", "vlan 5000", "Error: Wrong parameter found at '^' position."),
    ("vrp", "sysname a b", "Error:Too many parameters found at '^' position."),
    ("comware", "sysnme x", "% Unrecognized command found at '^' position."),
    ("comware", "sysname", "% Incomplete command found at '^' position."),
    ("ios", "hostnme x", "% Invalid input detected at '^' marker."),
    ("ios", "hostname", "% Incomplete command."),
    ("rgos", "vlan 5000", "% Invalid input detected at '^' marker."),
])
def test_vendor_errors_and_state_unchanged(dev: Topology, dialect: str, line: str, expected: str) -> None:
    t = terminal(dev, dialect)
    t("system-view" if dialect in ("vrp", "comware") else "configure terminal")
    before = t.device.running_config()
    prompt = t.prompt
    out = t(line)
    assert out.splitlines()[-1] == expected
    if "^" in expected:
        caret = out.splitlines()[0]
        assert caret.strip() == "^"
        column = {"dispaly current-configuration": 0, "sysname": len(line) + 1, "vlan 5000": 5, "sysnme x": 0,
                  "hostnme x": 0, "sysname a b": len("sysname a ")}[line]
        assert caret.index("^") == len(prompt) + column
    assert t.device.running_config() == before
    assert t.prompt == prompt


def test_keywords_abbreviate_and_ambiguity_is_reported(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    assert t("dis cu").startswith("!Software Version")
    assert t("sys").startswith("Enter system view")
    assert t("d").endswith("Error:Incomplete command found at '^' position.")


def test_save_dialogs_and_saved_configuration(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    reply = t.device.execute(t.stack, "save", "sysadmin")
    assert reply.dialog is not None and reply.dialog.questions[0][0].endswith("Are you sure to continue?[Y/N]")
    c = terminal(dev, "comware")
    assert "Saved the current configuration" in c("save force")
    i = terminal(dev, "ios")
    i("configure terminal")
    i("hostname edge-9")
    i("end")
    assert i("write memory") == "Building configuration...\n[OK]"
    assert "hostname edge-9" in i.device.saved_config()
    copy = i.device.execute(i.stack, "copy running-config startup-config", "sysadmin")
    assert copy.dialog is not None and copy.dialog.questions[0][0] == "Destination filename [startup-config]? "


@pytest.mark.parametrize("dialect", ["vrp", "comware", "ios", "rgos"])
def test_login_checked_against_current_state(dev: Topology, dialect: str) -> None:
    device: SimDevice = terminal(dev, dialect).device
    assert device.check_login("sysadmin", PASSWORD)
    assert not device.check_login("sysadmin", "wrong")
    assert not device.check_login("nobody", PASSWORD)
    removal = {"vrp": ["aaa", "undo local-user sysadmin"], "comware": ["undo local-user sysadmin class manage"],
               "ios": ["no username sysadmin"], "rgos": ["no username sysadmin"]}[dialect]
    device.configure(removal)
    assert not device.check_login("sysadmin", PASSWORD)


def test_hashed_forms_never_store_plaintext(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    t("system-view")
    t("aaa")
    t("local-user secadmin password irreversible-cipher Plain-Text-9")
    t("local-user secadmin service-type ssh")
    shown = t.device.running_config()
    assert "Plain-Text-9" not in shown and "local-user secadmin password irreversible-cipher $1a$" in shown
    assert t.device.check_login("secadmin", "Plain-Text-9")
    i = terminal(dev, "ios")
    i("configure terminal")
    i("username auditor privilege 1 secret Plain-Text-9")
    assert "username auditor privilege 1 secret 9 $9$" in i.device.running_config()
    assert "Plain-Text-9" not in i.device.running_config()


def test_factory_configurations_fail_the_audit(dev: Topology, tmp_path: Path) -> None:
    """The insecure factory state is what `yunwang audit device` flags: high findings on every vendor it reads."""
    for dialect in ("vrp", "vrp-usg", "comware", "ios"):
        device = terminal(dev, dialect).device
        (tmp_path / f"{device.name}.cfg").write_text(device.running_config(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "yunwang", "audit", "device", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert not report["errors"]
    high = {(f["target"]["id"], f["rule_id"]) for f in report["findings"] if f["severity"] == "high"}
    for name in ("luan-acc-1", "luan-fw-1", "luan-core-1", "luan-rt-9"):
        assert any(target == name for target, _ in high), (name, sorted(high))
