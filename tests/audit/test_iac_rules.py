"""IaC rules: a compliant topology + plan passes all of them; one change each makes that rule fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from policies.engine import REGISTRY, AuditUnit, ReadStats, load_rules, run_audit
from policies.k8s import K8sFacts, load_text
from policies.plan import PlanFacts
from yunwang.topology import Topology, topology_from_doc
from yunwang.yamlsource import parse_yaml

TOPOLOGY = """
name: t
supernet: 10.9.0.0/16
regions:
  - {name: city, name_zh: 市, kind: city, management: 10.9.0.0/24,
     zones: {internet-access: 10.9.1.0/24, core-data: 10.9.2.0/24, security-management: 10.9.3.0/24}}
  - {name: town, name_zh: 县, kind: county, management: 10.9.10.0/24, zones: {core-data: 10.9.12.0/24}}
zones:
  - {name: internet-access, name_zh: 互联网接入区, kind: internet-access}
  - {name: core-data, name_zh: 核心数据区, kind: core-data}
  - {name: security-management, name_zh: 安全管理区, kind: security-management}
access:
  - {from: security-management, to: core-data, ports: [{port: 22}, {port: 9810}]}
platforms:
  - {name: data, name_zh: 数据中台, kind: data, zone: core-data, region: city, image: "r/d@sha256:00"}
portals:
  - {name: web, name_zh: 门户, kind: public-services, host: web.example, zone: internet-access, region: city,
     backend: data}
snmp_profiles:
  - {name: v3, version: "3", username: u, security_level: authPriv, auth_protocol: SHA-256, priv_protocol: AES-128}
devices:
  - {name: c1, role: core, vendor: h3c, model: m, region: city, mgmt: 10.9.0.1, interfaces: 8, snmp: v3}
  - {name: c2, role: core, vendor: h3c, model: m, region: city, mgmt: 10.9.0.2, interfaces: 8, snmp: v3}
  - {name: fw, role: firewall, vendor: huawei, model: m, region: city, mgmt: 10.9.0.3, interfaces: 8, snmp: v3}
  - {name: a1, role: aggregation, vendor: h3c, model: m, region: town, mgmt: 10.9.10.1, interfaces: 8, snmp: v3}
  - {name: a2, role: aggregation, vendor: h3c, model: m, region: town, mgmt: 10.9.10.2, interfaces: 8, snmp: v3}
  - {name: tfw, role: firewall, vendor: huawei, model: m, region: town, mgmt: 10.9.10.3, interfaces: 8, snmp: v3}
links:
  - {a: {device: c1, port: 1}, b: {device: c2, port: 1}}
  - {a: {device: c1, port: 2}, b: {device: fw, port: 1}}
  - {a: {device: c2, port: 2}, b: {device: fw, port: 2}}
  - {a: {device: a1, port: 1}, b: {device: a2, port: 1}}
  - {a: {device: a1, port: 2}, b: {device: tfw, port: 1}}
  - {a: {device: a2, port: 2}, b: {device: tfw, port: 2}}
