"""The rule catalogue as Markdown tables, generated from the rule registry.

WHY generated: policies/README.md listed the rules by hand and fell behind (the host, device and SNMP families
were missing). The tables between :data:`BEGIN` and :data:`END` there are written by
``scripts/gen_rules_doc.py``; a test fails when they differ from the registry. ``yunwang audit controls
--rules-markdown`` prints the same tables for a user's own compliance documents. The coverage of the established
tools' checks (:mod:`policies.peers`) is generated the same way, between :data:`PEERS_BEGIN` and :data:`PEERS_END`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from policies.engine import LOAD_ERRORS, REGISTRY, Rule, Source, load_rules
from policies.peers import ToolCoverage, md_cell

BEGIN = "<!-- rules:begin (generated from the rule registry by scripts/gen_rules_doc.py; do not edit) -->"
END = "<!-- rules:end -->"
PEERS_BEGIN = ("<!-- peers:begin (generated from the rules' peers and policies/data/peers/ by "
               "scripts/gen_rules_doc.py; do not edit) -->")
PEERS_END = "<!-- peers:end -->"

SOURCE_HEADINGS: dict[Source, tuple[str, str]] = {  # section order; every source of policies.engine.SOURCES
    "k8s": ("Kubernetes objects", "`yunwang audit k8s PATH…`, and the manifests of `yunwang audit plan DIR`"),
    "plan": ("Topology and offline plan (IaC)", "`yunwang audit plan DIR`"),
    "host": ("Hosts (facts collected here or by the host agent)", "`yunwang audit host`"),
    "device": ("Network devices' running configurations", "`yunwang audit device PATH…`"),
    "snmp": ("Live SNMP agents", "`yunwang audit snmp TARGET…`"),
}
COLUMNS = ("id", "severity", "title", "标题", "MLPS clauses", "defined in", "also checked by")


class RulesDocError(ValueError):
    """The catalogue cannot be written: a rule module failed to import, or the document has no markers."""


def family(rule: Rule) -> str:
    """``YW-K8S-001`` → ``YW-K8S``."""
    return rule.id.rsplit("-", 1)[0]


def all_rules() -> list[Rule]:
    """Every registered rule; refuses (RulesDocError) when a rule module failed to import."""
    load_rules()
    if LOAD_ERRORS:
        raise RulesDocError("cannot list every rule: " + "; ".join(LOAD_ERRORS))
    return list(REGISTRY.values())


def peer_coverage() -> list[ToolCoverage]:
    """Every peer tool's checks with the rules naming them (policies.peers.coverage) for every registered rule."""
    from policies.peers import PeersError, coverage, load_catalogue

    rules = all_rules()
    try:
        return coverage(rules, load_catalogue())
    except PeersError as exc:
        raise RulesDocError(str(exc)) from None


def peers_markdown() -> str:
    """The peer coverage tables, as Markdown."""
    from policies.peers import markdown

    return markdown(peer_coverage())


def rules_markdown() -> str:
    """Every registered rule, one table per audit source, in id order (the same text on every run)."""
    all_rules()
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
        cells = (r.id, r.severity, r.title, r.title_zh, "; ".join(r.citations), module, ", ".join(r.peers))
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def splice(document: str, generated: str, name: str, begin: str = BEGIN, end: str = END) -> str:
    """``document`` with the text between its ``begin`` and ``end`` markers replaced by ``generated``."""
    start, stop = document.find(begin), document.find(end)
    if start < 0 or stop < start:
        raise RulesDocError(f"{name}: no '{begin}' line followed by a '{end}' line; put both where the generated "
                            "tables belong, then run scripts/gen_rules_doc.py again")
    return document[:start + len(begin)] + "\n\n" + generated + "\n" + document[stop:]


def regenerate(document: str, name: str) -> str:
    """``document`` with both generated parts rewritten: the rule tables and, when it has their markers, the peer
    coverage tables."""
    text = splice(document, rules_markdown(), name)
    if PEERS_BEGIN in text or PEERS_END in text:
        text = splice(text, peers_markdown(), name, PEERS_BEGIN, PEERS_END)
    return text
