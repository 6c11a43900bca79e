"""Generate the whole-city topology (``liuan``) and larger synthetic cities for benchmarks.

The city has the municipal node and seven counties/districts; each county has its townships (乡镇), each
township a pair of access switches and of IoT gateways. ``scale`` repeats the counties so benchmarks can grow the
estate while keeping every cross-reference (regions, zones, links, address plan) valid.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

CITY = ("luan", "六安市本级")
# (name, 中文名, kind, townships): the townships count is the county's 乡镇/街道 count.
COUNTIES: tuple[tuple[str, str, str, int], ...] = (
    ("jinan", "金安区", "district", 22),
    ("yuan", "裕安区", "district", 21),
    ("yeji", "叶集区", "district", 5),
    ("huoqiu", "霍邱县", "county", 30),
    ("shucheng", "舒城县", "county", 21),
    ("jinzhai", "金寨县", "county", 23),
    ("huoshan", "霍山县", "county", 16),
)

ZONES = (
    ("internet-access", "互联网接入区"),
    ("extranet-service", "政务外网业务区"),
    ("core-data", "核心数据区"),
    ("security-management", "安全管理区"),
    ("iot-sensing", "物联感知区"),
)
# Third octet of each zone's range inside a region's /16; management is 0.0/20.
ZONE_OFFSETS = {"internet-access": (16, 22), "extranet-service": (32, 20), "core-data": (48, 20),
                "security-management": (64, 22), "iot-sensing": (80, 20)}
COUNTY_ZONES = ("extranet-service", "core-data", "security-management", "iot-sensing")
ZONE_VLANS = {"internet-access": 110, "extranet-service": 120, "core-data": 130, "security-management": 140,
              "iot-sensing": 150}
MANAGEMENT_HOSTS = {"syslog": 20, "ntp": 21, "aaa": 22, "smtp": 25}
"""Last octet of the management servers in each region's security-management range (10.<region>.64.0/22)."""

# City departments (委办局): (abbreviation, 中文名, domain, zone)
CITY_TENANTS: tuple[tuple[str, str, str, str], ...] = (
    ("fgw", "六安市发展和改革委员会", "industry-analysis", "extranet-service"),
    ("jxj", "六安市经济和信息化局", "industry-analysis", "extranet-service"),
    ("tjj", "六安市统计局", "industry-analysis", "core-data"),
    ("swj", "六安市商务局", "industry-analysis", "extranet-service"),
    ("kjj", "六安市科学技术局", "industry-analysis", "extranet-service"),
    ("scjg", "六安市市场监督管理局", "market-regulation", "extranet-service"),
    ("zjj", "六安市住房和城乡建设局", "market-regulation", "extranet-service"),
    ("jtj", "六安市交通运输局", "market-regulation", "extranet-service"),
    ("ggzy", "六安市公共资源交易监督管理局", "market-regulation", "extranet-service"),
    ("gaj", "六安市公安局", "social-governance", "core-data"),
    ("yjj", "六安市应急管理局", "social-governance", "iot-sensing"),
    ("sfj", "六安市司法局", "social-governance", "extranet-service"),
    ("mzj", "六安市民政局", "social-governance", "extranet-service"),
    ("xfj", "六安市信访局", "social-governance", "extranet-service"),
    ("cgj", "六安市城市管理局", "social-governance", "iot-sensing"),
    ("rsj", "六安市人力资源和社会保障局", "public-service", "extranet-service"),
    ("wjw", "六安市卫生健康委员会", "public-service", "extranet-service"),
    ("jyj", "六安市教育局", "public-service", "extranet-service"),
    ("ybj", "六安市医疗保障局", "public-service", "core-data"),
    ("zwfw", "六安市政务服务管理局", "public-service", "extranet-service"),
    ("gjj", "六安市住房公积金管理中心", "public-service", "core-data"),
    ("sthj", "六安市生态环境局", "eco-environment", "iot-sensing"),
    ("zrzy", "六安市自然资源和规划局", "eco-environment", "core-data"),
    ("slj", "六安市水利局", "eco-environment", "iot-sensing"),
    ("lyj", "六安市林业局", "eco-environment", "iot-sensing"),
    ("nync", "六安市农业农村局", "eco-environment", "iot-sensing"),
    ("zfb", "六安市人民政府办公室", "administrative-office", "extranet-service"),
    ("sjzy", "六安市数据资源管理局", "administrative-office", "core-data"),
    ("czj", "六安市财政局", "administrative-office", "core-data"),
    ("shj", "六安市审计局", "administrative-office", "core-data"),
    ("jgsw", "六安市机关事务管理局", "administrative-office", "extranet-service"),
    ("csj", "六安市长三角一体化发展办公室", "regional-collaboration", "extranet-service"),
    ("wlj", "六安市文化和旅游局", "regional-collaboration", "extranet-service"),
    ("dbs", "六安市大别山革命老区振兴发展办公室", "regional-collaboration", "extranet-service"),
)
COUNTY_TENANTS: tuple[tuple[str, str, str, str], ...] = (
    ("zwfw", "政务服务中心", "public-service", "extranet-service"),
    ("shzl", "社会治理中心", "social-governance", "extranet-service"),
    ("sthj", "生态环境分局", "eco-environment", "iot-sensing"),
)

