"""Prometheus text exposition of an audit, shared with the monitor (which serves the latest audit's figures)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from policies.engine import Report
from yunwang.contracts.audit import CONTROL_SCORE
from yunwang.contracts.exposition import label_set


def audit_metrics(report: Report | dict[str, Any]) -> str:
    """``yunwang_audit_findings{severity,clause,source}`` (unwaived) and ``yunwang_audit_control_status{clause}``.

    Accepts a Report or its contract JSON (as stored by the monitor). Not-assessed controls are omitted, so a
    missing series means "no evidence", never "compliant".
    """
    data = report.as_dict() if isinstance(report, Report) else report
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in data.get("findings", []):
        if f.get("waived"):
            continue
        for clause in f.get("clauses", []):
            counts[(f["severity"], clause, f["target"]["source"])] += 1
    lines = ["# HELP yunwang_audit_findings Unwaived audit findings by severity, MLPS clause and fact source.",
             "# TYPE yunwang_audit_findings gauge"]
    for (severity, clause, source), n in sorted(counts.items()):
        labels = label_set({"severity": severity, "clause": clause, "source": source})
        lines.append(f"yunwang_audit_findings{labels} {n}")
    lines += ["# HELP yunwang_audit_control_status MLPS control status: 1 compliant, 0.5 partial, 0 non-compliant.",
              "# TYPE yunwang_audit_control_status gauge"]
    for clause, status in sorted(data.get("summary", {}).get("controls", {}).items()):
        if status in CONTROL_SCORE:
            lines.append(f"yunwang_audit_control_status{label_set({'clause': clause})} {CONTROL_SCORE[status]:g}")
    return "\n".join(lines) + "\n"
