"""One device's page: what it is, whether it answers, its interfaces, LLDP neighbours, links, findings and drift.

Interface rows and the last poll come from Prometheus (the poller's series for this device), neighbours and
link states from the link report, findings from the latest stored audit. The configuration drift section is
a slot: filled by whatever reports drift (``drift`` HTML), else it says there is nothing yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

import httpx

from links.state import STATE_ZH, LinkReport
from monitor.netmap import device_status, link_state
from monitor.overview import TEXT, page, table, td
from yunwang.topology import Device, Topology

OPER = {1: ("运行", "up"), 2: ("中断", "down"), 3: ("测试", "testing"), 5: ("休眠", "dormant"),
        6: ("不存在", "notPresent"), 7: ("下层中断", "lowerLayerDown")}
WORDS: dict[str, dict[str, str]] = {
    "device": {"zh": "设备", "en": "Device"},
    "status": {"zh": "SNMP 状态", "en": "SNMP"},
    "last_poll": {"zh": "最近采集", "en": "Last poll"},
    "interfaces": {"zh": "接口", "en": "Interfaces"},
    "no_interfaces": {"zh": "Prometheus 中没有该设备的接口数据。",
                      "en": "Prometheus holds no interface rows of this device."},
    "neighbours": {"zh": "LLDP 邻居", "en": "LLDP neighbours"},
    "no_neighbours": {"zh": "没有 LLDP 邻居（或未采集其 LLDP 表）。",
                      "en": "No LLDP neighbour (or its LLDP table is not polled)."},
    "declared": {"zh": "规划链路", "en": "Declared links"},
    "findings": {"zh": "最近一次测评的问题", "en": "Findings of the latest audit"},
    "no_findings": {"zh": "没有针对该设备的问题。", "en": "No finding about this device."},
    "drift": {"zh": "配置漂移", "en": "Configuration drift"},
    "no_drift": {"zh": "尚无该设备的配置漂移数据（运行配置与基线配置的比对）。",
                 "en": "No configuration drift known for this device yet (running against golden configuration)."},
    "port": {"zh": "端口", "en": "Port"},
    "neighbour": {"zh": "邻居", "en": "Neighbour"},
    "note": {"zh": "说明", "en": "Note"},
    "admin": {"zh": "管理状态", "en": "Admin"},
    "oper": {"zh": "运行状态", "en": "Oper"},
    "speed": {"zh": "速率 Mbit/s", "en": "Speed Mbit/s"},
    "alias": {"zh": "描述", "en": "Description"},
    "rule": {"zh": "规则", "en": "Rule"},
    "severity": {"zh": "级别", "en": "Severity"},
    "title": {"zh": "问题", "en": "Finding"},
    "clauses": {"zh": "条款", "en": "Clauses"},
}


@dataclass(frozen=True)
class InterfaceView:
    index: int
    name: str
    descr: str
    alias: str
    admin: int | None
    oper: int | None
    speed: float | None


def interfaces_from_prometheus(url: str | None, device: str, timeout_s: float = 2.0
                               ) -> tuple[list[InterfaceView], float | None] | None:
    """The device's interface rows and the time of its last poll; None when Prometheus cannot be asked."""
    if url is None:
        return None
    selector = f'{{device="{device}"}}'
    values: dict[str, dict[int, tuple[dict[str, str], float]]] = {}
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            for metric in ("ifOperStatus", "ifAdminStatus", "ifHighSpeed", "snmp_scrape_timestamp_seconds"):
                reply = client.get(f"{url.rstrip('/')}/api/v1/query", params={"query": f"{metric}{selector}"})
                reply.raise_for_status()
                rows = reply.json()["data"]["result"]
                values[metric] = {int(r["metric"].get("ifIndex", 0) or 0): (r["metric"], float(r["value"][1]))
                                  for r in rows}
    except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError):
        return None
    stamps = [v for _, v in values["snmp_scrape_timestamp_seconds"].values()]
    out = []
    for index, (labels, oper) in sorted(values["ifOperStatus"].items()):
        admin = values["ifAdminStatus"].get(index)
        speed = values["ifHighSpeed"].get(index)
        out.append(InterfaceView(index, labels.get("ifName", ""), labels.get("ifDescr", ""), labels.get("ifAlias", ""),
                                 int(admin[1]) if admin else None, int(oper), speed[1] if speed else None))
    return out, (max(stamps) if stamps else None)


def device_findings(topo: Topology, device: Device, document: dict[str, Any] | None,
                    addresses: dict[str, str]) -> list[dict[str, Any]]:
    """Findings of the audit whose target is this device (by name, or the address it is polled at)."""
    if document is None:
        return []
    names = {device.name, *(a for a, d in addresses.items() if d == device.name), str(device.mgmt)}
    return [f for f in document.get("findings", []) if str(f.get("target", {}).get("id", "")) in names]