ACCESS: tuple[tuple[str, str, tuple[int, ...], str], ...] = (
    ("internet-access", "extranet-service", (8080,), "portals to the application platform"),
    ("extranet-service", "core-data", (8080, 5432), "applications to the data platform"),
    ("iot-sensing", "core-data", (8080, 1883), "sensor data ingest (HTTP, MQTT)"),
    ("security-management", "internet-access", (9810,), "host agents"),
    ("security-management", "extranet-service", (9810, 8080), "host agents and health checks"),
    ("security-management", "core-data", (9810, 8080), "host agents and health checks"),
    ("security-management", "iot-sensing", (9810,), "host agents"),
)

PLATFORMS = (
    ("data-platform", "数据中台", "data", "core-data", 3),
    ("application-platform", "应用中台", "application", "extranet-service", 3),
    ("ai-platform", "AI中台", "ai", "core-data", 2),
)
_DIGESTS = {
    "data": "4b7e9c0b5d8f1a2c3e6d7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4",
    "application": "5c8f0d1c6e9a2b3d4f7e8a91b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6",
    "ai": "6d9a1e2d7f0b3c4e5a8f9ba2c3d4e5f6071829304b5c6d7e8f90a1b2c3d4e5f6",
}


@dataclass
class _Region:
    name: str
    name_zh: str
    kind: str
    octet: int
    devices: list[dict[str, Any]]
    next_host: int = 1

    def mgmt(self) -> str:
        address = ipaddress.IPv4Address(f"10.{self.octet}.0.0") + self.next_host
        self.next_host += 1
        return str(address)


