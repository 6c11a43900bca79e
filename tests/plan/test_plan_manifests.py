"""What every plan must satisfy: schema-valid, isolated, hardened, TLS-only, and free of secret values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra_k8s_schema import errors
from infra_plans import SECRET_VALUES, Plan, write

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def test_every_manifest_is_valid_kubernetes_1_30(plan: Plan) -> None:
    assert len(plan.manifests) > 50
    bad = {f"{m['kind']}/{m['metadata'].get('namespace')}/{m['metadata']['name']}": errors(m) for m in plan.manifests}
    assert {k: v for k, v in bad.items() if v} == {}


def test_manifest_files_match_resources_json(plan: Plan) -> None:
    files = {p.relative_to(plan.out).as_posix() for p in (plan.out / "manifests").rglob("*.yaml")}
    listed = {r["manifest"] for r in plan.doc["resources"] if r["manifest"]}
    assert files == listed
    for r in plan.doc["resources"]:
        if r["manifest"]:
            assert r["manifest"].startswith(f"manifests/{r['region']}/")
            assert r["parent"] and r["provider"], r["urn"]


def test_every_object_is_named_and_labelled(plan: Plan) -> None:
    for m in plan.manifests:
        labels = m["metadata"]["labels"]
        assert m["metadata"]["name"]
        assert labels["app.kubernetes.io/managed-by"] == "yunwang"
        assert labels["yunwang.io/region"] and labels["yunwang.io/zone"]


def test_every_namespace_denies_by_default_and_enforces_restricted(plan: Plan) -> None:
    denies = {(m["metadata"]["labels"]["yunwang.io/region"], m["metadata"]["namespace"])
              for m in plan.of_kind("NetworkPolicy")
              if m["spec"]["podSelector"] == {} and sorted(m["spec"]["policyTypes"]) == ["Egress", "Ingress"]
              and not m["spec"].get("ingress") and not m["spec"].get("egress")}
    namespaces = plan.of_kind("Namespace")
    assert namespaces
    for ns in namespaces:
        labels = ns["metadata"]["labels"]
        assert (labels["yunwang.io/region"], ns["metadata"]["name"]) in denies
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    # every namespaced object lives in a namespace the plan creates (per region)
    created = {(n["metadata"]["labels"]["yunwang.io/region"], n["metadata"]["name"]) for n in namespaces}
    for m in plan.manifests:
        if "namespace" in m["metadata"]:
            assert (m["metadata"]["labels"]["yunwang.io/region"], m["metadata"]["namespace"]) in created


def test_no_node_port_or_load_balancer_outside_internet_access(plan: Plan) -> None:
    kinds = {n["metadata"]["name"]: n["metadata"]["labels"]["yunwang.io/zone-kind"] for n in plan.of_kind("Namespace")}
    for svc in plan.of_kind("Service"):
        if svc["spec"].get("type") in ("NodePort", "LoadBalancer"):
            assert kinds[svc["metadata"]["namespace"]] == "internet-access"
    for quota in plan.of_kind("ResourceQuota"):
        if kinds[quota["metadata"]["namespace"]] != "internet-access":
            assert quota["spec"]["hard"]["services.nodeports"] == "0"
            assert quota["spec"]["hard"]["services.loadbalancers"] == "0"


def _pod_template(m: dict[str, Any]) -> dict[str, Any]:
    spec = m["spec"]["jobTemplate"]["spec"] if m["kind"] == "CronJob" else m["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def _pods(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{m['kind']}/{m['metadata']['name']}", _pod_template(m))
            for m in plan.manifests if m["kind"] in (*WORKLOADS, "CronJob")]


def test_every_container_is_bounded_non_root_and_unprivileged(plan: Plan) -> None:
    pods = _pods(plan)
    assert pods
    for where, pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert not pod.get("hostNetwork") and not pod.get("hostPID") and not pod.get("hostIPC"), where
        assert all("hostPath" not in v for v in pod.get("volumes", [])), where
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["privileged"] is False, where
            assert sc["readOnlyRootFilesystem"] is True and sc["runAsNonRoot"] is True, where
            assert sc["capabilities"]["drop"] == ["ALL"] and "add" not in sc["capabilities"], where
            assert sc["seccompProfile"]["type"] == "RuntimeDefault", where
            for part in ("requests", "limits"):
                assert set(c["resources"][part]) == {"cpu", "memory"}, where
            assert "@sha256:" in c["image"], where


def test_ingress_only_with_tls(plan: Plan) -> None:
    ingresses = plan.of_kind("Ingress")
    assert ingresses
    for ing in ingresses:
        hosts = {rule["host"] for rule in ing["spec"]["rules"]}
        tls_hosts = {h for t in ing["spec"]["tls"] for h in t["hosts"] if t["secretName"]}
        assert hosts <= tls_hosts
        assert ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


def test_tenant_admins_have_no_wildcards(plan: Plan) -> None:
    roles = plan.of_kind("Role")
    assert roles
    for role in roles:
        for rule in role["rules"]:
            for key in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[key]


def test_integers_are_integers(dev_plan: Plan) -> None:
    poller = next(m for m in dev_plan.of_kind("StatefulSet") if m["metadata"]["name"] == "snmp-poller")
    assert type(poller["spec"]["replicas"]) is int
    assert type(poller["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]) is int
    text = "".join(p.read_text() for p in (dev_plan.out / "manifests").rglob("*.yaml"))
    assert ".0\n" not in text


def test_no_secret_value_in_any_file(plan: Plan) -> None:
    for path in plan.out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            leaked = [s for s in SECRET_VALUES if s in text]
            assert not leaked, f"{path}: {leaked}"
    secret = next(m for m in plan.of_kind("Secret") if m["metadata"]["name"] == "snmp-credentials")
    assert secret["stringData"] and set(secret["stringData"].values()) == {"[secret]"}
    providers = [r for r in plan.doc["resources"] if r["type"] == "pulumi:providers:kubernetes"]
    assert any(r["inputs"].get("kubeconfig") == "[secret]" for r in providers)


def test_plan_is_deterministic(dev_plan: Plan, tmp_path: Path) -> None:
    again = write("dev", tmp_path / "again")
    first = {p.relative_to(dev_plan.out): p.read_bytes() for p in dev_plan.out.rglob("*") if p.is_file()}
    second = {p.relative_to(again.out): p.read_bytes() for p in again.out.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_poller_shards_match_replicas(plan: Plan) -> None:
    pollers = [sts for sts in plan.of_kind("StatefulSet") if sts["metadata"]["name"] == "snmp-poller"]
    assert pollers
    for sts in pollers:
        assert sts["spec"]["replicas"] >= 2
        command = sts["spec"]["template"]["spec"]["containers"][0]["command"]
        assert command[command.index("--shard") + 1] == f"$(ORDINAL)/{sts['spec']['replicas']}"


def test_quotas_leave_room_for_every_workload(plan: Plan) -> None:
    """A quota smaller than its namespace's workloads would make the cluster refuse their pods."""
    from infra.common import cpu_millis, mem_mib
    from infra.program import MAX_NODES

    hard = {(q["metadata"]["labels"]["yunwang.io/region"], q["metadata"]["namespace"]): q["spec"]["hard"]
            for q in plan.of_kind("ResourceQuota")}
    used: dict[tuple[str, str], dict[str, int]] = {}
    for m in plan.manifests:
        if m["kind"] not in (*WORKLOADS, "CronJob"):
            continue
        key = (m["metadata"]["labels"]["yunwang.io/region"], m["metadata"]["namespace"])
        # A CronJob forbidding concurrent runs has one pod at a time.
        pods = {"DaemonSet": MAX_NODES, "CronJob": 1}.get(m["kind"]) or m["spec"]["replicas"]
        total = used.setdefault(key, {"pods": 0, "requests.cpu": 0, "limits.cpu": 0, "requests.memory": 0,
                                      "limits.memory": 0})
        total["pods"] += pods
        pod = _pod_template(m)
        for part, kind, measure in (("requests", "cpu", cpu_millis), ("limits", "cpu", cpu_millis),
                                    ("requests", "memory", mem_mib), ("limits", "memory", mem_mib)):
            # Kubernetes charges a pod the larger of its containers' sum and its largest init container.
            running = sum(measure(c["resources"][part][kind]) for c in pod["containers"])
            init = max((measure(c["resources"][part][kind]) for c in pod.get("initContainers", [])), default=0)
            total[f"{part}.{kind}"] += pods * max(running, init)
    assert used
    for key, total in used.items():
        limit = hard[key]
        assert total["pods"] <= int(limit["pods"]), key
        for field in ("requests.cpu", "limits.cpu"):
            assert total[field] <= cpu_millis(limit[field]), (key, field)
        for field in ("requests.memory", "limits.memory"):
            assert total[field] <= mem_mib(limit[field]), (key, field)
