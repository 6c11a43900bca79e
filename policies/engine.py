"""Rule registry and audit runner shared by every fact source (plan, Kubernetes, host, device, SNMP).

A rule is a plain function decorated with :func:`rule`; it receives the facts of one :class:`AuditUnit`
and yields :class:`Violation` objects. The runner turns violations into findings, applies waivers,
and derives the per-clause control status of the contract JSON (design.md "Audit JSON").

Control status of a clause (only rules whose source was audited in this run count):

* ``not-assessed``  no rule of the clause ran (its sources were not audited, or the clause is process-only);
* ``compliant``     rules ran and none produced an unwaived finding;
* ``non-compliant`` an unwaived high-severity finding, or medium findings while no rule of the clause passed;
* ``partial``       any other unwaived finding: only low findings, or medium findings while at least one
  other rule of the same clause passed.

Waived findings stay in the report (``waived: true``) but do not lower the control status: a waiver is an
approved, time-limited exception.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from yunwang.contracts.audit import SEVERITIES, SEVERITY_RANK, SOURCES, STANDARD, ControlStatus, Severity, Source

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Target:
    """What a finding is about: a Kubernetes object, a plan resource, a host, a device, an SNMP target."""

    source: Source
    id: str
    file: str | None = None
    line: int | None = None
    template: str | None = None
    """The Helm template (``# Source:`` comment of ``helm template`` output) that rendered a Kubernetes object:
    the file a user edits to fix the finding."""

    def as_dict(self) -> dict[str, Any]:
        """The contract's target; ``template`` is an optional key, present only for Helm-rendered objects."""
        out: dict[str, Any] = {"source": self.source, "id": self.id, "file": self.file, "line": self.line}
        if self.template is not None:
            out["template"] = self.template
        return out

    def where(self) -> str:
        return location(self.file, self.line)


def location(file: str | None, line: int | None) -> str:
    """``file:line``, ``file`` or "" for human-readable reports (no literal None)."""
    if not file:
        return ""
    return f"{file}:{line}" if line else file


@dataclass(frozen=True)
class Violation:
    """What a rule's check yields: one target failing the rule, with a specific message."""

    target: Target
    message: str


@dataclass(frozen=True)
class Rule:
    """A registered check with the metadata reports need (clauses, severity, bilingual title, fix)."""

    id: str
    clauses: tuple[str, ...]
    severity: Severity
    source: Source
    title: str
    title_zh: str
    remediation: str
    remediation_zh: str
    check: Callable[[Any], Iterable[Violation]]
    peers: tuple[str, ...] = ()
    """The established tools' checks this rule also makes (``CKV_K8S_31``, ``C-0055``, ``polaris:hostPortSet``,
    ``cis-k8s:1.2.1`` …), ids as listed in policies/data/peers/: the coverage table is computed from them."""

    @cached_property
    def citations(self) -> tuple[str, ...]:
        """The clauses as the standard writes them: ``8.1.4.1 a)``, or ``8.2.1.1`` for a single-requirement clause."""
        from policies.controls import cite

        return tuple(cite(c) for c in self.clauses)


REGISTRY: dict[str, Rule] = {}


def rule(*, id: str, clauses: Sequence[str], severity: Severity, source: Source, title: str, title_zh: str,
         remediation: str, remediation_zh: str, peers: Sequence[str] = ()) -> Callable[[F], F]:
    """Register the decorated function as a rule; ids are stable forever and must be unique.

    ``peers`` names the checks of other tools (Checkov, Kubescape, Polaris, kube-score, Pod Security Standards,
    CIS benchmarks …) that this rule makes as well, with the ids of policies/data/peers/.
    """
    if severity not in SEVERITY_RANK:
        raise ValueError(f"rule {id}: severity must be one of {SEVERITIES}, not {severity!r}")
    if source not in SOURCES:
        raise ValueError(f"rule {id}: source must be one of {SOURCES}, not {source!r}")
    if not clauses:
        raise ValueError(f"rule {id}: at least one clause id is required")
    if len(set(peers)) != len(peers) or not all(isinstance(p, str) and p for p in peers):
        raise ValueError(f"rule {id}: peers must be distinct, non-empty check ids, not {list(peers)!r}")

    def register(func: F) -> F:
        existing = REGISTRY.get(id)
        if existing is not None and existing.check is not func and (
                getattr(existing.check, "__qualname__", None) != func.__qualname__
                or existing.check.__module__ != func.__module__):
            raise ValueError(f"rule id {id} registered twice ({existing.check.__module__} and {func.__module__})")
        REGISTRY[id] = Rule(id=id, clauses=tuple(clauses), severity=severity, source=source, title=title,
                            title_zh=title_zh, remediation=remediation, remediation_zh=remediation_zh, check=func,
                            peers=tuple(peers))
        return func

    return register


def rules_for(source: Source) -> list[Rule]:
    """Rules of one source, in id order (stable output)."""
    return sorted((r for r in REGISTRY.values() if r.source == source), key=lambda r: r.id)


LOAD_ERRORS: list[str] = []
FAMILY_PREFIXES: dict[str, tuple[str, ...]] = {
    "k8s": ("k8s",), "plan": ("iac", "plan"), "host": ("host",), "device": ("device",), "snmp": ("snmp",)}
"""Rule modules are named after their source's family (k8s_workload.py, iac_topology.py, host_audit.py …), so an
audit of one source imports only its own families; a module matching no prefix is always imported."""
_imported: set[str] = set()


def load_rules(sources: Iterable[Source] | None = None) -> None:
    """Import the modules under policies/rules/ (all, or those of ``sources``): adding a rule is adding a function
    in a module there.

    A module that fails to import is recorded in LOAD_ERRORS (reported as an error of every audit) instead of
    taking the other families' rules down with it.
    """
    import policies.rules as package

    wanted = None if sources is None else set(sources)
    for name in _rule_module_names(package.__path__):
        if name in _imported:
            continue
        family = next((s for s, prefixes in FAMILY_PREFIXES.items() if name.startswith(prefixes)), None)
        if wanted is not None and family is not None and family not in wanted:
            continue
        _imported.add(name)
        try:
            importlib.import_module(f"{package.__name__}.{name}")
        except Exception as exc:
            LOAD_ERRORS.append(f"rule module policies.rules.{name} failed to import: "
                               f"{type(exc).__name__}: {exc}")


def _rule_module_names(folders: Iterable[str]) -> list[str]:
    """Module names in the rules package, sorted (a folder listing: pkgutil costs more to import than this)."""
    names = set()
    for folder in folders:
        for entry in os.listdir(folder):
            if entry.endswith(".py") and entry != "__init__.py":
                names.add(entry[:-3])
    return sorted(names)


@dataclass
class AuditUnit:
    """One unit passed to every rule of its source.

    k8s/plan: the whole object set (rules see cross-object facts such as a namespace without default-deny);
    host: one host's facts; device: one parsed device config; snmp: one probed target.
    """

    source: Source
    facts: Any


@dataclass
class SourceStats:
    """Counts for one source: files read, objects read, objects audited, files/objects skipped."""

    files: int = 0
    read: int = 0
    audited: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "read": self.read, "audited": self.audited, "skipped": self.skipped}


