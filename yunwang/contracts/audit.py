"""The audit vocabulary of the JSON contract (design.md "Audit JSON"): severities, fact sources, control statuses.

The policy engine writes these values, the monitor validates and stores them, reports and dashboards order and
score by them; each has one definition here.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["high", "medium", "low"]
Source = Literal["plan", "k8s", "host", "device", "snmp"]
ControlStatus = Literal["compliant", "partial", "non-compliant", "not-assessed"]

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
"""Most severe first: the order of report sections and of the summary's counts."""
SOURCES: tuple[Source, ...] = ("plan", "k8s", "host", "device", "snmp")
CONTROL_STATUSES: tuple[ControlStatus, ...] = ("compliant", "partial", "non-compliant", "not-assessed")
SEVERITY_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1}
"""Higher is worse; ``--fail-on`` compares against it."""
SUMMARY_COUNTS: tuple[str, ...] = (*SEVERITIES, "waived")
"""The count keys of a report's ``summary`` (unwaived findings per severity, then waived findings)."""
CONTROL_SCORE: dict[str, float] = {"compliant": 1.0, "partial": 0.5, "non-compliant": 0.0}
"""How far an assessed control is met: the compliance score and ``yunwang_audit_control_status`` use it
(not-assessed controls have no score)."""
STANDARD = "GB/T 22239-2019 level 3"
