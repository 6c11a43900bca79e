"""The hardened control plane of examples/k8s/control-plane/hardened, and one mutation per control-plane rule that
makes exactly that rule fail (the counterpart of audit_k8s_cases for the workload rules)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from yunwang.testkit import ROOT

HARDENED = ROOT / "examples" / "k8s" / "control-plane" / "hardened"
KUBEADM_DEFAULT = ROOT / "examples" / "k8s" / "control-plane" / "kubeadm-default"

Docs = list[dict[str, Any]]
Mutation = Callable[[Docs], None]


def load(folder: Path = HARDENED) -> Docs:
    """Every document of the folder's files, in file-name order."""
    return [d for p in sorted(folder.glob("*.yaml")) for d in yaml.safe_load_all(p.read_text(encoding="utf-8")) if d]


def dump(docs: Docs) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def _pod(docs: Docs, name: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == "Pod" and d["metadata"]["name"] == name)


def _command(docs: Docs, name: str) -> list[str]:
    command: list[str] = _pod(docs, name)["spec"]["containers"][0]["command"]
    return command


def _config(docs: Docs, kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind)


def flag(component: str, name: str, value: str) -> Mutation:
    """Set ``--name=value`` on a component's command line (replacing an earlier value)."""
    def apply(docs: Docs) -> None:
        command = _command(docs, component)
        command[:] = [w for w in command if not w.startswith(f"--{name}=")] + [f"--{name}={value}"]
    return apply


def unflag(component: str, name: str) -> Mutation:
    def apply(docs: Docs) -> None:
        command = _command(docs, component)
        before = len(command)
        command[:] = [w for w in command if not w.startswith(f"--{name}=")]
        assert len(command) == before - 1, f"{component} has no --{name}"
    return apply


def setting(kind: str, path: str, value: Any) -> Mutation:
    """Set (or with ``None`` remove) a field of the first configuration file of ``kind``."""
    def apply(docs: Docs) -> None:
        node = _config(docs, kind)
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            del node[last]
        else:
            node[last] = value
    return apply


def kubelet_in_pod(*flags: str) -> Mutation:
    """A kubelet run from a container's command line (kind, in-pod kubelets): settings only a flag can spoil."""
    def apply(docs: Docs) -> None:
        pod = copy.deepcopy(_pod(docs, "kube-scheduler"))
        pod["metadata"]["name"] = "node-kubelet"
        pod["spec"].pop("hostNetwork")
        pod["spec"]["volumes"] = []
        container = pod["spec"]["containers"][0]
        container["volumeMounts"] = []
        container["command"] = ["kubelet", "--config=/var/lib/kubelet/config.yaml", *flags]
        docs.append(pod)
    return apply


def _identity_first(docs: Docs) -> None:
    providers = _config(docs, "EncryptionConfiguration")["resources"][0]["providers"]
    providers.reverse()


API, CM, SCHED, ETCD = "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"

