"""Failing and passing configurations for the device rules from the CIS Cisco IOS benchmark and the Huawei/H3C
hardening guides (YW-DEV-035 onwards), per vendor syntax: (rule id, vendor, failing config, passing config)."""

from __future__ import annotations

from device_cases import Case, added, case, changed, removed
from device_snippets import H3C_FW, HW_FILTER_3001, HW_FW, HW_POLICY_PERMIT, h3c_policy, hw_acl, hw_policy, ios_acl

VTY_KEY = "key chain K\n key 1\n  key-string 0 Xy7\n  cryptographic-algorithm hmac-sha-256\n"
EDGE = "interface Gi0/0\n description to internet\n ip address 203.0.113.2 255.255.255.252\n"
SPOOF_ACL = ("ip access-list extended EDGE-IN\n deny ip 10.0.0.0 0.255.255.255 any\n"
             " deny ip 172.16.0.0 0.15.255.255 any\n"
             " deny ip 192.168.0.0 0.0.255.255 any\n deny ip 127.0.0.0 0.255.255.255 any\n"
             " deny ip 0.0.0.0 0.255.255.255 any\n deny ip 169.254.0.0 0.0.255.255 any\n permit ip any any\n")
HW_UNTRUST = ("firewall zone untrust\n set priority 5\n add interface GigabitEthernet1/0/2\n"
              "interface GigabitEthernet1/0/2\n ip address 203.0.113.2 30\n")
HW_ACCESS = "interface GigabitEthernet0/0/1\n port link-type access\n port default vlan 10\n"
IOS_ACCESS = "interface Gi0/1\n switchport mode access\n switchport access vlan 10\n"
CIS_AAA = ("aaa new-model\naaa authentication login default group T local\naaa authentication enable default group T "
           "enable\naaa accounting commands 15 default start-stop group T\naaa accounting exec default start-stop "
           "group T\naaa accounting connection default start-stop group T\naaa accounting system default start-stop "
           "group T\n")
HW_USM_AUTH = "snmp-agent usm-user v3 u1\nsnmp-agent usm-user v3 u1 authentication-mode {}\n"
HW_OPS = "aaa\n local-user ops password irreversible-cipher $1a$x$\n"
HW_PASSWORD_POLICY = " local-aaa-user password policy administrator\n  password expire 90\n"
H3C_OPS = "local-user ops class manage\n password hash $h$6$a\n"
IOS_NTP_AUTH = "ntp authentication-key 1 hmac-sha2-256 K\nntp authenticate\n"
IOS_OSPF_LINK = "interface Gi0/0\n ip address 10.0.0.1 255.255.255.252\n"
IOS_OSPF = "router ospf 1\n network 10.0.0.0 0.0.0.3 area 0\n"
HW_BGP = "bgp 65001\n peer 10.0.0.2 as-number 65002\n"
IOS_NO_SERVICES = "no service pad\nno ip bootp server\nno ip source-route\n"
HW_ZONES_POLICY = HW_FW + "firewall zone untrust\n set priority 5\nsecurity-policy\n rule name a\n"
HW_DENY_NET = " rule name a\n  destination-address 10.1.1.0 mask 255.255.255.0\n  action deny\n"
HW_PERMIT_HOST = (" rule name b\n  destination-address 10.1.1.5 mask 255.255.255.255\n"
                  "  service protocol tcp destination-port 443\n  action permit\n")
H3C_PASS_A = " rule 0 name a\n  action pass\n"

