"""Waivers: approved, time-limited exceptions from a YAML file or a Kubernetes annotation.

File format (every entry needs a justification, an approver and an expiry date)::

    waivers:
      - rule: YW-K8S-001            # rule id, glob allowed (YW-K8S-*)
        target: "DaemonSet/kube-system/*"   # glob on the finding's target id (default "*")
        source: k8s                 # optional: plan|k8s|host|device|snmp (default any)
        file: "manifests/**"        # optional glob on the finding's file or Helm template (default any)
        justification: node agent needs the host network
        approver: 安全管理员 Zhang Wei
        expires: 2027-01-01

Annotation on a Kubernetes object (one entry per line; ``;``-separated fields)::

    metadata:
      annotations:
        yunwang.io/waive: |
          YW-K8S-001=node agent needs privileged mode;expires=2027-01-01;approver=ops-lead
          YW-K8S-006=log shipper writes to /var/log;expires=2026-12-31

An annotation waiver applies to the annotated object only. Its approver defaults to "annotation" (whoever
approved the manifest change). A malformed annotation is reported as an error and not applied.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from policies.engine import SOURCES, AuditError, Waiver
from yunwang.errors import InputError, Problem
from yunwang.yamlsource import format_path, load_yaml

_RULE_ID = re.compile(r"^[A-Z*?][A-Z0-9*?\-\[\]]*$")
_FIELDS = ("rule", "target", "source", "file", "justification", "approver", "expires")


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read a waivers file; any incomplete entry is an input error naming the file, line and field."""
    file = Path(path)
    if not file.is_file():
        raise InputError([Problem(str(file), None, "", "", "waivers file not found",
                                  "pass an existing file to --waivers")])
    doc = load_yaml(file)
    data = doc.data
    entries = data.get("waivers") if isinstance(data, dict) else data
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError([Problem(str(file), doc.line_of(("waivers",)), "waivers", "",
                                  "expected a list of waivers", "write 'waivers:' followed by '- rule: …' entries")])
    problems: list[Problem] = []
    out: list[Waiver] = []
    for i, entry in enumerate(entries):
        base = ("waivers", i) if isinstance(data, dict) else (i,)

        def bad(key: str, value: Any, message: str, hint: str, base: tuple[Any, ...] = base) -> None:
            keypath = (*base, key) if key else base
            problems.append(Problem(str(file), doc.line_of(keypath), format_path(keypath),
                                    "" if value is None else str(value), message, hint))

        if not isinstance(entry, dict):
            bad("", entry, "a waiver must be a mapping", "use 'rule:', 'justification:', 'approver:', 'expires:'")
            continue
        for key in entry:
            if key not in _FIELDS:
                bad(str(key), entry[key], f"unknown waiver field '{key}'", f"fields are: {', '.join(_FIELDS)}")
        rule_id = entry.get("rule")
        if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
            bad("rule", rule_id, "missing or invalid rule id", "e.g. 'rule: YW-K8S-001' (globs allowed)")
        justification = entry.get("justification")
        if not isinstance(justification, str) or not justification.strip():
            bad("justification", justification, "a waiver needs a justification", "say why the risk is accepted")
        approver = entry.get("approver")
        if not isinstance(approver, str) or not approver.strip():
            bad("approver", approver, "a waiver needs an approver", "name who accepted the risk")
        expires = _as_date(entry.get("expires"))
        if expires is None:
            bad("expires", entry.get("expires"), "a waiver needs an expiry date", "e.g. 'expires: 2027-01-01'")
        source = str(entry.get("source", "*"))
        if source != "*" and source not in SOURCES:
            bad("source", source, "unknown source", f"one of: {', '.join(SOURCES)}")
        if problems or expires is None:
            continue
        out.append(Waiver(rule_id=str(rule_id), justification=str(justification).strip(),
                          approver=str(approver).strip(), expires=expires, target=str(entry.get("target", "*")),
                          source=source, file=str(entry.get("file", "*")), origin=str(file),
                          origin_line=doc.line_of(base)))
    if problems:
        raise InputError(problems)
    return out


def parse_annotation_waivers(text: str, target_id: str, file: str, line: int) -> tuple[list[Waiver], list[AuditError]]:
    """Waivers from a ``yunwang.io/waive`` annotation value (see module doc); problems are error entries."""
    waivers: list[Waiver] = []
    problems: list[AuditError] = []
    for raw in re.split(r"[\n]+", text.strip()):
        entry = raw.strip()
        if not entry:
            continue
        head, _, rest = entry.partition(";")
        rule_id, eq, justification = head.partition("=")
        fields: dict[str, str] = {}
        for part in rest.split(";") if rest else []:
            key, _, value = part.partition("=")
            fields[key.strip()] = value.strip()
        expires = _as_date(fields.get("expires"))
        where = f"annotation yunwang.io/waive on {target_id}"
        if not eq or not _RULE_ID.match(rule_id.strip()) or not justification.strip():
            problems.append(AuditError(file, line, f"{where}: '{entry}' needs RULE=justification;expires=YYYY-MM-DD; "
                                                   "waiver not applied"))
            continue
        if expires is None:
            problems.append(AuditError(file, line, f"{where}: '{entry}' has no valid expires=YYYY-MM-DD; "
                                                   "waiver not applied"))
            continue
        waivers.append(Waiver(rule_id=rule_id.strip(), justification=justification.strip(),
                              approver=fields.get("approver") or "annotation", expires=expires,
                              target=target_id.replace("[", "[[]"), source="k8s", file="*", origin=file,
                              origin_line=line))
    return waivers, problems
