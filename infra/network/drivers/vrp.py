"""Huawei VRP (S-series, AR/NE, USG): hier-config's HUAWEI_VRP driver with our rule table."""

from __future__ import annotations

from hier_config.platforms.driver_base import HConfigDriverRules
from hier_config.platforms.huawei_vrp.driver import HConfigDriverHuaweiVrp

from infra.network.drivers.rules import ListLine, Rules, RulesDriver, hier_rules

INTERFACE_KEYS = ("description", "ip address unnumbered", "ip address", "port link-type", "port default vlan",
                  "port trunk pvid vlan",
                  "authentication-profile", "port-security max-mac-num", "port-security protect-action",
                  "ospf authentication-mode", "ospf network-type", "ospf cost", "traffic-filter inbound",
                  "traffic-filter outbound")
USER_INTERFACE_KEYS = ("authentication-mode", "set authentication password", "user privilege level", "idle-timeout",
                       "protocol inbound", "acl ? inbound", "acl ? outbound", "screen-length",
                       "history-command max-size")

RULES = Rules(
    negation="undo",
    exit_text="quit",
    keyed={
        (): ("sysname", "ospf *", "firewall zone name *", "header login", "header shell", "info-center timestamp *",
             "info-center loghost source",
             "info-center loghost *", "ntp-service source-interface", "ntp-service authentication-keyid *",
             "ntp-service unicast-server *", "snmp-agent group v3 *", "snmp-agent sys-info contact",
             "snmp-agent sys-info location", "snmp-agent usm-user v3 * group",
             "snmp-agent usm-user v3 * authentication-mode", "snmp-agent usm-user v3 * privacy-mode",
             "ssh server cipher", "ssh server hmac", "ssh server key-exchange", "ssh server-source",
             "ssh server timeout", "ssh server authentication-retries", "ssh user * authentication-type",
             "ssh user * service-type"),
        ("aaa",): ("cmd recording-scheme", "local-user * password", "local-user * privilege level",
                   "local-user * service-type",
                   "local-user * state", "local-aaa-user wrong-password"),
        ("aaa", "authentication-scheme *"): ("authentication-mode",),
        ("aaa", "authorization-scheme *"): ("authorization-mode", "authorization-cmd *"),
        ("aaa", "accounting-scheme *"): ("accounting-mode", "accounting start-fail"),
        ("aaa", "recording-scheme *"): ("recording-mode",),
        ("aaa", "domain *"): ("authentication-scheme", "authorization-scheme", "accounting-scheme",
                              "hwtacacs-server", "radius-server"),
        ("hwtacacs-server template *",): ("hwtacacs-server shared-key", "hwtacacs-server source-ip"),
        ("radius-server template *",): ("radius-server shared-key",),
        ("acl number *",): ("rule *", "description"),
        ("acl name *",): ("rule *", "description"),
        ("vlan *",): ("description", "name"),
        ("interface *",): INTERFACE_KEYS,
        ("user-interface",): USER_INTERFACE_KEYS,
        ("firewall zone",): ("set priority", "description"),
        ("security-policy",): ("default action",),
        ("security-policy", "rule name *"): ("description", "action"),
        ("ospf",): ("silent-interface *",),
        ("ospf", "area *"): ("authentication-mode",),
    },
    purge={(): ("snmp-agent usm-user v3 *", "ssh user *"), ("aaa",): ("local-user *",)},
    lists={(): (ListLine("vlan batch"),), ("interface *",): (ListLine("port trunk allow-pass vlan"),)},
    builtin={
        (): ("aaa$", "user-interface ", "security-policy$", "firewall zone (local|trust|untrust|dmz)$",
             "interface (GigabitEthernet|XGigabitEthernet|25GE|40GE|100GE|NULL|MEth|InLoopBack)"),
        ("aaa",): ("(authentication|authorization|accounting)-scheme default$", "domain default(_admin)?$"),
    },
    early=("vlan batch ", "vlan ", "acl ", "dot1x-access-profile ", "authentication-profile ",
           "hwtacacs-server template ", "radius-server template ", "aaa$", "interface (Vlanif|LoopBack|Eth-Trunk)",
           "firewall zone "),
    last=("acl ", "hwtacacs-server template ", "radius-server template ", "snmp-agent mib-view ",
          "snmp-agent group ", "vlan batch ", "vlan ", "interface (Vlanif|LoopBack|Eth-Trunk)"),
    unshown=("undo telnet server enable", "undo http server enable"),
    opens=("dot1x-access-profile name ",),
    dropped=(r"^\s*#", r"^\s*!", r"^return$"),
    unordered_words=("local-user * service-type",),
)


class VrpDriver(RulesDriver, HConfigDriverHuaweiVrp):
    """hier-config's VRP driver (``undo``, ``quit``, description/remark/community negation) plus :data:`RULES`."""

    RULES = RULES

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return hier_rules(RULES, HConfigDriverHuaweiVrp._instantiate_rules())
