"""IaC rules over the planned resources: TLS for portals, monitoring, secrets, backups, data location, grading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from policies.engine import Target, Violation, rule
from policies.k8s import as_dict
from policies.plan import PlanFacts
from policies.rules.k8s_secrets import secret_like

REDACTED = "[secret]"
LEVEL_LABEL = "yunwang.io/mlps-level"
BACKUP_LABEL = "yunwang.io/backup"
_CN_REGION = re.compile(r"^cn-|^cn$|china", re.IGNORECASE)


def _resource_target(facts: PlanFacts, record: dict[str, Any]) -> Target:
    return Target(source="plan", id=str(record.get("urn") or record.get("name")), file=facts.file)


@rule(id="YW-IAC-006", clauses=("8.1.2.2-a", "8.1.2.2-b", "8.1.4.7-a"), severity="high", source="plan",
      title="Portal not served over TLS", title_zh="门户未通过 TLS 提供服务",
      remediation="Publish every portal host through an Ingress with spec.tls covering that host.",
      remediation_zh="每个门户主机名都应经 spec.tls 覆盖该主机名的 Ingress 发布。")
def portal_tls(facts: PlanFacts) -> Iterator[Violation]:
    tls_hosts: set[str] = set()
    for ing in facts.k8s.of_kind("Ingress"):
        spec = as_dict(ing.obj.get("spec"))
        for t in spec.get("tls") or []:
            if isinstance(t, dict) and t.get("secretName"):
                tls_hosts.update(str(h) for h in t.get("hosts") or [])
    for p in facts.topology.portals:
        if p.host not in tls_hosts:
            yield Violation(Target(source="plan", id=f"portal/{p.name}", file=facts.topology_file),
                            f"no Ingress in the plan serves {p.host} over TLS")


@rule(id="YW-IAC-009", clauses=("8.1.5.4-c", "8.1.5.4-f", "8.1.3.3-c", "8.2.3.2-a", "8.2.3.2-b", "8.2.3.2-c",
                                "8.2.3.2-d", "8.2.5.1-c", "8.2.5.1-d"), severity="high", source="plan",
      title="No central monitoring of every region", title_zh="未对全部区域集中监测",
      remediation="Deploy the monitoring plane in the security-management zone and poll the devices of every region.",
      remediation_zh="在安全管理区部署监控平面，并采集每个区域的设备。")
def central_monitoring(facts: PlanFacts) -> Iterator[Violation]:
    planes = facts.of_type(":MonitoringPlane")
    if not planes:
        yield Violation(Target(source="plan", id="MonitoringPlane", file=facts.file),
                        "the plan has no MonitoringPlane")
        return
    pollers = as_dict(as_dict(facts.outputs.get("inventory")).get("pollers"))
    polled = {str(r) for p in pollers.values() if isinstance(p, dict) for r in p.get("polls") or []}
    with_devices = sorted({d.region for d in facts.topology.devices})
    missing = [r for r in with_devices if r not in polled]
    if missing:
        yield Violation(_resource_target(facts, planes[0]), f"devices of region(s) {', '.join(missing)} are not "
                                                            "polled by any monitoring poller")


_OBJECT_REFERENCE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$")
"""``namespace/name``: a Secret named by reference (e.g. ingress-nginx's ``auth-tls-secret``), not its content."""


def _plain_secrets(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(v, str) and v and v != REDACTED and secret_like(str(k)) and "\n" not in v \
                    and not _OBJECT_REFERENCE.match(v):
                yield sub
            else:
                yield from _plain_secrets(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _plain_secrets(v, f"{path}[{i}]")


@rule(id="YW-IAC-010", clauses=("8.1.4.8-b", "8.2.4.4-c"), severity="high", source="plan",
      title="Credential in plain text in the plan", title_zh="计划中存在明文凭据",
      remediation="Pass credentials as Pulumi secrets (pulumi config set --secret) so they are encrypted in state.",
      remediation_zh="凭据以 Pulumi 机密配置传入（pulumi config set --secret），在状态中加密保存。")
def plaintext_secrets(facts: PlanFacts) -> Iterator[Violation]:
    for record in facts.resources:
        inputs = as_dict(record.get("inputs"))
        if inputs.get("kind") == "Secret":
            for key in ("data", "stringData"):
                section = inputs.get(key)
                if isinstance(section, dict) and any(v != REDACTED for v in section.values()):
                    yield Violation(_resource_target(facts, record), f"Secret {key} is not marked secret in the "
                                                                     "program (plain text in state)")
            continue
        paths = list(_plain_secrets(inputs))
        if paths:
            yield Violation(_resource_target(facts, record), f"plain-text credential at {', '.join(paths[:5])}")


def _is_backup(obj: Any) -> bool:
    labels = obj.labels()
    return (obj.kind == "CronJob" and ("backup" in obj.name or BACKUP_LABEL in labels)) or \
        (obj.kind == "Schedule" and str(obj.obj.get("apiVersion", "")).startswith("velero.io/"))


@rule(id="YW-IAC-011", clauses=("8.1.4.9-a", "8.2.4.6-a"), severity="medium", source="plan",
      title="No backup of important data", title_zh="重要数据无备份",
      remediation="Add a backup CronJob (label yunwang.io/backup) for every namespace holding a data platform or "
                  "persistent volumes.",
      remediation_zh="为存放数据中台或持久卷的命名空间添加备份 CronJob（标签 yunwang.io/backup）。")
def backups(facts: PlanFacts) -> Iterator[Violation]:
    backed_up = {o.namespace for o in facts.k8s.objects if _is_backup(o)}
    holders = sorted({o.namespace for o in facts.k8s.of_kind("PersistentVolumeClaim", "StatefulSet")
                      if o.namespace} | {p.zone for p in facts.topology.platforms if p.kind == "data"})
    for ns in holders:
        if ns not in backed_up:
            yield Violation(facts.k8s.namespace_target(ns) if facts.k8s.objects else
                            Target(source="plan", id=f"Namespace/{ns}", file=facts.file),
                            f"namespace '{ns}' holds data but has no backup job")


@rule(id="YW-IAC-012", clauses=("8.1.4.9-b",), severity="low", source="plan",
      title="No off-site backup destination", title_zh="无异地备份",
      remediation="Send backups to a different region (label the backup job yunwang.io/backup-target: <region>).",
      remediation_zh="将备份发送到其他区域（为备份任务加标签 yunwang.io/backup-target: <区域>）。")
def offsite_backup(facts: PlanFacts) -> Iterator[Violation]:
    jobs = [o for o in facts.k8s.objects if _is_backup(o)]
    offsite = [o for o in jobs if o.labels().get("yunwang.io/backup-target")
               not in (None, o.labels().get("yunwang.io/region"))]
    if not offsite:
        yield Violation(Target(source="plan", id="backups", file=facts.file),
                        f"{len(jobs)} backup job(s), none replicating to another region")


@rule(id="YW-IAC-013", clauses=("8.2.1.1-a", "8.2.4.5-a", "8.2.4.6-b"), severity="medium", source="plan",
      title="Resource outside the declared (domestic) regions", title_zh="资源位于未声明的（境外）区域",
      remediation="Deploy only to the regions declared in the topology (all within China) and label every namespace "
                  "with yunwang.io/region.",
      remediation_zh="只部署到拓扑声明的（境内）区域，并为每个命名空间加 yunwang.io/region 标签。")
def data_location(facts: PlanFacts) -> Iterator[Violation]:
    declared = {r.name for r in facts.topology.regions}
    for record in facts.resources:
        region = record.get("region")
        inputs = as_dict(record.get("inputs"))
        cloud = inputs.get("region") or inputs.get("location")
        if region not in declared:
            yield Violation(_resource_target(facts, record), f"region '{region}' is not declared in the topology")
        elif isinstance(cloud, str) and cloud not in declared and not _CN_REGION.search(cloud):
            yield Violation(_resource_target(facts, record), f"cloud location '{cloud}' is not in China")
    for ns in facts.k8s.of_kind("Namespace"):
        if ns.labels().get("yunwang.io/region") not in declared:
            yield Violation(ns.target(), "namespace does not say which declared region holds its data "
                                         "(label yunwang.io/region)")


@rule(id="YW-IAC-015", clauses=("8.2.2.1-a",), severity="high", source="plan",
      title="System graded above the platform's level", title_zh="承载高于平台等级的业务系统",
      remediation="Host only systems graded level 3 or below on this level-3 platform.",
      remediation_zh="本三级平台只承载定级不高于三级的业务系统。")
def grading(facts: PlanFacts) -> Iterator[Violation]:
    for o in facts.k8s.objects:
        level = o.labels().get(LEVEL_LABEL)
        if level is not None and str(level).strip().isdigit() and int(str(level)) > 3:
            yield Violation(o.target(), f"labelled {LEVEL_LABEL}={level} on a level-3 platform")
