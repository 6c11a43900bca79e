"""The yunwang Grafana dashboards, written to monitor/grafana/dashboards/*.json.

They are generated so the five dashboards share one style and their PromQL stays in one readable place;
tests/assets checks that the committed JSON matches this file. Regenerate with
``python -m monitor.grafana.dashboards``.
"""

from __future__ import annotations

import json
from pathlib import Path

from monitor.grafana.panels import (
    Json,
    Panel,
    Query,
    bargauge,
    dashboard,
    query_variable,
    stat,
    state_timeline,
    table,
    timeseries,
    value_map,
)

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"

RED, ORANGE, GREEN = "red", "orange", "green"
UTILISATION_STEPS: list[tuple[float | None, str]] = [(None, GREEN), (0.6, ORANGE), (0.8, RED)]
OPER_STATUS = value_map({"1": ("up 运行", GREEN), "2": ("down 中断", RED), "3": ("testing 测试", "blue"),
                         "5": ("dormant 休眠", "gray"), "7": ("lowerLayerDown 下层中断", ORANGE)})
DEVICE_STATUS = value_map({"1": ("up 在线", GREEN), "0": ("down 离线", RED)})
LINK_STATES = value_map({"ok": ("ok 正常", GREEN), "miswired": ("miswired 接错", RED), "down": ("down 中断", ORANGE),
                         "missing": ("missing 未见邻居", "yellow"), "unknown": ("unknown 未知", "gray")})
NOT_OK_LINKS = 'yunwang_link_status{state!="ok"%s} == 1'
CONTROL_STATUS = value_map({"1": ("compliant 符合", GREEN), "0.5": ("partial 部分符合", ORANGE),
                            "0": ("non-compliant 不符合", RED)})


def _zero_if_none(expr: str) -> str:
    """A count that shows 0 instead of 'No data' when nothing matches."""
    return f"({expr}) or vector(0)"


def city_overview() -> Json:
    panels: list[Panel] = [
        stat("Devices up · 在线设备", "sum(yunwang:device:up)"),
        stat("Devices down · 离线设备", _zero_if_none("count(yunwang:device:up == 0)"),
             thresholds=[(None, GREEN), (1, RED)]),
        stat("Hosts up · 在线主机", "sum(up{job=\"host\"})"),
        stat("Hosts down · 离线主机", _zero_if_none("count(up{job=\"host\"} == 0)"),
             thresholds=[(None, GREEN), (1, RED)]),
        stat("High findings · 高风险问题", _zero_if_none("sum(yunwang_audit_findings{severity=\"high\"})"),
             thresholds=[(None, GREEN), (1, RED)]),
        stat("MLPS compliance · 等保合规率", "yunwang:compliance:ratio", unit="percentunit",
             thresholds=[(None, RED), (0.8, ORANGE), (0.95, GREEN)], minimum=0, maximum=1),
        bargauge("Devices up by region · 各区县在线设备", Query("sum by (region) (yunwang:device:up)", "{{region}}"),
                 width=8),
        bargauge("Devices down by region · 各区县离线设备",
                 Query("count by (region) (yunwang:device:up == 0)", "{{region}}"),
                 thresholds=[(None, GREEN), (1, RED)], width=8),
        bargauge("Devices in inventory by region · 各区县设备总数",
                 Query("sum by (region) (yunwang_devices)", "{{region}}"), width=8),
        table("Busiest interfaces (top 10) · 接口利用率前十",
              Query("topk(10, yunwang:interface_utilisation:ratio)"), unit="percentunit",
              thresholds=UTILISATION_STEPS, width=12, height=9),
        timeseries("Findings by severity · 各级别问题数",
                   Query("sum by (severity) (yunwang_audit_findings)", "{{severity}}"), width=12, height=9),
        timeseries("MLPS compliance over time · 等保合规率趋势", Query("yunwang:compliance:ratio", "compliance 合规率"),
                   unit="percentunit", minimum=0, maximum=1, width=12),
        table("Agents not heard from · 代理最近心跳", Query("time() - yunwang_agent_last_seen_timestamp_seconds"),
              unit="s", thresholds=[(None, GREEN), (300, RED)], width=12),
        bargauge("Links not as declared by region · 各区县与规划不符的链路",
                 Query('sum by (region) (yunwang:links:count{state!="ok"})', "{{region}}"),
                 thresholds=[(None, GREEN), (1, RED)], width=8, height=9,
                 description="Declared links whose state is down, missing, miswired or unknown (LLDP and "
                             "interface state against the topology)."),
        table("Links not as declared · 与规划不符的链路", Query(NOT_OK_LINKS % ""), mappings=LINK_STATES, width=16,
              height=9, description="Each declared link that is not ok; `yunwang net links` explains why."),
    ]
    return dashboard("yunwang-city", "Lu'an city overview · 六安市总览", panels, [],
                     "Devices, hosts, busiest links and MLPS compliance across the city and its counties.")


