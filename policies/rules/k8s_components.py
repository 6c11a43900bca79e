"""Components that should not run at all, or not like this: unmaintained ones (Helm v2's Tiller, the retired
ingress-nginx controller), the Kubernetes Dashboard, git-sync with a substituted git binary."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, as_dict, container_name, containers

END_OF_LIFE = (("tiller", "Helm v2's Tiller (unmaintained since 2020; its gRPC port grants cluster-admin)"),
               ("ingress-nginx/controller", "the ingress-nginx controller (retired in March 2026: no more fixes)"),
               ("nginx-ingress-controller", "the ingress-nginx controller (retired in March 2026: no more fixes)"))


def image_path(image: str) -> str:
    """``registry.k8s.io/ingress-nginx/controller:v1.9@sha256:…`` → ``ingress-nginx/controller``."""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    path = f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]
    first, _, rest = path.partition("/")
    return rest if rest and ("." in first or ":" in first or first == "localhost") else path


def end_of_life(image: str) -> str | None:
    lowered = image.lower()
    if "tiller" not in lowered and "ingress" not in lowered:
        return None  # the common case, decided without parsing the reference
    path = image_path(lowered)
    return next((what for key, what in END_OF_LIFE if path == key or path.endswith("/" + key)), None)


@rule(id="YW-K8S-043", clauses=("8.1.4.4-e", "8.1.4.4-a"), severity="medium", source="k8s",
      title="Unmaintained component deployed", title_zh="部署了已停止维护的组件",
      remediation="Remove Tiller (Helm 3 needs no in-cluster component) and replace the retired ingress-nginx "
                  "controller with a maintained ingress or Gateway API implementation.",
      remediation_zh="移除 Tiller（Helm 3 无需集群内组件），将已退役的 ingress-nginx 控制器替换为仍在维护的 "
                     "Ingress 或 Gateway API 实现。",
      peers=("CKV_K8S_34", "CKV_K8S_44", "CKV_K8S_45", "C-0292"))
def unmaintained(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        what = end_of_life(str(c.get("image", "")))
        if what:
            yield Violation(obj.target(), f"container '{container_name(c)}' runs {what}")
    for svc in facts.of_kind("Service"):
        selector = as_dict(as_dict(svc.obj.get("spec")).get("selector"))
        if svc.name == "tiller-deploy" or (selector.get("app") == "helm" and selector.get("name") == "tiller"):
            yield Violation(svc.target(), "Service exposes Helm v2's Tiller")


DASHBOARD = "kubernetes-dashboard"


def is_dashboard(labels: dict[str, object], images: list[str]) -> bool:
    return (any(DASHBOARD in i or "kubernetesui/" in i for i in images)
            or DASHBOARD in (labels.get("app"), labels.get("k8s-app"), labels.get("app.kubernetes.io/name")))


@rule(id="YW-K8S-044", clauses=("8.1.4.4-a", "8.1.4.4-c", "8.1.4.2-d"), severity="medium", source="k8s",
      title="Kubernetes Dashboard deployed or its rights borrowed", title_zh="部署了 Kubernetes Dashboard 或借用其权限",
      remediation="Remove the Dashboard (administer through kubectl from the security-management zone); never run "
                  "other workloads under its service account or bind its role to anyone else.",
      remediation_zh="移除 Dashboard（经安全管理区用 kubectl 管理）；不要让其他工作负载使用其服务账号，"
                     "也不要将其角色绑定给他人。",
      peers=("CKV_K8S_33", "C-0014"))
def dashboard(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        images = [str(c.get("image", "")) for c in containers(spec)]
        if is_dashboard(obj.labels(), images):
            yield Violation(obj.target(), "runs the Kubernetes Dashboard, a web console with the cluster's rights")
        elif spec.get("serviceAccountName") == DASHBOARD:
            yield Violation(obj.target(), f"runs under the Dashboard's service account '{DASHBOARD}'")
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if as_dict(b.obj.get("roleRef")).get("name") != DASHBOARD:
            continue
        subjects = [s for s in b.obj.get("subjects") or [] if isinstance(s, dict)]
        others = sorted(f"{s.get('kind')}/{s.get('name')}" for s in subjects
                        if (s.get("kind"), s.get("name")) != ("ServiceAccount", DASHBOARD))
        if others:
            yield Violation(b.target(), f"binds the Dashboard's role to {', '.join(others)}")


@rule(id="YW-K8S-045", clauses=("8.1.4.4-d", "8.2.4.4-b"), severity="medium", source="k8s",
      title="git-sync told to run another git binary", title_zh="git-sync 被指定运行其他 git 程序",
      remediation="Remove GITSYNC_GIT (and --git): whoever controls it runs code in the pod (git-sync command "
                  "injection).",
      remediation_zh="去掉 GITSYNC_GIT（及 --git）：控制该值者可在 Pod 中执行代码（git-sync 命令注入）。",
      peers=("CKV_K8S_159",))
def git_sync(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        env = [e for e in c.get("env") or [] if as_dict(e).get("name") in ("GITSYNC_GIT", "GIT_SYNC_GIT")]
        args = [str(a) for a in [*(c.get("command") or []), *(c.get("args") or [])] if str(a).startswith("--git=")]
        if env or args:
            yield Violation(obj.target(), f"container '{container_name(c)}' sets the git binary git-sync runs")
