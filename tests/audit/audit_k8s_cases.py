"""A fully compliant object set, and one mutation per rule that makes exactly that rule fail."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import yaml

DIGEST = "registry.luan.gov.example/app/web@sha256:" + "a" * 64

SECURE_YAML = f"""
apiVersion: v1
kind: Namespace
metadata:
  name: app
  labels: {{yunwang.io/zone: extranet-service, yunwang.io/region: luan,
           pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: edge
  labels: {{yunwang.io/zone: internet-access, yunwang.io/region: luan, pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: mgmt
  labels: {{yunwang.io/zone: internet-access, yunwang.io/zone-kind: security-management,
           pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: iot
  labels: {{yunwang.io/zone: iot-sensing, pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: app}}
spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: deny-in, namespace: edge}}
spec: {{podSelector: {{}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: deny-out, namespace: edge}}
spec: {{podSelector: {{}}, policyTypes: [Egress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: mgmt}}
spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: iot}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
  egress:
  - to: [{{ipBlock: {{cidr: 10.34.18.0/24}}}}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ResourceQuota
  metadata: {{name: q, namespace: app}}
  spec: {{hard: {{pods: "10"}}}}
- apiVersion: v1
  kind: ResourceQuota
  metadata: {{name: q, namespace: edge}}
  spec: {{hard: {{pods: "10"}}}}
- apiVersion: v1
  kind: ResourceQuota
  metadata: {{name: q, namespace: mgmt}}
  spec: {{hard: {{pods: "10"}}}}
- apiVersion: v1
  kind: ResourceQuota
  metadata: {{name: q, namespace: iot}}
  spec: {{hard: {{pods: "10"}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: app, labels: {{app: web}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      automountServiceAccountToken: false
      securityContext: {{runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001,
                         seccompProfile: {{type: RuntimeDefault}}}}
      topologySpreadConstraints:
      - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
         labelSelector: {{matchLabels: {{app: web}}}}}}
      volumes: [{{name: tmp, emptyDir: {{}}}}, {{name: db, secret: {{secretName: db}}}}]
      containers:
      - name: web
        image: {DIGEST}
        env:
        - {{name: DB_PASSWORD_FILE, value: /run/secrets/db/password}}
        - {{name: LOG_LEVEL, value: info}}
        ports: [{{name: http, containerPort: 8080}}]
        volumeMounts: [{{name: db, mountPath: /run/secrets/db, readOnly: true}}]
        readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}}
          limits: {{cpu: 500m, memory: 128Mi, ephemeral-storage: 1Gi}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          privileged: false
          capabilities: {{drop: [ALL]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: app}}
spec: {{maxUnavailable: 1, selector: {{matchLabels: {{app: web}}}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: app}}
spec: {{type: ClusterIP, selector: {{app: web}}, ports: [{{name: http, port: 80, targetPort: 8080}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: lb, namespace: edge}}
spec: {{type: LoadBalancer, ports: [{{port: 443}}]}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: portal, namespace: edge}}
spec:
  tls: [{{hosts: [portal.example], secretName: portal-tls}}]
  rules: [{{host: portal.example}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: console
  namespace: mgmt
  annotations:
    nginx.ingress.kubernetes.io/auth-tls-secret: mgmt/ca
    nginx.ingress.kubernetes.io/auth-tls-verify-client: "on"
spec:
  tls: [{{hosts: [console.example], secretName: console-tls}}]
  rules: [{{host: console.example}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: auditor}}
rules: [{{apiGroups: [""], resources: [pods, events], verbs: [get, list, watch]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: security-admin}}
rules: [{{apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [get, list, create, update, delete]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: auditors}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: auditor}}
subjects: [{{kind: Group, name: luan-auditors}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: security-admins}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: security-admin}}
subjects: [{{kind: Group, name: luan-security-admins}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: audit-policy, namespace: mgmt}}
data:
  policy.yaml: |
    apiVersion: audit.k8s.io/v1
    kind: Policy
    rules:
    - level: Metadata
  token_ttl: "3600"
"""


def secure() -> list[dict[str, Any]]:
    """The compliant set as a fresh list of documents (the List stays a List)."""
    return [d for d in yaml.safe_load_all(SECURE_YAML) if d]


def dump(docs: list[dict[str, Any]]) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def find(docs: list[dict[str, Any]], kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
    for d in docs:
        md = d.get("metadata", {})
        if d["kind"] == kind and md.get("name") == name and (namespace is None or md.get("namespace") == namespace):
            return d
    raise KeyError(f"{kind}/{name}")


def web(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return find(docs, "Deployment", "web")


def container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return web(docs)["spec"]["template"]["spec"]["containers"][0]


Mutation = Callable[[list[dict[str, Any]]], None]


def _set(path: Callable[[list[dict[str, Any]]], dict[str, Any]], key: str, value: Any) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        path(docs)[key] = value
    return apply


def _sc(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return container(docs)["securityContext"]


def _pod(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return web(docs)["spec"]["template"]["spec"]


def _drop(kind: str, name: str, namespace: str | None = None) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        docs.remove(find(docs, kind, name, namespace))
    return apply


def _del_quota(docs: list[dict[str, Any]]) -> None:
    lst = next(d for d in docs if d["kind"] == "List")
    lst["items"] = [i for i in lst["items"] if i["metadata"]["namespace"] != "iot"]


def _env(name: str, value: str) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        container(docs)["env"].append({"name": name, "value": value})
    return apply


def _label(kind: str, name: str, key: str, value: str | None) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        labels = find(docs, kind, name)["metadata"].setdefault("labels", {})
        if value is None:
            labels.pop(key, None)
        else:
            labels[key] = value
    return apply


def _add(doc: str) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        docs.append(yaml.safe_load(doc))
    return apply


def _seq(*steps: Mutation) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        for step in steps:
            step(docs)
    return apply


def _resources(docs: list[dict[str, Any]]) -> None:
    limits = container(docs)["resources"]["limits"]
    del limits["cpu"], limits["memory"]


def _drop_caps(docs: list[dict[str, Any]]) -> None:
    _sc(docs)["capabilities"] = {"drop": ["NET_RAW"]}


def _egress_any(docs: list[dict[str, Any]]) -> None:
    anywhere = [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]
    find(docs, "NetworkPolicy", "default-deny", "iot")["spec"]["egress"] = anywhere


def _ingress_plain(docs: list[dict[str, Any]]) -> None:
    del find(docs, "Ingress", "portal")["spec"]["tls"]


def _no_mtls(docs: list[dict[str, Any]]) -> None:
    del find(docs, "Ingress", "console")["metadata"]["annotations"]["nginx.ingress.kubernetes.io/auth-tls-secret"]


def _audit_none(docs: list[dict[str, Any]]) -> None:
    find(docs, "ConfigMap", "audit-policy")["data"]["policy.yaml"] = (
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n")


def _wildcard(docs: list[dict[str, Any]]) -> None:
    find(docs, "ClusterRole", "auditor")["rules"].append(
        {"apiGroups": ["networking.k8s.io"], "resources": ["*"], "verbs": ["get"]})


def _auditor_writes(docs: list[dict[str, Any]]) -> None:
    find(docs, "ClusterRole", "auditor")["rules"][0]["verbs"].append("update")


def _secadmin_broad(docs: list[dict[str, Any]]) -> None:
    find(docs, "ClusterRole", "security-admin")["rules"][0]["resources"].append("pods")


CLUSTER_ADMIN = """
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: ops}]
"""
ANONYMOUS = """
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: public, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: auditor}
subjects: [{kind: Group, name: "system:unauthenticated"}]
"""
NODEPORT = """
apiVersion: v1
kind: Service
metadata: {name: debug, namespace: app}
spec: {type: NodePort}
"""
CONFIGMAP_SECRET = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: app}
data: {db_password: hunter2, db_host: db}
"""



def _role(kind: str, rules: list[dict[str, Any]], name: str = "extra", namespace: str = "app") -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        meta: dict[str, Any] = {"name": name}
        if kind == "Role":
            meta["namespace"] = namespace
        docs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": rules})
    return apply


def _grant(kind: str, group: str, resources: list[str], verbs: list[str]) -> Mutation:
    return _role(kind, [{"apiGroups": [group], "resources": resources, "verbs": verbs}])


def _sc_set(key: str, value: Any) -> Mutation:
    return _set(_sc, key, value)


def _pod_sc(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return _pod(docs)["securityContext"]


def _ports(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return container(docs)["ports"]


def _policy(name: str, spec: dict[str, Any], namespace: str = "app") -> Mutation:
    return lambda d: d.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                               "metadata": {"name": name, "namespace": namespace}, "spec": spec})


def _service(name: str, spec: dict[str, Any], namespace: str = "app") -> Mutation:
    meta = {"name": name, "namespace": namespace}
    return lambda d: d.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})


def _audit_policy(text: str) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        find(docs, "ConfigMap", "audit-policy")["data"]["policy.yaml"] = text
    return apply


def _resource_drop(section: str, key: str) -> Mutation:
    def apply(docs: list[dict[str, Any]]) -> None:
        del container(docs)["resources"][section][key]
    return apply


def _pdb(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return find(docs, "PodDisruptionBudget", "web")["spec"]


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl"
AUDIT_BODIES = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n  resources:\n" \
               "  - group: \"\"\n    resources: [secrets]\n- level: Metadata\n"
HPA_ONE = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: app}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 4}
"""

# rule id → (mutation that makes exactly this rule fail, expected message fragment)
FAILING: dict[str, tuple[Mutation, str]] = {
    "YW-K8S-001": (_set(_sc, "privileged", True), "runs privileged"),
    "YW-K8S-002": (_set(_sc, "allowPrivilegeEscalation", True), "allowPrivilegeEscalation"),
    "YW-K8S-003": (_set(_sc, "runAsUser", 0), "runAsUser: 0"),
    "YW-K8S-004": (_set(_pod, "hostNetwork", True), "hostNetwork"),
    "YW-K8S-005": (lambda d: _pod(d)["volumes"].append({"name": "root", "hostPath": {"path": "/"}}), "host path /"),
    "YW-K8S-006": (_set(_sc, "readOnlyRootFilesystem", False), "writable root"),
    "YW-K8S-007": (_resources, "limits.cpu"),
    "YW-K8S-008": (_drop_caps, "does not drop ALL"),
    "YW-K8S-009": (_set(_pod, "automountServiceAccountToken", True), "service account 'default'"),
    "YW-K8S-010": (lambda d: web(d)["spec"].__setitem__("replicas", 1), "1 replica"),
    "YW-K8S-011": (_drop("NetworkPolicy", "deny-out", "edge"), "Egress"),
    "YW-K8S-012": (_add(NODEPORT), "NodePort in zone 'extranet-service'"),
    "YW-K8S-013": (_ingress_plain, "plain HTTP"),
    "YW-K8S-014": (_no_mtls, "client certificates"),
    "YW-K8S-015": (_egress_any, "any destination"),
    "YW-K8S-016": (_del_quota, "'iot' has no ResourceQuota"),
    "YW-K8S-017": (_label("Namespace", "iot", "pod-security.kubernetes.io/enforce", "privileged"), "'privileged'"),
    "YW-K8S-020": (_wildcard, "'*'"),
    "YW-K8S-021": (_add(CLUSTER_ADMIN), "cluster-admin to User/ops"),
    "YW-K8S-022": (_add(ANONYMOUS), "system:unauthenticated"),
    "YW-K8S-023": (_auditor_writes, "read-only"),
    "YW-K8S-024": (_secadmin_broad, "security administrators"),
    "YW-K8S-030": (_env("API_TOKEN", "s3cr3t"), "API_TOKEN"),
    "YW-K8S-031": (_add(CONFIGMAP_SECRET), "db_password"),
    "YW-K8S-040": (_set(container, "image", "nginx:latest"), "latest"),
    "YW-K8S-041": (_seq(_set(container, "image", "registry.example:5000/nginx:1.27"),
                        _set(container, "imagePullPolicy", "Always")), "no digest"),
    "YW-K8S-050": (_audit_none, "records nothing"),
    "YW-K8S-051": (_audit_policy(AUDIT_BODIES), "secrets at RequestResponse"),
    "YW-K8S-025": (_grant("ClusterRole", "", ["pods/exec"], ["create"]), "create pods/exec"),
    "YW-K8S-026": (_grant("ClusterRole", "", ["nodes/proxy"], ["get"]), "get nodes/proxy"),
    "YW-K8S-027": (_grant("ClusterRole", "", ["users", "groups"], ["impersonate"]), "impersonate users"),
    "YW-K8S-028": (_grant("Role", "rbac.authorization.k8s.io", ["rolebindings"], ["create"]), "create rolebindings"),
    "YW-K8S-029": (_grant("ClusterRole", "admissionregistration.k8s.io", ["mutatingwebhookconfigurations"],
                          ["patch"]), "patch mutatingwebhookconfigurations"),
    "YW-K8S-090": (_grant("ClusterRole", "certificates.k8s.io", ["certificatesigningrequests/approval"], ["update"]),
                   "update certificatesigningrequests/approval"),
    "YW-K8S-091": (_grant("Role", "", ["*/status"], ["patch"]), "patch services/status"),
    "YW-K8S-092": (_grant("Role", "", ["events"], ["delete"]), "delete events"),
    "YW-K8S-093": (_grant("ClusterRole", "", ["secrets"], ["list"]), "list secrets"),
    "YW-K8S-094": (_role("Role", [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["update"],
                                   "resourceNames": ["coredns"]}], namespace="kube-system"), "object coredns"),
    "YW-K8S-095": (_grant("ClusterRole", "", ["pods"], ["create"]), "create pods"),
    "YW-K8S-096": (_grant("ClusterRole", "", ["persistentvolumes"], ["create"]), "create persistentvolumes"),
    "YW-K8S-097": (_grant("Role", "", ["serviceaccounts/token"], ["create"]), "create serviceaccounts/token"),
    "YW-K8S-098": (_grant("ClusterRole", "apps", ["deployments"], ["delete"]), "delete deployments"),
    "YW-K8S-099": (_add("""
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: app}
"""), "automountServiceAccountToken: false"),
    "YW-K8S-032": (lambda d: container(d)["env"].append(
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}), "DB_PASSWORD"),
    "YW-K8S-033": (_env("BANNER", JWT), "env BANNER holds a credential"),
    "YW-K8S-042": (_seq(_set(container, "image", "registry.example/web:1.4"),
                        _set(container, "imagePullPolicy", "IfNotPresent")), "imagePullPolicy IfNotPresent"),
    "YW-K8S-043": (_set(container, "image", "registry.k8s.io/ingress-nginx/controller@sha256:" + "d" * 64),
                   "ingress-nginx controller"),
    "YW-K8S-044": (lambda d: web(d)["metadata"]["labels"].__setitem__("k8s-app", "kubernetes-dashboard"),
                   "Kubernetes Dashboard"),
    "YW-K8S-045": (_env("GITSYNC_GIT", "/tmp/git"), "git binary"),
    "YW-K8S-060": (_sc_set("seccompProfile", {"type": "Unconfined"}), "seccomp Unconfined"),
    "YW-K8S-061": (_sc_set("appArmorProfile", {"type": "Unconfined"}), "without AppArmor"),
    "YW-K8S-062": (_sc_set("seLinuxOptions", {"user": "system_u", "type": "spc_t"}), "user=system_u, type=spc_t"),
    "YW-K8S-063": (lambda d: _ports(d)[0].__setitem__("hostPort", 8080), "host port(s) 8080"),
    "YW-K8S-064": (_sc_set("procMount", "Unmasked"), "procMount: Unmasked"),
    "YW-K8S-065": (lambda d: _pod_sc(d).__setitem__("sysctls", [{"name": "kernel.msgmax", "value": "65536"}]),
                   "kernel.msgmax"),
    "YW-K8S-066": (_sc_set("windowsOptions", {"hostProcess": True}), "HostProcess"),
    "YW-K8S-067": (lambda d: _pod(d)["volumes"].append({"name": "share", "nfs": {"server": "nas", "path": "/x"}}),
                   "type nfs"),
    "YW-K8S-068": (_sc_set("capabilities", {"drop": ["ALL"], "add": ["CHOWN"]}), "adds capabilities: CHOWN"),
    "YW-K8S-069": (_sc_set("runAsUser", 1000), "runAsUser: 1000"),
    "YW-K8S-070": (_sc_set("runAsGroup", 0), "group 0 (root) in runAsGroup"),
    "YW-K8S-071": (lambda d: container(d)["readinessProbe"]["httpGet"].__setitem__("host", "10.34.16.1"),
                   "readinessProbe.httpGet.host=10.34.16.1"),
    "YW-K8S-072": (_resource_drop("limits", "ephemeral-storage"), "limits.ephemeral-storage"),
    "YW-K8S-073": (lambda d: _pod(d).pop("topologySpreadConstraints"), "all on one node"),
    "YW-K8S-074": (_drop("PodDisruptionBudget", "web"), "no PodDisruptionBudget"),
    "YW-K8S-075": (lambda d: _pdb(d).__setitem__("maxUnavailable", 0), "may ever be evicted"),
    "YW-K8S-076": (_add(HPA_ONE), "minReplicas 1"),
    "YW-K8S-080": (lambda d: _ports(d).append({"containerPort": 22}), "SSH port 22"),
    "YW-K8S-081": (_service("console", {"ports": [{"name": "http-admin", "port": 8080}]}), "plain HTTP"),
    "YW-K8S-082": (_policy("web-out", {"podSelector": {}, "policyTypes": ["Egress"],
                                       "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}), "169.254.169.254"),
    "YW-K8S-083": (_service("grafana", {"type": "LoadBalancer", "ports": [{"port": 443}]}, "edge"),
                   "grafana is reachable"),
    "YW-K8S-084": (lambda d: find(d, "Ingress", "portal")["metadata"].__setitem__("annotations", {
        "nginx.ingress.kubernetes.io/configuration-snippet": "access_by_lua_block { }"}), "Lua code"),
    "YW-K8S-085": (_policy("stale", {"podSelector": {"matchLabels": {"app": "gone"}}, "policyTypes": ["Ingress"]}),
                   "matches none"),
    "YW-K8S-086": (_policy("open", {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{}]}),
                   "any source"),
    "YW-K8S-087": (_add("""
apiVersion: v1
kind: ConfigMap
metadata: {name: loose}
data: {a: b}
"""), "lands in the default namespace"),
}


ALSO: dict[str, set[str]] = {
    "YW-K8S-042": {"YW-K8S-041"},  # an image without a digest is the precondition of both
    "YW-K8S-015": {"YW-K8S-082"},  # egress to any address includes the cloud's metadata service
}
"""Rules that necessarily fail together with the rule a mutation is made for."""


def mutated(rule_id: str) -> list[dict[str, Any]]:
    docs = copy.deepcopy(secure())
    FAILING[rule_id][0](docs)
    return docs


def variants() -> list[tuple[str, Mutation]]:
    """Secure variations that must stay clean (alternative ways of being compliant)."""
    return [
        ("default-deny split over two policies", lambda d: None),
        ("runAsNonRoot on the pod only", _seq(lambda d: _sc(d).pop("runAsUser", None))),
        ("LimitRange fills missing resources", _seq(_resources, _add("""
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: app}
spec: {limits: [{type: Container, default: {cpu: 500m, memory: 128Mi}}]}
"""))),
        ("HPA keeps two replicas", _seq(lambda d: web(d)["spec"].__setitem__("replicas", 1), _add("""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: app}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 4}
"""))),
        ("automount off on the service account", _seq(lambda d: _pod(d).pop("automountServiceAccountToken"), _add("""
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: app}
automountServiceAccountToken: false
"""))),
        ("registry port is not a tag", _set(container, "image", "registry.example:5000/web@sha256:" + "b" * 64)),
    ]


def _container_sc(**values: Any) -> Mutation:
    return lambda d: _sc(d).update(values)


def _pod_settings(**values: Any) -> Mutation:
    return lambda d: _pod_sc(d).update(values)


AUDIT_METADATA_FIRST = ("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n"
                        "  - group: \"\"\n    resources: [secrets, serviceaccounts/token]\n"
                        "  - group: authentication.k8s.io\n- level: RequestResponse\n")
CONFIG_FILE = """
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: app}
data:
  app.yaml: |
    database:
      host: db.app.svc
      password_file: /run/secrets/db/password
      token: ${API_TOKEN}
      api_key: <filled in at deploy time>
      password_required: true
      token_ttl: 3600
    log: {format: json}
