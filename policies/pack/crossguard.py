"""The Kubernetes rules as CrossGuard policies: same checks at `pulumi preview/up` time as in `yunwang audit`.

Rules that look at one object run per resource (ResourceValidationPolicy); rules that need the whole object set
(default-deny per namespace, zone of a namespace, RBAC role separation, audit policy, quotas, disruption budgets and
autoscalers of a workload, Services and the pods they select, etcd's CA against the API server's) run once over the
stack's Kubernetes resources (StackValidationPolicy). High-severity rules are mandatory (they block an update);
medium and low are advisory. Building a ``PolicyPack`` starts the policy server, so only ``__main__`` does it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.engine import Rule, load_rules, rules_for
from policies.k8s import K8sFacts, K8sObject

PACK_NAME = "yunwang-mlps"
# Rules whose verdict depends on other objects (namespaces, policies, roles) than the one being checked.
SET_RULES = frozenset({"YW-K8S-009", "YW-K8S-010", "YW-K8S-011", "YW-K8S-012", "YW-K8S-014", "YW-K8S-015",
                       "YW-K8S-016", "YW-K8S-023", "YW-K8S-024", "YW-K8S-050", "YW-K8S-073", "YW-K8S-074",
                       "YW-K8S-075", "YW-K8S-083", "YW-K8S-085", "YW-K8S-086", "YW-K8S-128"})


def enforcement(rule: Rule) -> EnforcementLevel:
    return EnforcementLevel.MANDATORY if rule.severity == "high" else EnforcementLevel.ADVISORY


def _facts(items: list[tuple[Mapping[str, Any], str]]) -> K8sFacts:
    return K8sFacts(objects=[K8sObject(obj=dict(props), file=urn, line=0) for props, urn in items
                             if isinstance(props.get("kind"), str)])


def _message(rule: Rule, target_id: str, message: str) -> str:
    return f"{rule.id} [{'; '.join(rule.citations)}] {rule.title} / {rule.title_zh}: {target_id}: {message}. " \
           f"{rule.remediation}"


def resource_validator(rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not args.resource_type.startswith("kubernetes:"):
            return
        for v in rule.check(_facts([(args.props, args.urn)])):
            report_violation(_message(rule, v.target.id, v.message), args.urn)
    return validate


def stack_validator(rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        facts = _facts([(r.props, r.urn) for r in args.resources if r.resource_type.startswith("kubernetes:")])
        for v in rule.check(facts):
            report_violation(_message(rule, v.target.id, v.message), v.target.file or None)
    return validate


def build_policies() -> list[Policy]:
    """One policy per Kubernetes rule, named after the rule id."""
    load_rules(["k8s"])
    out: list[Policy] = []
    for rule in rules_for("k8s"):
        description = f"{rule.title} / {rule.title_zh} (GB/T 22239-2019 {'; '.join(rule.citations)})"
        if rule.id in SET_RULES:
            out.append(StackValidationPolicy(name=rule.id.lower(), description=description,
                                             validate=stack_validator(rule), enforcement_level=enforcement(rule),
                                             remediation_steps=rule.remediation))
        else:
            out.append(ResourceValidationPolicy(name=rule.id.lower(), description=description,
                                                validate=resource_validator(rule),
                                                enforcement_level=enforcement(rule),
                                                remediation_steps=rule.remediation))
    return out
