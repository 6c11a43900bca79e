"""The checks of the established tools (Checkov, Kubescape, Polaris, kube-score, Pod Security Standards, CIS
benchmarks …) and how many of them yunwang's rules make as well.

WHY: security staff run yunwang beside the tools they already know and compare check by check. Each tool's list
is kept as data, one YAML file per tool under ``policies/data/peers/`` (taken from the tool's own sources, named in
the file), each check in scope or out of scope with the reason (a removed Kubernetes feature, a reliability-only
probe …). A rule names the checks it also makes in its ``peers`` metadata; the coverage of a tool is the share of
its in-scope checks that at least one rule names. Nothing here runs during an audit: only ``yunwang audit controls
--peers`` and the README generator read the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies.engine import Rule

PEERS_DIR = Path(__file__).resolve().parent / "data" / "peers"


class PeersError(ValueError):
    """The catalogue cannot be read, or a rule names a check it does not hold (the message says what to fix)."""


@dataclass(frozen=True)
class PeerCheck:
    """One check of a peer tool, with the reason it is out of scope (None: in scope)."""

    id: str
    title: str
    out_of_scope: str | None = None


@dataclass(frozen=True)
class PeerTool:
    """One tool's catalogue file."""

    tool: str
    name: str
    url: str
    version: str
    checks: tuple[PeerCheck, ...]
    file: str


@dataclass
class ToolCoverage:
    """A tool's checks with the rules that name each of them."""

    tool: PeerTool
    rules_of: dict[str, list[str]] = field(default_factory=dict)

    @property
    def in_scope(self) -> list[PeerCheck]:
        return [c for c in self.tool.checks if c.out_of_scope is None]

    @property
    def out_of_scope(self) -> list[PeerCheck]:
        return [c for c in self.tool.checks if c.out_of_scope is not None]

    @property
    def covered(self) -> list[PeerCheck]:
        return [c for c in self.in_scope if self.rules_of.get(c.id)]

    @property
    def missing(self) -> list[PeerCheck]:
        return [c for c in self.in_scope if not self.rules_of.get(c.id)]

    @property
    def percent(self) -> float:
        return round(100 * len(self.covered) / len(self.in_scope), 1) if self.in_scope else 100.0

    def as_dict(self) -> dict[str, Any]:
        t = self.tool
        return {"tool": t.tool, "name": t.name, "version": t.version, "url": t.url, "checks": len(t.checks),
                "out_of_scope": len(self.out_of_scope), "in_scope": len(self.in_scope), "covered": len(self.covered),
                "coverage_percent": self.percent,
                "items": [{"id": c.id, "title": c.title, "in_scope": c.out_of_scope is None,
                           "reason": c.out_of_scope, "rules": self.rules_of.get(c.id, [])} for c in t.checks]}


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PeersError(f"{where}: '{key}' must be a non-empty string, not {value!r}")
    return value


