"""Cisco IOS / IOS XE: hier-config's CISCO_IOS driver with our rule table."""

from __future__ import annotations

import re

from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
from hier_config.platforms.driver_base import HConfigDriverRules

from infra.network.drivers.rules import Rules, RulesDriver, hier_rules

GLOBAL_KEYS = ("hostname", "username *", "enable secret", "logging buffered", "logging trap", "login block-for",
               "ip ssh version", "ip ssh time-out", "ntp authentication-key *", "ntp server *", "snmp-server group *",
               "snmp-server community *", "snmp-server user *", "aaa authentication login *",
               "aaa authentication dot1x *", "aaa authorization exec *", "aaa authorization commands * *",
               "aaa accounting exec *", "aaa accounting commands * *", "banner login", "banner motd",
               "service timestamps *")
INTERFACE_KEYS = ("description", "ip address", "ip unnumbered", "switchport mode", "switchport access vlan",
                  "switchport port-security maximum",
                  "switchport port-security violation", "ip access-group ? in", "ip access-group ? out",
                  "ip ospf network", "ip ospf authentication", "authentication port-control", "dot1x pae")
LINE_KEYS = ("exec-timeout", "transport input", "access-class ? in", "login", "password", "privilege level")

RULES = Rules(
    negation="no",
    exit_text="exit",
    keyed={
        (): (*GLOBAL_KEYS, "logging source-interface", "ip ssh source-interface", "ip ssh server algorithm *",
             "ntp source", "aaa local authentication attempts max-fail"),
        ("interface *",): INTERFACE_KEYS,
        ("line",): LINE_KEYS,
        ("router ospf *",): ("router-id",),
        ("key chain *", "key *"): ("key-string", "cryptographic-algorithm"),
        ("aaa group server",): ("ip tacacs source-interface", "ip radius source-interface"),
        ("tacacs server *",): ("address ipv4", "key"),
        ("radius server *",): ("address ipv4", "key"),
        ("vlan *",): ("name",),
    },
    replaced={("interface *",): ("switchport trunk allowed vlan",)},
    builtin={(): ("interface (GigabitEthernet|TenGigabitEthernet|FastEthernet|Ethernet|Null)", "line ")},
    early=("(no )?service password-encryption$", "vlan ", "ip access-list ", "key chain ", "aaa group server ",
           "tacacs server ", "radius server ",
           "interface (Loopback|Vlan|Port-channel)", "username "),
    last=("ip access-list ", "key chain ", "aaa group server ", "tacacs server ", "radius server ", "vlan ",
          "interface (Loopback|Vlan|Port-channel)"),
    unshown=("snmp-server user",),
)
_ACE_NUMBER = re.compile(r"^(\s+)\d+ (permit|deny|remark) ")


class IosDriver(RulesDriver, HConfigDriverCiscoIOS):
    """hier-config's IOS driver (``no``, ACL entries numbered by position, banners) plus :data:`RULES`."""

    RULES = RULES

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return hier_rules(RULES, HConfigDriverCiscoIOS._instantiate_rules())

    def reshape(self, lines: list[str]) -> list[str]:
        """Access-list entries without their typed sequence numbers: hier-config numbers them by position on both
        sides (a device may print them or not)."""
        return [_ACE_NUMBER.sub(r"\1\2 ", line) for line in lines]
