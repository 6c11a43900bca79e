"""Every device rule fails on a config that breaks it and passes on one that does not (per vendor syntax)."""

from __future__ import annotations

import pytest
from device_cases import Case, added, case, changed, removed
from device_hardening_cases import CASES as HARDENING_CASES
from device_snippets import H3C_FW, HW_FW, HW_POLICY_PERMIT, h3c_policy, hw_acl, hw_policy, ios_acl
from live_helpers import DEVICES, device_violations

from policies.engine import ReadStats, run_audit
from policies.facts_device import load_device_configs

VTY_SSH = "line vty 0 4\n transport input ssh\n"

CASES: list[Case] = [
    case("YW-DEV-001", "huawei", "telnet server enable\n", "undo telnet server enable\nstelnet server enable\n"),
    changed("YW-DEV-001", "h3c", "line vty 0 63\n protocol inbound {}\n", "telnet", "ssh"),
    changed("YW-DEV-001", "cisco", "line vty 0 4\n transport input {}\n", "telnet ssh", "ssh"),
    changed("YW-DEV-001", "cisco", "line vty 0 4\n {}\n", "login local", "transport input none"),
    case("YW-DEV-002", "huawei", "http server enable\n", "undo http server enable\nhttp secure-server enable\n"),
    case("YW-DEV-002", "h3c", " ip http enable\n", " undo ip http enable\n ip https enable\n"),
    case("YW-DEV-002", "cisco", "ip http server\n", "no ip http server\nip http secure-server\n"),
    case("YW-DEV-003", "huawei", "ssh server compatible-ssh1x enable\n", "undo ssh server compatible-ssh1x enable\n"),
    added("YW-DEV-003", "cisco", VTY_SSH, before="ip ssh version 2\n"),
    changed("YW-DEV-003", "cisco", "version {}\n" + VTY_SSH, "15.2", "17.3"),
    changed("YW-DEV-004", "h3c", " snmp-agent sys-info version {}\n", "all", "v3"),
    case("YW-DEV-004", "cisco", "snmp-server community Xy7-s3cret RO 10\n", "snmp-server group NMS v3 priv\n"),
    changed("YW-DEV-005", "huawei", "snmp-agent community read {}\n", "public", "cipher %^%#Q0h{D~Z8%^%#"),
    case("YW-DEV-005", "cisco", "snmp-server community private RW\n", "snmp-server community Xy7-s3cret RO 10\n"),
    changed("YW-DEV-006", "huawei", "snmp-agent group v3 g1{}\n", "", " privacy"),
    case("YW-DEV-006", "h3c", " snmp-agent usm-user v3 u1 g1 simple authentication-mode sha Auth12345\n",
         " snmp-agent usm-user v3 u1 g1 cipher authentication-mode sha $c$3$a privacy-mode aes128 $c$3$b\n"),
    changed("YW-DEV-006", "cisco", "snmp-server group G v3 {}\n", "auth", "priv"),
    changed("YW-DEV-007", "huawei", "aaa\n local-user ops password {}\n", "simple Ops@2026",
            "irreversible-cipher $1a$abc$"),
    changed("YW-DEV-007", "h3c", "local-user ops class manage\n password {}\n", "simple Ops@2026", "hash $h$6$abc"),
    case("YW-DEV-007", "cisco", "username ops password 7 0822455D0A16\n", "username ops secret 9 $9$abc\n"),
    case("YW-DEV-007", "cisco", "line vty 0 4\n password Vty2026\n",
         "service password-encryption\nline vty 0 4\n password 7 094F471A1A0A\n"),
    case("YW-DEV-008", "h3c", "local-user admin class manage\n password hash $h$6$abc\n",
         "local-user netops class manage\n password hash $h$6$abc\nlocal-user guest class network\n"),
    changed("YW-DEV-009", "h3c", "local-user ops class manage\n{} service-type ssh\n", "", " password hash $h$6$abc\n"),
    case("YW-DEV-009", "cisco", "username ops nopassword\n", "username ops secret 9 $9$abc\n"),
    case("YW-DEV-010", "huawei", "info-center loghost source Vlanif10\n", "info-center loghost 10.10.99.50\n"),
    case("YW-DEV-010", "cisco", "logging buffered 64000\n", "logging 10.10.99.50\n"),
    case("YW-DEV-011", "huawei", "undo info-center enable\n", "info-center enable\n"),
    case("YW-DEV-011", "cisco", "no logging on\n", "logging on\n"),
    changed("YW-DEV-012", "h3c", " info-center timestamp {}\n", "boot", "date"),
    case("YW-DEV-012", "cisco", "hostname r1\n",
         "service timestamps log datetime msec\nservice timestamps debug datetime msec\n"),
    case("YW-DEV-013", "h3c", " sysname s1\n", " ntp-service unicast-server 10.10.99.10\n"),
    case("YW-DEV-013", "cisco", "hostname r1\n", "ntp server 10.10.99.10\n"),
    changed("YW-DEV-014", "huawei", "user-interface vty 0 4\n idle-timeout {} 0\n", "0", "10"),
    removed("YW-DEV-014", "cisco", "line con 0\n", after=" exec-timeout 60 0\n"),
    added("YW-DEV-015", "huawei", "user-interface vty 0 4\n acl 2001 inbound\n",
          before="acl number 2001\n rule 5 permit source 10.10.99.0 0.0.0.255\n"),
    case("YW-DEV-015", "cisco", VTY_SSH,
         "ip access-list standard MGMT\n permit 10.10.99.0 0.0.0.255\nline vty 0 4\n access-class MGMT in\n"),
    changed("YW-DEV-016", "huawei", "user-interface vty 0 4\n authentication-mode {}\n", "password", "aaa"),
    changed("YW-DEV-016", "h3c", "line vty 0 63\n {}\n", "user-role network-admin", "authentication-mode scheme"),
    changed("YW-DEV-016", "h3c", "line class vty\n authentication-mode {}\nline vty 0 63\n user-role network-admin\n",
            "password", "scheme"),
    added("YW-DEV-016", "cisco", "line con 0\n", before="aaa new-model\n"),
    case("YW-DEV-017", "huawei", "aaa\n undo local-aaa-user wrong-password\n",
         "aaa\n local-aaa-user wrong-password retry-interval 5 retry-time 5 block-time 30\n"),
    added("YW-DEV-017", "h3c", " password-control login-attempt 5 exceed lock-time 30\n",
          before=" password-control enable\n"),
    changed("YW-DEV-017", "h3c", " password-control enable\n password-control login-attempt {}\n", "5 exceed unlock",
            "3 exceed lock"),
    case("YW-DEV-017", "cisco", "hostname r1\n", "login block-for 120 attempts 5 within 60\n"),
    case("YW-DEV-018", "huawei", "sysname s1\n", 'header login information "Authorised access only"\n'),
    case("YW-DEV-018", "cisco", "hostname r1\n", "banner motd ^C\nAuthorised access only\nno ip http server\n^C\n"),
    case("YW-DEV-019", "huawei", "sysname s1\n",
         "hwtacacs-server template t\n hwtacacs-server authentication 10.10.99.20\naaa\n accounting-scheme t\n"
         "  accounting-mode hwtacacs\n"),
    added("YW-DEV-019", "cisco", "tacacs server T\n address ipv4 10.10.99.20\n",
          after="aaa accounting commands 15 default start-stop group tacacs+\n"),
    case("YW-DEV-020", "huawei", "snmp-agent\n",
         "snmp-agent target-host trap address udp-domain 10.10.99.60 params securityname u v3 privacy\n"),
    case("YW-DEV-020", "cisco", "hostname r1\n", "snmp-server host 10.10.99.60 version 3 priv nmsuser\n"),
    case("YW-DEV-034", "huawei", "sysname s1\n", "set cpu-usage threshold 80 restore 70\n"),
    case("YW-DEV-034", "h3c", " sysname s1\n", " monitor cpu-usage threshold 80 slot 1\n"),
    case("YW-DEV-034", "cisco", "hostname r1\n", "process cpu threshold type total rising 80 interval 60\n"),
    added("YW-DEV-021", "huawei", "interface GigabitEthernet0/0/1\n port link-type access\n",
          after=" port-security enable\ninterface GigabitEthernet0/0/2\n port link-type access\n shutdown\n"),
    added("YW-DEV-021", "h3c", "interface GigabitEthernet1/0/1\n port access vlan 30\n", after=" dot1x\n"),
    added("YW-DEV-021", "cisco", "interface Gi0/1\n switchport mode access\n",
          after=" authentication port-control auto\n"),
    changed("YW-DEV-022", "cisco", "interface Gi0/0\n ip address 10.0.0.1 255.255.255.0\n{}"
            "interface Gi0/1\n ip address 10.0.1.1 255.255.255.0\n", "", " ip access-group 101 in\n"),
    changed("YW-DEV-022", "huawei", "{}interface Vlanif100\n ip address 10.0.100.1 24\n",
            "interface Vlanif10\n ip address 10.0.10.1 24\n", "interface Vlanif1\n ip address 192.168.1.1 24\n"),
    case("YW-DEV-022", "h3c",
         "interface Vlan-interface30\n ip address 10.0.0.1 24\ninterface Vlan-interface40\n ip address 10.0.1.1 24\n",
         "interface LoopBack0\n ip address 10.255.0.1 32\ninterface Vlan-interface99\n ip address 10.0.1.1 24\n"),
    case("YW-DEV-023", "cisco", "access-list 101 permit ip any any\n",
         "access-list 101 permit tcp any host 10.0.0.1 eq 443\n"),
    changed("YW-DEV-023", "huawei", "acl number 3000\n rule 5 permit ip{}\n", "", " source 10.0.0.0 0.0.0.255"),
    changed("YW-DEV-024", "huawei", hw_acl(" rule 5 permit tcp destination-port eq 443\n{}"), "",
            " rule 100 deny ip\n"),
    changed("YW-DEV-024", "h3c", "acl advanced 3001\n rule 0 permit tcp destination-port eq 443\n{}"
            "interface GigabitEthernet1/0/1\n packet-filter 3001 inbound\n", "", " rule 100 deny ip\n"),
    added("YW-DEV-025", "huawei", "acl number 2001\n rule 5 permit source 10.0.0.0 0.0.0.255\n",
          after="user-interface vty 0 4\n acl 2001 inbound\n"),
    changed("YW-DEV-025", "cisco", ios_acl(" permit tcp any any eq 22\n{}\n"), " permit tcp any any eq 22",
            " deny ip any any log"),
    case("YW-DEV-025", "cisco", ios_acl(" deny ip any any\n permit tcp any any eq 22\n"),
         ios_acl(" permit tcp any any eq 22\n deny ip any any\n")),
    case("YW-DEV-026", "huawei", hw_policy(" default action permit\n rule name a\n  action permit\n"),
         HW_POLICY_PERMIT),
    case("YW-DEV-026", "h3c", H3C_FW + "security-zone intrazone default permit\n",
         h3c_policy(" rule 0 name a\n  action pass\n")),
    changed("YW-DEV-026", "cisco", "zone security IN\npolicy-map type inspect PM\n class class-default\n  {}\n", "pass",
            "drop log"),
    case("YW-DEV-027", "huawei", HW_FW, HW_POLICY_PERMIT),
    added("YW-DEV-027", "cisco", "zone security IN\n",
          after="zone-pair security IN-OUT source IN destination OUT\n service-policy type inspect PM\n"),
    case("YW-DEV-028", "huawei", HW_POLICY_PERMIT,
         hw_policy(" rule name a\n  application app HTTPS\n  action permit\n")),
    changed("YW-DEV-028", "cisco", "zone security IN\nclass-map type inspect match-any CM\n match protocol {}\n", "tcp",
            "http"),
    added("YW-DEV-029", "huawei", HW_FW, after="firewall defend syn-flood enable\n"),
    added("YW-DEV-029", "h3c", H3C_FW, after="attack-defense policy p1\n"),
    case("YW-DEV-030", "huawei", "wlan\n security-profile name guest\n  security open\n",
         "wlan\n security-profile name corp\n  security wpa2 dot1x aes\n"),
    case("YW-DEV-030", "h3c", "wlan service-template guest\n ssid guest\n service-template enable\n",
         "wlan service-template corp\n ssid corp\n akm mode dot1x\n cipher-suite ccmp\n security-ie rsn\n"),
    case("YW-DEV-030", "h3c", "wlan service-template old\n cipher-suite wep40\n security-ie wpa\n",
         "wlan service-template corp\n akm mode psk\n security-ie rsn\n"),
    case("YW-DEV-030", "cisco", "dot11 ssid guest\n authentication open\n",
         "dot11 ssid corp\n authentication open eap eap_methods\n authentication key-management wpa version 2\n"),
    changed("YW-DEV-031", "huawei", "snmp-agent community {} cipher %^%#abc%^%# acl 2001\n", "write", "read"),
    changed("YW-DEV-031", "cisco", "snmp-server community Xy7 {} 10\n", "RW", "RO"),
    changed("YW-DEV-032", "huawei", "snmp-agent community read cipher %^%#abc%^%#{}\n", "", " acl 2001"),
    changed("YW-DEV-032", "cisco", "snmp-server community Xy7 RO{}\n", "", " SNMP-NMS"),
    case("YW-DEV-033", "h3c", " ftp server enable\n", " undo ftp server enable\n"),
    case("YW-DEV-033", "cisco", "service tcp-small-servers\n", "no service tcp-small-servers\n"),
    case("YW-DEV-033", "cisco", "ip identd\n", "no ip identd\n"),
    case("YW-DEV-025", "cisco",
         ios_acl(" permit tcp 10.0.0.0 0.0.255.255 any\n deny tcp host 10.0.1.5 any eq 22\n"),
         ios_acl(" deny tcp host 10.0.1.5 any eq 22\n permit tcp 10.0.0.0 0.0.255.255 any\n")),
    case("YW-DEV-025", "huawei",
         hw_acl(" rule 5 permit tcp destination-port range 1 1024\n rule 10 deny tcp destination-port eq 23\n"),
         hw_acl(" rule 5 deny tcp destination-port eq 23\n rule 10 permit tcp destination-port range 1 1024\n")),
    *HARDENING_CASES,
]


