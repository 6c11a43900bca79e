"""Device rules: SNMP configuration (versions, communities, v3 security level, trap receivers)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations
from policies.facts_snmp import WELL_KNOWN_COMMUNITIES


@rule(id="YW-DEV-004", clauses=["8.1.4.1-c", "8.1.5.4-b"], severity="medium", source="device",
      title="SNMPv1/v2c enabled", title_zh="启用了 SNMPv1/v2c",
      remediation="Use SNMPv3 with authPriv only (`snmp-agent sys-info version v3`), and remove communities.",
      remediation_zh="仅使用 SNMPv3 authPriv（`snmp-agent sys-info version v3`），删除团体字。",
      peers=("huawei-vrp:snmp.v3", "h3c-comware:snmp.v3"))
def snmp_v1v2c(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.snmp_v1v2c, why="community strings travel in clear text")


@rule(id="YW-DEV-005", clauses=["8.1.4.2-b"], severity="high", source="device",
      title="Default SNMP community", title_zh="使用默认 SNMP 团体字",
      remediation="Remove the default communities (public, private, …); move to SNMPv3 authPriv.",
      remediation_zh="删除 public、private 等默认团体字，改用 SNMPv3 authPriv。",
      peers=("cis-ios:1.5.2", "cis-ios:1.5.3", "huawei-vrp:snmp.community", "h3c-comware:snmp.community"))
def default_community(config: DeviceConfig) -> Iterator[Violation]:
    for c in config.communities:
        if c.value is not None and c.value.lower() in WELL_KNOWN_COMMUNITIES:
            yield Violation(device_target(config, c.line),
                            f"well-known community '{c.value}' ({'read-write' if c.write else 'read-only'})")


@rule(id="YW-DEV-006", clauses=["8.1.4.1-c", "8.1.4.1-a"], severity="medium", source="device",
      title="SNMPv3 without privacy", title_zh="SNMPv3 未启用加密",
      remediation="Use security level authPriv (`privacy` / `priv`) with SHA-2 authentication and AES privacy.",
      remediation_zh="SNMPv3 使用 authPriv 安全级别（`privacy` / `priv`），认证 SHA-2、加密 AES。",
      peers=("cis-ios:1.5.9", "huawei-vrp:snmp.authpriv", "h3c-comware:snmp.authpriv"))
def snmp_v3_without_priv(config: DeviceConfig) -> Iterator[Violation]:
    for entry in config.snmp_v3:
        if entry.level != "priv":
            level = "noAuthNoPriv" if entry.level == "noauth" else "authNoPriv"
            yield Violation(device_target(config, entry.line), f"SNMPv3 {entry.kind} {entry.name} allows {level}")


@rule(id="YW-DEV-031", clauses=["8.1.4.2-b", "8.1.5.4-b"], severity="high", source="device",
      title="SNMP read-write community", title_zh="配置了 SNMP 读写团体字",
      remediation="Remove write communities; make configuration changes over SSH with individual accounts.",
      remediation_zh="删除 SNMP 写团体字，配置变更通过 SSH 个人账号进行。",
      peers=("cis-ios:1.5.4", "huawei-vrp:snmp.write", "h3c-comware:snmp.write"))
def write_community(config: DeviceConfig) -> Iterator[Violation]:
    for c in config.communities:
        if c.write:
            yield Violation(device_target(config, c.line), "a community grants SNMP write access to the device")


@rule(id="YW-DEV-032", clauses=["8.1.4.4-c"], severity="low", source="device",
      title="SNMP community not restricted by ACL", title_zh="SNMP 团体字未绑定 ACL",
      remediation="Bind an ACL permitting only the network management servers to each community (`acl 2001`).",
      remediation_zh="为每个团体字绑定仅允许网管服务器的 ACL。",
      peers=("cis-ios:1.5.5", "huawei-vrp:snmp.acl", "h3c-comware:snmp.acl"))
def community_without_acl(config: DeviceConfig) -> Iterator[Violation]:
    for c in config.communities:
        if c.acl is None:
            yield Violation(device_target(config, c.line), "community usable from any source address")


@rule(id="YW-DEV-034", clauses=["8.1.2.1-a"], severity="low", source="device",
      title="No CPU or memory usage alarm", title_zh="未配置 CPU/内存利用率告警",
      remediation="Set CPU and memory usage alarm thresholds (`set cpu-usage threshold 80 restore 70`, "
                  "`monitor cpu-usage threshold 80` / `memory-threshold …`, `process cpu threshold type total rising "
                  "80 interval 60`) so overload at peak load raises an alarm.",
      remediation_zh="配置 CPU 与内存利用率告警阈值（如 `set cpu-usage threshold 80 restore 70`），"
                     "业务高峰过载时产生告警。",
      peers=("huawei-vrp:sys.capacity-alarm", "h3c-comware:sys.capacity-alarm"))
def no_capacity_alarm(config: DeviceConfig) -> Iterator[Violation]:
    if not config.capacity_alarms:
        yield Violation(device_target(config, None), "no CPU or memory usage threshold: overload at peak business "
                                                     "load raises no alarm")


@rule(id="YW-DEV-020", clauses=["8.1.2.1-a", "8.1.2.1-b", "8.1.3.3-d"], severity="low", source="device",
      title="No SNMP trap receiver", title_zh="未配置 SNMP 告警接收端",
      remediation="Send traps/informs to the monitoring centre (`snmp-agent target-host trap …` / `snmp-server host`) "
                  "so CPU, memory, link and attack alarms reach it.",
      remediation_zh="配置 SNMP Trap/Inform 发往监控中心，使 CPU、内存、链路与攻击告警能够上报。",
      peers=("cis-ios:1.5.7", "huawei-vrp:snmp.trap", "h3c-comware:snmp.trap"))
def no_trap_receiver(config: DeviceConfig) -> Iterator[Violation]:
    if not config.trap_hosts:
        yield Violation(device_target(config, None), "no trap or inform receiver: capacity and attack alarms go "
                                                     "nowhere")
