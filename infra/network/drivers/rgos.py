"""Ruijie RGOS: IOS-like, through our IOS-based driver with RGOS's own commands in its rule table."""

from __future__ import annotations

from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
from hier_config.platforms.driver_base import HConfigDriverRules

from infra.network.drivers.ios import GLOBAL_KEYS, INTERFACE_KEYS, LINE_KEYS, IosDriver
from infra.network.drivers.rules import Rules, hier_rules

RULES = Rules(
    negation="no",
    exit_text="exit",
    keyed={
        (): (*GLOBAL_KEYS, "aaa local authentication attempts", "aaa local authentication lockout-time",
             "tacacs-server host *", "radius-server host *", "logging source interface", "snmp-server enable version"),
        ("interface *",): (*INTERFACE_KEYS, "ip ospf message-digest-key *",
                           "dot1x port-control"),
        ("line",): LINE_KEYS,
        ("router ospf *",): ("router-id",),
        ("vlan *",): ("name",),
    },
    replaced={("interface *",): ("switchport trunk allowed vlan",)},
    builtin={(): ("interface (GigabitEthernet|TenGigabitEthernet|FastEthernet|Null)", "line ")},
    early=("(no )?service password-encryption$", "vlan ", "ip access-list ", "interface (Loopback|VLAN|AggregatePort)",
           "username "),
    last=("ip access-list ", "vlan ", "interface (Loopback|VLAN|AggregatePort)"),
    unshown=("no enable service telnet-server", "no enable service web-server"),
)


class RgosDriver(IosDriver):
    """IOS-shaped (``no``, ``exit``, banners, positional ACL entries) with :data:`RULES`."""

    RULES = RULES

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return hier_rules(RULES, HConfigDriverCiscoIOS._instantiate_rules())
