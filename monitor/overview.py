"""The overview page: server-rendered HTML (no front-end build), every value escaped, Chinese or English."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote

from monitor.drift_store import DriftRow
from monitor.drift_view import drift_section
from monitor.reachability import RegionReach
from monitor.store import AgentRow
from yunwang.contracts.audit import SUMMARY_COUNTS
from yunwang.topology import Topology

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "云网监控总览", "en": "yunwang monitoring overview"},
    "stack": {"zh": "栈", "en": "stack"},
    "regions": {"zh": "区域节点", "en": "Regions"},
    "region": {"zh": "区域", "en": "Region"},
    "kind": {"zh": "类型", "en": "Kind"},
    "devices": {"zh": "设备", "en": "Devices"},
    "up": {"zh": "在线", "en": "Up"},
    "down": {"zh": "离线", "en": "Down"},
    "unknown": {"zh": "未知", "en": "Unknown"},
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
    "audit": {"zh": "最近一次等保测评", "en": "Latest MLPS audit"},
    "no_audit": {"zh": "尚无测评记录。", "en": "No audit has been stored yet."},
    "clause": {"zh": "条款", "en": "Clause"},
    "status": {"zh": "状态", "en": "Status"},
    "findings": {"zh": "问题", "en": "Findings"},
    "compliant": {"zh": "符合", "en": "compliant"},
    "partial": {"zh": "部分符合", "en": "partial"},
    "non-compliant": {"zh": "不符合", "en": "non-compliant"},
    "not-assessed": {"zh": "未测评", "en": "not assessed"},
    "reach_note": {"zh": "在线状态来自 Prometheus；未配置 --prometheus 时为“未知”。",
                   "en": "Up/down comes from Prometheus; without --prometheus it is unknown."},
    "seconds_ago": {"zh": "秒前", "en": "s ago"},
    "run": {"zh": "测评", "en": "run"},
    "city": {"zh": "市本级", "en": "city"},
    "district": {"zh": "区", "en": "district"},
    "county": {"zh": "县", "en": "county"},
    "summary": {"zh": "高 {high} · 中 {medium} · 低 {low} · 豁免 {waived}",
                "en": "high {high} · medium {medium} · low {low} · waived {waived}"},
}

STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;color:#1d2430}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;min-width:40rem}th,td{border:1px solid #c9d1dc;padding:.3rem .6rem;text-align:left}
th{background:#eef2f7}td.n{text-align:right}.up{color:#1a7f37}.down{color:#cf222e}.unknown{color:#6e7781}
.compliant{background:#dafbe1}.partial{background:#fff8c5}.non-compliant{background:#ffebe9}
.not-assessed{color:#6e7781}nav a{margin-left:.8rem}.note{color:#57606a;font-size:.9rem}
"""


@dataclass(frozen=True)
class AuditSummary:
    id: int
    received_at: float
    document: dict[str, Any]


def pick_lang(query_lang: str | None, accept_language: str | None) -> str:
    if query_lang in ("zh", "en"):
        return query_lang
    return "zh" if (accept_language or "").lower().startswith("zh") else "en"


def _ago(seen: float, now: float, lang: str) -> str:
    stamp = datetime.fromtimestamp(seen, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{stamp} ({max(0, int(now - seen))} {TEXT['seconds_ago'][lang]})"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(str(value))}</td>"


def render_overview(topo: Topology, reach: dict[str, RegionReach], agents: list[AgentRow],
                    audit: AuditSummary | None, lang: str, now: float | None = None,
                    drift: list[DriftRow] | None = None) -> str:
    now = time.time() if now is None else now

    def t(key: str) -> str:
        return escape(TEXT[key][lang])

    devices = Counter(d.region for d in topo.devices)
    region_rows = [[_td(f"{r.name_zh} ({r.name})"), _td(TEXT[r.kind][lang]), _td(devices[r.name], "n"),
                    _td(reach[r.name].up, "n up"), _td(reach[r.name].down, "n down"),
                    _td(reach[r.name].unknown, "n unknown")] for r in topo.regions]
    hosts = Counter(h.zone for h in topo.hosts)
    tenants = Counter(tn.zone for tn in topo.tenants)
    zone_rows = [[_td(f"{z.name_zh} ({z.name})"), _td(z.kind.value),
                  _td(", ".join(r.name_zh for r in topo.regions if z.name in r.zones)),
                  _td(hosts[z.name], "n"), _td(tenants[z.name], "n")] for z in topo.zones]
    agent_rows = [[_td(a.agent_id), _td(a.kind), _td(a.hostname), _td(a.version), _td(_ago(a.last_seen, now, lang))]
                  for a in agents]
    parts = [
        f"<h2>{t('regions')}</h2>",
        _table([t("region"), t("kind"), t("devices"), t("up"), t("down"), t("unknown")], region_rows),
        f'<p class="note">{t("reach_note")}</p>',
        f"<h2>{t('zones')}</h2>",
        _table([t("zone"), t("kind"), t("in_regions"), t("hosts"), t("tenants")], zone_rows),
        f"<h2>{t('agents')}</h2>",
        _table([t("agent"), t("kind"), t("hostname"), t("version"), t("last_seen")], agent_rows)
        if agents else f"<p>{t('no_agents')}</p>",
        f"<h2>{t('audit')}</h2>",
        _audit_section(audit, lang, now) if audit else f"<p>{t('no_audit')}</p>",
        drift_section(drift or [], len(topo.devices), lang, now),
    ]
    other = "en" if lang == "zh" else "zh"
    title = f"{t('title')} · {escape(topo.name_zh or topo.name)}"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">'
            f"<title>{title}</title><style>{STYLE}</style></head><body>"
            f'<header><h1>{title}</h1><nav>{t("stack")}: {escape(topo.name)}'
            f'<a href="?lang={other}">{"English" if other == "en" else "中文"}</a>'
            f'<a href="/docs">API</a></nav></header><main>{"".join(parts)}</main></body></html>')


def _audit_section(audit: AuditSummary, lang: str, now: float) -> str:
    doc = audit.document
    summary = doc.get("summary", {})
    open_by_clause: Counter[str] = Counter()
    for f in doc.get("findings", []):
        if not f.get("waived"):
            open_by_clause.update(f.get("clauses", []))
    rows = []
    for clause, status in sorted(summary.get("controls", {}).items()):
        link = f"/api/v1/audits/{audit.id}/findings?clause={quote(clause)}"
        count = open_by_clause.get(clause, 0)
        findings = f'<td class="n"><a href="{escape(link)}">{count}</a></td>' if count else '<td class="n">0</td>'
        rows.append([_td(clause), _td(TEXT.get(status, {}).get(lang, status), status), findings])
    counts = {k: int(summary.get(k, 0)) for k in SUMMARY_COUNTS}
    head = (f"<p>{escape(TEXT['run'][lang])} #{audit.id} · {escape(_ago(audit.received_at, now, lang))} · "
            f"{escape(str(doc.get('standard', '')))} · "
            f"{escape(TEXT['summary'][lang].format(**counts))} · "
            f'<a href="/api/v1/audits/{audit.id}/findings">{escape(TEXT["findings"][lang])}</a></p>')
    return head + _table([escape(TEXT["clause"][lang]), escape(TEXT["status"][lang]),
                          escape(TEXT["findings"][lang])], rows)