REGION_VARIABLE = query_variable("region", "Region · 区县", "label_values(yunwang:device:up, region)")


def region() -> Json:
    selector = 'region="$region"'
    panels: list[Panel] = [
        stat("Devices up · 在线设备", f"sum(yunwang:device:up{{{selector}}})", width=6),
        stat("Devices down · 离线设备", _zero_if_none(f"count(yunwang:device:up{{{selector}}} == 0)"),
             thresholds=[(None, GREEN), (1, RED)], width=6),
        stat("Interfaces down · 中断接口",
             _zero_if_none(f"count(ifOperStatus{{{selector}}} == 2 and ifAdminStatus{{{selector}}} == 1)"),
             thresholds=[(None, GREEN), (1, ORANGE)], width=6),
        stat("Devices in inventory · 设备总数", f"sum(yunwang_devices{{{selector}}})", width=6),
        table("Device status · 设备状态", Query(f"yunwang:device:up{{{selector}}}"), mappings=DEVICE_STATUS,
              width=12, height=10),
        bargauge("Devices by role · 按角色统计设备",
                 Query(f"sum by (role) (yunwang_devices{{{selector}}})", "{{role}}"), width=12, height=10),
        table("Busiest interfaces (top 10) · 接口利用率前十",
              Query(f"topk(10, yunwang:interface_utilisation:ratio{{{selector}}})"), unit="percentunit",
              thresholds=UTILISATION_STEPS, width=12, height=9),
        table("Interfaces with most errors (top 10) · 错包最多的接口",
              Query(f"topk(10, yunwang:interface_errors:rate5m{{{selector}}} > 0)"), unit="pps",
              width=12, height=9),
        timeseries("SNMP poll time · SNMP 采集耗时",
                   Query(f"snmp_scrape_duration_seconds{{{selector}}}", "{{device}}"),
                   Query(f"scrape_duration_seconds{{job=\"snmp\",{selector}}}", "{{device}}"), unit="s", width=24),
        timeseries("Link states · 链路状态", Query(f"sum by (state) (yunwang:links:count{{{selector}}})", "{{state}}"),
                   width=8, height=9, description="How many of the region's declared links are in each state."),
        table("Links not as declared · 与规划不符的链路", Query(NOT_OK_LINKS % f",{selector}"),
              Query(f'yunwang_link_miswired_info{{{selector}}}'), mappings=LINK_STATES, width=16, height=9,
              description="Links of the region that are not ok, and for a miswired one which port sees what."),
    ]
    return dashboard("yunwang-region", "Region (county) · 区县", panels, [REGION_VARIABLE],
                     "One county or district: its devices, their state and their busiest interfaces.")