# rule id → (mutation that makes exactly this rule fail, expected message fragment)
FAILING: dict[str, tuple[Mutation, str]] = {
    "YW-K8S-100": (unflag(API, "authentication-config"), "--anonymous-auth is not false"),
    "YW-K8S-101": (flag(API, "token-auth-file", "/etc/kubernetes/tokens.csv"), "plain-text tokens"),
    "YW-K8S-102": (unflag(API, "kubelet-client-key"), "--kubelet-client-key not set"),
    "YW-K8S-103": (unflag(API, "kubelet-certificate-authority"), "--kubelet-certificate-authority not set"),
    "YW-K8S-104": (flag(API, "authorization-mode", "RBAC"), "lacks Node"),
    "YW-K8S-105": (flag(API, "enable-admission-plugins",
                        "NodeRestriction,AlwaysPullImages,EventRateLimit,DenyServiceExternalIPs,AlwaysAdmit"),
                   "AlwaysAdmit admits every request"),
    "YW-K8S-106": (flag(API, "disable-admission-plugins", "ServiceAccount"), "turns off ServiceAccount"),
    "YW-K8S-107": (flag(API, "enable-admission-plugins", "NodeRestriction,EventRateLimit"),
                   "AlwaysPullImages, DenyServiceExternalIPs"),
    "YW-K8S-108": (unflag(SCHED, "profiling"), "kube-scheduler (container 'kube-scheduler'): --profiling"),
    "YW-K8S-109": (unflag(API, "audit-policy-file"), "records no audit events"),
    "YW-K8S-110": (flag(API, "audit-log-maxage", "7"), "--audit-log-maxage=7 (at least 30)"),
    "YW-K8S-111": (flag(API, "request-timeout", "1h"), "--request-timeout=1h"),
    "YW-K8S-112": (flag(API, "service-account-lookup", "false"), "deleted service accounts"),
    "YW-K8S-113": (unflag(CM, "service-account-private-key-file"), "--service-account-private-key-file not set"),
    "YW-K8S-114": (flag(API, "etcd-servers", "http://127.0.0.1:2379"), "plain HTTP: http://127.0.0.1:2379"),
    "YW-K8S-115": (unflag(API, "client-ca-file"), "--client-ca-file not set"),
    "YW-K8S-116": (unflag(API, "encryption-provider-config"), "stored in etcd in plain text"),
    "YW-K8S-117": (_identity_first, "first provider is identity"),
    "YW-K8S-118": (flag(API, "tls-min-version", "VersionTLS10"), "TLS minimum version VersionTLS10"),
    "YW-K8S-119": (unflag(API, "service-account-extend-token-expiration"), "live up to a year"),
    "YW-K8S-120": (flag(API, "insecure-port", "8080"), "--insecure-port=8080"),
    "YW-K8S-121": (unflag(CM, "terminated-pod-gc-threshold"), "--terminated-pod-gc-threshold not set"),
    "YW-K8S-122": (flag(CM, "use-service-account-credentials", "false"), "manager's full rights"),
    "YW-K8S-123": (unflag(CM, "root-ca-file"), "--root-ca-file not set"),
    "YW-K8S-124": (flag(CM, "feature-gates", "RotateKubeletServerCertificate=false"),
                   "RotateKubeletServerCertificate=false"),
    "YW-K8S-125": (flag(SCHED, "bind-address", "0.0.0.0"), "--bind-address=0.0.0.0"),
    "YW-K8S-126": (flag(ETCD, "client-cert-auth", "false"), "client port: --client-cert-auth is not true"),
    "YW-K8S-127": (flag(ETCD, "peer-auto-tls", "true"), "peer port: --peer-auto-tls=true"),
    "YW-K8S-128": (flag(ETCD, "trusted-ca-file", "/etc/kubernetes/pki/ca.crt"), "is the cluster CA"),
    "YW-K8S-130": (setting("KubeletConfiguration", "authentication.anonymous.enabled", True), "anonymous requests"),
    "YW-K8S-131": (setting("KubeletConfiguration", "authorization.mode", "AlwaysAllow"), "AlwaysAllow"),
    "YW-K8S-132": (setting("KubeletConfiguration", "authentication.x509", {}), "no client CA"),
    "YW-K8S-133": (setting("KubeletConfiguration", "readOnlyPort", 10255), "read-only port 10255"),
    "YW-K8S-134": (kubelet_in_pod("--streaming-connection-idle-timeout=0"), "idle timeout 0"),
    "YW-K8S-135": (setting("KubeletConfiguration", "makeIPTablesUtilChains", False), "makeIPTablesUtilChains"),
    "YW-K8S-136": (kubelet_in_pod("--hostname-override=node-7"), "--hostname-override=node-7"),
    "YW-K8S-137": (setting("KubeletConfiguration", "eventRecordQPS", 2), "eventRecordQPS 2"),
    "YW-K8S-138": (setting("KubeletConfiguration", "serverTLSBootstrap", None), "self-signed certificate"),
    "YW-K8S-139": (setting("KubeletConfiguration", "rotateCertificates", False), "never renewed"),
    "YW-K8S-140": (setting("KubeletConfiguration", "tlsCipherSuites", ["TLS_RSA_WITH_AES_128_CBC_SHA"]),
                   "weak TLS cipher suites allowed: TLS_RSA_WITH_AES_128_CBC_SHA"),
    "YW-K8S-141": (setting("KubeletConfiguration", "podPidsLimit", None), "podPidsLimit not set"),
    "YW-K8S-142": (setting("KubeletConfiguration", "seccompDefault", False), "run Unconfined"),
    "YW-K8S-143": (setting("KubeletConfiguration", "protectKernelDefaults", False), "kernel tunables"),
    "YW-K8S-144": (setting("KubeProxyConfiguration", "metricsBindAddress", "0.0.0.0:10249"), "0.0.0.0:10249"),
}