@pytest.mark.parametrize(("rule_id", "vendor", "bad", "good"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_and_passes(rule_id: str, vendor: str, bad: str, good: str) -> None:
    failing = device_violations(rule_id, bad, vendor)  # type: ignore[arg-type]
    assert failing, f"{rule_id} should flag:\n{bad}"
    assert all(v.target.source == "device" and v.target.file == f"{vendor}.cfg" for v in failing)
    assert device_violations(rule_id, good, vendor) == [], f"{rule_id} should accept:\n{good}"  # type: ignore[arg-type]


def test_findings_point_at_the_offending_line() -> None:
    config = "sysname s1\n#\ntelnet server enable\n#\nsnmp-agent community read public\n"
    assert [v.target.line for v in device_violations("YW-DEV-001", config, "huawei")] == [3]
    (community,) = device_violations("YW-DEV-005", config, "huawei")
    assert community.target.line == 5 and community.target.id == "s1"


def test_secret_values_never_reach_messages() -> None:
    config = ("aaa\n local-user ops password simple Sup3rS3cret!\n#\n"
              "snmp-agent community read Pr1vateCommunity9\n#\nsnmp-agent community write W5ecret\n")
    messages = [v.message for rid in ("YW-DEV-004", "YW-DEV-005", "YW-DEV-007", "YW-DEV-031", "YW-DEV-032")
                for v in device_violations(rid, config, "huawei")]
    assert messages and not any(s in m for m in messages for s in ("Sup3rS3cret!", "Pr1vateCommunity9", "W5ecret"))


EXPECTED_INSECURE = {
    "huawei-insecure.cfg": {"YW-DEV-001", "YW-DEV-002", "YW-DEV-003", "YW-DEV-005", "YW-DEV-006", "YW-DEV-007",
                            "YW-DEV-010", "YW-DEV-013", "YW-DEV-014", "YW-DEV-016", "YW-DEV-017", "YW-DEV-021",
                            "YW-DEV-022"},
    "h3c-insecure.cfg": {"YW-DEV-001", "YW-DEV-002", "YW-DEV-005", "YW-DEV-007", "YW-DEV-009", "YW-DEV-012",
                         "YW-DEV-015", "YW-DEV-016", "YW-DEV-022", "YW-DEV-033"},
    "cisco-insecure.cfg": {"YW-DEV-001", "YW-DEV-002", "YW-DEV-003", "YW-DEV-005", "YW-DEV-007", "YW-DEV-016",
                           "YW-DEV-022", "YW-DEV-023", "YW-DEV-025", "YW-DEV-031", "YW-DEV-033"},
    "huawei-usg-insecure.cfg": {"YW-DEV-026", "YW-DEV-028", "YW-DEV-029"},
}


def test_fixture_corpus_insecure_flagged_hardened_clean() -> None:
    stats = ReadStats()
    loaded = load_device_configs([DEVICES], stats=stats)
    assert loaded.errors == []
    report = run_audit(loaded.units(), stats=stats, errors=loaded.errors)
    by_file: dict[str, set[str]] = {}
    for f in report.findings:
        by_file.setdefault(f.target.file.rsplit("/", 1)[-1], set()).add(f.rule.id)  # type: ignore[union-attr]
    for name, expected in EXPECTED_INSECURE.items():
        assert expected <= by_file.get(name, set()), (name, expected - by_file.get(name, set()))
    assert not {n for n in by_file if "hardened" in n}, {n: r for n, r in by_file.items() if "hardened" in n}
    assert stats.of("device").audited == 8
    assert report.controls["8.1.4.1-c"] == "non-compliant"
