"""SARIF 2.1.0 output, so findings show up in code-scanning UIs next to the manifest line."""

from __future__ import annotations

from typing import Any

from policies.engine import Finding, Report, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "2.0"}


def _rule_descriptor(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.id.replace("-", ""),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": f"{r.title} / {r.title_zh} (GB/T 22239-2019 {'; '.join(r.citations)})"},
        "help": {"text": f"{r.remediation}\n{r.remediation_zh}"},
        "defaultConfiguration": {"level": LEVELS[r.severity]},
        "properties": {"clauses": list(r.clauses), "citations": list(r.citations), "severity": r.severity,
                       "source": r.source,
                       "security-severity": SECURITY_SEVERITY[r.severity],
                       "tags": ["security", "mlps", *r.clauses]},
    }


def _result(f: Finding, index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": f.target.id,
                                                      "kind": f.target.source}]}
    if f.target.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": f.target.file}}
        if f.target.line:
            physical["region"] = {"startLine": f.target.line}
        location["physicalLocation"] = physical
    result: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": index,
        "level": LEVELS[f.rule.severity],
        "message": {"text": f"{f.target.id}: {f.message}"},
        "locations": [location],
        "properties": {"clauses": list(f.rule.clauses), "citations": list(f.rule.citations),
                       "title_zh": f.rule.title_zh},
    }
    if f.target.template:  # Helm output: point at the template a user edits, next to the rendered line
        result["message"]["text"] += f" (source: {f.target.template})"
        result["relatedLocations"] = [{"id": 1, "physicalLocation": {"artifactLocation": {"uri": f.target.template}},
                                       "message": {"text": "Helm template that renders this object"}}]
    if f.waiver is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"{f.waiver.justification} (approved by {f.waiver.approver}, "
                                                    f"expires {f.waiver.expires.isoformat()})"}]
    return result


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as one SARIF run; read errors become tool execution notifications."""
    data = report.as_dict()
    rules = sorted({f.rule.id: f.rule for f in report.findings}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    notifications = []
    for e in report.errors:
        note: dict[str, Any] = {"level": "error", "message": {"text": e.message}}
        if e.file:
            loc: dict[str, Any] = {"artifactLocation": {"uri": e.file}}
            if e.line:
                loc["region"] = {"startLine": e.line}
            note["locations"] = [{"physicalLocation": loc}]
        notifications.append(note)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "yunwang", "version": data["tool"]["version"],
                                "rules": [_rule_descriptor(r) for r in rules]}},
            "results": [_result(f, index[f.rule.id]) for f in report.findings],
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "properties": {"standard": data["standard"], "summary": data["summary"]},
        }],
    }
