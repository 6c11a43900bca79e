"""Hot redundancy beyond the replica count (8.1.4.9 c)): replicas spread over nodes, disruption budgets that protect
them and still allow node maintenance, autoscalers that never go below two."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, K8sObject, as_dict, pod_labels, selects

_REDUNDANCY = ("8.1.4.9-c", "8.1.2.1-e")
SPREAD_KEYS = frozenset({"kubernetes.io/hostname", "topology.kubernetes.io/zone"})


def _spec(obj: K8sObject) -> dict[str, Any]:
    return as_dict(obj.obj.get("spec"))


def hpa_minimum(facts: K8sFacts) -> dict[tuple[str | None, str], int]:
    """The minReplicas (default 1) of the HPA scaling each (namespace, workload)."""
    out = {}
    for hpa in facts.of_kind("HorizontalPodAutoscaler"):
        spec = _spec(hpa)
        minimum = spec.get("minReplicas", 1)
        out[(hpa.namespace, str(as_dict(spec.get("scaleTargetRef")).get("name")))] = (
            minimum if isinstance(minimum, int) else 1)
    return out


def replicated(facts: K8sFacts) -> Iterator[tuple[K8sObject, int]]:
    """Deployments and StatefulSets meant to run several replicas (their own count, or their HPA's minimum)."""
    minimums = hpa_minimum(facts)
    for obj in facts.of_kind("Deployment", "StatefulSet"):
        replicas = minimums.get((obj.namespace, obj.name), _spec(obj).get("replicas", 1))
        if isinstance(replicas, int) and replicas >= 2:
            yield obj, replicas


def spread(pod_spec: dict[str, Any], labels: dict[str, Any]) -> bool:
    """Anti-affinity over nodes or zones for its own pods, or any topology spread constraint over them."""
    anti = as_dict(as_dict(pod_spec.get("affinity")).get("podAntiAffinity"))
    terms = [as_dict(t) for t in anti.get("requiredDuringSchedulingIgnoredDuringExecution") or []]
    terms += [as_dict(as_dict(t).get("podAffinityTerm"))
              for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
    if any(t.get("topologyKey") in SPREAD_KEYS and selects(t.get("labelSelector"), labels) for t in terms):
        return True
    return any(as_dict(c).get("topologyKey") in SPREAD_KEYS for c in pod_spec.get("topologySpreadConstraints") or [])


@rule(id="YW-K8S-073", clauses=_REDUNDANCY, severity="low", source="k8s",
      title="Replicas not spread over nodes", title_zh="副本未分散到不同节点",
      remediation="Add a topologySpreadConstraint (or a podAntiAffinity term) on kubernetes.io/hostname for the "
                  "workload's own pods, so one node's failure cannot take every replica.",
      remediation_zh="为工作负载自身的 Pod 添加 kubernetes.io/hostname 上的 topologySpreadConstraint"
                     "（或 podAntiAffinity），避免单个节点故障带走全部副本。",
      peers=("kube-score:deployment-has-host-podantiaffinity", "kube-score:statefulset-has-host-podantiaffinity",
             "polaris:topologySpreadConstraint"))
def replicas_spread(facts: K8sFacts) -> Iterator[Violation]:
    for obj, replicas in replicated(facts):
        spec = obj.pod_spec() or {}
        if not spread(spec, pod_labels(obj)):
            yield Violation(obj.target(), f"{obj.kind} with {replicas} replicas may put them all on one node")


def budgets(facts: K8sFacts, obj: K8sObject) -> list[K8sObject]:
    labels = pod_labels(obj)
    return [p for p in facts.in_namespace("PodDisruptionBudget", obj.namespace or "")
            if labels and selects(_spec(p).get("selector"), labels)]


@rule(id="YW-K8S-074", clauses=_REDUNDANCY, severity="low", source="k8s",
      title="No PodDisruptionBudget", title_zh="缺少 PodDisruptionBudget",
      remediation="Add a PodDisruptionBudget (maxUnavailable: 1) selecting the workload's pods, so node drains keep "
                  "replicas serving.",
      remediation_zh="添加选中该工作负载 Pod 的 PodDisruptionBudget（maxUnavailable: 1），使节点排空时仍有副本服务。",
      peers=("kube-score:deployment-has-poddisruptionbudget", "kube-score:statefulset-has-poddisruptionbudget",
             "polaris:missingPodDisruptionBudget"))
def disruption_budget(facts: K8sFacts) -> Iterator[Violation]:
    for obj, replicas in replicated(facts):
        if not budgets(facts, obj):
            yield Violation(obj.target(), f"{obj.kind} with {replicas} replicas has no PodDisruptionBudget")


def _count(value: Any, replicas: int) -> int | None:
    """An int-or-percent budget value as a number of pods (percentages round up, as the disruption controller does
    for minAvailable)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.endswith("%") and text[:-1].isdigit():
        return -(-int(text[:-1]) * replicas // 100)
    return None


@rule(id="YW-K8S-075", clauses=("8.1.4.9-c",), severity="low", source="k8s",
      title="PodDisruptionBudget blocks every eviction", title_zh="PodDisruptionBudget 不允许任何驱逐",
      remediation="Allow at least one disruption (maxUnavailable: 1, or minAvailable below the replicas and below the "
                  "autoscaler's minimum): otherwise nodes can never be drained for patching.",
      remediation_zh="至少允许一次中断（maxUnavailable: 1，或 minAvailable 小于副本数及 HPA 最小值）："
                     "否则节点永远无法排空打补丁。",
      peers=("polaris:pdbDisruptionsIsZero", "polaris:pdbMinAvailableGreaterThanHPAMinReplicas"))
def budget_allows_eviction(facts: K8sFacts) -> Iterator[Violation]:
    for obj, replicas in replicated(facts):
        for pdb in budgets(facts, obj):
            spec = _spec(pdb)
            if "maxUnavailable" in spec and _count(spec["maxUnavailable"], replicas) == 0:
                yield Violation(pdb.target(), f"maxUnavailable {spec['maxUnavailable']}: no pod of {obj.kind} "
                                              f"'{obj.name}' may ever be evicted")
            elif "minAvailable" in spec and (_count(spec["minAvailable"], replicas) or 0) >= replicas:
                yield Violation(pdb.target(), f"minAvailable {spec['minAvailable']} with {replicas} replicas of "
                                              f"{obj.kind} '{obj.name}': no pod may ever be evicted")


@rule(id="YW-K8S-076", clauses=_REDUNDANCY, severity="medium", source="k8s",
      title="Autoscaler may scale to one replica", title_zh="自动伸缩可能缩到单副本",
      remediation="Set minReplicas: 2 or more on the HorizontalPodAutoscaler.",
      remediation_zh="将 HorizontalPodAutoscaler 的 minReplicas 设为 2 以上。",
      peers=("kube-score:horizontalpodautoscaler-replicas", "polaris:hpaMinAvailability"))
def autoscaler_minimum(facts: K8sFacts) -> Iterator[Violation]:
    for hpa in facts.of_kind("HorizontalPodAutoscaler"):
        minimum = _spec(hpa).get("minReplicas", 1)
        if isinstance(minimum, int) and minimum < 2:
            yield Violation(hpa.target(), f"minReplicas {minimum}: the workload may run a single replica")
