"""Failing and passing configurations for the device rules from the CIS Cisco IOS benchmark and the Huawei/H3C
hardening guides (YW-DEV-035 onwards), per vendor syntax: (rule id, vendor, failing config, passing config)."""

from __future__ import annotations

HW_FW = "firewall zone trust\n set priority 85\n"
H3C_FW = "security-zone name Trust\n"
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

CASES: list[tuple[str, str, str, str]] = [
    ("YW-DEV-035", "huawei", "snmp-agent group v3 g1 privacy\n",
     "snmp-agent mib-view included v 1.3.6.1.2.1\nsnmp-agent group v3 g1 privacy read-view v\n"),
    ("YW-DEV-035", "cisco", "snmp-server community Xy7 RO 10\n", "snmp-server community Xy7 view V RO 10\n"),
    ("YW-DEV-036", "huawei", "snmp-agent usm-user v3 u1\nsnmp-agent usm-user v3 u1 authentication-mode md5 cipher X\n",
     "snmp-agent usm-user v3 u1\nsnmp-agent usm-user v3 u1 authentication-mode sha2-256 cipher X\n"
     "snmp-agent usm-user v3 u1 privacy-mode aes128 cipher Y\n"),
    ("YW-DEV-036", "h3c", " snmp-agent usm-user v3 u1 g1 simple authentication-mode sha256 A1 privacy-mode des56 P1\n",
     " snmp-agent usm-user v3 u1 g1 simple authentication-mode sha256 A1 privacy-mode aes128 P1\n"),
    ("YW-DEV-036", "cisco", "snmp-server user U G v3 auth md5 K1 priv des K2\n",
     "snmp-server user U G v3 auth sha-2 256 K1 priv aes 128 K2\n"),
    ("YW-DEV-037", "huawei", "snmp-agent usm-user v3 u1\nsnmp-agent usm-user v3 u1 authentication-mode sha cipher X\n",
     "snmp-agent usm-user v3 u1\nsnmp-agent usm-user v3 u1 authentication-mode sha2-256 cipher X\n"),
    ("YW-DEV-037", "cisco", "snmp-server user U G v3 auth sha K1 priv aes 128 K2\n",
     "snmp-server user U G v3 auth sha-2 256 K1 priv aes 128 K2\n"),
    ("YW-DEV-067", "cisco", "snmp-server host 10.1.1.1 version 3 priv u\n",
     "snmp-server enable traps snmp authentication linkdown linkup\nsnmp-server host 10.1.1.1 version 3 priv u\n"),
    ("YW-DEV-038", "huawei", "ssh server cipher aes128_cbc aes256_ctr\n", "ssh server cipher aes256_ctr aes128_ctr\n"),
    ("YW-DEV-038", "h3c", " ssh2 algorithm mac sha1 sha2-256\n", " ssh2 algorithm mac sha2-256\n"),
    ("YW-DEV-038", "cisco", "ip ssh server algorithm kex diffie-hellman-group14-sha1\n",
     "ip ssh server algorithm kex ecdh-sha2-nistp256\n"),
    ("YW-DEV-038", "cisco", "ip http tls-version TLSv1.0\n", "ip http tls-version TLSv1.2\n"),
    ("YW-DEV-039", "cisco", "ip ssh dh min size 1024\n", "ip ssh dh min size 2048\n"),
    ("YW-DEV-039", "huawei", "ssh server dh-exchange min-len 1024\n", "ssh server dh-exchange min-len 2048\n"),
    ("YW-DEV-040", "cisco", "hostname r1\n", "ip ssh time-out 60\n"),
    ("YW-DEV-040", "huawei", "ssh server timeout 120\n", "ssh server timeout 60\n"),
    ("YW-DEV-040", "h3c", " ssh server authentication-retries 5\n", " ssh server authentication-retries 3\n"),
    ("YW-DEV-041", "huawei", "aaa\n local-user ops password irreversible-cipher $1a$x$\n",
     "aaa\n local-user ops password irreversible-cipher $1a$x$\n local-aaa-user password policy administrator\n"
     "  password expire 90\n"),
    ("YW-DEV-041", "huawei", "aaa\n local-user ops password irreversible-cipher $1a$x$\n undo user-password "
     "complexity-check\n local-aaa-user password policy administrator\n  password expire 90\n",
     "aaa\n local-user ops password irreversible-cipher $1a$x$\n local-aaa-user password policy administrator\n"
     "  password expire 90\n"),
    ("YW-DEV-041", "h3c", "local-user ops class manage\n password hash $h$6$a\n",
     " password-control enable\n password-control composition type-number 3 type-length 1\n"
     "local-user ops class manage\n password hash $h$6$a\n"),
    ("YW-DEV-041", "h3c", " password-control enable\n password-control length 6\nlocal-user ops class manage\n"
     " password hash $h$6$a\n",
     " password-control enable\n password-control composition type-number 2\nlocal-user ops class manage\n"
     " password hash $h$6$a\n"),
    ("YW-DEV-041", "cisco", "username ops secret 9 $9$a\n",
     "aaa new-model\naaa common-criteria policy P\n min-length 8\n upper-case 1\n numeric-count 1\n lifetime days 90\n"
     "username ops secret 9 $9$a\n"),
    ("YW-DEV-041", "ruijie", "username ops secret 5 $1$a\n",
     "password policy strong\npassword policy min-size 8\npassword policy life-cycle 90\nusername ops secret 5 $1$a\n"),
    ("YW-DEV-042", "cisco", "username a privilege 15 secret 9 $9$a\nusername b privilege 15 secret 9 $9$b\n",
     "username a privilege 15 secret 9 $9$a\nusername b privilege 1 secret 9 $9$b\n"),
    ("YW-DEV-042", "huawei", "aaa\n local-user a password irreversible-cipher x\n local-user a privilege level 15\n",
     "aaa\n local-user a password irreversible-cipher x\n local-user a privilege level 15\n"
     " local-user b password irreversible-cipher y\n local-user b privilege level 3\n"),
    ("YW-DEV-042", "h3c", "local-user a class manage\n password hash x\n"
     " authorization-attribute user-role network-admin\n",
     "local-user a class manage\n password hash x\n authorization-attribute user-role network-admin\n"
     "local-user b class manage\n password hash y\n authorization-attribute user-role network-operator\n"),
    ("YW-DEV-043", "huawei", "aaa\n local-user a password irreversible-cipher x\n"
     " local-user a service-type telnet ssh\n",
     "aaa\n local-user a password irreversible-cipher x\n local-user a service-type terminal ssh\n"),
    ("YW-DEV-043", "h3c", "local-user a class manage\n password hash x\n service-type telnet\n",
     "local-user a class manage\n password hash x\n service-type ssh\n"),
    ("YW-DEV-044", "cisco", "hostname r1\n", "enable algorithm-type scrypt secret 9 $9$x\n"),
    ("YW-DEV-044", "cisco", "enable password 7 0822455D0A16\n", "aaa new-model\n"
     "aaa authentication enable default group "
     "T enable\n"),
    ("YW-DEV-044", "ruijie", "hostname s1\n", "enable secret 5 $1$x\n"),
    ("YW-DEV-045", "cisco", "line aux 0\n", "line aux 0\n no exec\n transport input none\n"),
    ("YW-DEV-046", "cisco", "ip http secure-server\n", "ip http secure-server\nip http authentication aaa\n"),
    ("YW-DEV-047", "cisco", "ip http secure-server\n", "ip http secure-server\nip http max-connections 2\n"
     "ip http timeout-policy idle 600 life 86400 requests 10000\n"),
    ("YW-DEV-048", "cisco", "hostname r1\n", CIS_AAA),
    ("YW-DEV-048", "cisco", "aaa new-model\n", CIS_AAA),
    ("YW-DEV-049", "cisco", "ntp server 10.1.1.1\n",
     "ntp authentication-key 1 hmac-sha2-256 K\nntp authenticate\nntp trusted-key 1\nntp server 10.1.1.1 key 1\n"),
    ("YW-DEV-049", "cisco", "ntp authentication-key 1 hmac-sha2-256 K\nntp authenticate\nntp server 10.1.1.1 key 1\n",
     "ntp authentication-key 1 hmac-sha2-256 K\nntp authenticate\nntp trusted-key 1\nntp server 10.1.1.1 key 1\n"),
    ("YW-DEV-049", "huawei", "ntp-service unicast-server 10.1.1.1\n",
     "ntp-service authentication enable\nntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher K\n"
     "ntp-service reliable authentication-keyid 1\nntp-service unicast-server 10.1.1.1 authentication-keyid 1\n"),
    ("YW-DEV-050", "cisco", "ntp server 10.1.1.1\n", "ntp access-group peer 10\nntp server 10.1.1.1\n"),
    ("YW-DEV-050", "huawei", "ntp-service unicast-server 10.1.1.1\n",
     "ntp-service access peer 2001\nntp-service unicast-server 10.1.1.1\n"),
    ("YW-DEV-051", "cisco", "interface Gi0/0\n ip address 10.0.0.1 255.255.255.252\nrouter ospf 1\n"
     " network 10.0.0.0 0.0.0.3 area 0\n",
     VTY_KEY + "interface Gi0/0\n ip address 10.0.0.1 255.255.255.252\n ip ospf authentication key-chain K\n"
     "router ospf 1\n network 10.0.0.0 0.0.0.3 area 0\n"),
    ("YW-DEV-051", "cisco", "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n",
     "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n neighbor 10.0.0.2 password 7 0822455D0A16\n"),
    ("YW-DEV-051", "cisco", "interface Vlan10\n standby 1 ip 10.0.10.1\n standby 1 authentication Xy7\n",
     "interface Vlan10\n standby 1 ip 10.0.10.1\n standby 1 authentication md5 key-string 7 0822455D0A16\n"),
    ("YW-DEV-051", "huawei", "bgp 65001\n peer 10.0.0.2 as-number 65002\n",
     "bgp 65001\n peer 10.0.0.2 as-number 65002\n peer 10.0.0.2 password cipher X\n"),
    ("YW-DEV-051", "huawei", "interface GigabitEthernet0/0/1\n ip address 10.0.0.1 30\n ospf network-type p2p\n"
     "ospf 1\n area 0.0.0.0\n  network 10.0.0.0 0.0.0.3\n",
     "interface GigabitEthernet0/0/1\n ip address 10.0.0.1 30\n ospf network-type p2p\n"
     " ospf authentication-mode hmac-sha256 1 cipher X\nospf 1\n area 0.0.0.0\n  network 10.0.0.0 0.0.0.3\n"),
    ("YW-DEV-051", "h3c", "interface Vlan-interface10\n ip address 10.0.10.2 24\n vrrp vrid 1 virtual-ip 10.0.10.1\n",
     "interface Vlan-interface10\n ip address 10.0.10.2 24\n vrrp vrid 1 virtual-ip 10.0.10.1\n"
     " vrrp vrid 1 authentication-mode md5 cipher X\n"),
    ("YW-DEV-052", "cisco", "ntp authentication-key 1 md5 K\n", "ntp authentication-key 1 hmac-sha2-256 K\n"),
    ("YW-DEV-052", "huawei", "ntp-service authentication-keyid 1 authentication-mode md5 cipher K\n",
     "ntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher K\n"),
    ("YW-DEV-052", "huawei", "bgp 65001\n peer 10.0.0.2 as-number 65002\n peer 10.0.0.2 password cipher X\n",
     "bgp 65001\n peer 10.0.0.2 as-number 65002\n peer 10.0.0.2 keychain K\n"),
    ("YW-DEV-053", "cisco", "hostname r1\n", "no service pad\nno ip bootp server\nno ip source-route\n"
     "no service dhcp\n"),
    ("YW-DEV-053", "cisco", "no service pad\nno ip bootp server\nno ip source-route\n",
     "no service pad\nno ip bootp server\nno ip source-route\nip dhcp snooping\n"),
    ("YW-DEV-053", "ruijie", "ip source-route\n", "hostname s1\n"),
    ("YW-DEV-054", "cisco", "hostname r1\n", "service tcp-keepalives-in\nservice tcp-keepalives-out\n"),
    ("YW-DEV-055", "cisco", "interface Gi0/0\n ip address 10.0.0.1 255.255.255.0\n",
     "interface Gi0/0\n ip address 10.0.0.1 255.255.255.0\n no ip proxy-arp\n"),
    ("YW-DEV-055", "huawei", "interface Vlanif10\n ip address 10.0.0.1 24\n arp-proxy enable\n",
     "interface Vlanif10\n ip address 10.0.0.1 24\n"),
    ("YW-DEV-056", "cisco", EDGE, "no cdp run\n" + EDGE),
    ("YW-DEV-056", "cisco", "interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\n",
     "interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\n no cdp enable\n"),
    ("YW-DEV-057", "huawei", "dhcp snooping enable\n" + HW_ACCESS,
     "dhcp snooping enable\nvlan 10\n dhcp snooping enable\n" + HW_ACCESS),
    ("YW-DEV-057", "h3c", "interface GigabitEthernet1/0/1\n port access vlan 10\n",
     " dhcp snooping enable\ninterface GigabitEthernet1/0/1\n port access vlan 10\n"),
    ("YW-DEV-057", "cisco", IOS_ACCESS, "ip dhcp snooping\nip dhcp snooping vlan 10\n" + IOS_ACCESS),
    ("YW-DEV-058", "huawei", HW_ACCESS, "vlan 10\n arp anti-attack check user-bind enable\n" + HW_ACCESS),
    ("YW-DEV-058", "cisco", "ip dhcp snooping\n" + IOS_ACCESS, "ip dhcp snooping\n"
     "ip arp inspection vlan 10\n" + IOS_ACCESS),
    ("YW-DEV-058", "ruijie", "ip dhcp snooping\ninterface GigabitEthernet 0/1\n switchport access vlan 10\n",
     "ip dhcp snooping\ninterface GigabitEthernet 0/1\n switchport access vlan 10\n arp-check\n"),
    ("YW-DEV-059", "huawei", "interface GigabitEthernet0/0/1\n port link-type access\n stp edged-port enable\n",
     "stp bpdu-protection\ninterface GigabitEthernet0/0/1\n port link-type access\n stp edged-port enable\n"),
    ("YW-DEV-059", "cisco", "interface Gi0/1\n switchport mode access\n spanning-tree portfast\n",
     "interface Gi0/1\n switchport mode access\n spanning-tree portfast\n spanning-tree bpduguard enable\n"),
    ("YW-DEV-060", "cisco", "hostname r1\n", "login on-failure log\nlogin on-success log\n"),
    ("YW-DEV-061", "cisco", "logging trap warnings\n", "logging trap informational\n"),
    ("YW-DEV-061", "h3c", " info-center source default loghost level warning\n",
     " info-center source default loghost level informational\n"),
    ("YW-DEV-061", "huawei", "info-center source default channel loghost log level warning\n",
     "info-center source default channel loghost log level informational\n"),
    ("YW-DEV-062", "cisco", "logging host 10.1.1.1\n", "logging source-interface Loopback0\nlogging host 10.1.1.1\n"),
    ("YW-DEV-062", "huawei", "info-center loghost 10.1.1.1\n",
     "info-center loghost source LoopBack0\ninfo-center loghost 10.1.1.1\n"),
    ("YW-DEV-063", "huawei", HW_UNTRUST, HW_UNTRUST + " urpf strict\n"),
    ("YW-DEV-063", "cisco", EDGE, EDGE + " ip verify unicast source reachable-via rx\n"),
    ("YW-DEV-064", "cisco", EDGE, SPOOF_ACL + EDGE + " ip access-group EDGE-IN in\n"),
    ("YW-DEV-064", "huawei", HW_UNTRUST,
     "acl number 3000\n rule 5 deny ip source 10.0.0.0 0.255.255.255\n rule 10 deny ip source 172.16.0.0 0.15.255.255\n"
     " rule 15 deny ip source 192.168.0.0 0.0.255.255\n rule 20 deny ip source 127.0.0.0 0.255.255.255\n"
     " rule 25 deny ip source 0.0.0.0 0.255.255.255\n rule 30 deny ip source 169.254.0.0 0.0.255.255\n"
     + HW_UNTRUST + " traffic-filter inbound acl 3000\n"),
    ("YW-DEV-065", "cisco", "line vty 0 4\n access-class MGMT in\n",
     "ip access-list standard MGMT\n permit 10.1.1.0 0.0.0.255\nline vty 0 4\n access-class MGMT in\n"),
    ("YW-DEV-065", "huawei", "interface GigabitEthernet0/0/1\n traffic-filter inbound acl 3001\n",
     "acl number 3001\n rule 5 deny ip\ninterface GigabitEthernet0/0/1\n traffic-filter inbound acl 3001\n"),
    ("YW-DEV-066", "cisco", "ip access-list extended E\n permit tcp any any eq 22\n deny ip any any\n"
     "interface Gi0/0\n ip access-group E in\n",
     "ip access-list extended E\n permit tcp any any eq 22\n deny ip any any log\ninterface Gi0/0\n"
     " ip access-group E in\n"),
    ("YW-DEV-066", "huawei", "acl number 3001\n rule 5 deny ip\ninterface GigabitEthernet0/0/1\n"
     " traffic-filter inbound acl 3001\n",
     "acl number 3001\n rule 5 deny ip logging\ninterface GigabitEthernet0/0/1\n traffic-filter inbound acl 3001\n"),
    ("YW-DEV-068", "huawei", HW_FW + "security-policy\n rule name a\n  source-zone trust\n  destination-zone untrust\n"
     "  action permit\n",
     HW_FW + "security-policy\n rule name a\n  source-zone trust\n  destination-zone untrust\n"
     "  destination-address 10.1.1.0 mask 255.255.255.0\n  action permit\n"),
    ("YW-DEV-068", "h3c", H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n  source-zone Trust\n",
     H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n  source-zone Trust\n  service http\n"),
    ("YW-DEV-069", "huawei", HW_FW + "security-policy\n rule name a\n  action permit\n",
     HW_FW + "security-policy\n rule name a\n  action permit\n  policy logging\n"),
    ("YW-DEV-069", "h3c", H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n",
     H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n  logging enable\n"),
    ("YW-DEV-070", "huawei", HW_FW + "firewall zone untrust\n set priority 5\nsecurity-policy\n rule name a\n"
     "  source-zone untrust\n  destination-zone trust\n  service protocol tcp destination-port 3389\n  action permit\n",
     HW_FW + "firewall zone untrust\n set priority 5\nsecurity-policy\n rule name a\n  source-zone untrust\n"
     "  destination-zone trust\n  service protocol tcp destination-port 443\n  action permit\n"),
    ("YW-DEV-070", "h3c", "security-zone name Untrust\nsecurity-policy ip\n rule 0 name a\n  action pass\n"
     "  source-zone Untrust\n  service-port tcp destination eq 445\n",
     "security-zone name Untrust\nsecurity-policy ip\n rule 0 name a\n  action pass\n  source-zone Untrust\n"
     "  service-port tcp destination eq 443\n"),
    ("YW-DEV-070", "huawei", HW_FW + "firewall zone untrust\n set priority 5\nsecurity-policy\n rule name a\n"
     "  destination-zone local\n  service ssh\n  action permit\n",
     HW_FW + "firewall zone untrust\n set priority 5\nsecurity-policy\n rule name a\n  destination-zone local\n"
     "  source-address 10.34.19.0 mask 255.255.255.0\n  service ssh\n  action permit\n"),
    ("YW-DEV-071", "huawei", HW_FW + "security-policy\n rule name a\n"
     "  destination-address 10.1.1.0 mask 255.255.255.0\n"
     "  action deny\n rule name b\n  destination-address 10.1.1.5 mask 255.255.255.255\n"
     "  service protocol tcp destination-port 443\n  action permit\n",
     HW_FW + "security-policy\n rule name b\n  destination-address 10.1.1.5 mask 255.255.255.255\n"
     "  service protocol tcp destination-port 443\n  action permit\n rule name a\n"
     "  destination-address 10.1.1.0 mask 255.255.255.0\n  action deny\n"),
    ("YW-DEV-071", "h3c", H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n  service http\n"
     " rule 1 name b\n  action pass\n  service http\n  source-zone Trust\n",
     H3C_FW + "security-policy ip\n rule 0 name a\n  action pass\n  service http\n  source-zone Trust\n"
     " rule 1 name b\n  action pass\n  service https\n"),
    ("YW-DEV-072", "huawei", "ip address-set web type object\n address 0 10.1.1.0 mask 24\n" + HW_FW,
     "ip address-set web type object\n address 0 10.1.1.0 mask 24\n" + HW_FW + "security-policy\n rule name a\n"
     "  destination-address address-set web\n  action permit\n"),
    ("YW-DEV-072", "huawei", HW_FW + "security-policy\n rule name a\n  action permit\n  disable\n",
     HW_FW + "security-policy\n rule name a\n  action permit\n"),
    ("YW-DEV-072", "h3c", H3C_FW + "object-policy ip P\n rule 0 pass\n",
     H3C_FW + "object-policy ip P\n rule 0 pass\nzone-pair security source Trust destination Untrust\n"
     " object-policy apply ip P\n"),
]