def device() -> Json:
    dev = 'device="$device"'
    iface = f'{dev},ifName=~"$interface"'
    variables = [
        query_variable("region", "Region · 区县", "label_values(yunwang:device:up, region)"),
        query_variable("device", "Device · 设备", 'label_values(yunwang:device:up{region=~"$region"}, device)'),
        query_variable("interface", "Interface · 接口", f"label_values(ifOperStatus{{{dev}}}, ifName)",
                       include_all=True, multi=True),
    ]
    panels: list[Panel] = [
        stat("SNMP reachable · SNMP 可达", f"yunwang:device:up{{{dev}}}", mappings=DEVICE_STATUS,
             thresholds=[(None, RED), (1, GREEN)], width=6),
        stat("Uptime · 运行时间", f"sysUpTime{{{dev}}} / 100", unit="s", width=6),
        stat("Interfaces down · 中断接口",
             _zero_if_none(f"count(ifOperStatus{{{dev}}} == 2 and ifAdminStatus{{{dev}}} == 1)"),
             thresholds=[(None, GREEN), (1, ORANGE)], width=6),
        stat("Poll time · 采集耗时",
             f"max(snmp_scrape_duration_seconds{{{dev}}}) or max(scrape_duration_seconds{{job=\"snmp\",{dev}}})",
             unit="s", width=6),
        timeseries("Traffic in · 入流量", Query(f"yunwang:interface_in_bits:rate5m{{{iface}}}", "{{ifName}}"),
                   unit="bps", width=12),
        timeseries("Traffic out · 出流量", Query(f"yunwang:interface_out_bits:rate5m{{{iface}}}", "{{ifName}}"),
                   unit="bps", width=12),
        timeseries("Utilisation · 带宽利用率", Query(f"yunwang:interface_utilisation:ratio{{{iface}}}", "{{ifName}}"),
                   unit="percentunit", thresholds=UTILISATION_STEPS, minimum=0, width=12),
        timeseries("Errors · 错包",
                   Query(f"rate(ifInErrors{{{iface}}}[$__rate_interval])", "{{ifName}} in 入"),
                   Query(f"rate(ifOutErrors{{{iface}}}[$__rate_interval])", "{{ifName}} out 出"),
                   unit="pps", width=12),
        state_timeline("Operational status · 运行状态", Query(f"ifOperStatus{{{iface}}}", "{{ifName}}"),
                       OPER_STATUS, width=24, height=10),
        table("Interfaces · 接口列表", Query(f"ifHighSpeed{{{iface}}}"), Query(f"ifAdminStatus{{{iface}}}"),
              Query(f"ifOperStatus{{{iface}}}"), unit="short", width=24, height=10,
              description="ifHighSpeed (Mbit/s), ifAdminStatus and ifOperStatus (1 up, 2 down) per interface."),
    ]
    return dashboard("yunwang-device", "Device interfaces · 设备接口", panels, variables,
                     "Traffic, errors and state of one device's interfaces (SNMP IF-MIB).")


