"""Report formats: table (terminal), json (contract), sarif, junit, html (one self-contained file).

Each format imports what it needs (rich, ElementTree, html, the controls list) inside its renderer: an audit pays
start-up only for the format it writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from policies.engine import REGISTRY, AuditError, Finding, Report, Rule, location
from yunwang.contracts.audit import CONTROL_SCORE
from yunwang.safetext import escape_controls

if TYPE_CHECKING:
    from policies.controls import Control

STATUS_ZH = {"compliant": "符合", "partial": "部分符合", "non-compliant": "不符合", "not-assessed": "未评估"}
STATUS_STYLE = {"compliant": "green", "partial": "yellow", "non-compliant": "red", "not-assessed": "dim"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def score(report: Report) -> float | None:
    """Share of assessed controls met: compliant counts 1, partial 0.5 (None when nothing was assessed)."""
    values = [CONTROL_SCORE[s] for s in report.controls.values() if s in CONTROL_SCORE]
    return round(100 * sum(values) / len(values), 1) if values else None


def by_clause(report: Report) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        for clause in f.rule.clauses:
            out.setdefault(clause, []).append(f)
    return out


def rules_by_clause() -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for r in sorted(REGISTRY.values(), key=lambda r: r.id):
        for clause in r.clauses:
            out.setdefault(clause, []).append(r)
    return out


def where(f: Finding) -> str:
    """Human-readable location: ``file:line`` (or just the file), then the Helm template that rendered it."""
    place = f.target.where()
    if f.target.template:
        place = f"{place} (source: {f.target.template})" if place else f"source: {f.target.template}"
    return place


def _error_where(e: AuditError) -> str:
    return location(e.file, e.line)


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"  # C encoder: no indent


def render_sarif(report: Report) -> str:
    from policies.sarif import to_sarif

    return json.dumps(to_sarif(report), ensure_ascii=False, indent=2) + "\n"


def render_junit(report: Report) -> str:
    """One testcase per rule that ran (classname = its primary clause); findings are its failure text."""
    from xml.etree import ElementTree as ET

    findings: dict[str, list[Finding]] = {}
    for f in report.findings:
        findings.setdefault(f.rule.id, []).append(f)
    ran = sorted((r for r in REGISTRY.values() if r.source in report.sources), key=lambda r: r.id)
    suite = ET.Element("testsuite", name="yunwang audit", tests=str(len(ran)))
    failures = skipped = 0
    for r in ran:
        case = ET.SubElement(suite, "testcase", classname=f"mlps.{r.clauses[0]}", name=f"{r.id} {r.title}")
        live = [f for f in findings.get(r.id, []) if not f.waived]
        waived = [f for f in findings.get(r.id, []) if f.waived]
        if live:
            failures += 1
            failure = ET.SubElement(case, "failure", type=r.severity,
                                    message=f"{len(live)} finding(s): {r.title} ({'; '.join(r.citations)})")
            failure.text = "\n".join(" ".join(filter(None, (where(f), f"{f.target.id}: {f.message}")))
                                     for f in live)
        elif waived:
            skipped += 1
            ET.SubElement(case, "skipped", message=f"{len(waived)} finding(s) waived")
    errors = ET.SubElement(suite, "system-err")
    errors.text = "\n".join(" ".join(filter(None, (_error_where(e), e.message))) for e in report.errors)
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    root = ET.Element("testsuites", name="yunwang")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_table(report: Report) -> str:
    """Findings grouped by their primary clause, then control status and read statistics.

    Targets, messages and file names come from what was audited (a manifest, a device's answer): every one is
    shown as plain text — control characters escaped (no terminal escape sequences), never read as Rich markup.
    """
    from io import StringIO

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from policies.controls import cite, load_controls

    def plain(value: str) -> Text:
        return Text(escape_controls(value, keep_newlines=True))

    buffer = StringIO()
    console = Console(file=buffer, width=160, force_terminal=False, color_system=None, markup=False,
                      highlight=False)
    grouped: dict[str, list[Finding]] = {}
    for f in report.findings:
        grouped.setdefault(f.rule.clauses[0], []).append(f)
    controls = {c.id: c for c in load_controls()}
    for clause in sorted(grouped, key=_clause_key):
        c = controls.get(clause)
        title = f"{cite(clause)} {c.control_zh} / {c.control_en}" if c else cite(clause)
        table = Table(title=f"{title} — {STATUS_ZH[report.controls.get(clause, 'not-assessed')]}",
                      title_justify="left", show_lines=False)
        places = ["\n".join(filter(None, (f.target.where(), f.target.template and f"source: {f.target.template}")))
                  for f in grouped[clause]]
        widest = max((len(line) for p in places for line in p.splitlines()), default=5)
        for col in ("severity", "rule", "target", "where", "message"):  # a location is never broken in two
            table.add_column(col, overflow="fold", min_width=min(widest, 40) if col == "where" else None)
        for f, place in zip(grouped[clause], places, strict=True):
            sev = f"{f.rule.severity} (waived)" if f.waived else f.rule.severity
            table.add_row(sev, f"{f.rule.id} {f.rule.title_zh}", plain(f.target.id), plain(place), plain(f.message))
        console.print(table)
    counts = report.counts()
    status_counts = {s: sum(1 for v in report.controls.values() if v == s) for s in STATUS_ZH}
    console.print(f"findings: high {counts['high']}, medium {counts['medium']}, low {counts['low']}, "
                  f"waived {counts['waived']}")
    console.print("controls: " + ", ".join(f"{STATUS_ZH[s]} {n}" for s, n in status_counts.items())
                  + (f"; score {score(report)}%" if score(report) is not None else ""))
    for source, s in sorted(report.stats.sources.items()):
        console.print(f"{source}: {s.files} file(s), {s.read} object(s) read, {s.audited} audited, "
                      f"{s.skipped} skipped")
    for skip in report.stats.skipped_reasons[:50]:
        place = location(skip.get("file"), skip.get("line")) or skip["source"]
        console.print(plain(f"  skipped {place}: {skip['reason']}"))
    if len(report.stats.skipped_reasons) > 50:
        console.print(f"  … and {len(report.stats.skipped_reasons) - 50} more skipped (see --format json)")
    for e in report.errors:
        console.print(plain(" ".join(filter(None, ("error:", _error_where(e), e.message)))))
    return buffer.getvalue()


def _clause_key(clause: str) -> tuple[Any, ...]:
    head, _, item = clause.partition("-")
    return (*[int(x) for x in head.split(".") if x.isdigit()], item)


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}.compliant{background:#e6f4ea}.partial{background:#fff4d6}
.non-compliant{background:#fde2e1}.not-assessed{color:#777}.high{color:#b00020;font-weight:bold}.medium{color:#a15c00}
.low{color:#0b5cad}.waived{text-decoration:line-through;color:#777}ul.findings{margin:0;padding-left:1.2em}
.score{font-size:2em;font-weight:bold}
"""


def render_html(report: Report) -> str:
    """A single self-contained page: score, clause-by-clause status with findings, manual checklist, errors."""
    import html

    from policies.controls import load_controls
    from policies.engine import load_rules

    load_rules()  # every family, so the page can tell automated controls from manual ones
    esc: Callable[[Any], str] = lambda v: html.escape(str(v))  # noqa: E731
    data = report.as_dict()
    grouped = by_clause(report)
    covering = rules_by_clause()
    controls = load_controls()
    counts = report.counts()
    sc = score(report)
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>等保2.0 三级 审计报告 — yunwang"
             f"</title><style>{_CSS}</style></head><body>",
             "<h1>网络安全等级保护（GB/T 22239-2019 第三级）技术要求审计报告</h1>",
             f"<p>yunwang {esc(data['tool']['version'])} · sources: {esc(', '.join(report.sources) or 'none')}</p>",
             f"<p class=\"score\">{'—' if sc is None else f'{sc}%'}</p>"
             "<p>得分 = (符合 + 0.5 × 部分符合) / 已评估控制项</p>",
             f"<p>高 {counts['high']} · 中 {counts['medium']} · 低 {counts['low']} · 已豁免 {counts['waived']}</p>",
             "<h2>控制项 Controls</h2><table><tr><th>条款</th><th>控制点</th><th>要求</th><th>状态</th>"
             "<th>发现 Findings</th></tr>"]
    for c in controls:
        status = report.controls.get(c.id, "not-assessed")
        items = "".join(
            f"<li class=\"{'waived' if f.waived else f.rule.severity}\">{esc(f.rule.id)} {esc(f.rule.title_zh)} — "
            f"{esc(f.target.id)}{f' ({esc(place)})' if (place := where(f)) else ''}: "
            f"{esc(f.message)}{' (已豁免: ' + esc(f.waiver.justification) + ')' if f.waiver else ''}</li>"
            for f in grouped.get(c.id, []))
        rules = ", ".join(r.id for r in covering.get(c.id, [])) or ("人工核查" if c.process_only else "—")
        parts.append(f"<tr class=\"{status}\" id=\"{esc(c.id)}\"><td>{esc(c.citation)}</td><td>{esc(c.control_zh)}</td>"
                     f"<td>{esc(c.requirement)}<br><small>rules: {esc(rules)}</small></td>"
                     f"<td>{STATUS_ZH[status]}</td><td><ul class=\"findings\">{items}</ul></td></tr>")
    parts.append("</table>")
    manual = [c for c in controls if c.id not in covering]
    parts.append("<h2>人工核查清单 Manual checklist</h2><p>No rule gathers evidence for these controls; an assessor "
                 "checks them by documents, interviews or inspection.</p><ul>")
    parts += [f"<li><label><input type=\"checkbox\"> {esc(c.citation)} {esc(c.control_zh)}: {esc(c.requirement)}"
              "</label></li>" for c in manual]
    parts.append("</ul><h2>读取统计 Input</h2><table><tr><th>source</th><th>files</th><th>read</th><th>audited</th>"
                 "<th>skipped</th></tr>")
    for source, s in sorted(report.stats.sources.items()):
        parts.append(f"<tr><td>{esc(source)}</td><td>{s.files}</td><td>{s.read}</td><td>{s.audited}</td>"
                     f"<td>{s.skipped}</td></tr>")
    parts.append("</table>")
    if report.errors:
        parts.append("<h2>错误 Errors</h2><ul>")
        parts += [f"<li>{esc(' '.join(filter(None, (_error_where(e), e.message))))}</li>"
                  for e in report.errors]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table, "json": render_json, "sarif": render_sarif, "junit": render_junit, "html": render_html,
}


def control_rows() -> list[tuple[Control, list[Rule]]]:
    """Every control with the rules covering it (empty list = manual)."""
    from policies.controls import load_controls

    covering = rules_by_clause()
    return [(c, covering.get(c.id, [])) for c in load_controls()]