"""

# (rule, label, mutation of the compliant set that must stay clean): the other ways of being compliant, and the
# look-alikes a rule must not mistake for its problem
FALSE_POSITIVES: list[tuple[str, str, Mutation]] = [
    ("YW-K8S-025", "pods/log is not exec", _grant("ClusterRole", "", ["pods/log"], ["get"])),
    ("YW-K8S-025", "Kubernetes' own roles are not judged", _role("ClusterRole", [
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}], name="system:aggregate-to-edit")),
    ("YW-K8S-026", "nodes and nodes/status are not the kubelet proxy",
     _grant("ClusterRole", "", ["nodes", "nodes/status"], ["get"])),
    ("YW-K8S-027", "reading roles is not binding them", _grant("ClusterRole", "rbac.authorization.k8s.io",
                                                                ["roles", "clusterroles"], ["get", "list"])),
    ("YW-K8S-028", "reading bindings", _grant("ClusterRole", "rbac.authorization.k8s.io", ["rolebindings"], ["list"])),
    ("YW-K8S-029", "listing webhooks", _grant("ClusterRole", "admissionregistration.k8s.io",
                                              ["validatingwebhookconfigurations"], ["get", "list"])),
    ("YW-K8S-090", "requesting a certificate is not approving one", _grant("ClusterRole", "certificates.k8s.io",
                                                                          ["certificatesigningrequests"], ["create"])),
    ("YW-K8S-091", "reading services/status", _grant("Role", "", ["services/status"], ["get"])),
    ("YW-K8S-092", "reading events", _grant("Role", "", ["events"], ["get", "list", "watch"])),
    ("YW-K8S-093", "a tenant reads the secrets of its own namespace", _grant("Role", "", ["secrets"], ["get", "list"])),
    ("YW-K8S-094", "a tenant changes its own ConfigMaps", _grant("Role", "", ["configmaps"], ["update"])),
    ("YW-K8S-094", "another ConfigMap by name", _role("ClusterRole", [
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["update"], "resourceNames": ["kube-proxy"]}])),
    ("YW-K8S-095", "a tenant creates pods in its namespace", _grant("Role", "", ["pods"], ["create"])),
    ("YW-K8S-096", "reading persistent volumes", _grant("ClusterRole", "", ["persistentvolumes"], ["get", "list"])),
    ("YW-K8S-097", "reading service accounts", _grant("Role", "", ["serviceaccounts"], ["get"])),
    ("YW-K8S-098", "a tenant deletes its own deployments", _grant("Role", "apps", ["deployments"], ["delete"])),
    ("YW-K8S-098", "deleting network policies is not deleting workloads", _grant(
        "ClusterRole", "networking.k8s.io", ["networkpolicies"], ["delete"])),
    ("YW-K8S-099", "a dedicated service account bound to a role", _add("""
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: auditor}
subjects: [{kind: ServiceAccount, name: web, namespace: app}]
""")),
    ("YW-K8S-032", "settings from a ConfigMap", lambda d: container(d).setdefault("envFrom", []).append(
        {"configMapRef": {"name": "web-settings"}})),
    ("YW-K8S-033", "references, paths and placeholders in a configuration file", _add(CONFIG_FILE)),
    ("YW-K8S-033", "a JSON log format value", _env("LOG_FORMAT", '{"level": "info", "auth": "Bearer"}')),
    ("YW-K8S-042", "a digest with IfNotPresent", _set(container, "imagePullPolicy", "IfNotPresent")),
    ("YW-K8S-043", "an image whose name merely contains tiller", _set(
        container, "image", "registry.luan.gov.example/apps/tiller-game@sha256:" + "e" * 64)),
    ("YW-K8S-044", "a workload labelled as a Grafana dashboard", lambda d: web(d)["metadata"]["labels"].__setitem__(
        "app", "grafana-dashboard")),
    ("YW-K8S-045", "git-sync with its usual settings", _env("GITSYNC_REPO", "https://git.luan.gov.example/app")),
    ("YW-K8S-051", "secrets at Metadata before a catch-all RequestResponse rule", _audit_policy(AUDIT_METADATA_FIRST)),
    ("YW-K8S-060", "the container's RuntimeDefault overrides the pod's Unconfined", _seq(
        _pod_settings(seccompProfile={"type": "Unconfined"}),
        _container_sc(seccompProfile={"type": "RuntimeDefault"}))),
    ("YW-K8S-060", "a Localhost profile", _container_sc(seccompProfile={"type": "Localhost",
                                                                         "localhostProfile": "web.json"})),
    ("YW-K8S-061", "RuntimeDefault AppArmor", _container_sc(appArmorProfile={"type": "RuntimeDefault"})),
    ("YW-K8S-061", "the runtime/default annotation", lambda d: web(d)["spec"]["template"]["metadata"].setdefault(
        "annotations", {}).__setitem__("container.apparmor.security.beta.kubernetes.io/web", "runtime/default")),
    ("YW-K8S-062", "container_t with a level", _container_sc(seLinuxOptions={"type": "container_t",
                                                                              "level": "s0:c123,c456"})),
    ("YW-K8S-063", "hostPort 0 is no host port", lambda d: _ports(d)[0].__setitem__("hostPort", 0)),
    ("YW-K8S-064", "procMount Default", _container_sc(procMount="Default")),
    ("YW-K8S-065", "a safe sysctl", _pod_settings(sysctls=[{"name": "net.ipv4.tcp_syncookies", "value": "1"}])),
    ("YW-K8S-066", "Windows options without HostProcess", _container_sc(windowsOptions={"runAsUserName": "app"})),
    ("YW-K8S-067", "projected, configMap and downwardAPI volumes", lambda d: _pod(d)["volumes"].extend([
        {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
        {"name": "conf", "configMap": {"name": "web"}}, {"name": "info", "downwardAPI": {"items": []}}])),
    ("YW-K8S-068", "NET_BIND_SERVICE only", _container_sc(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})),
    ("YW-K8S-069", "the container's high uid overrides the pod's", _seq(
        _pod_settings(runAsUser=1000), _container_sc(runAsUser=20000))),
    ("YW-K8S-070", "the container's group overrides the pod's root group", _seq(
        _pod_settings(runAsGroup=0), _container_sc(runAsGroup=10002))),
    ("YW-K8S-071", "an empty host is the pod's own address", lambda d: container(d)["readinessProbe"]["httpGet"]
     .__setitem__("host", "")),
    ("YW-K8S-072", "a LimitRange fills ephemeral-storage", _seq(
        _resource_drop("limits", "ephemeral-storage"), _resource_drop("requests", "ephemeral-storage"), _add("""
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: app}
spec: {limits: [{type: Container, default: {ephemeral-storage: 1Gi}, defaultRequest: {ephemeral-storage: 100Mi}}]}
"""))),
    ("YW-K8S-073", "preferred anti-affinity on the node name", _seq(
        lambda d: _pod(d).pop("topologySpreadConstraints"), lambda d: _pod(d).__setitem__("affinity", {
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
                "topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "web"}}}}]}}))),
    ("YW-K8S-074", "a budget selecting by expression", lambda d: _pdb(d).__setitem__(
        "selector", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]})),
    ("YW-K8S-075", "minAvailable below the replicas", _seq(lambda d: _pdb(d).pop("maxUnavailable"),
                                                           lambda d: _pdb(d).__setitem__("minAvailable", "50%"))),
    ("YW-K8S-076", "an autoscaler that keeps three", _add(HPA_ONE.replace("minReplicas: 1", "minReplicas: 3"))),
    ("YW-K8S-080", "a port number that only contains 22", lambda d: _ports(d).append({"containerPort": 8022})),
    ("YW-K8S-081", "HTTPS on a management port",
     _service("console", {"ports": [{"name": "https-admin", "port": 8443}]})),
    ("YW-K8S-081", "syslog on 514/UDP", _service("syslog", {"ports": [{"port": 514, "protocol": "UDP"}]})),
    ("YW-K8S-081", "a port number that merely contains 23", _service("web2", {"ports": [{"port": 8023}]})),
    ("YW-K8S-082", "a wide ipBlock that excepts the metadata addresses", _policy("web-out", {
        "podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {
            "cidr": "0.0.0.0/0", "except": ["169.254.0.0/16", "100.100.100.200/32"]}}]}]})),
    ("YW-K8S-082", "anywhere, but only on 443", _policy("web-out", {
        "podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 443}],
                                                                  "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]})),
    ("YW-K8S-083", "a console on ClusterIP", _service("grafana", {"ports": [{"port": 3000}]}, "mgmt")),
    ("YW-K8S-084", "ordinary ingress-nginx annotations", lambda d: find(d, "Ingress", "portal")["metadata"]
     .__setitem__("annotations", {"nginx.ingress.kubernetes.io/ssl-redirect": "true"})),
    ("YW-K8S-085", "a selector by expression that matches", _policy("web-in", {
        "podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}, "policyTypes": ["Ingress"]})),
    ("YW-K8S-086", "ingress from a named namespace", _policy("web-in", {
        "podSelector": {"matchLabels": {"app": "web"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"yunwang.io/zone": "internet-access"}}}]}]})),
    ("YW-K8S-086", "the internet-access zone takes traffic from anywhere", _policy("public", {
        "podSelector": {}, "ingress": [{}]}, "edge")),
    ("YW-K8S-087", "the default namespace's own service account", _add("""
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: default}
automountServiceAccountToken: false
""")),
]