class _Ports:
    """Hands out each device's free ports so links never reuse one."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def take(self, device: str) -> int:
        self.used[device] = self.used.get(device, 0) + 1
        return self.used[device]


def _mgmt_host(octet: int, service: str) -> str:
    return f"10.{octet}.{ZONE_OFFSETS['security-management'][0]}.{MANAGEMENT_HOSTS[service]}"


def _zone_cidrs(octet: int, zones: tuple[str, ...]) -> dict[str, str]:
    return {z: f"10.{octet}.{ZONE_OFFSETS[z][0]}.0/{ZONE_OFFSETS[z][1]}" for z in zones}


def generate_city(scale: int = 1) -> dict[str, Any]:
    """The liuan topology as a plain mapping (``scale`` > 1 repeats the counties for benchmarks)."""
    if scale < 1 or 1 + len(COUNTIES) * scale > 190:
        raise ValueError("scale must be between 1 and 27")
    regions: list[_Region] = [_Region(CITY[0], CITY[1], "city", 32, [])]
    townships: dict[str, int] = {}
    for copy in range(scale):
        for name, name_zh, kind, count in COUNTIES:
            suffix = f"-{copy + 1}" if copy else ""
            zh_suffix = f"（{copy + 1}）" if copy else ""
            regions.append(_Region(f"{name}{suffix}", f"{name_zh}{zh_suffix}", kind, 32 + len(regions), []))
            townships[regions[-1].name] = count
    ports = _Ports()
    links: list[dict[str, Any]] = []

    def device(region: _Region, suffix: str, role: str, vendor: str, model: str, interfaces: int,
               snmp: str, site: str) -> str:
        name = f"{region.name}-{suffix}"
        region.devices.append({"name": name, "role": role, "vendor": vendor, "model": model,
                               "region": region.name, "mgmt": region.mgmt(), "interfaces": interfaces,
                               "snmp": snmp, "site": site})
        return name

    def link(a: str, b: str, mbps: int) -> None:
        links.append({"a": {"device": a, "port": ports.take(a)}, "b": {"device": b, "port": ports.take(b)},
                      "bandwidth_mbps": mbps})

    city = regions[0]
    room = "市政务云机房"
    cores = [device(city, f"core-{i}", "core", "h3c", "S12508G-AF", 96, "v3-core", room) for i in (1, 2)]
    link(cores[0], cores[1], 100000)
    routers = [device(city, f"rt-{i}", "router", "huawei", "NE40E-X8A", 48, "v3-core", room) for i in (1, 2)]
    firewalls = [device(city, f"fw-{i}", "firewall", "huawei", "USG6650E", 24, "v3-core", room)
                 for i in (1, 2, 3, 4)]
    for i, fw in enumerate(firewalls):
        link(fw, cores[i % 2], 10000)
    for i, rt in enumerate(routers):
        link(rt, firewalls[2 + i], 10000)
    aggs = [device(city, f"agg-{i}", "aggregation", "h3c", "S7506X", 48, "v3-core", room) for i in range(1, 9)]
    for agg in aggs:
        link(agg, cores[0], 10000)
        link(agg, cores[1], 10000)
    for i in range(1, 41):
        acc = device(city, f"acc-{i:02d}", "access", "huawei", "S5735-L48T4X", 52, "v3-edge", "市直机关大楼")
        link(acc, aggs[(i - 1) % len(aggs)], 10000)
    legacy = device(city, "rt-legacy", "router", "cisco", "ISR4451-X", 8, "v3-core", room)
    link(legacy, routers[0], 1000)
    for i in range(1, 31):
        device(city, f"iot-{i:02d}", "iot-gateway", "huawei", "AR502H", 4, "v3-iot", "城区物联感知点")

    for region in regions[1:]:
        site = f"{region.name_zh}政务服务中心"
        rt = device(region, "rt-1", "router", "huawei", "AR6280", 16, "v3-core", site)
        link(rt, routers[len(links) % 2], 1000)
        fw = device(region, "fw-1", "firewall", "huawei", "USG6525E", 16, "v3-core", site)
        link(rt, fw, 1000)
        caggs = [device(region, f"agg-{i}", "aggregation", "h3c", "S7506X", 96, "v3-core", site) for i in (1, 2)]
        link(fw, caggs[0], 10000)
        link(fw, caggs[1], 10000)
        link(caggs[0], caggs[1], 40000)
        for t in range(1, townships[region.name] + 1):
            tsite = f"{region.name_zh}第{t}乡镇便民服务中心"
            vendor, model = ("ruijie", "RG-S2928G-E") if t % 3 == 0 else ("huawei", "S5735-L24T4X")
            for k in (1, 2):
                acc = device(region, f"t{t:02d}-acc-{k}", "access", vendor, model, 28, "v3-edge", tsite)
                link(acc, caggs[k - 1], 1000)
            for k in (1, 2):  # water/air-quality sensing and village video gateways
                iot = device(region, f"t{t:02d}-iot-{k}", "iot-gateway", "huawei", "AR502H", 4, "v3-iot", tsite)
                link(iot, f"{region.name}-t{t:02d}-acc-{k}", 1000)

    tenants = [
        {"name": f"city-{abbr}", "name_zh": zh, "domain": domain, "zone": zone, "region": city.name,
         "admin_group": f"luan-{abbr}-admins"}
        for abbr, zh, domain, zone in CITY_TENANTS
    ]
    for region in regions[1:]:
        tenants += [
            {"name": f"{region.name}-{abbr}", "name_zh": f"{region.name_zh}{zh}", "domain": domain, "zone": zone,
             "region": region.name, "admin_group": f"{region.name}-{abbr}-admins"}
            for abbr, zh, domain, zone in COUNTY_TENANTS
        ]
    hosts = [{"name": f"{city.name}-mgmt-1", "region": city.name, "zone": "security-management",
              "address": f"10.{city.octet}.64.10"}]
    hosts += [{"name": f"{r.name}-mgmt-1", "region": r.name, "zone": "security-management",
               "address": f"10.{r.octet}.64.10"} for r in regions[1:]]

    domain = "luan.gov.example"
    return {
        "name": "liuan" if scale == 1 else f"liuan-x{scale}",
        "name_zh": "六安市政务云" + ("" if scale == 1 else f"（{scale}倍合成）"),
        "supernet": "10.32.0.0/12" if len(regions) <= 16 else "10.0.0.0/8",
        "domain": domain,
        "regions": [
            {"name": r.name, "name_zh": r.name_zh, "kind": r.kind, "management": f"10.{r.octet}.0.0/20",
             "zones": _zone_cidrs(r.octet, tuple(z for z, _ in ZONES) if r is city else COUNTY_ZONES),
             # Each county keeps its own log collector (its plane works cut off from the city); time and AAA are
             # the city's.
             **({} if r is city else {"device_management": {"syslog": [_mgmt_host(r.octet, "syslog")]}})}
            for r in regions
        ],
        "zones": [{"name": z, "name_zh": zh, "kind": z, "vlan": ZONE_VLANS[z]} for z, zh in ZONES],
        "access": [{"from": a, "to": b, "ports": [{"port": p} for p in ps], "description": d}
                   for a, b, ps, d in ACCESS],
        "tenants": tenants,
        "platforms": [
            {"name": name, "name_zh": zh, "kind": kind, "zone": zone, "region": city.name, "replicas": replicas,
             "image": f"registry.{domain}/platform/{kind}@sha256:{_DIGESTS[kind]}"}
            for name, zh, kind, zone, replicas in PLATFORMS
        ],
        "portals": [
            {"name": "ywtb", "name_zh": "一网通办", "kind": "public-services", "host": f"ywtb.{domain}",
             "zone": "internet-access", "region": city.name, "backend": "application-platform"},
            {"name": "ywtg", "name_zh": "一网统管", "kind": "city-operations", "host": f"ywtg.{domain}",
             "zone": "internet-access", "region": city.name, "backend": "application-platform"},
        ],
        "snmp_profiles": [
            {"name": "v3-core", "version": "3", "username": "yunwang-core", "security_level": "authPriv",
             "auth_protocol": "SHA-256", "priv_protocol": "AES-256"},
            {"name": "v3-edge", "version": "3", "username": "yunwang-edge", "security_level": "authPriv",
             "auth_protocol": "SHA-256", "priv_protocol": "AES-128"},
            {"name": "v3-iot", "version": "3", "username": "yunwang-iot", "security_level": "authPriv",
             "auth_protocol": "SHA", "priv_protocol": "AES-128"},
        ],
        "devices": [d for r in regions for d in r.devices],
        "links": links,
        "hosts": hosts,
        "device_management": {"syslog": [_mgmt_host(city.octet, "syslog")], "ntp": [_mgmt_host(city.octet, "ntp")],
                              "aaa": {"protocol": "tacacs", "servers": [_mgmt_host(city.octet, "aaa")]}},
        "alerting": _alerting(city, regions[1:], domain),
    }


def _alerting(city: _Region, counties: list[_Region], domain: str) -> dict[str, Any]:
    """Each region's duty team: the city's by e-mail and DingTalk, each county's by WeCom and DingTalk robots."""
    return {
        "smtp": {"smarthost": f"{_mgmt_host(city.octet, 'smtp')}:25", "sender": f"yunwang-alerts@{domain}"},
        "contacts": [
            {"region": city.name, "team": f"{city.name_zh}数据资源局运维值班", "email": [f"noc@{domain}"],
             "dingtalk_robot": True},
            *({"region": r.name, "team": f"{r.name_zh}运维值班", "email": [f"noc@{r.name}.{domain}"],
               "wecom_robot": True, "dingtalk_robot": True} for r in counties),
        ],
    }
