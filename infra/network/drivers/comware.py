"""H3C Comware 7: hier-config's HP_COMWARE5 driver with our rule table and Comware's layout normalised.

Comware prints global commands one space in, between ``#`` lines, so hier-config would nest ``sysname X`` under
whatever section came before it (and ``#`` lines collide as duplicates): :meth:`ComwareDriver.reshape` puts
every global line at the top level first.
"""

from __future__ import annotations

from hier_config.platforms.driver_base import HConfigDriverRules
from hier_config.platforms.hp_comware5.driver import HConfigDriverHPComware5

from infra.network.drivers.rules import ListLine, Rules, RulesDriver, hier_rules

AAA_SCHEME_KEYS = ("primary *", "secondary *", "key *", "nas-ip", "user-name-format")

RULES = Rules(
    negation="undo",
    exit_text="quit",
    keyed={
        (): ("sysname", "password-control login-attempt", "password-control length", "password-control aging",
             "password-control composition", "info-center loghost source", "info-center source * loghost",
             "info-center timestamp *", "info-center loghost *", "ntp-service source",
             "ntp-service authentication-keyid *", "ntp-service unicast-server *", "snmp-agent group v3 *",
             "snmp-agent usm-user v3 *", "snmp-agent sys-info contact", "snmp-agent sys-info location",
             "ssh user *", "ssh server acl", "header *", "domain default enable"),
        ("vlan *",): ("name", "description"),
        ("interface *",): ("description", "port link-mode", "port link-type", "port access vlan",
                           "port trunk pvid vlan", "ip address", "port-security port-mode",
                           "port-security max-mac-count", "ospf authentication-mode", "ospf network-type",
                           "packet-filter ? inbound", "packet-filter ? outbound"),
        ("line",): ("authentication-mode", "idle-timeout", "protocol inbound", "acl ? inbound", "set authentication"),
        ("local-user *",): ("password",),
        ("hwtacacs scheme *",): AAA_SCHEME_KEYS,
        ("radius scheme *",): AAA_SCHEME_KEYS,
        ("domain *",): ("authentication *", "authorization *", "accounting *"),
        ("acl basic *",): ("rule *", "description"),
        ("acl advanced *",): ("rule *", "description"),
        ("ospf *", "area *"): ("authentication-mode",),
    },
    lists={("interface *",): (ListLine("port trunk permit vlan"),)},
    builtin={(): ("vlan 1$", "line ", "domain system$",
                  "interface (GigabitEthernet|Ten-GigabitEthernet|FortyGigE|HundredGigE|M-GigabitEthernet|NULL|"
                  "InLoopBack)")},
    early=("vlan ", "acl ", "hwtacacs scheme ", "radius scheme ", "domain ", "interface (Vlan-interface|LoopBack|"
           "Bridge-Aggregation)", "local-user "),
    last=("acl ", "hwtacacs scheme ", "radius scheme ", "snmp-agent mib-view ", "snmp-agent group ", "vlan ",
          "interface (Vlan-interface|LoopBack|Bridge-Aggregation)"),
    unshown=("undo telnet server enable", "undo ip http enable", "undo ip https enable"),
    dropped=(r"^\s*#", r"^return$", r"^\s*version \d"),
    unordered_words=("service-type",),
)


class ComwareDriver(RulesDriver, HConfigDriverHPComware5):
    """hier-config's Comware driver (``undo``) plus :data:`RULES` and the global-indent normalisation."""

    RULES = RULES

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return hier_rules(RULES, HConfigDriverHPComware5._instantiate_rules())

    def reshape(self, lines: list[str]) -> list[str]:
        """One-space lines between ``#`` separators that follow no section header are global commands."""
        out: list[str] = []
        in_section = False
        for line in lines:
            stripped = line.strip()
            if stripped == "#":
                in_section = False
                out.append(line)
            elif not line.startswith(" "):
                in_section = True
                out.append(line)
            elif not in_section and not line.startswith("  "):
                out.append(line[1:])
            else:
                out.append(line)
        return out
