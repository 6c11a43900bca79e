"""Audit logging of the cluster: an audit policy that records something, or a monitoring plane that collects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, K8sObject, as_dict

MONITORING_ZONE = "security-management"


def _policy_levels(policy: dict[str, Any]) -> set[str]:
    return {str(r.get("level")) for r in policy.get("rules") or [] if isinstance(r, dict)}


def audit_policies(facts: K8sFacts) -> list[tuple[K8sObject, dict[str, Any]]]:
    """Audit policies in the set: audit.k8s.io Policy objects, or ones embedded in a ConfigMap."""
    import yaml

    found: list[tuple[K8sObject, dict[str, Any]]] = []
    for o in facts.of_kind("Policy"):
        if str(o.obj.get("apiVersion", "")).startswith("audit.k8s.io/"):
            found.append((o, o.obj))
    for cm in facts.of_kind("ConfigMap"):
        for value in (cm.obj.get("data") or {}).values():
            if isinstance(value, str) and "audit.k8s.io/" in value:
                try:
                    doc = yaml.safe_load(value)
                except yaml.YAMLError:
                    continue
                if isinstance(doc, dict) and doc.get("kind") == "Policy":
                    found.append((cm, doc))
    return found


@rule(id="YW-K8S-050", clauses=("8.1.4.3-a", "8.2.3.3-a", "8.1.5.2-a", "8.1.3.5-a"), severity="medium",
      source="k8s", title="No audit logging", title_zh="未开启审计日志",
      remediation="Ship an audit.k8s.io Policy that logs at least Metadata for every request (and RequestResponse "
                  "for deletes/exec), and a collector in the security-management zone.",
      remediation_zh="提供至少记录 Metadata 级别的 audit.k8s.io Policy（删除/exec 记录 RequestResponse），"
                     "并在安全管理区部署采集。",
      peers=("C-0067",))
def audit_logging(facts: K8sFacts) -> Iterator[Violation]:
    if not facts.namespaces:
        return  # an application chart, not a cluster definition: nothing to say about cluster auditing
    policies = audit_policies(facts)
    for obj, policy in policies:
        if _policy_levels(policy) <= {"None"}:
            yield Violation(obj.target(), "audit policy records nothing (every rule has level None)")
    collectors = [o for o, _ in facts.workloads if facts.zone_of(o.namespace) == MONITORING_ZONE]
    if not policies and not collectors:
        first = next(iter(facts.namespaces.values()))
        yield Violation(first.target("cluster"),
                        "no audit policy and no collector in a security-management zone namespace")


BODY_LEVELS = frozenset({"Request", "RequestResponse"})
CREDENTIAL_RESOURCES = (("", "secrets"), ("authentication.k8s.io", "tokenreviews"),
                        ("authentication.k8s.io", "tokenrequests"), ("", "serviceaccounts/token"))
_RESTRICTIONS = ("users", "userGroups", "verbs", "namespaces", "nonResourceURLs", "omitStages")


def _matches(rule_: dict[str, Any], group: str, resource: str) -> bool:
    """Whether an audit policy rule applies to requests on group/resource (a rule naming no resources applies to
    every resource)."""
    kinds = rule_.get("resources")
    if not kinds:
        return True
    for kind in kinds if isinstance(kinds, list) else []:
        kind_group = str(as_dict(kind).get("group", ""))
        names = [str(n) for n in as_dict(kind).get("resources") or []]
        if kind_group in (group, "*") and (not names or resource in names or "*" in names
                                           or resource.split("/")[0] + "/*" in names):
            return True
    return False


def credential_bodies(policy: dict[str, Any]) -> list[str]:
    """Credential-bearing resources whose request or response bodies the policy writes into the log: the first rule
    that applies decides (as the API server evaluates it); a restricted rule (users, verbs …) decides only when it
    logs bodies."""
    leaks = []
    rules = [as_dict(r) for r in policy.get("rules") or []]
    for group, resource in CREDENTIAL_RESOURCES:
        for r in rules:
            if not _matches(r, group, resource):
                continue
            if str(r.get("level")) in BODY_LEVELS:
                leaks.append(f"{resource} at {r.get('level')}")
                break
            if not any(r.get(k) for k in _RESTRICTIONS):
                break
    return leaks


@rule(id="YW-K8S-051", clauses=("8.1.4.8-b", "8.1.4.3-c"), severity="medium", source="k8s",
      title="Audit policy logs secret contents", title_zh="审计策略记录了 Secret 内容",
      remediation="Log secrets, token reviews and token requests at Metadata only, in a rule placed before any "
                  "Request/RequestResponse rule that would also match them.",
      remediation_zh="secrets、tokenreviews 与 token 请求只按 Metadata 级别记录，且该规则排在任何也会匹配它们的 "
                     "Request/RequestResponse 规则之前。",
      peers=("cis-k8s:3.2.2",))
def audit_bodies(facts: K8sFacts) -> Iterator[Violation]:
    for obj, policy in audit_policies(facts):
        leaks = credential_bodies(policy)
        if leaks:
            yield Violation(obj.target(), f"audit log receives credential bodies: {', '.join(leaks)}")
