"""Helpers for the audit tests: run the k8s rules over YAML text and collect rule ids."""

from __future__ import annotations

from policies.engine import AuditUnit, ReadStats, Report, load_rules, run_audit
from policies.k8s import K8sFacts, load_text


def audit_text(text: str, name: str = "test.yaml") -> Report:
    """Audit YAML text as the k8s command would (annotation waivers included)."""
    load_rules()
    stats = ReadStats()
    facts = K8sFacts()
    errors: list = []
    waivers: list = []
    load_text(text, name, facts, stats, errors, waivers)
    return run_audit([AuditUnit("k8s", facts)], waivers=waivers, stats=stats, errors=errors)


def rule_ids(report: Report, prefix: str = "YW-") -> set[str]:
    return {f.rule.id for f in report.findings if f.rule.id.startswith(prefix) and not f.waived}