"""

MANIFESTS = """
apiVersion: v1
kind: Namespace
metadata: {name: core-data, labels: {yunwang.io/region: city}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: internet-access}
spec: {tls: [{hosts: [web.example], secretName: web-tls}], rules: [{host: web.example}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: data-backup, namespace: core-data, labels: {yunwang.io/region: city, yunwang.io/backup-target: town}}
spec: {jobTemplate: {spec: {template: {spec: {containers: []}}}}}
"""


def resources() -> list[dict[str, Any]]:
    return [
        {"urn": "urn:t::MonitoringPlane::city/monitoring", "type": "yunwang:infra:MonitoringPlane",
         "name": "city/monitoring", "region": "city", "inputs": {}},
        {"urn": "urn:t::Secret::city/x", "type": "kubernetes:core/v1:Secret", "name": "city/x", "region": "city",
         "inputs": {"kind": "Secret", "stringData": "[secret]"}},
        {"urn": "urn:t::Deployment::city/d", "type": "kubernetes:apps/v1:Deployment", "name": "city/d",
         "region": "city", "inputs": {"env": [{"name": "DB_PASSWORD", "value": "[secret]"}], "secretName": "tls"}},
    ]


def facts(topology: Topology | None = None, res: list[dict[str, Any]] | None = None,
          manifests: str = MANIFESTS) -> PlanFacts:
    k8s = K8sFacts()
    load_text(manifests, "manifests.yaml", k8s, ReadStats(), [], [])
    topo = topology or topology_from_doc(parse_yaml(TOPOLOGY, "topology.yaml"))
    outputs = {"inventory": {"pollers": {"city": {"polls": ["city", "town"]}}}}
    return PlanFacts(topology=topo, resources=resources() if res is None else res, outputs=outputs, k8s=k8s,
                     file="resources.json", topology_file="topology.yaml")


def plan_rule_ids(f: PlanFacts) -> set[str]:
    load_rules()
    report = run_audit([AuditUnit("plan", f)], stats=ReadStats(), errors=[])
    assert report.errors == []
    return {x.rule.id for x in report.findings}


def topo_change(**update: Any) -> Callable[[], PlanFacts]:
    def make() -> PlanFacts:
        base = facts().topology
        return facts(base.model_copy(update={k: v(base) for k, v in update.items()}))
    return make


def _net(text: str) -> Any:
    import ipaddress
    return ipaddress.IPv4Network(text)


def _region(t: Topology, i: int, **update: Any) -> tuple[Any, ...]:
    regions = list(t.regions)
    regions[i] = regions[i].model_copy(update=update)
    return tuple(regions)


FAILING: dict[str, Callable[[], PlanFacts]] = {
    "YW-IAC-001": topo_change(regions=lambda t: _region(t, 1, zones={"core-data": _net("10.9.2.0/25")})),
    "YW-IAC-002": topo_change(access=lambda t: (*t.access, t.access[0].model_copy(
        update={"from_zone": "internet-access", "to_zone": "core-data"}))),
    "YW-IAC-003": topo_change(devices=lambda t: tuple(d for d in t.devices if d.name != "c2")),
    "YW-IAC-004": topo_change(platforms=lambda t: (t.platforms[0].model_copy(update={"replicas": 1}),)),
    "YW-IAC-005": topo_change(snmp_profiles=lambda t: (t.snmp_profiles[0].model_copy(
        update={"version": "2c", "security_level": None}),)),
    "YW-IAC-006": lambda: facts(manifests=MANIFESTS.replace("tls: [{hosts: [web.example], secretName: web-tls}], ",
                                                            "")),
    "YW-IAC-007": topo_change(devices=lambda t: tuple(d for d in t.devices if d.name != "tfw")),
    "YW-IAC-009": lambda: facts(res=resources()[1:]),
    "YW-IAC-010": lambda: facts(res=[*resources(), {"urn": "urn:t::x", "type": "t", "region": "city",
                                                    "inputs": {"admin_password": "hunter2"}}]),
    "YW-IAC-011": lambda: facts(manifests=MANIFESTS.replace("data-backup", "data-sync")),
    "YW-IAC-012": lambda: facts(manifests=MANIFESTS.replace("backup-target: town", "backup-target: city")),
    "YW-IAC-013": lambda: facts(res=[*resources(), {"urn": "urn:t::y", "type": "t", "region": "tokyo",
                                                    "inputs": {}}]),
    "YW-IAC-014": topo_change(zones=lambda t: tuple(
        z.model_copy(update={"kind": "core-data"}) if z.name == "security-management" else z for z in t.zones)),
    "YW-IAC-015": lambda: facts(manifests=MANIFESTS.replace("{yunwang.io/region: city}",
                                                            "{yunwang.io/region: city, yunwang.io/mlps-level: '4'}")),
    "YW-IAC-016": topo_change(devices=lambda t: tuple(
        d.model_copy(update={"mgmt": __import__("ipaddress").IPv4Address("10.9.2.9")}) if d.name == "a1" else d
        for d in t.devices)),
    "YW-IAC-017": topo_change(access=lambda t: (t.access[0].model_copy(update={"from_zone": "internet-access"}),)),
}


def test_compliant_plan_has_no_findings() -> None:
    assert plan_rule_ids(facts()) == set()


def test_a_secret_named_by_reference_is_not_a_plain_text_credential() -> None:
    reference = {"urn": "urn:t::ing", "type": "t", "region": "city", "inputs": {"metadata": {"annotations": {
        "nginx.ingress.kubernetes.io/auth-tls-secret": "security-management/city-view-client-ca"}}}}
    assert "YW-IAC-010" not in plan_rule_ids(facts(res=[*resources(), reference]))
    inline = {**reference, "inputs": {"metadata": {"annotations": {"auth-secret": "Hunter2/secret!"}}}}
    assert "YW-IAC-010" in plan_rule_ids(facts(res=[*resources(), inline]))


def test_every_plan_rule_has_a_failing_case() -> None:
    load_rules()
    assert {r for r, x in REGISTRY.items() if x.source == "plan"} == set(FAILING)


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_plan_rule_fails_on_its_fixture(rule_id: str) -> None:
    assert rule_id in plan_rule_ids(FAILING[rule_id]())
