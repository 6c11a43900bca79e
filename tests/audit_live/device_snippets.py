"""Vendor configuration snippets the device rule cases build on: firewall zones and policies, filtering ACLs."""

from __future__ import annotations

HW_FW = "firewall zone trust\n set priority 85\n"
H3C_FW = "security-zone name Trust\n"
HW_FILTER_3001 = "interface GigabitEthernet0/0/1\n traffic-filter inbound acl 3001\n"


def hw_policy(rules: str) -> str:
    """A Huawei USG security policy holding ``rules``, after the trust zone."""
    return HW_FW + "security-policy\n" + rules


def h3c_policy(rules: str) -> str:
    """An H3C SecPath IPv4 security policy holding ``rules``, after the Trust zone."""
    return H3C_FW + "security-policy ip\n" + rules


def hw_acl(rules: str) -> str:
    """Huawei advanced ACL 3001 with ``rules``, filtering a port's inbound traffic."""
    return "acl number 3001\n" + rules + HW_FILTER_3001


def ios_acl(entries: str) -> str:
    """Cisco extended ACL ``E`` with ``entries``, applied inbound on Gi0/0."""
    return "ip access-list extended E\n" + entries + "interface Gi0/0\n ip access-group E in\n"


HW_POLICY_PERMIT = hw_policy(" rule name a\n  action permit\n")  # one rule, permitting anything
