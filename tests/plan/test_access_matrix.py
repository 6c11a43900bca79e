"""The zone access matrix is honoured exactly: a flow between namespaces passes iff the matrix lists it.

Small topologies are generated with the topology model; the manifests come from the same pure component
functions the Pulumi program registers, and an independent evaluator of NetworkPolicy semantics decides.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from infra_plans import Plan
from netpol_eval import allowed

from infra.program import ProgramOptions, component_specs
from yunwang.topology import Topology

KINDS = ["internet-access", "extranet-service", "core-data", "security-management", "iot-sensing"]
PORTS = [(8080, "TCP"), (5432, "TCP"), (9810, "TCP"), (161, "UDP"), (1883, "TCP")]


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 4))
    kinds = draw(st.permutations(KINDS))[:n]
    zones = [{"name": f"z{i}-{k.split('-')[0]}", "name_zh": "区", "kind": k} for i, k in enumerate(kinds)]
    names = [z["name"] for z in zones]
    rules = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names),
                                    st.lists(st.sampled_from(PORTS), min_size=1, max_size=3, unique=True)),
                          max_size=6))
    tenants = draw(st.lists(st.sampled_from(names), max_size=3))
    return {
        "name": "prop", "supernet": "10.0.0.0/8",
        "regions": [{"name": "r1", "name_zh": "区", "kind": "city", "management": "10.0.0.0/24",
                     "zones": {z: f"10.0.{i + 1}.0/24" for i, z in enumerate(names)}}],
        "zones": zones,
        "access": [{"from": a, "to": b, "ports": [{"port": p, "protocol": proto} for p, proto in ports]}
                   for a, b, ports in rules],
        "tenants": [{"name": f"t{i}", "name_zh": "局", "domain": "public-service", "zone": z, "region": "r1",
                     "admin_group": f"g{i}"} for i, z in enumerate(tenants)],
    }


def matrix_of(topo: Topology) -> set[tuple[str, str, int, str]]:
    return {(r.from_zone, r.to_zone, p.port, p.protocol) for r in topo.access for p in r.ports}


def _manifests(topo: Topology) -> list[dict[str, Any]]:
    opts = ProgramOptions(stack="prop", credentials={}, tokens={"viewer": "x", "agent": "y", "admin": "z"},
                          prometheus_config=lambda *_: "global: {}\n")
    return [m for spec in component_specs(topo, opts).specs for m in spec.manifests()]


def _check(manifests: list[dict[str, Any]], matrix: set[tuple[str, str, int, str]]) -> None:
    ns_labels = {m["metadata"]["name"]: m["metadata"]["labels"] for m in manifests if m["kind"] == "Namespace"}
    # Namespaces yunwang does not manage (an ingress controller's, say) labelled with a zone and free of policies:
    # flows from/to them test each side of the policies alone.
    zones = {labels["yunwang.io/zone"] for labels in ns_labels.values()}
    ns_labels.update({f"unmanaged-{z}": {"yunwang.io/zone": z} for z in zones})
    policies = [m for m in manifests if m["kind"] == "NetworkPolicy"]
    ports = {(p, proto) for *_, p, proto in matrix} | set(PORTS)
    for src, src_labels in ns_labels.items():
        for dst, dst_labels in ns_labels.items():
            if src == dst or (src.startswith("unmanaged-") and dst.startswith("unmanaged-")):
                continue
            for port, proto in ports:
                flow = (src_labels["yunwang.io/zone"], dst_labels["yunwang.io/zone"], port, proto)
                assert allowed(policies, ns_labels, src, dst, port, proto) == (flow in matrix), (src, dst, flow)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies())
def test_policies_allow_a_flow_iff_the_matrix_lists_it(doc: dict[str, Any]) -> None:
    topo = Topology.model_validate(doc)
    matrix = matrix_of(topo)
    _check(_manifests(topo), matrix)


def test_the_dev_plan_honours_its_matrix(dev_plan: Plan) -> None:
    from yunwang.stacks import load_stack

    topo = load_stack("dev").topology
    assert topo is not None
    matrix = matrix_of(topo)
    by_region: dict[str, list[dict[str, Any]]] = {}
    for m in dev_plan.manifests:
        if m["kind"] in ("Namespace", "NetworkPolicy"):
            by_region.setdefault(m["metadata"]["labels"]["yunwang.io/region"], []).append(m)
    assert set(by_region) == {"luan", "jinan"}
    for manifests in by_region.values():
        _check(manifests, matrix)


def test_pods_of_one_namespace_talk_and_dns_reaches_kube_system_only(dev_plan: Plan) -> None:
    luan = [m for m in dev_plan.manifests if m["metadata"]["labels"]["yunwang.io/region"] == "luan"
            and m["kind"] in ("Namespace", "NetworkPolicy")]
    ns_labels = {m["metadata"]["name"]: m["metadata"]["labels"] for m in luan if m["kind"] == "Namespace"}
    ns_labels["kube-system"] = {"kubernetes.io/metadata.name": "kube-system"}
    policies = [m for m in luan if m["kind"] == "NetworkPolicy"]
    assert allowed(policies, ns_labels, "core-data", "core-data", 5432)
    assert allowed(policies, ns_labels, "core-data", "kube-system", 53, "UDP", dst_pod={"k8s-app": "kube-dns"})
    assert not allowed(policies, ns_labels, "core-data", "kube-system", 443, dst_pod={"k8s-app": "kube-dns"})
    assert not allowed(policies, ns_labels, "core-data", "internet-access", 8080)


def test_placement_errors_name_the_entry() -> None:
    import pytest

    from yunwang.errors import InputError
    from yunwang.stacks import load_stack

    topo = load_stack("dev").topology
    assert topo is not None
    doc = topo.model_dump(mode="json", by_alias=True)
    doc["platforms"][0]["image"] = "registry.luan.gov.example/platform/data:latest"
    doc["tenants"][0]["name"] = "core-data"
    doc["platforms"][1]["zone"] = "security-management"
    doc["platforms"][1]["region"] = "jinan"
    with pytest.raises(InputError) as exc:
        _manifests(Topology.model_validate(doc))
    text = str(exc.value)
    assert "platforms[0].image" in text and "tenants[0].name" in text and "platforms[1].zone" in text
