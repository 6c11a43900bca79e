"""Device rules for firewalls (configs with security zones): default action, state, application, attack defence."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations


@rule(id="YW-DEV-026", clauses=["8.1.3.2-a", "8.1.3.2-d"], severity="high", source="device",
      title="Firewall default action permits traffic", title_zh="防火墙默认动作为允许",
      remediation="Set the security policy's default action to deny and permit only the declared flows.",
      remediation_zh="将安全策略默认动作设为拒绝，仅放行已声明的业务流。",
      peers=("huawei-vrp:fw.default-deny", "h3c-comware:fw.default-deny"))
def default_permit(config: DeviceConfig) -> Iterator[Violation]:
    fw = config.firewall
    if fw is not None:
        yield from evidence_violations(config, fw.default_permit)


@rule(id="YW-DEV-027", clauses=["8.1.3.2-d"], severity="medium", source="device",
      title="Firewall zones without a stateful policy", title_zh="防火墙安全域间未配置状态检测策略",
      remediation="Define interzone security policies (`security-policy` rules / `zone-pair security` with an "
                  "inspect policy) so flows are allowed or denied by session state.",
      remediation_zh="配置安全域间策略（`security-policy` / `zone-pair security` + inspect），按会话状态放行或拒绝。",
      peers=("huawei-vrp:fw.zone-policy", "h3c-comware:fw.zone-policy"))
def no_stateful_policy(config: DeviceConfig) -> Iterator[Violation]:
    fw = config.firewall
    if fw is not None and fw.policy_rules == 0:
        yield Violation(device_target(config, fw.line), "security zones are defined but no interzone policy")


@rule(id="YW-DEV-028", clauses=["8.1.3.2-e"], severity="low", source="device",
      title="Firewall without application-layer control", title_zh="防火墙未做应用层控制",
      remediation="Match applications and attach IPS/AV/URL profiles to the policies that admit outside traffic.",
      remediation_zh="在放行外部流量的策略中按应用匹配，并挂接 IPS/AV/URL 过滤配置文件。",
      peers=("huawei-vrp:fw.app-control", "h3c-comware:fw.app-control"))
def no_app_control(config: DeviceConfig) -> Iterator[Violation]:
    fw = config.firewall
    if fw is not None and not fw.app_control:
        yield Violation(device_target(config, fw.line), "policies match addresses and ports only")


@rule(id="YW-DEV-029", clauses=["8.1.3.3-d"], severity="low", source="device",
      title="Firewall without attack defence", title_zh="防火墙未开启攻击防范",
      remediation="Enable attack defence / IPS (`firewall defend … enable`, `attack-defense policy`, `ip ips`) and "
                  "log its events to the log server.",
      remediation_zh="开启攻击防范或 IPS（`firewall defend … enable`、`attack-defense policy`、`ip ips`）并记录日志。",
      peers=("huawei-vrp:fw.attack-defense", "h3c-comware:fw.attack-defense"))
def no_attack_defense(config: DeviceConfig) -> Iterator[Violation]:
    fw = config.firewall
    if fw is not None and not fw.attack_defense:
        yield Violation(device_target(config, fw.line), "no attack defence or IPS: attacks are neither blocked "
                                                        "nor logged with source, type and time")
