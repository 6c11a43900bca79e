"""Live SNMP rules: what a probed agent actually answers (communities, v3 without authentication)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_snmp import SnmpProbe


def _versions(probe: SnmpProbe, well_known: bool) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for hit in probe.communities:
        if hit.guess.well_known == well_known:
            found.setdefault(hit.guess.label, []).append(hit.version)
    return found


@rule(id="YW-SNMP-001", clauses=["8.1.4.2-b", "8.1.4.1-c", "8.1.5.4-b"], severity="high", source="snmp",
      title="Agent answers a well-known SNMP community", title_zh="设备响应默认 SNMP 团体字",
      remediation="Remove default communities from the device and move monitoring to SNMPv3 authPriv.",
      remediation_zh="删除设备上的默认团体字，监控改用 SNMPv3 authPriv。")
def well_known_community(probe: SnmpProbe) -> Iterator[Violation]:
    for label, versions in sorted(_versions(probe, True).items()):
        yield Violation(probe.target_ref(), f"answers community '{label}' over SNMP {'/'.join(versions)}")


@rule(id="YW-SNMP-002", clauses=["8.1.4.1-a", "8.1.4.2-b"], severity="high", source="snmp",
      title="Agent answers a guessable SNMP community", title_zh="设备响应易猜测的 SNMP 团体字",
      remediation="Replace the community with SNMPv3 credentials that are not on the list of guesses.",
      remediation_zh="更换为不在猜测列表中的 SNMPv3 凭据。")
def guessable_community(probe: SnmpProbe) -> Iterator[Violation]:
    for label, versions in sorted(_versions(probe, False).items()):
        yield Violation(probe.target_ref(), f"answers the community from the {label} "
                                            f"over SNMP {'/'.join(versions)}")


@rule(id="YW-SNMP-003", clauses=["8.1.4.1-a", "8.1.4.1-c"], severity="high", source="snmp",
      title="Agent accepts SNMPv3 noAuthNoPriv", title_zh="设备接受 SNMPv3 noAuthNoPriv 访问",
      remediation="Require authPriv for every SNMPv3 user (net-snmp: `rouser NAME priv`; VRP: `snmp-agent group v3 "
                  "G privacy`).",
      remediation_zh="所有 SNMPv3 用户要求 authPriv（net-snmp `rouser NAME priv`；"
                     "VRP `snmp-agent group v3 G privacy`）。")
def v3_noauth(probe: SnmpProbe) -> Iterator[Violation]:
    for user in probe.v3_noauth_users:
        yield Violation(probe.target_ref(), f"user '{user}' reads the MIB without authentication or encryption")