def host() -> Json:
    inst = 'instance="$instance"'
    variables = [query_variable("instance", "Host · 主机", 'label_values(up{job="host"}, instance)')]
    panels: list[Panel] = [
        stat("Agent up · 代理在线", f"up{{job=\"host\",{inst}}}", mappings=DEVICE_STATUS,
             thresholds=[(None, RED), (1, GREEN)], width=6),
        stat("Uptime · 运行时间", f"time() - node_boot_time_seconds{{{inst}}}", unit="s", width=6),
        stat("Memory used · 内存使用率",
             f"1 - node_memory_MemAvailable_bytes{{{inst}}} / node_memory_MemTotal_bytes{{{inst}}}",
             unit="percentunit", thresholds=[(None, GREEN), (0.8, ORANGE), (0.9, RED)], width=6),
        stat("Failed collectors · 采集失败项", _zero_if_none(f"count(node_scrape_collector_success{{{inst}}} == 0)"),
             thresholds=[(None, GREEN), (1, ORANGE)], width=6),
        timeseries("CPU busy · CPU 使用率",
                   Query(f"sum by (mode) (rate(node_cpu_seconds_total{{{inst},mode!=\"idle\"}}[$__rate_interval]))"
                         f" / scalar(count(node_cpu_seconds_total{{{inst},mode=\"idle\"}}))", "{{mode}}"),
                   unit="percentunit", minimum=0, width=12),
        timeseries("Load · 系统负载", Query(f"node_load1{{{inst}}}", "1m"), Query(f"node_load5{{{inst}}}", "5m"),
                   Query(f"node_load15{{{inst}}}", "15m"), width=12),
        timeseries("Memory · 内存",
                   Query(f"node_memory_MemTotal_bytes{{{inst}}}", "total 总量"),
                   Query(f"node_memory_MemAvailable_bytes{{{inst}}}", "available 可用"), unit="bytes", width=12),
        bargauge("Disk free · 磁盘可用比例", Query(f"yunwang:filesystem_avail:ratio{{{inst}}}", "{{mountpoint}}"),
                 unit="percentunit", thresholds=[(None, RED), (0.1, ORANGE), (0.2, GREEN)], minimum=0, maximum=1,
                 width=12),
        timeseries("Network received · 网络接收",
                   Query(f"rate(node_network_receive_bytes_total{{{inst},device!=\"lo\"}}[$__rate_interval]) * 8",
                         "{{device}}"), unit="bps", width=12),
        timeseries("Network sent · 网络发送",
                   Query(f"rate(node_network_transmit_bytes_total{{{inst},device!=\"lo\"}}[$__rate_interval]) * 8",
                         "{{device}}"), unit="bps", width=12),
        table("Filesystems · 文件系统", Query(f"node_filesystem_avail_bytes{{{inst}}}"),
              Query(f"node_filesystem_size_bytes{{{inst}}}"), unit="bytes", width=24),
    ]
    return dashboard("yunwang-host", "Host · 主机", panels, variables,
                     "One host's CPU, memory, disks and network from its host agent (node_exporter names).")


def compliance() -> Json:
    panels: list[Panel] = [
        stat("MLPS compliance · 等保合规率", "yunwang:compliance:ratio", unit="percentunit",
             thresholds=[(None, RED), (0.8, ORANGE), (0.95, GREEN)], minimum=0, maximum=1, width=6),
        stat("Non-compliant controls · 不符合控制项", _zero_if_none("count(yunwang_audit_control_status == 0)"),
             thresholds=[(None, GREEN), (1, RED)], width=6),
        stat("Partial controls · 部分符合控制项", _zero_if_none("count(yunwang_audit_control_status == 0.5)"),
             thresholds=[(None, GREEN), (1, ORANGE)], width=6),
        stat("Open findings · 未整改问题", _zero_if_none("sum(yunwang_audit_findings)"), width=6),
        table("Control status by clause · 各条款符合情况", Query("yunwang_audit_control_status"),
              mappings=CONTROL_STATUS, width=12, height=14),
        table("Findings by clause and severity · 各条款问题数",
              Query("sum by (clause, severity) (yunwang_audit_findings) > 0"), width=12, height=14),
        timeseries("Findings by source · 各来源问题数",
                   Query("sum by (source, severity) (yunwang_audit_findings)", "{{source}} {{severity}}"), width=12),
        timeseries("Compliance over time · 合规率趋势", Query("yunwang:compliance:ratio", "compliance 合规率"),
                   unit="percentunit", minimum=0, maximum=1, width=12),
    ]
    return dashboard("yunwang-compliance", "MLPS compliance by clause · 等保合规（按条款）", panels, [],
                     "GB/T 22239-2019 level-3 controls: status per clause and open findings from the latest audits.")


DASHBOARDS = {
    "city-overview": city_overview,
    "region": region,
    "device": device,
    "host": host,
    "compliance": compliance,
}


def render_dashboards() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    return {f"{name}.json": json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
            for name, build in DASHBOARDS.items()}


def write_dashboards(folder: Path = DASHBOARD_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_dashboards().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_dashboards():
        print(path)
