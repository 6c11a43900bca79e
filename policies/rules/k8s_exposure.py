"""What is reachable that should not be: SSH and plaintext management protocols, sensitive web consoles exposed,
the cloud's metadata service, ingress-nginx configuration snippets, objects in the default namespace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, K8sObject, as_dict, container_name, pod_labels, selects

SSH_PORTS = frozenset({22, 2222})
PLAINTEXT_MANAGEMENT = {21: "FTP", 23: "telnet", 69: "TFTP", 512: "rexec", 513: "rlogin", 514: "rsh",
                        2375: "the Docker API without TLS", 5900: "VNC", 6000: "X11"}
ADMIN_NAMES = ("admin", "mgmt", "manage", "console")


def _spec(obj: K8sObject) -> dict[str, Any]:
    return as_dict(obj.obj.get("spec"))


def _ports(svc: K8sObject) -> list[dict[str, Any]]:
    return [as_dict(p) for p in _spec(svc).get("ports") or []]


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@rule(id="YW-K8S-080", clauses=("8.1.4.4-b", "8.1.4.4-c", "8.1.5.1-a"), severity="medium", source="k8s",
      title="SSH server in a pod", title_zh="Pod 内运行 SSH 服务",
      remediation="Remove the SSH server from the image and its port from the pod and Service; administer through "
                  "kubectl exec from the security-management zone, which the API server audits.",
      remediation_zh="从镜像中去掉 SSH 服务，并从 Pod 与 Service 中去掉其端口；通过安全管理区的 kubectl exec 运维"
                     "（由 API Server 审计）。",
      peers=("C-0042",))
def ssh_in_pod(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        ports = sorted({p for p in (_number(as_dict(x).get("containerPort")) for x in c.get("ports") or [])
                        if p in SSH_PORTS})
        if ports:
            yield Violation(obj.target(), f"container '{container_name(c)}' listens on SSH port "
                                          f"{', '.join(map(str, ports))}")
    for svc in facts.of_kind("Service"):
        ports = sorted({n for p in _ports(svc) for n in (_number(p.get("port")), _number(p.get("targetPort")))
                        if n in SSH_PORTS})
        if ports:
            yield Violation(svc.target(), f"Service forwards SSH port {', '.join(map(str, ports))}")


def plaintext_management(port: dict[str, Any]) -> str | None:
    """What plaintext management protocol a Service port carries, if any."""
    protocol = str(port.get("protocol") or "TCP")
    for number in (_number(port.get("port")), _number(port.get("targetPort"))):
        if number in PLAINTEXT_MANAGEMENT and not (number == 514 and protocol == "UDP"):  # 514/UDP is syslog
            return PLAINTEXT_MANAGEMENT[number]
    name = str(port.get("name") or "").lower()
    app = str(port.get("appProtocol") or "").lower()
    plain_http = (name.startswith("http") and not name.startswith("https")) or app in ("http", "kubernetes.io/h2c")
    if any(word in name for word in ADMIN_NAMES) and plain_http and "tls" not in name:
        return f"plain HTTP on management port '{port.get('name')}'"
    return None


@rule(id="YW-K8S-081", clauses=("8.1.4.1-c", "8.1.4.8-a", "8.1.4.4-b"), severity="high", source="k8s",
      title="Service exposes a plaintext management protocol", title_zh="服务暴露明文管理协议",
      remediation="Remove telnet, FTP, TFTP, r-services, VNC/X11 and the unencrypted Docker API; serve management web "
                  "pages over HTTPS (or behind the management zone's mutual-TLS ingress).",
      remediation_zh="去掉 telnet、FTP、TFTP、r 系列服务、VNC/X11 与未加密的 Docker API；管理页面改用 HTTPS"
                     "（或置于管理区双向 TLS 入口之后）。")
def plaintext_services(facts: K8sFacts) -> Iterator[Violation]:
    for svc in facts.of_kind("Service"):
        found = sorted({what for p in _ports(svc) if (what := plaintext_management(p))})
        if found:
            yield Violation(svc.target(), f"Service carries {', '.join(found)}: credentials cross the network in "
                                          "clear text")


METADATA_ADDRESSES = {"169.254.169.254": "the instance metadata service (AWS, Azure, Huawei Cloud, OpenStack …)",
                      "100.100.100.200": "Alibaba Cloud's metadata service",
                      "169.254.0.23": "Tencent Cloud's metadata service"}


def _reaches_port_80(rule_: dict[str, Any]) -> bool:
    ports = [as_dict(p) for p in rule_.get("ports") or []]
    if not ports:
        return True
    for p in ports:
        start, end = p.get("port"), p.get("endPort")
        if not isinstance(start, int) or isinstance(start, bool):
            return True  # a named port or no port: may be 80
        if start == 80 or (isinstance(end, int) and start <= 80 <= end):
            return True
    return False


def metadata_reached(rule_: dict[str, Any]) -> list[str]:
    """The metadata addresses an egress rule allows (all destinations, or an ipBlock holding them, not excepted)."""
    if not _reaches_port_80(rule_):
        return []
    peers = rule_.get("to")
    if not peers:
        return list(METADATA_ADDRESSES)
    import ipaddress  # only policies with ipBlocks get here: the module costs start-up time otherwise

    found = []
    for peer in peers:
        block = as_dict(as_dict(peer).get("ipBlock"))
        try:
            cidr = ipaddress.ip_network(str(block.get("cidr")), strict=False)
            excepted = [ipaddress.ip_network(str(e), strict=False) for e in block.get("except") or []]
        except ValueError:
            continue
        for address in METADATA_ADDRESSES:
            ip = ipaddress.ip_address(address)
            if ip.version == cidr.version and ip in cidr and not any(ip.version == e.version and ip in e
                                                                     for e in excepted):
                found.append(address)
    return found


@rule(id="YW-K8S-082", clauses=("8.2.4.5-b", "8.1.3.2-a"), severity="medium", source="k8s",
      title="Egress to the cloud metadata service allowed", title_zh="允许访问云元数据服务",
      remediation="Allow egress to named destinations only; where an ipBlock must be wide, list 169.254.169.254/32 "
                  "(and 100.100.100.200/32, 169.254.0.23/32 on Alibaba and Tencent clouds) under except.",
      remediation_zh="出站只放行具体目标；必须使用大范围 ipBlock 时，在 except 中列出 169.254.169.254/32"
                     "（阿里云、腾讯云另加 100.100.100.200/32、169.254.0.23/32）。",
      peers=("C-0052",))
def metadata_egress(facts: K8sFacts) -> Iterator[Violation]:
    for pol in facts.of_kind("NetworkPolicy"):
        reached = sorted({a for r in _spec(pol).get("egress") or [] for a in metadata_reached(as_dict(r))})
        if reached:
            yield Violation(pol.target(), "egress reaches " + "; ".join(f"{a} ({METADATA_ADDRESSES[a]})"
                                                                         for a in reached))


SENSITIVE_INTERFACES = ("nifi", "argo-server", "argocd-server", "weave-scope", "kubeflow", "kubernetes-dashboard",
                        "jenkins", "prometheus", "alertmanager", "grafana", "kibana", "ollama", "vllm", "kserve",
                        "triton-inference-server", "ray-dashboard", "ray-head", "mlflow", "jupyter", "seldon",
                        "bentoml", "kuboard", "rancher", "portainer", "kubesphere-console", "nacos", "xxl-job-admin",
                        "minio-console", "rabbitmq-management")
"""Web consoles and APIs that let whoever reaches them run code or read everything: Kubescape's sensitive interfaces,
plus the consoles most often found exposed on Chinese government clouds (Kuboard, KubeSphere, Nacos, XXL-JOB …)."""


def _sensitive(name: str) -> str | None:
    lowered = name.lower()
    return next((s for s in SENSITIVE_INTERFACES if s in lowered), None)


def _external(svc: K8sObject) -> str | None:
    spec = _spec(svc)
    kind = spec.get("type", "ClusterIP")
    if kind in ("NodePort", "LoadBalancer"):
        return f"a {kind} Service"
    return "external IPs" if spec.get("externalIPs") else None


@rule(id="YW-K8S-083", clauses=("8.1.4.4-c", "8.1.3.1-a", "8.1.5.1-a"), severity="high", source="k8s",
      title="Sensitive console exposed outside the cluster", title_zh="敏感管理界面暴露到集群外",
      remediation="Serve consoles (dashboards, notebooks, CI, model servers, Nacos, XXL-JOB …) only on ClusterIP, "
                  "reached from the security-management zone through its mutual-TLS ingress.",
      remediation_zh="管理界面（仪表盘、Notebook、CI、模型服务、Nacos、XXL-JOB 等）只以 ClusterIP 提供，"
                     "经安全管理区的双向 TLS 入口访问。",
      peers=("C-0021",))
def sensitive_exposed(facts: K8sFacts) -> Iterator[Violation]:
    sensitive_pods: dict[str | None, list[tuple[str, dict[str, Any]]]] = {}
    for o, _ in facts.workloads:
        what = _sensitive(o.name)
        if what:
            sensitive_pods.setdefault(o.namespace, []).append((what, pod_labels(o)))
    services: dict[tuple[str | None, str], str] = {}
    for svc in facts.of_kind("Service"):
        selector = _spec(svc).get("selector")
        what = _sensitive(svc.name) or next((w for w, labels in sensitive_pods.get(svc.namespace, [])
                                             if selects(selector, labels, plain=True)), None)
        if what is None:
            continue
        services[(svc.namespace, svc.name)] = what
        how = _external(svc)
        if how:
            yield Violation(svc.target(), f"{what} is reachable from outside the cluster through {how}")
    for ing in facts.of_kind("Ingress"):
        backends = {str(as_dict(as_dict(p.get("backend")).get("service")).get("name"))
                    for r in _spec(ing).get("rules") or [] for p in as_dict(as_dict(r).get("http")).get("paths") or []
                    if isinstance(p, dict)}
        backends.add(str(as_dict(as_dict(_spec(ing).get("defaultBackend")).get("service")).get("name")))
        exposed = sorted({services[(ing.namespace, b)] for b in backends if (ing.namespace, b) in services})
        if exposed:
            yield Violation(ing.target(), f"Ingress publishes {', '.join(exposed)}")


SNIPPET_SUFFIX = "-snippet"
SNIPPET_DANGER = (("lua", "Lua code"), ("alias", "an alias to host files"), ("_by_lua", "Lua code"))


@rule(id="YW-K8S-084", clauses=("8.1.4.4-e", "8.1.4.2-d"), severity="high", source="k8s",
      title="ingress-nginx configuration snippet", title_zh="ingress-nginx 配置片段注解",
      remediation="Remove the *-snippet annotations and keep allow-snippet-annotations: false on the controller: "
                  "whoever may edit an Ingress otherwise reads every Secret of the cluster (CVE-2021-25742).",
      remediation_zh="去掉 *-snippet 注解，并在控制器上保持 allow-snippet-annotations: false："
                     "否则能编辑 Ingress 者即可读取集群全部 Secret（CVE-2021-25742）。",
      peers=("CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154", "C-0059"))
def nginx_snippets(facts: K8sFacts) -> Iterator[Violation]:
    for ing in facts.of_kind("Ingress"):
        for key, value in sorted(ing.annotations().items()):
            if not str(key).endswith(SNIPPET_SUFFIX):
                continue
            worse = sorted({what for word, what in SNIPPET_DANGER if word in str(value).lower()})
            extra = f", with {' and '.join(worse)}" if worse else ""
            yield Violation(ing.target(), f"annotation {key} injects configuration into the controller{extra}")


NOT_IN_DEFAULT = frozenset({"Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController",
                            "Job", "CronJob", "Service", "Secret", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
                            "Ingress", "NetworkPolicy", "PersistentVolumeClaim", "HorizontalPodAutoscaler",
                            "PodDisruptionBudget"})


@rule(id="YW-K8S-087", clauses=("8.2.2.1-b", "8.1.4.2-e"), severity="low", source="k8s",
      title="Object in the default namespace", title_zh="对象位于 default 命名空间",
      remediation="Put every object in its tenant's or zone's namespace (metadata.namespace), where quotas, network "
                  "policies, Pod Security labels and RBAC apply.",
      remediation_zh="将每个对象放入所属租户或安全区的命名空间（metadata.namespace），以适用配额、网络策略、"
                     "Pod 安全标签与 RBAC。",
      peers=("CKV_K8S_21", "cis-k8s:5.6.4"))
def default_namespace(facts: K8sFacts) -> Iterator[Violation]:
    for obj in facts.objects:
        if obj.kind not in NOT_IN_DEFAULT or obj.namespace != "default":
            continue
        explicit = "namespace" in obj.metadata
        if not explicit and obj.template is not None:
            continue  # Helm output: the release namespace is chosen at install time
        if (obj.kind, obj.name) in (("ServiceAccount", "default"), ("Service", "kubernetes")):
            continue
        how = "is in" if explicit else "names no namespace, so it lands in"
        yield Violation(obj.target(), f"{obj.kind} {how} the default namespace")

