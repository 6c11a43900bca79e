"""The password-policy and service-hardening commands of the device templates: how each simulated CLI takes them,
prints them (defaults unshown, ``no …`` lines where the default is on), negates them, and how the remediation
drivers add, change and roll them back until nothing is left to do."""

from __future__ import annotations

import pytest
from ssh_testlib import ACCOUNT, BY_DIALECT, Terminal, device_named

from agents.sim.ssh.build import build_device
from infra.network.remediation import remediate
from yunwang.topology import Topology, Vendor


def terminal(topo: Topology, dialect: str) -> Terminal:
    return Terminal(build_device(device_named(topo, BY_DIALECT[dialect]), ACCOUNT))


def typed(t: Terminal, lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """The lines the device refused, with its last output line."""
    refused = []
    for line in lines:
        out = t(line)
        if out.strip():
            refused.append((line, out.strip().splitlines()[-1]))
    return refused


def test_vrp_administrator_password_policy_is_a_view_under_aaa(dev: Topology) -> None:
    t = terminal(dev, "vrp")
    t("system-view")
    t("aaa")
    t("local-aaa-user password policy administrator")
    assert t.prompt == "[luan-acc-1-aaa-lupp-admin]"
    assert typed(t, ("password history record number 5", "password expire 90")) == []
    assert t("password expire 1000").strip().endswith("Error: Wrong parameter found at '^' position.")
    assert t("password history record number 13").strip().endswith("Wrong parameter found at '^' position.")
    t("quit")
    assert t.prompt == "[luan-acc-1-aaa]"
    shown = t("display current-configuration")
    assert ("\n local-aaa-user password policy administrator\n  password history record number 5\n"
            "  password expire 90\n local-user ") in shown
    t("local-aaa-user password policy administrator")
    assert typed(t, ("undo password expire", "password expire 180")) == []
    assert "  password expire 180\n" in t("display current-configuration")
    t("quit")
    assert t("undo local-aaa-user password policy administrator") == ""
    assert "local-aaa-user password policy" not in t("display current-configuration")


def test_ios_services_on_by_default_are_shown_only_when_turned_off(dev: Topology) -> None:
    t = terminal(dev, "ios")
    t("configure terminal")
    before = t("do show running-config")
    for default_on in ("ip source-route", "ip bootp server", "service dhcp"):
        assert default_on not in before
    assert typed(t, ("no ip bootp server", "no ip source-route", "no service dhcp")) == []
    shown = t("do show running-config")
    assert "\nno service dhcp\n" in shown
    assert "\nno ip source-route\nno ip bootp server\n" in shown
    assert typed(t, ("ip source-route", "service dhcp")) == []
    shown = t("do show running-config")
    assert "ip source-route" not in shown and "service dhcp" not in shown and "\nno ip bootp server\n" in shown


def test_ios_common_criteria_policy_login_logging_and_enable_authentication(dev: Topology) -> None:
    t = terminal(dev, "ios")
    t("configure terminal")
    assert typed(t, ("aaa new-model", "aaa authentication enable default group YUNWANG enable",
                     "login on-failure log", "login on-success log")) == []
    t("aaa common-criteria policy YUNWANG-PASSWORDS")
    assert t.prompt == "luan-rt-9(config-cc-policy)#"
    assert typed(t, ("min-length 8", "upper-case 1", "lower-case 1", "numeric-count 1", "special-case 1",
                     "lifetime days 90")) == []
    assert t("min-length 200").strip().endswith("% Invalid input detected at '^' marker.")
    t("exit")
    shown = t("do show running-config")
    assert "\naaa new-model\naaa authentication enable default group YUNWANG enable\n" in shown
    assert ("\naaa common-criteria policy YUNWANG-PASSWORDS\n min-length 8\n upper-case 1\n lower-case 1\n"
            " numeric-count 1\n special-case 1\n lifetime days 90\n!") in shown
    assert "\nlogin on-failure log\nlogin on-success log\n" in shown
    assert typed(t, ("no login on-failure log", "no login on-success", "no aaa authentication enable default",
                     "no aaa common-criteria policy YUNWANG-PASSWORDS")) == []
    shown = t("do show running-config")
    for gone in ("login on-", "aaa authentication enable", "common-criteria"):
        assert gone not in shown, gone


def test_rgos_password_policy_and_enable_authentication(dev: Topology) -> None:
    t = terminal(dev, "rgos")
    t("configure terminal")
    assert typed(t, ("aaa new-model", "aaa authentication enable default group tacacs+ enable",
                     "password policy strong", "password policy min-size 8", "password policy life-cycle 90")) == []
    assert t("password policy min-size 40").strip().endswith("% Invalid input detected at '^' marker.")
    shown = t("do show running-config")
    assert "\naaa authentication enable default group tacacs+ enable\n" in shown
    assert "\npassword policy strong\npassword policy min-size 8\npassword policy life-cycle 90\n" in shown
    assert typed(t, ("no password policy life-cycle", "no password policy strong")) == []
    shown = t("do show running-config")
    assert "password policy life-cycle" not in shown and "password policy strong" not in shown
    assert "\npassword policy min-size 8\n" in shown


def test_comware_password_composition_is_shown_as_typed(dev: Topology) -> None:
    t = terminal(dev, "comware")
    t("system-view")
    assert typed(t, ("password-control enable", "password-control composition type-number 3 type-length 1")) == []
    assert "\n password-control composition type-number 3 type-length 1\n" in t("display current-configuration")
    assert t("undo password-control composition") == ""
    assert "password-control composition" not in t("display current-configuration")


HARDENING: dict[str, tuple[Vendor, tuple[str, ...], tuple[str, str]]] = {
    "vrp": (Vendor.HUAWEI, ("aaa", "local-aaa-user password policy administrator",
                            "password history record number 5", "password expire 90", "quit", "quit"),
            ("  password expire 90\n", "  password expire 180\n")),
    "ios": (Vendor.CISCO, ("no ip bootp server", "no ip source-route", "no service dhcp", "login on-failure log",
                           "aaa authentication enable default group YUNWANG enable",
                           "aaa common-criteria policy YUNWANG-PASSWORDS", "min-length 8", "lifetime days 90",
                           "exit"),
            (" min-length 8\n", " min-length 12\n")),
    "rgos": (Vendor.RUIJIE, ("aaa authentication enable default group tacacs+ enable", "password policy strong",
                             "password policy min-size 8", "password policy life-cycle 90"),
             ("password policy life-cycle 90\n", "password policy life-cycle 60\n")),
}
CONFIGURE = {Vendor.HUAWEI: "system-view", Vendor.CISCO: "configure terminal", Vendor.RUIJIE: "configure terminal"}


@pytest.mark.parametrize("dialect", sorted(HARDENING))
def test_remediation_adds_changes_and_rolls_back_the_hardening(dev: Topology, dialect: str) -> None:
    vendor, lines, (old, new) = HARDENING[dialect]
    name = BY_DIALECT[dialect]
    t = terminal(dev, dialect)
    t(CONFIGURE[vendor])
    factory = t.device.running_config()
    assert typed(t, lines) == []
    hardened = t.device.running_config()
    changed = hardened.replace(old, new)
    assert changed != hardened
    for intent in (changed, factory, hardened):  # a value changed, everything rolled back, all added again
        plan = remediate(vendor, t.device.running_config(), intent, intent, device=name, secret_patterns=())
        assert not plan.empty
        assert typed(t, plan.commands) == [], plan.text
        left = remediate(vendor, t.device.running_config(), intent, device=name, secret_patterns=())
        assert left.empty, left.text