CASES: list[Case] = [
    case("YW-DEV-035", "huawei", "snmp-agent group v3 g1 privacy\n",
         "snmp-agent mib-view included v 1.3.6.1.2.1\nsnmp-agent group v3 g1 privacy read-view v\n"),
    changed("YW-DEV-035", "cisco", "snmp-server community Xy7 {}RO 10\n", "", "view V "),
    changed("YW-DEV-036", "huawei", HW_USM_AUTH, "md5 cipher X",
            "sha2-256 cipher X\nsnmp-agent usm-user v3 u1 privacy-mode aes128 cipher Y"),
    changed("YW-DEV-036", "h3c",
            " snmp-agent usm-user v3 u1 g1 simple authentication-mode sha256 A1 privacy-mode {} P1\n", "des56",
            "aes128"),
    changed("YW-DEV-036", "cisco", "snmp-server user U G v3 auth {} K2\n", "md5 K1 priv des",
            "sha-2 256 K1 priv aes 128"),
    changed("YW-DEV-037", "huawei", HW_USM_AUTH, "sha cipher X", "sha2-256 cipher X"),
    changed("YW-DEV-037", "cisco", "snmp-server user U G v3 auth {} K1 priv aes 128 K2\n", "sha", "sha-2 256"),
    added("YW-DEV-067", "cisco", "snmp-server host 10.1.1.1 version 3 priv u\n",
          before="snmp-server enable traps snmp authentication linkdown linkup\n"),
    case("YW-DEV-038", "huawei", "ssh server cipher aes128_cbc aes256_ctr\n",
         "ssh server cipher aes256_ctr aes128_ctr\n"),
    changed("YW-DEV-038", "h3c", " ssh2 algorithm mac {}sha2-256\n", "sha1 ", ""),
    changed("YW-DEV-038", "cisco", "ip ssh server algorithm kex {}\n", "diffie-hellman-group14-sha1",
            "ecdh-sha2-nistp256"),
    changed("YW-DEV-038", "cisco", "ip http tls-version TLSv1.{}\n", "0", "2"),
    changed("YW-DEV-039", "cisco", "ip ssh dh min size {}\n", "1024", "2048"),
    changed("YW-DEV-039", "huawei", "ssh server dh-exchange min-len {}\n", "1024", "2048"),
    case("YW-DEV-040", "cisco", "hostname r1\n", "ip ssh time-out 60\n"),
    changed("YW-DEV-040", "huawei", "ssh server timeout {}\n", "120", "60"),
    changed("YW-DEV-040", "h3c", " ssh server authentication-retries {}\n", "5", "3"),
    added("YW-DEV-041", "huawei", HW_OPS, after=HW_PASSWORD_POLICY),
    changed("YW-DEV-041", "huawei", HW_OPS + "{}" + HW_PASSWORD_POLICY, " undo user-password complexity-check\n", ""),
    added("YW-DEV-041", "h3c", H3C_OPS,
          before=" password-control enable\n password-control composition type-number 3 type-length 1\n"),
    changed("YW-DEV-041", "h3c", " password-control enable\n password-control {}\n" + H3C_OPS, "length 6",
            "composition type-number 2"),
    added("YW-DEV-041", "cisco", "username ops secret 9 $9$a\n",
          before="aaa new-model\naaa common-criteria policy P\n min-length 8\n upper-case 1\n numeric-count 1\n"
                 " lifetime days 90\n"),
    added("YW-DEV-041", "ruijie", "username ops secret 5 $1$a\n",
          before="password policy strong\npassword policy min-size 8\npassword policy life-cycle 90\n"),
    changed("YW-DEV-042", "cisco", "username a privilege 15 secret 9 $9$a\nusername b privilege {} secret 9 $9$b\n",
            "15", "1"),
    added("YW-DEV-042", "huawei",
          "aaa\n local-user a password irreversible-cipher x\n local-user a privilege level 15\n",
          after=" local-user b password irreversible-cipher y\n local-user b privilege level 3\n"),
    added("YW-DEV-042", "h3c", "local-user a class manage\n password hash x\n"
          " authorization-attribute user-role network-admin\n",
          after="local-user b class manage\n password hash y\n authorization-attribute user-role network-operator\n"),
    changed("YW-DEV-043", "huawei", "aaa\n local-user a password irreversible-cipher x\n"
            " local-user a service-type {} ssh\n", "telnet", "terminal"),
    changed("YW-DEV-043", "h3c", "local-user a class manage\n password hash x\n service-type {}\n", "telnet", "ssh"),
    case("YW-DEV-044", "cisco", "hostname r1\n", "enable algorithm-type scrypt secret 9 $9$x\n"),
    case("YW-DEV-044", "cisco", "enable password 7 0822455D0A16\n",
         "aaa new-model\naaa authentication enable default group T enable\n"),
    case("YW-DEV-044", "ruijie", "hostname s1\n", "enable secret 5 $1$x\n"),
    added("YW-DEV-045", "cisco", "line aux 0\n", after=" no exec\n transport input none\n"),
    added("YW-DEV-046", "cisco", "ip http secure-server\n", after="ip http authentication aaa\n"),
    added("YW-DEV-047", "cisco", "ip http secure-server\n",
          after="ip http max-connections 2\nip http timeout-policy idle 600 life 86400 requests 10000\n"),
    case("YW-DEV-048", "cisco", "hostname r1\n", CIS_AAA),
    case("YW-DEV-048", "cisco", "aaa new-model\n", CIS_AAA),
    case("YW-DEV-049", "cisco", "ntp server 10.1.1.1\n",
         IOS_NTP_AUTH + "ntp trusted-key 1\nntp server 10.1.1.1 key 1\n"),
    changed("YW-DEV-049", "cisco", IOS_NTP_AUTH + "{}ntp server 10.1.1.1 key 1\n", "", "ntp trusted-key 1\n"),
    case("YW-DEV-049", "huawei", "ntp-service unicast-server 10.1.1.1\n",
         "ntp-service authentication enable\n"
         "ntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher K\n"
         "ntp-service reliable authentication-keyid 1\nntp-service unicast-server 10.1.1.1 authentication-keyid 1\n"),
    added("YW-DEV-050", "cisco", "ntp server 10.1.1.1\n", before="ntp access-group peer 10\n"),
    added("YW-DEV-050", "huawei", "ntp-service unicast-server 10.1.1.1\n", before="ntp-service access peer 2001\n"),
    case("YW-DEV-051", "cisco", IOS_OSPF_LINK + IOS_OSPF,
         VTY_KEY + IOS_OSPF_LINK + " ip ospf authentication key-chain K\n" + IOS_OSPF),
    added("YW-DEV-051", "cisco", "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n",
          after=" neighbor 10.0.0.2 password 7 0822455D0A16\n"),
    changed("YW-DEV-051", "cisco", "interface Vlan10\n standby 1 ip 10.0.10.1\n standby 1 authentication {}\n", "Xy7",
            "md5 key-string 7 0822455D0A16"),
    added("YW-DEV-051", "huawei", HW_BGP, after=" peer 10.0.0.2 password cipher X\n"),
    changed("YW-DEV-051", "huawei", "interface GigabitEthernet0/0/1\n ip address 10.0.0.1 30\n ospf network-type p2p\n"
            "{}ospf 1\n area 0.0.0.0\n  network 10.0.0.0 0.0.0.3\n", "",
            " ospf authentication-mode hmac-sha256 1 cipher X\n"),
    added("YW-DEV-051", "h3c",
          "interface Vlan-interface10\n ip address 10.0.10.2 24\n vrrp vrid 1 virtual-ip 10.0.10.1\n",
          after=" vrrp vrid 1 authentication-mode md5 cipher X\n"),
    changed("YW-DEV-052", "cisco", "ntp authentication-key 1 {} K\n", "md5", "hmac-sha2-256"),
    changed("YW-DEV-052", "huawei", "ntp-service authentication-keyid 1 authentication-mode {} cipher K\n", "md5",
            "hmac-sha256"),
    changed("YW-DEV-052", "huawei", HW_BGP + " peer 10.0.0.2 {}\n", "password cipher X", "keychain K"),
    case("YW-DEV-053", "cisco", "hostname r1\n", IOS_NO_SERVICES + "no service dhcp\n"),
    added("YW-DEV-053", "cisco", IOS_NO_SERVICES, after="ip dhcp snooping\n"),
    case("YW-DEV-053", "ruijie", "ip source-route\n", "hostname s1\n"),
    case("YW-DEV-054", "cisco", "hostname r1\n", "service tcp-keepalives-in\nservice tcp-keepalives-out\n"),
    added("YW-DEV-055", "cisco", "interface Gi0/0\n ip address 10.0.0.1 255.255.255.0\n", after=" no ip proxy-arp\n"),
    removed("YW-DEV-055", "huawei", "interface Vlanif10\n ip address 10.0.0.1 24\n", after=" arp-proxy enable\n"),
    added("YW-DEV-056", "cisco", EDGE, before="no cdp run\n"),
    added("YW-DEV-056", "cisco", "interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\n", after=" no cdp enable\n"),
    changed("YW-DEV-057", "huawei", "dhcp snooping enable\n{}" + HW_ACCESS, "", "vlan 10\n dhcp snooping enable\n"),
    added("YW-DEV-057", "h3c", "interface GigabitEthernet1/0/1\n port access vlan 10\n",
          before=" dhcp snooping enable\n"),
    added("YW-DEV-057", "cisco", IOS_ACCESS, before="ip dhcp snooping\nip dhcp snooping vlan 10\n"),
    added("YW-DEV-058", "huawei", HW_ACCESS, before="vlan 10\n arp anti-attack check user-bind enable\n"),
    changed("YW-DEV-058", "cisco", "ip dhcp snooping\n{}" + IOS_ACCESS, "", "ip arp inspection vlan 10\n"),
    added("YW-DEV-058", "ruijie", "ip dhcp snooping\ninterface GigabitEthernet 0/1\n switchport access vlan 10\n",
          after=" arp-check\n"),
    added("YW-DEV-059", "huawei", "interface GigabitEthernet0/0/1\n port link-type access\n stp edged-port enable\n",
          before="stp bpdu-protection\n"),
    added("YW-DEV-059", "cisco", "interface Gi0/1\n switchport mode access\n spanning-tree portfast\n",
          after=" spanning-tree bpduguard enable\n"),
    case("YW-DEV-060", "cisco", "hostname r1\n", "login on-failure log\nlogin on-success log\n"),
    changed("YW-DEV-061", "cisco", "logging trap {}\n", "warnings", "informational"),
    changed("YW-DEV-061", "h3c", " info-center source default loghost level {}\n", "warning", "informational"),
    changed("YW-DEV-061", "huawei", "info-center source default channel loghost log level {}\n", "warning",
            "informational"),
    added("YW-DEV-062", "cisco", "logging host 10.1.1.1\n", before="logging source-interface Loopback0\n"),
    added("YW-DEV-062", "huawei", "info-center loghost 10.1.1.1\n", before="info-center loghost source LoopBack0\n"),
    added("YW-DEV-063", "huawei", HW_UNTRUST, after=" urpf strict\n"),
    added("YW-DEV-063", "cisco", EDGE, after=" ip verify unicast source reachable-via rx\n"),
    added("YW-DEV-064", "cisco", EDGE, before=SPOOF_ACL, after=" ip access-group EDGE-IN in\n"),
    added("YW-DEV-064", "huawei", HW_UNTRUST,
          before="acl number 3000\n rule 5 deny ip source 10.0.0.0 0.255.255.255\n"
                 " rule 10 deny ip source 172.16.0.0 0.15.255.255\n rule 15 deny ip source 192.168.0.0 0.0.255.255\n"
                 " rule 20 deny ip source 127.0.0.0 0.255.255.255\n rule 25 deny ip source 0.0.0.0 0.255.255.255\n"
                 " rule 30 deny ip source 169.254.0.0 0.0.255.255\n",
          after=" traffic-filter inbound acl 3000\n"),
    added("YW-DEV-065", "cisco", "line vty 0 4\n access-class MGMT in\n",
          before="ip access-list standard MGMT\n permit 10.1.1.0 0.0.0.255\n"),
    case("YW-DEV-065", "huawei", HW_FILTER_3001, hw_acl(" rule 5 deny ip\n")),
    changed("YW-DEV-066", "cisco", ios_acl(" permit tcp any any eq 22\n deny ip any any{}\n"), "", " log"),
    changed("YW-DEV-066", "huawei", hw_acl(" rule 5 deny ip{}\n"), "", " logging"),
    changed("YW-DEV-068", "huawei", hw_policy(" rule name a\n  source-zone trust\n  destination-zone untrust\n"
                                              "{}  action permit\n"),
            "", "  destination-address 10.1.1.0 mask 255.255.255.0\n"),
    added("YW-DEV-068", "h3c", h3c_policy(H3C_PASS_A + "  source-zone Trust\n"), after="  service http\n"),
    added("YW-DEV-069", "huawei", HW_POLICY_PERMIT, after="  policy logging\n"),
    added("YW-DEV-069", "h3c", h3c_policy(H3C_PASS_A), after="  logging enable\n"),
    changed("YW-DEV-070", "huawei", HW_ZONES_POLICY + "  source-zone untrust\n  destination-zone trust\n"
            "  service protocol tcp destination-port {}\n  action permit\n", "3389", "443"),
    changed("YW-DEV-070", "h3c", "security-zone name Untrust\nsecurity-policy ip\n" + H3C_PASS_A
            + "  source-zone Untrust\n  service-port tcp destination eq {}\n", "445", "443"),
    changed("YW-DEV-070", "huawei", HW_ZONES_POLICY + "  destination-zone local\n{}  service ssh\n  action permit\n",
            "", "  source-address 10.34.19.0 mask 255.255.255.0\n"),
    case("YW-DEV-071", "huawei", hw_policy(HW_DENY_NET + HW_PERMIT_HOST), hw_policy(HW_PERMIT_HOST + HW_DENY_NET)),
    case("YW-DEV-071", "h3c",
         h3c_policy(H3C_PASS_A + "  service http\n rule 1 name b\n  action pass\n  service http\n"
                    "  source-zone Trust\n"),
         h3c_policy(H3C_PASS_A + "  service http\n  source-zone Trust\n rule 1 name b\n  action pass\n"
                    "  service https\n")),
    added("YW-DEV-072", "huawei", "ip address-set web type object\n address 0 10.1.1.0 mask 24\n" + HW_FW,
          after="security-policy\n rule name a\n  destination-address address-set web\n  action permit\n"),
    removed("YW-DEV-072", "huawei", HW_POLICY_PERMIT, after="  disable\n"),
    added("YW-DEV-072", "h3c", H3C_FW + "object-policy ip P\n rule 0 pass\n",
          after="zone-pair security source Trust destination Untrust\n object-policy apply ip P\n"),
]
