"""Network isolation between tenants and zones: NetworkPolicy, exposed Services, Ingress TLS, quotas, PSA."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, K8sObject, as_dict, pod_labels, selects

INTERNET_ZONE = "internet-access"
MUTUAL_TLS_ZONES = ("security-management", "iot-sensing")
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


def _spec(obj: K8sObject) -> dict[str, Any]:
    spec = obj.obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _selects_all(selector: Any) -> bool:
    """An empty podSelector ({} or null) selects every pod of the namespace."""
    if selector is None:
        return True
    return isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def policy_types(spec: dict[str, Any]) -> set[str]:
    """policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist."""
    declared = spec.get("policyTypes")
    if isinstance(declared, list) and declared:
        return {str(t) for t in declared}
    return {"Ingress", "Egress"} if "egress" in spec else {"Ingress"}


def default_deny_types(facts: K8sFacts, namespace: str) -> set[str]:
    """Traffic directions denied by default in a namespace (policies selecting every pod)."""
    covered: set[str] = set()
    for pol in facts.in_namespace("NetworkPolicy", namespace):
        spec = _spec(pol)
        if _selects_all(spec.get("podSelector")):
            covered |= policy_types(spec)
    return covered


@rule(id="YW-K8S-011", clauses=("8.2.3.1-a", "8.2.2.1-b", "8.2.4.2-b", "8.1.3.2-a"), severity="high", source="k8s",
      title="Namespace without default-deny NetworkPolicy", title_zh="命名空间缺少默认拒绝的网络策略",
      remediation="Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress], then allow flows "
                  "explicitly.",
      remediation_zh="添加 podSelector: {}、policyTypes 含 Ingress 与 Egress 的 NetworkPolicy，再逐条放行。",
      peers=("CKV2_K8S_6", "C-0030", "C-0054", "polaris:missingNetworkPolicy", "kube-score:pod-networkpolicy",
             "cis-k8s:5.3.2"))
def default_deny(facts: K8sFacts) -> Iterator[Violation]:
    for ns in facts.used_namespaces():
        missing = {"Ingress", "Egress"} - default_deny_types(facts, ns)
        if missing:
            yield Violation(facts.namespace_target(ns), f"namespace '{ns}' has no default-deny policy for "
                                                        f"{' and '.join(sorted(missing))}")


@rule(id="YW-K8S-012", clauses=("8.1.3.1-a", "8.1.2.1-d"), severity="high", source="k8s",
      title="Service exposed outside the internet-access zone", title_zh="互联网接入区以外的服务对外暴露",
      remediation="Use ClusterIP and publish through the internet-access zone's Ingress, or move the Service to a "
                  "namespace labelled yunwang.io/zone: internet-access.",
      remediation_zh="改用 ClusterIP，经互联网接入区的 Ingress 发布；"
                     "或将服务移到 yunwang.io/zone: internet-access 的命名空间。",
      peers=("kube-score:service-type",))
def exposed_service(facts: K8sFacts) -> Iterator[Violation]:
    for svc in facts.of_kind("Service"):
        kind = _spec(svc).get("type", "ClusterIP")
        if kind not in ("NodePort", "LoadBalancer"):
            continue
        zone = facts.zone_of(svc.namespace)
        if zone == INTERNET_ZONE:
            continue
        where = f"zone '{zone}'" if zone else "a namespace without a yunwang.io/zone label"
        yield Violation(svc.target(), f"Service of type {kind} in {where}")


@rule(id="YW-K8S-013", clauses=("8.1.4.7-a", "8.1.4.8-a", "8.1.2.2-b"), severity="high", source="k8s",
      title="Ingress without TLS", title_zh="Ingress 未启用 TLS",
      remediation="Add spec.tls with a certificate Secret covering every host of the Ingress.",
      remediation_zh="在 spec.tls 中为 Ingress 的每个主机名配置证书 Secret。",
      peers=("polaris:tlsSettingsMissing",))
def ingress_tls(facts: K8sFacts) -> Iterator[Violation]:
    for ing in facts.of_kind("Ingress"):
        spec = _spec(ing)
        covered = {str(h) for t in spec.get("tls") or [] if isinstance(t, dict) for h in t.get("hosts") or []}
        has_tls = bool(spec.get("tls"))
        hosts = [str(r.get("host", "*")) for r in spec.get("rules") or [] if isinstance(r, dict)]
        if not has_tls:
            yield Violation(ing.target(), "Ingress serves plain HTTP (no spec.tls)")
            continue
        plain = [h for h in hosts if covered and h not in covered and f"*.{h.partition('.')[2]}" not in covered]
        if plain:
            yield Violation(ing.target(), f"hosts without TLS: {', '.join(plain)}")


@rule(id="YW-K8S-014", clauses=("8.2.4.1-a", "8.4.3.2-a", "8.1.4.1-c"), severity="medium", source="k8s",
      title="Management or IoT ingress without mutual TLS", title_zh="管理区或物联区入口未启用双向认证",
      remediation="Require client certificates (e.g. nginx.ingress.kubernetes.io/auth-tls-secret and "
                  "auth-tls-verify-client: \"on\").",
      remediation_zh="要求客户端证书（如 nginx 的 auth-tls-secret 与 auth-tls-verify-client: \"on\"）。")
def mutual_tls(facts: K8sFacts) -> Iterator[Violation]:
    for ing in facts.of_kind("Ingress"):
        zone = facts.zone_of(ing.namespace)
        if zone not in MUTUAL_TLS_ZONES:
            continue
        ann = ing.annotations()
        verify = str(ann.get("nginx.ingress.kubernetes.io/auth-tls-verify-client", "")).lower()
        if not ann.get("nginx.ingress.kubernetes.io/auth-tls-secret") or verify not in ("on", "true"):
            yield Violation(ing.target(), f"Ingress in zone '{zone}' does not verify client certificates")


def _open_egress(spec: dict[str, Any]) -> bool:
    for rule_ in spec.get("egress") or []:
        if not isinstance(rule_, dict):
            continue
        peers = rule_.get("to")
        if not peers:
            return True
        for peer in peers:
            block = peer.get("ipBlock") if isinstance(peer, dict) else None
            if isinstance(block, dict) and str(block.get("cidr")) in ("0.0.0.0/0", "::/0"):
                return True
    return False


@rule(id="YW-K8S-015", clauses=("8.4.2.2-b", "8.4.2.2-a"), severity="medium", source="k8s",
      title="IoT zone egress to any address", title_zh="物联感知区出站不受限",
      remediation="Limit egress of IoT-zone pods to the data-processing addresses they must reach.",
      remediation_zh="将物联感知区 Pod 的出站限定为必须访问的数据处理地址。")
def iot_egress(facts: K8sFacts) -> Iterator[Violation]:
    for pol in facts.of_kind("NetworkPolicy"):
        if facts.zone_of(pol.namespace) == "iot-sensing" and _open_egress(_spec(pol)):
            yield Violation(pol.target(), "egress rule allows any destination")


@rule(id="YW-K8S-016", clauses=("8.2.5.1-a",), severity="low", source="k8s",
      title="Namespace without ResourceQuota", title_zh="命名空间缺少资源配额",
      remediation="Add a ResourceQuota (cpu, memory, pods) to every tenant namespace.",
      remediation_zh="为每个租户命名空间添加 ResourceQuota（cpu、memory、pods）。")
def quota(facts: K8sFacts) -> Iterator[Violation]:
    with_quota = {q.namespace for q in facts.of_kind("ResourceQuota")}
    for ns in facts.namespaces:
        if not ns.startswith("kube-") and ns not in with_quota:
            yield Violation(facts.namespace_target(ns), f"namespace '{ns}' has no ResourceQuota")


@rule(id="YW-K8S-017", clauses=("8.2.4.4-a", "8.1.4.2-e"), severity="medium", source="k8s",
      title="Namespace without Pod Security enforcement", title_zh="命名空间未强制 Pod 安全标准",
      remediation="Label the namespace pod-security.kubernetes.io/enforce: restricted (or baseline).",
      remediation_zh="为命名空间加标签 pod-security.kubernetes.io/enforce: restricted（或 baseline）。",
      peers=("cis-k8s:5.2.1",))
def pod_security_labels(facts: K8sFacts) -> Iterator[Violation]:
    for name, ns in facts.namespaces.items():
        if name.startswith("kube-"):
            continue
        level = ns.labels().get(PSA_ENFORCE)
        if level not in ("restricted", "baseline"):
            yield Violation(ns.target(), f"namespace '{name}' enforces Pod Security level "
                                         f"{level!r}" if level else f"namespace '{name}' has no {PSA_ENFORCE} label")


@rule(id="YW-K8S-085", clauses=("8.2.4.2-b", "8.1.3.2-b"), severity="low", source="k8s",
      title="NetworkPolicy selects no pod", title_zh="网络策略未选中任何 Pod",
      remediation="Fix the podSelector to the labels of the pods it is meant for, or delete the policy: a policy that "
                  "selects nothing protects nothing and hides that fact.",
      remediation_zh="将 podSelector 改为目标 Pod 的标签，或删除该策略："
                     "不选中任何 Pod 的策略不起保护作用，还掩盖了这一点。",
      peers=("kube-score:networkpolicy-targets-pod",))
def policy_selects_nothing(facts: K8sFacts) -> Iterator[Violation]:
    """Judged only where the namespace's workloads are in the set (a chart's policy may target pods of another)."""
    labels_by_ns: dict[str, list[dict[str, Any]]] = {}
    for o, _ in facts.workloads:
        labels_by_ns.setdefault(o.namespace or "", []).append(pod_labels(o))
    for pol in facts.of_kind("NetworkPolicy"):
        pods = labels_by_ns.get(pol.namespace or "")
        selector = _spec(pol).get("podSelector")
        if pods and not _selects_all(selector) and not any(selects(selector, labels) for labels in pods):
            yield Violation(pol.target(), f"podSelector {selector} matches none of the {len(pods)} workload(s) of "
                                          f"namespace '{pol.namespace}'")


def _open_ingress(rule_: dict[str, Any]) -> str | None:
    sources = rule_.get("from")
    if not sources:
        return "any source"
    for peer in sources:
        block = as_dict(as_dict(peer).get("ipBlock"))
        if str(block.get("cidr")) in ("0.0.0.0/0", "::/0") and not block.get("except"):
            return f"ipBlock {block.get('cidr')}"
    return None


@rule(id="YW-K8S-086", clauses=("8.2.3.1-a", "8.1.3.2-a"), severity="medium", source="k8s",
      title="NetworkPolicy allows ingress from any address", title_zh="网络策略允许任意来源入站",
      remediation="Name the allowed sources (namespaceSelector, podSelector, or the ipBlock of the zone they come "
                  "from); only the internet-access zone takes traffic from anywhere, through its ingress.",
      remediation_zh="写明允许的来源（namespaceSelector、podSelector 或来源安全区的 ipBlock）；"
                     "只有互联网接入区经其入口接收任意来源的流量。")
def open_ingress(facts: K8sFacts) -> Iterator[Violation]:
    for pol in facts.of_kind("NetworkPolicy"):
        if facts.zone_of(pol.namespace) == INTERNET_ZONE or "Ingress" not in policy_types(_spec(pol)):
            continue
        opened = sorted({w for r in _spec(pol).get("ingress") or [] if (w := _open_ingress(as_dict(r)))})
        if opened:
            yield Violation(pol.target(), f"ingress allowed from {', '.join(opened)}")