def load_tool(path: Path) -> PeerTool:
    """One catalogue file, checked: every check has an id and a title, ids are unique, reasons are defined."""
    import yaml

    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise PeersError(f"{path}: cannot read the peer catalogue: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("checks"), list):
        raise PeersError(f"{path}: expected a mapping with 'tool', 'name', 'url', 'version', 'reasons' and 'checks'")
    reasons = doc.get("reasons") or {}
    if not isinstance(reasons, dict):
        raise PeersError(f"{path}: 'reasons' must map a short key to the reason text")
    checks: list[PeerCheck] = []
    seen: set[str] = set()
    for n, item in enumerate(doc["checks"], start=1):
        where = f"{path}: check {n}"
        if not isinstance(item, dict):
            raise PeersError(f"{where}: expected {{id: …, title: …}}, not {item!r}")
        check_id = _text(item.get("id"), where, "id")
        if check_id in seen:
            raise PeersError(f"{where}: id {check_id} is listed twice")
        seen.add(check_id)
        out = item.get("out")
        if out is not None and out not in reasons:
            raise PeersError(f"{where} ({check_id}): out-of-scope reason '{out}' is not defined under 'reasons'")
        checks.append(PeerCheck(check_id, _text(item.get("title"), where, "title"),
                                None if out is None else str(reasons[out])))
    head = {key: _text(doc.get(key), str(path), key) for key in ("tool", "name", "url", "version")}
    return PeerTool(**head, checks=tuple(checks), file=path.name)


def load_catalogue(folder: Path = PEERS_DIR) -> list[PeerTool]:
    """Every tool's catalogue, in file-name order; a check id may belong to one tool only."""
    tools = [load_tool(p) for p in sorted(folder.glob("*.yaml"))]
    owner: dict[str, str] = {}
    for t in tools:
        for c in t.checks:
            if c.id in owner:
                raise PeersError(f"{t.file}: check id {c.id} is already listed by {owner[c.id]}; "
                                 "give one tool's ids a prefix")
            owner[c.id] = t.file
    return tools


def coverage(rules: Iterable[Rule], tools: list[PeerTool]) -> list[ToolCoverage]:
    """Each tool's checks with the rules naming them.

    A rule naming a check no catalogue holds, or one the catalogue puts out of scope, is an error: the table would
    otherwise count what no tool checks, or hide a reason that no longer holds.
    """
    result = [ToolCoverage(t) for t in tools]
    index = {c.id: (cov, c) for cov in result for c in cov.tool.checks}
    problems: list[str] = []
    for r in sorted(rules, key=lambda r: r.id):
        for peer in r.peers:
            found = index.get(peer)
            if found is None:
                problems.append(f"rule {r.id} names peer check {peer!r}, which no file under {PEERS_DIR} lists")
                continue
            cov, check = found
            if check.out_of_scope is not None:
                problems.append(f"rule {r.id} names {peer}, which {cov.tool.file} marks out of scope "
                                f"({check.out_of_scope}): drop it from the rule's peers or bring it into scope")
            cov.rules_of.setdefault(peer, []).append(r.id)
    if problems:
        raise PeersError("; ".join(problems))
    return result


def summary_rows(result: list[ToolCoverage]) -> list[tuple[str, int, int, int, int, str]]:
    """(tool, checks, out of scope, in scope, covered, coverage) per tool, then the total."""
    rows = [(c.tool.name, len(c.tool.checks), len(c.out_of_scope), len(c.in_scope), len(c.covered), f"{c.percent} %")
            for c in result]
    in_scope = sum(len(c.in_scope) for c in result)
    covered = sum(len(c.covered) for c in result)
    total = round(100 * covered / in_scope, 1) if in_scope else 100.0
    rows.append(("all", sum(r[1] for r in rows), sum(r[2] for r in rows), in_scope, covered, f"{total} %"))
    return rows


SUMMARY_COLUMNS = ("tool", "checks", "out of scope", "in scope", "covered", "coverage")


def markdown(result: list[ToolCoverage]) -> str:
    """The summary table, then one table per tool (check, title, rules or why not), each folded under <details>."""
    lines = ["| " + " | ".join(SUMMARY_COLUMNS) + " |", "|" + " --- |" * len(SUMMARY_COLUMNS)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in summary_rows(result)]
    for cov in result:
        t = cov.tool
        lines += ["", f"<details><summary><b>{t.name}</b>: {len(cov.covered)} of {len(cov.in_scope)} in-scope checks "
                      f"covered ({cov.percent} %), {len(cov.out_of_scope)} out of scope</summary>", "",
                  f"Checks listed from {t.version} ({t.url}); catalogue `policies/data/peers/{t.file}`.", "",
                  "| check | title | yunwang rules |", "| --- | --- | --- |"]
        for c in t.checks:
            if c.out_of_scope is not None:
                verdict = f"out of scope: {c.out_of_scope}"
            else:
                verdict = ", ".join(cov.rules_of.get(c.id, [])) or "**not covered**"
            lines.append(f"| `{c.id}` | {md_cell(c.title)} | {md_cell(verdict)} |")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(result: list[ToolCoverage]) -> str:
    """The summary, then one table per tool of every check and the rules that make it (or why not), for a terminal."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buffer = StringIO()
    console = Console(file=buffer, width=160, force_terminal=False, color_system=None)
    summary = Table(title="Checks of the established tools that yunwang's rules make / 同类工具检查项覆盖率",
                    title_justify="left")
    for col in SUMMARY_COLUMNS:
        summary.add_column(col, justify="left" if col == "tool" else "right")
    for row in summary_rows(result):
        summary.add_row(*(str(v) for v in row))
    console.print(summary)
    for cov in result:
        table = Table(title=f"{cov.tool.name} — {cov.tool.version}", title_justify="left")
        for col in ("check", "title", "yunwang rules"):
            table.add_column(col, overflow="fold")
        for c in cov.tool.checks:
            verdict = (f"out of scope: {c.out_of_scope}" if c.out_of_scope is not None
                       else ", ".join(cov.rules_of.get(c.id, [])) or "NOT COVERED")
            table.add_row(c.id, c.title, verdict)
        console.print(table)
    return buffer.getvalue()
