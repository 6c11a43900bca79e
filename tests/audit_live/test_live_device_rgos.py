"""Ruijie RGOS: the reader registered from its own module, recognised beside Cisco IOS, judged by every device rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from live_helpers import DEVICES, device_violations

from policies.devices.detect import detect_vendor
from policies.devices.registry import readers, vendor_choices
from policies.engine import ReadStats, run_audit
from policies.facts_device import load_device_configs, parse_device_config
from yunwang.contracts.vendors import Vendor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
INSECURE = EXAMPLES / "ruijie-access-insecure.cfg"
HARDENED = EXAMPLES / "ruijie-access-hardened.cfg"
ENCRYPTED = "snmp-server community 7 0822455d0a16"

# (rule id, failing RGOS snippet, passing RGOS snippet)
CASES: list[tuple[str, str, str]] = [
    ("YW-DEV-001", "enable service telnet-server\nline vty 0 4\n login local\n",
     "no enable service telnet-server\nline vty 0 4\n login local\n"),
    ("YW-DEV-001", "line vty 0 4\n transport input telnet ssh\n", "line vty 0 4\n transport input ssh\n"),
    ("YW-DEV-002", "enable service web-server\n", "enable service web-server https\n"),
    ("YW-DEV-002", "enable service web-server all\n", "no enable service web-server\n"),
    ("YW-DEV-003", "enable service ssh-server\n", "enable service ssh-server\nip ssh version 2\n"),
    ("YW-DEV-004", f"{ENCRYPTED} ro SNMP-NMS\n",
     f"{ENCRYPTED} ro SNMP-NMS\nno snmp-server enable version v1\nno snmp-server enable version v2c\n"),
    ("YW-DEV-005", "snmp-server community public ro\n", f"{ENCRYPTED} ro\n"),
    ("YW-DEV-006", "snmp-server user u1 g1 v3 auth sha K1\n", "snmp-server user u1 g1 v3 auth sha K1 priv aes128 K2\n"),
    ("YW-DEV-007", "username ops password 0 Ops@2026\n", "password policy strong\nusername ops secret 5 $1$ab$cd\n"),
    ("YW-DEV-007", "webmaster level 0 username web password Web@2026\n",
     "webmaster level 0 username web secret 8 $1c$ab$cd\n"),
    ("YW-DEV-009", "username ops privilege 15\n", "username ops privilege 15\nusername ops secret 5 $1$ab$cd\n"),
    ("YW-DEV-010", "logging buffered 64000\n", "logging server 10.10.99.50\n"),
    ("YW-DEV-011", "no logging on\n", "logging on\n"),
    ("YW-DEV-012", "service timestamps log uptime\n", "hostname r1\n"),
    ("YW-DEV-012", "no service timestamps\n", "no service timestamps debug\n"),
    ("YW-DEV-013", "hostname r1\n", "ntp server 10.10.99.10\n"),
    ("YW-DEV-014", "line vty 0 4\n exec-timeout 30 0\n", "line vty 0 4\n exec-timeout 10 0\n"),
    ("YW-DEV-015", "line vty 0 4\n transport input ssh\n",
     "ip access-list standard MGMT\n 10 permit 10.10.99.0 0.0.0.255\nline vty 0 4\n access-class MGMT in\n"),
    ("YW-DEV-016", "line vty 0 4\n password 7 08224b5c1a0d\n login\n", "line vty 0 4\n login local\n"),
    ("YW-DEV-016", "line console 0\n", "aaa new-model\nline console 0\n login authentication default\n"),
    ("YW-DEV-017", "hostname r1\n", "aaa local authentication attempts 5\naaa local authentication lockout-time 1\n"),
    ("YW-DEV-018", "hostname r1\n", "banner motd ^C\nAuthorised access only\n^C\n"),
    ("YW-DEV-019", "tacacs-server host 10.10.99.20\n",
     "tacacs-server host 10.10.99.20\naaa accounting commands 15 default start-stop group tacacs+\n"),
    ("YW-DEV-020", "hostname r1\n", "snmp-server host 10.10.99.60 traps version 3 priv nms\n"),
    ("YW-DEV-021", "interface GigabitEthernet 0/1\n switchport access vlan 10\n",
     "interface GigabitEthernet 0/1\n switchport access vlan 10\n dot1x port-control auto\n"
     "interface GigabitEthernet 0/2\n switchport access vlan 10\n switchport port-security\n"
     "interface TenGigabitEthernet 0/49\n switchport mode trunk\n"),
    ("YW-DEV-022", "interface VLAN 10\n ip address 10.0.10.1 255.255.255.0\n"
                   "interface VLAN 20\n ip address 10.0.20.1 255.255.255.0\n",
     "interface VLAN 1\n ip address 192.168.1.1 255.255.255.0\n"
     "interface VLAN 20\n ip address 10.0.20.1 255.255.255.0\n"),
    ("YW-DEV-023", "ip access-list extended 110\n 10 permit ip any any\n",
     "ip access-list extended 110\n 10 permit tcp any host 10.0.0.1 eq 443\n"),
    ("YW-DEV-025", "ip access-list standard MGMT\n 10 permit 10.0.0.0 0.0.0.255\n",
     "ip access-list standard MGMT\n 10 permit 10.0.0.0 0.0.0.255\nline vty 0 4\n access-class MGMT in\n"),
    ("YW-DEV-030", "wlan-config 1 guest\nwlansec 1\n",
     "wlansec 1\n security rsn enable\n security rsn akm 802.1x enable\n"),
    ("YW-DEV-030", "wlansec 2\n security static-wep-key encryption 40 ascii 1 12345\n",
     "wlansec 2\n security wpa enable\n security wpa ciphers aes enable\n"),
    ("YW-DEV-031", f"{ENCRYPTED} rw SNMP-NMS\n", f"{ENCRYPTED} ro SNMP-NMS\n"),
    ("YW-DEV-032", f"{ENCRYPTED} ro\n", f"{ENCRYPTED} view NMS-VIEW ro SNMP-NMS\n"),
    ("YW-DEV-033", "ftp-server enable\n", "no ftp-server enable\n"),
    ("YW-DEV-034", "rmon alarm 1 1.3.6.1.2.1.2.2.1.10.1 60 delta rising-threshold 1000 1 falling-threshold 10 1\n",
     "rmon alarm 1 1.3.6.1.4.1.4881.1.1.10.2.36.1.1.2.0 60 absolute rising-threshold 80 1 falling-threshold 70 1\n"),
]


@pytest.mark.parametrize(("rule_id", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_and_passes_on_rgos(rule_id: str, bad: str, good: str) -> None:
    failing = device_violations(rule_id, bad, "ruijie")  # type: ignore[arg-type]
    assert failing, f"{rule_id} should flag:\n{bad}"
    assert device_violations(rule_id, good, "ruijie") == [], f"{rule_id} should accept:\n{good}"  # type: ignore[arg-type]


def test_rgos_acls_end_in_an_implicit_deny() -> None:
    config = ("ip access-list extended WEB\n 10 permit tcp any host 10.0.0.1 eq 443\n"
              "interface GigabitEthernet 0/1\n no switchport\n ip access-group WEB in\n")
    assert device_violations("YW-DEV-024", config, "ruijie") == []  # type: ignore[arg-type]


def _findings(path: Path) -> dict[str, list[int | None]]:
    stats = ReadStats()
    loaded = load_device_configs([path], stats=stats)
    assert loaded.errors == [] and [c.vendor for c in loaded.configs] == [Vendor.RUIJIE]
    report = run_audit(loaded.units(), stats=stats, errors=loaded.errors)
    lines: dict[str, list[int | None]] = {}
    for f in report.findings:
        lines.setdefault(f.rule.id, []).append(f.target.line)
        assert f.target.id == loaded.configs[0].hostname
    return lines


def test_insecure_example_is_flagged_where_it_fails() -> None:
    found = _findings(INSECURE)
    text = INSECURE.read_text().splitlines()

    def at(rule_id: str) -> list[str]:
        return [text[line - 1].strip() for line in found.get(rule_id, []) if line]

    assert at("YW-DEV-001") == ["line vty 0 4"]  # Telnet server on, VTY not limited to SSH
    assert at("YW-DEV-002") == ["enable service web-server"]
    assert sorted(at("YW-DEV-004")) == ["snmp-server community private rw", "snmp-server community public ro"]
    assert set(at("YW-DEV-005")) == {"snmp-server community private rw", "snmp-server community public ro"}
    assert at("YW-DEV-031") == ["snmp-server community private rw"]
    assert set(at("YW-DEV-007")) == {"username admin password 0 admin", "username ops password 7 0330200e1d1c2f3f",
                                     "enable password ruijie", "webmaster level 0 username admin password admin"}
    assert None in found["YW-DEV-007"]  # and `service password-encryption` is off
    assert "YW-DEV-009" not in found  # `username admin privilege 15` belongs to the account of the line before
    assert found["YW-DEV-017"] == [None]  # no lockout after failed logins
    assert at("YW-DEV-021") == ["interface GigabitEthernet 0/1", "interface GigabitEthernet 0/2"]
    assert at("YW-DEV-012") == ["service timestamps log uptime"]
    assert at("YW-DEV-033") == ["ftp-server enable"]
    assert {"YW-DEV-010", "YW-DEV-013", "YW-DEV-014", "YW-DEV-015", "YW-DEV-016", "YW-DEV-023"} <= set(found)


def test_hardened_example_has_no_finding() -> None:
    assert _findings(HARDENED) == {}


def test_interfaces_keep_their_rgos_names() -> None:
    config = parse_device_config(HARDENED.read_text(), "h.cfg")
    assert [i.name for i in config.interfaces] == ["GigabitEthernet 0/1", "GigabitEthernet 0/2", "GigabitEthernet 0/3",
                                                   "TenGigabitEthernet 0/49", "VLAN 99"]
    assert [i.name for i in config.interfaces if i.access_port] == ["GigabitEthernet 0/1", "GigabitEthernet 0/2",
                                                                    "GigabitEthernet 0/3"]


RGOS_12 = """Building configuration...
Current configuration : 2210 bytes