@dataclass
class ReadStats:
    """What the loaders read, audited and skipped (with reasons): a report never skips silently."""

    sources: dict[str, SourceStats] = field(default_factory=dict)
    skipped_reasons: list[dict[str, Any]] = field(default_factory=list)

    def of(self, source: Source) -> SourceStats:
        stats = self.sources.get(source)
        if stats is None:
            stats = self.sources[source] = SourceStats()
        return stats

    def note_file(self, source: Source, n: int = 1) -> None:
        self.of(source).files += n

    def note_read(self, source: Source, n: int = 1) -> None:
        self.of(source).read += n

    def note_audited(self, source: Source, n: int = 1) -> None:
        self.of(source).audited += n

    def skip(self, source: Source, file: str | None, reason: str, line: int | None = None) -> None:
        self.of(source).skipped += 1
        self.skipped_reasons.append({"source": source, "file": file, "line": line, "reason": reason})

    def audited_total(self) -> int:
        return sum(s.audited for s in self.sources.values())

    def as_dict(self) -> dict[str, Any]:
        return {"sources": {k: v.as_dict() for k, v in sorted(self.sources.items())},
                "skipped": list(self.skipped_reasons)}


@dataclass(frozen=True)
class AuditError:
    """An input problem that kept part of the input from being audited (the rest still runs)."""

    file: str | None
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Waiver:
    """An approved exception: rule id (glob) on targets selected by id/source/file globs, until ``expires``."""

    rule_id: str
    justification: str
    approver: str
    expires: date
    target: str = "*"
    source: str = "*"
    file: str = "*"
    origin: str | None = None
    origin_line: int | None = None

    def matches(self, rule_id: str, target: Target) -> bool:
        return (fnmatch.fnmatchcase(rule_id, self.rule_id)
                and fnmatch.fnmatchcase(target.id, self.target)
                and fnmatch.fnmatchcase(target.source, self.source)
                and (self.file == "*" or fnmatch.fnmatchcase(target.file or "", self.file)
                     or (target.template is not None and fnmatch.fnmatchcase(target.template, self.file))))

    def expired(self, today: date) -> bool:
        return self.expires < today

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "target": self.target, "source": self.source, "file": self.file,
                "justification": self.justification, "approver": self.approver,
                "expires": self.expires.isoformat(), "origin": self.origin, "origin_line": self.origin_line}


