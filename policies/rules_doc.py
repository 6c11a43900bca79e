"""The rule catalogue as Markdown tables, generated from the rule registry.

WHY generated: policies/README.md listed the rules by hand and fell behind (the host, device and SNMP families
were missing). The tables between :data:`BEGIN` and :data:`END` there are written by
``scripts/gen_rules_doc.py``; a test fails when they differ from the registry. ``yunwang audit controls
--rules-markdown`` prints the same tables for a user's own compliance documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from policies.engine import LOAD_ERRORS, REGISTRY, Rule, Source, load_rules

BEGIN = "<!-- rules:begin (generated from the rule registry by scripts/gen_rules_doc.py; do not edit) -->"
END = "<!-- rules:end -->"

SOURCE_HEADINGS: dict[Source, tuple[str, str]] = {  # section order; every source of policies.engine.SOURCES
    "k8s": ("Kubernetes objects", "`yunwang audit k8s PATH…`, and the manifests of `yunwang audit plan DIR`"),
    "plan": ("Topology and offline plan (IaC)", "`yunwang audit plan DIR`"),
    "host": ("Hosts (facts collected here or by the host agent)", "`yunwang audit host`"),
    "device": ("Network devices' running configurations", "`yunwang audit device PATH…`"),
    "snmp": ("Live SNMP agents", "`yunwang audit snmp TARGET…`"),
}
COLUMNS = ("id", "severity", "title", "标题", "MLPS clauses", "defined in")


class RulesDocError(ValueError):
    """The catalogue cannot be written: a rule module failed to import, or the document has no markers."""


def family(rule: Rule) -> str:
    """``YW-K8S-001`` → ``YW-K8S``."""
    return rule.id.rsplit("-", 1)[0]


def rules_markdown() -> str:
    """Every registered rule, one table per audit source, in id order (the same text on every run)."""
    load_rules()
    if LOAD_ERRORS:
        raise RulesDocError("cannot list every rule: " + "; ".join(LOAD_ERRORS))
    by_source = {source: sorted((r for r in REGISTRY.values() if r.source == source), key=lambda r: r.id)
                 for source in SOURCE_HEADINGS}
    in_order = [r for rules in by_source.values() for r in rules]
    sizes = Counter(family(r) for r in in_order)
    summary = ", ".join(f"{sizes[name]} {name.removeprefix('YW-')}" for name in _families(in_order))
    return "\n".join([f"{len(in_order)} rules: {summary}.\n"]
                     + [_section(source, rules) for source, rules in by_source.items() if rules])


def _families(rules: Iterable[Rule]) -> list[str]:
    seen: dict[str, None] = {}
    for r in rules:
        seen.setdefault(family(r), None)
    return list(seen)


def _section(source: Source, rules: list[Rule]) -> str:
    what, commands = SOURCE_HEADINGS[source]
    lines = [f"### {', '.join(_families(rules))}: {what}", "",
             f"Source `{source}`, audited by {commands}.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in rules:
        module = "`" + r.check.__module__.replace(".", "/") + ".py`"
        cells = (r.id, r.severity, r.title, r.title_zh, ", ".join(r.clauses), module)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def splice(document: str, generated: str, name: str) -> str:
    """``document`` with the text between its BEGIN and END markers replaced by ``generated``."""
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise RulesDocError(f"{name}: no '{BEGIN}' line followed by a '{END}' line; put both where the rule tables "
                            "belong, then run scripts/gen_rules_doc.py again")
    return document[:start + len(BEGIN)] + "\n\n" + generated + "\n" + document[end:]
