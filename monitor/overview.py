"""The overview page: the city's network drawn, what is wrong with it, and compliance — server-rendered HTML.

Chinese first, English with ``?lang=en``. Every value is escaped; no inline script or style (one static script
and one stylesheet from ``/static``), so the page works under ``script-src 'self'``. What Prometheus knows
(device up/down, link states, firing alerts) is shown as unknown when it cannot be asked.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote

from links.declared import DeclaredNetwork
from links.state import STATE_ZH, UNEXPECTED_ZH, LinkReport, State
from monitor.alerting.history import AlertHistory
from monitor.alerting.overview import alert_history_section
from monitor.charts import findings_trend
from monitor.drift_store import DriftRow
from monitor.drift_view import drift_section
from monitor.firing import FiringAlert
from monitor.netmap import LINK_COLOURS, WORST_FIRST, city_svg, device_status, link_state, region_svg, worst
from monitor.region_compliance import region_scores
from monitor.store import AgentRow
from yunwang.contracts.audit import SUMMARY_COUNTS

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "云网监控总览", "en": "yunwang monitoring overview"},
    "stack": {"zh": "栈", "en": "stack"},
    "map": {"zh": "网络拓扑", "en": "Network map"},
    "map_note": {"zh": "设备颜色表示在线状态，线条颜色表示链路与规划的一致性（LLDP 与接口状态对照拓扑）。"
                       "点击设备查看详情。",
                 "en": "Devices are coloured by up/down, links by how they match the topology (LLDP and interface "
                       "state against the declared links). Click a device for its page."},
    "expand": {"zh": "全部展开", "en": "Expand all"},
    "collapse": {"zh": "全部收起", "en": "Collapse all"},
    "regions": {"zh": "区域节点", "en": "Regions"},
    "region": {"zh": "区域", "en": "Region"},
    "kind": {"zh": "类型", "en": "Kind"},
    "devices": {"zh": "设备", "en": "Devices"},
    "up": {"zh": "在线", "en": "Up"},
    "down": {"zh": "离线", "en": "Down"},
    "unknown": {"zh": "未知", "en": "Unknown"},
    "links": {"zh": "链路", "en": "Links"},
    "links_bad": {"zh": "链路异常", "en": "Links not ok"},
    "compliance": {"zh": "合规得分", "en": "Compliance"},
    "zones": {"zh": "安全区域", "en": "Security zones"},
    "zone": {"zh": "区域名称", "en": "Zone"},
    "hosts": {"zh": "主机", "en": "Hosts"},
    "tenants": {"zh": "租户", "en": "Tenants"},
    "in_regions": {"zh": "所在节点", "en": "In regions"},
    "agents": {"zh": "采集代理", "en": "Agents"},
    "agent": {"zh": "代理", "en": "Agent"},
    "hostname": {"zh": "主机名", "en": "Hostname"},
    "version": {"zh": "版本", "en": "Version"},
    "last_seen": {"zh": "最近心跳", "en": "Last seen"},
    "no_agents": {"zh": "尚无代理上报心跳。", "en": "No agent has sent a heartbeat yet."},
    "alerts": {"zh": "正在触发的告警", "en": "Alerts firing"},
    "alert": {"zh": "告警", "en": "Alert"},
    "severity": {"zh": "级别", "en": "Severity"},
    "since": {"zh": "开始于", "en": "Since"},
    "no_alerts": {"zh": "没有正在触发的告警。", "en": "No alert is firing."},
    "no_prometheus": {"zh": "未配置 Prometheus 或其无响应：在线状态、链路状态与告警为“未知”。",
                      "en": "Prometheus is not configured or not answering: up/down, link states and alerts are "
                            "unknown."},
    "bad_links": {"zh": "与规划不符的链路", "en": "Links not as declared"},
    "all_links_ok": {"zh": "全部 {n} 条规划链路正常。", "en": "All {n} declared links are ok."},
    "end_a": {"zh": "A 端", "en": "End A"},
    "end_b": {"zh": "B 端", "en": "End B"},
    "reason": {"zh": "说明", "en": "Why"},
    "state": {"zh": "状态", "en": "State"},
    "audit": {"zh": "最近一次等保测评", "en": "Latest MLPS audit"},
    "no_audit": {"zh": "尚无测评记录。", "en": "No audit has been stored yet."},
    "trend": {"zh": "问题趋势", "en": "Findings over time"},
    "clause": {"zh": "条款", "en": "Clause"},
    "status": {"zh": "状态", "en": "Status"},
    "findings": {"zh": "问题", "en": "Findings"},
    "compliant": {"zh": "符合", "en": "compliant"},
    "partial": {"zh": "部分符合", "en": "partial"},
    "non-compliant": {"zh": "不符合", "en": "non-compliant"},
    "not-assessed": {"zh": "未评估", "en": "not assessed"},
    "not_assessed_fold": {"zh": "未评估的条款（{n} 条）", "en": "Clauses not assessed ({n})"},
    "seconds_ago": {"zh": "秒前", "en": "s ago"},
    "run": {"zh": "测评", "en": "run"},
    "city": {"zh": "市本级", "en": "city"},
    "district": {"zh": "区", "en": "district"},
    "county": {"zh": "县", "en": "county"},
    "summary": {"zh": "高 {high} · 中 {medium} · 低 {low} · 豁免 {waived}",
                "en": "high {high} · medium {medium} · low {low} · waived {waived}"},
}
STATUS_ORDER = {"non-compliant": 0, "partial": 1, "compliant": 2, "not-assessed": 3}


@dataclass(frozen=True)
class AuditSummary:
    id: int
    received_at: float
    document: dict[str, Any]


@dataclass(frozen=True)
class OverviewData:
    """Everything the page shows, gathered by the route (Prometheus answers may be None: unknown)."""

    net: DeclaredNetwork
    up: dict[str, bool] | None
    report: LinkReport | None
    agents: list[AgentRow]
    audit: AuditSummary | None
    history: list[dict[str, Any]]
    alerts: list[FiringAlert] | None
    addresses: dict[str, str]
    """Polled address → device name (SNMP findings name the address)."""
    drift: list[DriftRow] = field(default_factory=list)
    """The latest configuration drift report of each device (monitor.drift_store)."""
    notified: AlertHistory | None = None
    """The alerts Alertmanager notified (the webhook's history): the latest are shown under those firing."""


def pick_lang(query_lang: str | None, accept_language: str | None) -> str:
    if query_lang in ("zh", "en"):
        return query_lang
    return "zh" if (accept_language or "").lower().startswith("zh") else "en"


def _ago(seen: float, now: float, lang: str) -> str:
    stamp = datetime.fromtimestamp(seen, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{stamp} ({max(0, int(now - seen))} {TEXT['seconds_ago'][lang]})"


def table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def td(value: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(str(value))}</td>"


def page(title: str, body: str, lang: str, other_href: str) -> str:
    """The page frame shared by the overview and the device pages."""
    other = "en" if lang == "zh" else "zh"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
            f'<link rel="stylesheet" href="/static/overview.css"><script src="/static/overview.js" defer></script>'
            f"<title>{title}</title></head><body><header><h1>{title}</h1><nav>"
            f'<a href="/?lang={lang}">{escape(TEXT["title"][lang])}</a>'
            f'<a href="{escape(other_href)}lang={other}">{"English" if other == "en" else "中文"}</a>'
            f'<a href="/docs">API</a></nav></header><main>{body}</main></body></html>')


def legend(lang: str) -> str:
    items = [(LINK_COLOURS[s], STATE_ZH[s] if lang == "zh" else s.value) for s in WORST_FIRST]
    items.append((LINK_COLOURS["unexpected"], UNEXPECTED_ZH if lang == "zh" else "unexpected neighbour"))
    swatches = "".join(f'<li><svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" stroke="{c}" '
                       f'stroke-width="3"/></svg>{escape(t)}</li>' for c, t in items)
    devices = "".join(f'<li><svg width="12" height="12"><rect width="12" height="12" rx="3" fill="{c}"/></svg>'
                      f"{escape(TEXT[k][lang])}</li>" for k, c in (("up", "#2da44e"), ("down", "#cf222e"),
                                                                    ("unknown", "#8c959f")))
    return f'<ul class="legend">{devices}{swatches}</ul>'


def render_overview(data: OverviewData, lang: str, now: float | None = None) -> str:
    now = time.time() if now is None else now
    topo = data.net.topology

    def t(key: str) -> str:
        return escape(TEXT[key][lang])

    document = data.audit.document if data.audit else None
    scores = region_scores(topo, document, data.addresses)
    parts = [_cards(data, lang)]
    if data.up is None or data.report is None:
        parts.append(f'<p class="note">{t("no_prometheus")}</p>')
    small = len(topo.devices) <= 40
    sections = []
    for r in topo.regions:
        names = [d.name for d in topo.devices_in(r.name)]
        down = sum(1 for n in names if device_status(data.up, n) == "down")
        states = [link_state(data.report, ln) for ln in data.net.by_region[r.name]]
        bad = sum(1 for s in states if s != State.OK)
        trouble = down > 0 or any(s not in (State.OK, State.UNKNOWN) for s in states)
        state = worst(states) if states else State.OK
        opened = " open" if small or trouble else ""
        head = (f'<summary><span class="dot {state.value}"></span>{escape(r.name_zh)} {escape(r.name)} · '
                f'{t("devices")} {len(names)} · {t("down")} {down} · {t("links_bad")} {bad}</summary>')
        sections.append(f'<details class="region" id="region-{escape(r.name)}"{opened}>{head}'
                        f"{region_svg(data.net, r, data.report, data.up, lang)}</details>")
    parts += [f'<section id="map"><h2>{t("map")}</h2><p class="note">{t("map_note")}</p>{legend(lang)}'
              f'<p class="toolbar"><button type="button" data-expand="1">{t("expand")}</button>'
              f'<button type="button" data-expand="0">{t("collapse")}</button></p>'
              f'{city_svg(data.net, data.report, data.up, scores, lang)}'
              f'<div id="device-info" class="device-info" hidden></div>{"".join(sections)}</section>',
              _alerts(data.alerts, lang),
              alert_history_section(data.notified, lang) if data.notified is not None else "",
              _bad_links(data, lang),
              drift_section(data.drift, len(topo.devices), lang, now), _regions(data, scores, lang),
              f'<section id="compliance"><h2>{t("audit")}</h2>'
              + (_audit_section(data.audit, data.history, lang, now) if data.audit else f"<p>{t('no_audit')}</p>")
              + "</section>", _zones(data, lang), _agents(data.agents, lang, now)]
    title = f"{t('title')} · {escape(topo.name_zh or topo.name)}"
    return page(title, "".join(parts), lang, "/?")


def _cards(data: OverviewData, lang: str) -> str:
    topo = data.net.topology
    statuses = Counter(device_status(data.up, d.name) for d in topo.devices)
    counts = data.report.counts() if data.report is not None else Counter({State.UNKNOWN: len(data.net.links)})
    firing = len(data.alerts) if data.alerts is not None else None
    links = " · ".join(f'<span class="{s.value}">{escape(STATE_ZH[s] if lang == "zh" else s.value)} '
                       f"{counts[s]}</span>" for s in (State.OK, *WORST_FIRST[:-1]) if counts[s] or s == State.OK)
    items = [
        (TEXT["devices"][lang], f'<span class="up">{TEXT["up"][lang]} {statuses["up"]}</span> · '
                                f'<span class="down">{TEXT["down"][lang]} {statuses["down"]}</span> · '
                                f'<span class="unknown">{TEXT["unknown"][lang]} {statuses["unknown"]}</span>'),
        (TEXT["links"][lang], links),
        (TEXT["alerts"][lang], "—" if firing is None else str(firing)),
    ]
    cards = "".join(f'<li><h3>{escape(k)}</h3><p>{v}</p></li>' for k, v in items)
    return f'<ul class="cards">{cards}</ul>'


def _alerts(alerts: list[FiringAlert] | None, lang: str) -> str:
    head = f'<section id="alerts"><h2>{escape(TEXT["alerts"][lang])}</h2>'
    if alerts is None:
        return head + f'<p class="note">{escape(TEXT["no_prometheus"][lang])}</p></section>'
    if not alerts:
        return head + f'<p>{escape(TEXT["no_alerts"][lang])}</p></section>'
    rows = [[td(a.name), td(a.severity, a.severity), td(a.labels.get("region", "")),
             td((a.summary_zh if lang == "zh" else a.summary) or a.summary), td(a.since)] for a in alerts]
    return head + table([escape(TEXT[k][lang]) for k in ("alert", "severity", "region", "reason", "since")], rows,
                        "alerts") + "</section>"


def _bad_links(data: OverviewData, lang: str) -> str:
    head = f'<section id="links"><h2>{escape(TEXT["bad_links"][lang])}</h2>'
    if data.report is None:
        return head + f'<p class="note">{escape(TEXT["no_prometheus"][lang])}</p></section>'
    bad = [s for s in data.report.links if s.state != State.OK]
    if not bad and not data.report.unexpected:
        return head + f'<p>{escape(TEXT["all_links_ok"][lang].format(n=len(data.report.links)))}</p></section>'
    rows = []
    for s in sorted(bad, key=lambda s: (WORST_FIRST.index(s.state), s.link.region, s.link.id)):
        rows.append([td(STATE_ZH[s.state] if lang == "zh" else s.state.value, f"state {s.state.value}"),
                     td(f"{s.link.region_zh} {s.link.region}"), _end_cell(str(s.link.a), s.link.a.device),
                     _end_cell(str(s.link.b), s.link.b.device), td(s.reason_zh if lang == "zh" else s.reason)])
    for u in data.report.unexpected:
        rows.append([td(UNEXPECTED_ZH if lang == "zh" else "unexpected", "state unexpected"),
                     td(f"{u.region_zh} {u.region}"), _end_cell(u.sighting.near(), u.sighting.at_device),
                     td(u.sighting.far()), td(u.reason_zh if lang == "zh" else u.reason)])
    return head + table([escape(TEXT[k][lang]) for k in ("state", "region", "end_a", "end_b", "reason")], rows,
                        "links") + "</section>"


def _end_cell(text: str, device: str) -> str:
    return f'<td><a href="/devices/{quote(device)}">{escape(text)}</a></td>'


def _regions(data: OverviewData, scores: dict[str, float | None], lang: str) -> str:
    topo = data.net.topology
    rows = []
    for r in topo.regions:
        names = [d.name for d in topo.devices_in(r.name)]
        statuses = Counter(device_status(data.up, n) for n in names)
        bad = sum(1 for ln in data.net.by_region[r.name] if link_state(data.report, ln) != State.OK)
        score = scores.get(r.name)
        rows.append([td(f"{r.name_zh} ({r.name})"), td(TEXT[r.kind][lang]), td(len(names), "n"),
                     td(statuses["up"], "n up"), td(statuses["down"], "n down"), td(statuses["unknown"], "n unknown"),
                     td(bad, "n"), td("—" if score is None else f"{score:.0%}", "n")])
    headers = [escape(TEXT[k][lang]) for k in ("region", "kind", "devices", "up", "down", "unknown", "links_bad",
                                                "compliance")]
    return f'<section id="regions"><h2>{escape(TEXT["regions"][lang])}</h2>{table(headers, rows)}</section>'


def _zones(data: OverviewData, lang: str) -> str:
    topo = data.net.topology
    hosts = Counter(h.zone for h in topo.hosts)
    tenants = Counter(tn.zone for tn in topo.tenants)
    rows = [[td(f"{z.name_zh} ({z.name})"), td(z.kind.value),
             td(", ".join(r.name_zh for r in topo.regions if z.name in r.zones)), td(hosts[z.name], "n"),
             td(tenants[z.name], "n")] for z in topo.zones]
    headers = [escape(TEXT[k][lang]) for k in ("zone", "kind", "in_regions", "hosts", "tenants")]
    return f'<section id="zones"><h2>{escape(TEXT["zones"][lang])}</h2>{table(headers, rows)}</section>'


def _agents(agents: list[AgentRow], lang: str, now: float) -> str:
    head = f'<section id="agents"><h2>{escape(TEXT["agents"][lang])}</h2>'
    if not agents:
        return head + f"<p>{escape(TEXT['no_agents'][lang])}</p></section>"
    rows = [[td(a.agent_id), td(a.kind), td(a.hostname), td(a.version), td(_ago(a.last_seen, now, lang))]
            for a in agents]
    headers = [escape(TEXT[k][lang]) for k in ("agent", "kind", "hostname", "version", "last_seen")]
    return head + table(headers, rows) + "</section>"


def _audit_section(audit: AuditSummary, history: list[dict[str, Any]], lang: str, now: float) -> str:
    doc = audit.document
    summary = doc.get("summary", {})
    open_by_clause: Counter[str] = Counter()
    for f in doc.get("findings", []):
        if not f.get("waived"):
            open_by_clause.update(f.get("clauses", []))
    assessed: list[list[str]] = []
    folded: list[list[str]] = []
    controls = summary.get("controls", {})
    for clause, status in sorted(controls.items(), key=lambda kv: (STATUS_ORDER.get(kv[1], 9), kv[0])):
        link = f"/api/v1/audits/{audit.id}/findings?clause={quote(clause)}"
        count = open_by_clause.get(clause, 0)
        findings = f'<td class="n"><a href="{escape(link)}">{count}</a></td>' if count else '<td class="n">0</td>'
        row = [td(clause), td(TEXT.get(status, {}).get(lang, status), status), findings]
        (folded if status == "not-assessed" else assessed).append(row)
    counts = {k: int(summary.get(k, 0)) for k in SUMMARY_COUNTS}
    head = (f"<p>{escape(TEXT['run'][lang])} #{audit.id} · {escape(_ago(audit.received_at, now, lang))} · "
            f"{escape(str(doc.get('standard', '')))} · "
            f"{escape(TEXT['summary'][lang].format(**counts))} · "
            f'<a href="/api/v1/audits/{audit.id}/findings">{escape(TEXT["findings"][lang])}</a></p>')
    trend = findings_trend(history, lang)
    if trend:
        head += f'<h3>{escape(TEXT["trend"][lang])}</h3>{trend}'
    headers = [escape(TEXT[k][lang]) for k in ("clause", "status", "findings")]
    body = table(headers, assessed, "controls") if assessed else ""
    if folded:
        body += (f'<details class="not-assessed-fold"><summary>'
                 f'{escape(TEXT["not_assessed_fold"][lang].format(n=len(folded)))}</summary>'
                 f'{table(headers, folded, "controls not-assessed")}</details>')
    return head + body
