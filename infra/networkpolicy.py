"""NetworkPolicies derived from the zone access matrix: deny everything, then allow exactly the listed flows.

A namespace is one trust unit (its pods talk freely to each other); between namespaces only the flows of the
topology's ``access`` matrix pass, selected by the ``yunwang.io/zone`` label every yunwang namespace carries.
The same policies go into a zone's own namespace and into every tenant namespace of that zone, so a
department inherits its zone's rules. Off-cluster addresses of a zone (the region's range for it) are
allowed alongside the namespaces of that zone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from infra.common import LABEL_ZONE, Manifest, meta
from yunwang.topology import AccessRule, Region

DNS_PORTS = ({"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"})


def policy(name: str, namespace: str, region: str, zone: str, spec: dict[str, Any]) -> Manifest:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, namespace, region, zone), "spec": spec}


def merged_flows(rules: tuple[AccessRule, ...]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(from zone, to zone) → sorted unique ports, merging rules that name the same pair."""
    flows: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    for rule in rules:
        for p in rule.ports:
            flows[(rule.from_zone, rule.to_zone)].add((p.port, p.protocol))
    return {pair: [{"port": port, "protocol": proto} for port, proto in sorted(ports)]
            for pair, ports in sorted(flows.items())}


def _peers(zone: str, region: Region) -> list[dict[str, Any]]:
    peers: list[dict[str, Any]] = [{"namespaceSelector": {"matchLabels": {LABEL_ZONE: zone}}}]
    cidr = region.zones.get(zone)
    if cidr is not None:
        peers.append({"ipBlock": {"cidr": str(cidr)}})
    return peers


def _describe(pairs: list[tuple[str, list[dict[str, Any]]]]) -> str:
    return "; ".join(f"{zone}: " + ", ".join(f"{p['port']}/{p['protocol']}" for p in ports) for zone, ports in pairs)


def zone_policies(namespace: str, zone: str, region: Region, rules: tuple[AccessRule, ...]) -> list[Manifest]:
    """Three policies per namespace: default-deny, then one ingress and one egress allow-list.

    ``allow-ingress``: pods of this namespace, plus each zone the matrix lets in (its ports only).
    ``allow-egress``: DNS to kube-system, pods of this namespace, plus each zone the matrix lets out to.
    Keeping the allowances in two objects (not one per flow) halves what the cluster and the plan carry;
    the ``yunwang.io/flows`` annotation lists the matrix flows each one holds.
    """
    r = region.name
    flows = merged_flows(rules)
    inbound = [(src, ports) for (src, dst), ports in flows.items() if dst == zone]
    outbound = [(dst, ports) for (src, dst), ports in flows.items() if src == zone]
    same_ns: dict[str, Any] = {"podSelector": {}}
    dns = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                   "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
           "ports": [dict(p) for p in DNS_PORTS]}
    ingress = policy("allow-ingress", namespace, r, zone, {
        "podSelector": {}, "policyTypes": ["Ingress"],
        "ingress": [{"from": [same_ns]}, *({"from": _peers(src, region), "ports": ports} for src, ports in inbound)]})
    egress = policy("allow-egress", namespace, r, zone, {
        "podSelector": {}, "policyTypes": ["Egress"],
        "egress": [dns, {"to": [same_ns]}, *({"to": _peers(dst, region), "ports": ports} for dst, ports in outbound)]})
    ingress["metadata"]["annotations"] = {"yunwang.io/flows": "from " + (_describe(inbound) or "(none)")}
    egress["metadata"]["annotations"] = {"yunwang.io/flows": "to " + (_describe(outbound) or "(none)")}
    return [policy("default-deny", namespace, r, zone, {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
            ingress, egress]