version S5760X_RGOS 12.6(2)B0702P1
hostname CORE-2
!
username admin password 7 $10$1a7$3rsQYUPXJ8Szfg==$
!
enable service ssh-server
no enable service telnet-server
!
interface GigabitEthernet 1/0/1
 port-group 10
!
line console 0
line vty 0 4
 login local
!
end
"""
IOS = "!\nversion 15.2\nhostname R1\n!\ninterface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.255.0\n!\n" \
      "line con 0\nline vty 0 4\n transport input ssh\n!\nend\n"


@pytest.mark.parametrize(("text", "vendor"), [
    (INSECURE.read_text(), "ruijie"), (HARDENED.read_text(), "ruijie"), (RGOS_12, "ruijie"),
    ("hostname S1\n!\ninterface GigabitEthernet 0/1\n!\nline vty 0 4\n!\nend\n", "ruijie"),
    (IOS, "cisco"), ((DEVICES / "cisco-insecure.cfg").read_text(), "cisco"),
    ((DEVICES / "cisco-hardened.cfg").read_text(), "cisco"), ("!\nhostname R\n!\nline vty 0 4\n!\nend\n", "cisco"),
])
def test_ruijie_is_told_from_cisco(text: str, vendor: str) -> None:
    assert detect_vendor(text) == vendor


def test_every_project_vendor_has_a_reader_and_a_vendor_choice() -> None:
    assert list(readers()) == list(Vendor)
    assert vendor_choices() == ("auto", "huawei", "h3c", "cisco", "ruijie")
    assert readers()[Vendor.RUIJIE].read.__module__ == "policies.devices.rgos"


def test_forced_vendor_and_unknown_vendor() -> None:
    assert parse_device_config(RGOS_12, "c.cfg", "ruijie").hostname == "CORE-2"
    with pytest.raises(ValueError, match="ruijie"):
        parse_device_config(RGOS_12, "c.cfg", "juniper")


def test_cli_vendor_choices_come_from_the_registry() -> None:
    from typer.testing import CliRunner

    from policies.cli import app

    forced = CliRunner().invoke(app, ["device", str(HARDENED), "--vendor", "ruijie", "--fail-on", "low"])
    assert forced.exit_code == 0, forced.output
    unknown = CliRunner().invoke(app, ["device", str(HARDENED), "--vendor", "juniper"])
    assert unknown.exit_code == 2 and "auto, huawei, h3c, cisco, ruijie" in _plain(unknown.output)
    assert "auto | huawei | h3c | cisco | ruijie" in _plain(CliRunner().invoke(app, ["device", "--help"]).output)


def _plain(output: str) -> str:
    """Terminal output without rich's boxes and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())