@dataclass(frozen=True)
class Finding:
    """A violation joined with its rule's metadata and waiver state."""

    rule: Rule
    target: Target
    message: str
    waiver: Waiver | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def as_dict(self) -> dict[str, Any]:
        r = self.rule
        return {"rule_id": r.id, "clauses": list(r.clauses), "citations": list(r.citations), "severity": r.severity,
                "target": self.target.as_dict(), "title": r.title, "title_zh": r.title_zh,
                "message": self.message, "remediation": r.remediation, "remediation_zh": r.remediation_zh,
                "waived": self.waived, "waiver": self.waiver.as_dict() if self.waiver else None}


@dataclass
class Report:
    """The result of one audit; :meth:`as_dict` is the contract JSON."""

    findings: list[Finding]
    errors: list[AuditError]
    controls: dict[str, ControlStatus]
    stats: ReadStats
    sources: tuple[str, ...]
    version: str = ""

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {s: 0 for s in SEVERITIES}
        out["waived"] = 0
        for f in self.findings:
            if f.waived:
                out["waived"] += 1
            else:
                out[f.rule.severity] += 1
        return out

    def worst(self) -> int:
        """Highest severity rank among unwaived findings (0 when none)."""
        return max((SEVERITY_RANK[f.rule.severity] for f in self.findings if not f.waived), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": {"name": "yunwang", "version": self.version or _version()},
            "standard": STANDARD,
            "findings": [f.as_dict() for f in self.findings],
            "errors": [e.as_dict() for e in self.errors],
            "summary": {**self.counts(), "controls": dict(self.controls)},
            "stats": {**self.stats.as_dict(), "audited_sources": list(self.sources)},
        }


def _version() -> str:
    try:
        from yunwang import __version__
    except ImportError:  # pragma: no cover - the package always ships it
        return "unknown"
    return str(__version__)


def all_clause_ids() -> list[str]:
    """Every clause id of the standard file, in document order (empty if the file is not available)."""
    from policies.controls import load_controls

    return [c.id for c in load_controls()]


def control_status(clause_rules: Sequence[Rule], findings: Sequence[Finding]) -> ControlStatus:
    """Status of one clause from the rules that ran for it and their unwaived findings (see module doc)."""
    if not clause_rules:
        return "not-assessed"
    live = [f for f in findings if not f.waived]
    if not live:
        return "compliant"
    if any(f.rule.severity == "high" for f in live):
        return "non-compliant"
    failed = {f.rule.id for f in live}
    passed = [r for r in clause_rules if r.id not in failed]
    if any(f.rule.severity == "medium" for f in live) and not passed:
        return "non-compliant"
    return "partial"


def run_audit(units: list[AuditUnit], *, waivers: Sequence[Waiver] = (), stats: ReadStats,
              errors: list[AuditError], today: date | None = None, clauses: Sequence[str] | None = None) -> Report:
    """Run every rule of each unit's source, apply waivers, and derive control status per clause.

    ``clauses`` lists the clause ids to report (default: every clause of the standard file), so clauses no rule
    covers still appear as not-assessed. A rule that crashes becomes an error entry, never a lost report.
    """
    load_rules({u.source for u in units})
    today = today or date.today()
    active: list[Waiver] = []
    errors = list(errors) + [AuditError(None, None, message) for message in LOAD_ERRORS]
    for w in waivers:
        if w.expired(today):
            errors.append(AuditError(w.origin, w.origin_line,
                                     f"waiver for {w.rule_id} on {w.target} expired on {w.expires.isoformat()}; "
                                     "it no longer applies — renew it or fix the finding"))
        else:
            active.append(w)
    findings: list[Finding] = []
    sources: list[str] = []
    for unit in units:
        if unit.source not in sources:
            sources.append(unit.source)
        for r in rules_for(unit.source):
            try:
                violations = list(r.check(unit.facts))
            except Exception as exc:  # a broken rule must not lose the rest of the report
                errors.append(AuditError(None, None, f"rule {r.id} failed: {type(exc).__name__}: {exc}"))
                continue
            for v in violations:
                waiver = next((w for w in active if w.matches(r.id, v.target)), None)
                findings.append(Finding(rule=r, target=v.target, message=v.message, waiver=waiver))
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.rule.severity], f.rule.id, f.target.file or "",
                                 f.target.line or 0, f.target.id))
    ran = [r for r in REGISTRY.values() if r.source in sources]
    by_clause_rules: dict[str, list[Rule]] = {}
    for r in ran:
        for c in r.clauses:
            by_clause_rules.setdefault(c, []).append(r)
    by_clause_findings: dict[str, list[Finding]] = {}
    for f in findings:
        for c in f.rule.clauses:
            by_clause_findings.setdefault(c, []).append(f)
    ids = list(clauses) if clauses is not None else all_clause_ids()
    for c in sorted(by_clause_rules):
        if c not in ids:
            ids.append(c)
    controls: dict[str, ControlStatus] = {
        c: control_status(by_clause_rules.get(c, []), by_clause_findings.get(c, [])) for c in ids}
    return Report(findings=findings, errors=errors, controls=controls, stats=stats, sources=tuple(sources))