def _oper(value: int | None, lang: str) -> str:
    if value is None:
        return td("—")
    zh, en = OPER.get(value, (str(value), str(value)))
    return td(zh if lang == "zh" else en, "up" if value == 1 else "down")


def render_device_page(topo: Topology, device: Device, up: dict[str, bool] | None, report: LinkReport | None,
                       interfaces: tuple[list[InterfaceView], float | None] | None,
                       findings: list[dict[str, Any]], drift: str | None, lang: str, now: float) -> str:
    def w(key: str) -> str:
        return escape(WORDS[key][lang])

    region = topo.region_by_name[device.region]
    status = device_status(up, device.name)
    rows, polled = interfaces if interfaces is not None else ([], None)
    poll = "—" if polled is None else (datetime.fromtimestamp(polled, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                                       + f" ({max(0, int(now - polled))} {TEXT['seconds_ago'][lang]})")
    facts = [(WORDS["device"][lang], f"{device.name} · {device.role.value} · {device.vendor.value} {device.model}"),
             (TEXT["region"][lang], f"{region.name_zh} {region.name} · {device.site}"),
             ("mgmt", str(device.mgmt)),
             (WORDS["status"][lang], TEXT[status][lang]),
             (WORDS["last_poll"][lang], poll)]
    parts = ['<dl class="facts">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts) + "</dl>"]
    itf_rows = [[td(i.index, "n"), td(i.name or i.descr), td(i.alias), _oper(i.admin, lang), _oper(i.oper, lang),
                 td("" if i.speed is None else f"{i.speed:g}", "n")] for i in rows]
    parts.append(f'<section id="interfaces"><h2>{w("interfaces")}</h2>' + (
        table(["ifIndex", w("port"), w("alias"), w("admin"), w("oper"), w("speed")], itf_rows, "interfaces")
        if itf_rows else f'<p class="note">{w("no_interfaces")}</p>') + "</section>")
    sightings = report.sightings_at(device.name) if report is not None else []
    nb_rows = [[td(s.at_name), _device_link(s.device, s.known, s.port_name), td(s.row.subtype_name), td(s.note)]
               for s in sightings]
    parts.append(f'<section id="neighbours"><h2>{w("neighbours")}</h2>' + (
        table([w("port"), w("neighbour"), "subtype", w("note")], nb_rows, "neighbours")
        if nb_rows else f'<p class="note">{w("no_neighbours")}</p>') + "</section>")
    link_rows = []
    if report is not None:
        for status_ in report.links:
            link = status_.link
            if device.name not in (link.a.device, link.b.device):
                continue
            state = link_state(report, link)
            mine, far = (link.a, link.b) if link.a.device == device.name else (link.b, link.a)
            link_rows.append([td(mine.name), _device_link(far.device, True, far.name),
                              f'<td class="state {state.value}"><span class="dot {state.value}"></span>'
                              f'{escape(STATE_ZH[state] if lang == "zh" else state.value)}</td>',
                              td(status_.reason_zh if lang == "zh" else status_.reason)])
    parts.append(f'<section id="links"><h2>{w("declared")}</h2>'
                 + table([w("port"), w("neighbour"), escape(TEXT["state"][lang]), escape(TEXT["reason"][lang])],
                         link_rows, "links") + "</section>")
    f_rows = [[td(f.get("rule_id", "")), td(f.get("severity", ""), f.get("severity", "")),
               td(f.get("title_zh") if lang == "zh" and f.get("title_zh") else f.get("title", "")),
               td(", ".join(f.get("clauses", [])))] for f in findings if not f.get("waived")]
    parts.append(f'<section id="findings"><h2>{w("findings")}</h2>' + (
        table([w("rule"), w("severity"), w("title"), w("clauses")], f_rows, "findings")
        if f_rows else f"<p>{w('no_findings')}</p>") + "</section>")
    parts.append(f'<section id="drift"><h2>{w("drift")}</h2>'
                 + (drift if drift is not None else f'<p class="note">{w("no_drift")}</p>') + "</section>")
    title = f"{escape(device.name)} · {escape(TEXT['title'][lang])}"
    return page(title, "".join(parts), lang, f"/devices/{escape(device.name)}?")


def _device_link(name: str, known: bool, port: str) -> str:
    shown = escape(f"{name} {port}".strip())
    if not known or not re.fullmatch(r"[a-z0-9-]+", name):
        return f"<td>{shown}</td>"
    return f'<td><a href="/devices/{name}">{shown}</a></td>'
