"""An independent reading of Kubernetes NetworkPolicy semantics, to check flows between namespaces.

A flow from a pod in namespace A to a pod in namespace B on (port, protocol) passes when an egress rule of a
policy selecting the source allows it (or no policy selects the source for Egress) AND an ingress rule of a
policy selecting the destination allows it (or none selects it for Ingress).
"""

from __future__ import annotations

from typing import Any


def _expression_holds(expr: dict[str, Any], labels: dict[str, str]) -> bool:
    op, key, values = expr["operator"], expr["key"], expr.get("values", [])
    assert op in ("In", "NotIn", "Exists", "DoesNotExist"), f"unsupported operator {op}"
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    return (key in labels) == (op == "Exists")


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels", "matchExpressions"}, f"unsupported selector {selector}"
    return (all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())
            and all(_expression_holds(e, labels) for e in selector.get("matchExpressions", [])))


def _peer_matches(peer: dict[str, Any], own_ns: str, other_ns: str, ns_labels: dict[str, dict[str, str]],
                  other_pod: dict[str, str]) -> bool:
    if "ipBlock" in peer:
        return False  # pods are not addressed by zone ranges
    ns_ok = (_selects(peer["namespaceSelector"], ns_labels[other_ns]) if "namespaceSelector" in peer
             else other_ns == own_ns)
    pod_ok = _selects(peer["podSelector"], other_pod) if "podSelector" in peer else True
    return ns_ok and pod_ok


def _ports_match(ports: list[dict[str, Any]] | None, port: int, proto: str) -> bool:
    return not ports or any(p.get("port") == port and p.get("protocol", "TCP") == proto for p in ports)


def _side_allows(policies: list[dict[str, Any]], direction: str, own_ns: str, own_pod: dict[str, str],
                 other_ns: str, other_pod: dict[str, str], ns_labels: dict[str, dict[str, str]],
                 port: int, proto: str) -> bool:
    kind = "Ingress" if direction == "ingress" else "Egress"
    peers_key = "from" if direction == "ingress" else "to"
    selecting = [p for p in policies if p["metadata"]["namespace"] == own_ns
                 and kind in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], own_pod)]
    if not selecting:
        return True
    for pol in selecting:
        for rule in pol["spec"].get(direction, []) or []:
            peers = rule.get(peers_key)
            peer_ok = not peers or any(_peer_matches(pe, own_ns, other_ns, ns_labels, other_pod) for pe in peers)
            if peer_ok and _ports_match(rule.get("ports"), port, proto):
                return True
    return False


def allowed(policies: list[dict[str, Any]], ns_labels: dict[str, dict[str, str]], src_ns: str, dst_ns: str,
            port: int, proto: str = "TCP", src_pod: dict[str, str] | None = None,
            dst_pod: dict[str, str] | None = None) -> bool:
    """Whether a pod of ``src_ns`` may open (port, proto) to a pod of ``dst_ns``."""
    sp, dp = src_pod or {}, dst_pod or {}
    return (_side_allows(policies, "egress", src_ns, sp, dst_ns, dp, ns_labels, port, proto)
            and _side_allows(policies, "ingress", dst_ns, dp, src_ns, sp, ns_labels, port, proto))