def mutated(rule_id: str) -> Docs:
    docs = load()
    FAILING[rule_id][0](docs)
    return docs


def variants() -> list[tuple[str, str, Mutation]]:
    """(rule, label, mutation): other ways of being compliant, which must stay clean (false-positive tests)."""
    def seq(*steps: Mutation) -> Mutation:
        def apply(docs: Docs) -> None:
            for step in steps:
                step(docs)
        return apply

    return [
        ("YW-K8S-100", "anonymous-auth=false instead of an authentication config",
         seq(unflag(API, "authentication-config"), flag(API, "anonymous-auth", "false"))),
        ("YW-K8S-104", "mode order does not matter", flag(API, "authorization-mode", "RBAC,Node")),
        ("YW-K8S-110", "audit events on stdout for the node's collector", seq(
            flag(API, "audit-log-path", "-"), unflag(API, "audit-log-maxage"))),
        ("YW-K8S-110", "audit events to a webhook only", seq(
            unflag(API, "audit-log-path"),
            flag(API, "audit-webhook-config-file", "/etc/kubernetes/audit/webhook.yaml"))),
        ("YW-K8S-111", "a short request timeout", flag(API, "request-timeout", "2m0s")),
        ("YW-K8S-117", "aescbc for secrets, identity after it", setting("EncryptionConfiguration", "resources", [
            {"resources": ["secrets"], "providers": [{"aescbc": {"keys": [{"name": "k1", "secret": "c2VjcmV0"}]}},
                                                     {"identity": {}}]}])),
        ("YW-K8S-124", "other gates listed",
         flag(CM, "feature-gates", "RotateKubeletServerCertificate=true,Foo=false")),
        ("YW-K8S-125", "IPv6 localhost", flag(SCHED, "bind-address", "::1")),
        ("YW-K8S-126", "etcd settings from ETCD_* variables", seq(
            unflag(ETCD, "client-cert-auth"),
            lambda d: _pod(d, ETCD)["spec"]["containers"][0].setdefault("env", []).append(
                {"name": "ETCD_CLIENT_CERT_AUTH", "value": "true"}))),
        ("YW-K8S-134", "0s in the file means the default (4h)",
         setting("KubeletConfiguration", "streamingConnectionIdleTimeout", "0s")),
        ("YW-K8S-138", "certificate files instead of TLS bootstrap", seq(
            setting("KubeletConfiguration", "serverTLSBootstrap", None),
            setting("KubeletConfiguration", "tlsCertFile", "/var/lib/kubelet/pki/kubelet.crt"),
            setting("KubeletConfiguration", "tlsPrivateKeyFile", "/var/lib/kubelet/pki/kubelet.key"))),
        ("YW-K8S-137", "no limit on event recording", setting("KubeletConfiguration", "eventRecordQPS", 0)),
        ("YW-K8S-130", "a kubelet whose --config file was not given is judged on its flags only",
         kubelet_in_pod("--rotate-certificates=true")),
        ("YW-K8S-144", "kube-proxy's default metrics address", setting("KubeProxyConfiguration",
                                                                      "metricsBindAddress", "")),
        ("YW-K8S-005", "etcd data on a deeper host folder", lambda d: _pod(d, ETCD)["spec"]["volumes"][1][
            "hostPath"].__setitem__("path", "/var/lib/etcd/cluster")),
    ]
