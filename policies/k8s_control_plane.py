"""The Kubernetes control plane as audit facts: static pod manifests and component configuration files.

kube-bench reads the flags of the processes running on a node; the static pod manifests under
``/etc/kubernetes/manifests`` (kube-apiserver, kube-controller-manager, kube-scheduler, etcd) say the same thing
before a node runs them, and the kubelet's ``KubeletConfiguration`` (``/var/lib/kubelet/config.yaml``) holds the
kubelet's settings. Both are ordinary YAML inputs of ``yunwang audit k8s``: a container whose command runs one of the
components is judged by its command-line flags, a configuration file by its fields with the kubelet's documented
defaults for what it leaves out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from policies.engine import Violation
from policies.k8s import K8sFacts, K8sObject, as_dict, containers

API_SERVER = "kube-apiserver"
CONTROLLER_MANAGER = "kube-controller-manager"
SCHEDULER = "kube-scheduler"
ETCD = "etcd"
KUBELET = "kubelet"
KUBE_PROXY = "kube-proxy"
STATIC_COMPONENTS = frozenset({API_SERVER, CONTROLLER_MANAGER, SCHEDULER, ETCD})
COMPONENTS = STATIC_COMPONENTS | {KUBELET, KUBE_PROXY}
_SHELLS = frozenset({"sh", "bash", "ash", "dash"})

CONTROL_PLANE_HOST_PATHS = ("/etc/kubernetes", "/var/lib/etcd", "/etc/ssl/certs", "/etc/ca-certificates", "/etc/pki",
                            "/usr/share/ca-certificates", "/usr/local/share/ca-certificates",
                            "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "/var/log/kubernetes",
                            "/var/run/kmsplugin")
"""Host folders the control-plane static pods mount by design (kubeadm's layout: certificates, kubeconfigs, etcd
data, CA bundles, FlexVolume plugins, audit logs, and the KMS plugin's socket folder of the Kubernetes docs)."""


@dataclass
class Component:
    """One control-plane or node component as written: its flags (``--name`` → value, the last one wins as for the
    binary itself; a bare boolean flag is "true") and, for the kubelet and kube-proxy, its configuration file."""

    name: str
    obj: K8sObject
    flags: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] | None = None
    container: str | None = None

    def where(self) -> str:
        """How a message names it: ``kube-apiserver (container 'kube-apiserver')`` or the configuration file."""
        if self.config is not None and not self.flags:
            return f"{self.name} configuration {self.obj.name}"
        return f"{self.name} (container '{self.container}')" if self.container else self.name

    def flag(self, name: str) -> str | None:
        return self.flags.get(name)

    def setting(self, flag: str, path: tuple[str, ...], default: Any = None) -> Any:
        """A kubelet/kube-proxy setting: the flag when given (flags override the file), else the configuration
        field at ``path``, else ``default`` (the v1beta1 default the component applies to an absent field)."""
        if flag in self.flags:
            return self.flags[flag]
        value: Any = self.config
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return default if value is None else value


def command_line(container: dict[str, Any]) -> list[str]:
    """command + args of a container as strings; a ``sh -c "…"`` wrapper is split like a shell would."""
    words = [str(w) for key in ("command", "args") for w in (container.get(key) or []) if isinstance(w, str | int)]
    if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in _SHELLS and words[1] == "-c":
        import shlex

        try:
            return shlex.split(words[2]) + words[3:]
        except ValueError:
            return words
    return words


def binary(words: list[str]) -> str | None:
    """The component a command line runs (``/usr/local/bin/kube-apiserver`` → ``kube-apiserver``)."""
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    return name if name in COMPONENTS else None


def parse_flags(words: Iterable[str]) -> dict[str, str]:
    """``--a=1 --b 2 --c`` → ``{"a": "1", "b": "2", "c": "true"}`` (the program name is skipped, the last value wins).

    A bare flag followed by a word that is not a flag takes it as its value, as pflag does for non-boolean flags;
    boolean flags in static pod manifests are always written ``--flag=value``."""
    items = list(words)[1:]
    flags: dict[str, str] = {}
    i = 0
    while i < len(items):
        word = items[i]
        i += 1
        if not word.startswith("-"):
            continue
        name, eq, value = word.lstrip("-").partition("=")
        if not eq:
            if i < len(items) and not items[i].startswith("-"):
                value, i = items[i], i + 1
            else:
                value = "true"
        flags[name] = value
    return flags


def _env_flags(container: dict[str, Any]) -> dict[str, str]:
    """etcd also reads every flag from ``ETCD_<FLAG>`` variables (flags win)."""
    out: dict[str, str] = {}
    for env in container.get("env") or []:
        if isinstance(env, dict) and str(env.get("name", "")).startswith("ETCD_") and "value" in env:
            out[str(env["name"])[5:].lower().replace("_", "-")] = str(env["value"])
    return out


def components(facts: K8sFacts) -> list[Component]:
    """Every component found in the object set: containers running a component binary, KubeletConfiguration and
    KubeProxyConfiguration files. Built once per audit."""
    found = facts.memo.get("control_plane")
    if found is None:
        found = facts.memo["control_plane"] = list(_find(facts))
    return list(found)


def _find(facts: K8sFacts) -> Iterable[Component]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            words = command_line(c)
            name = binary(words)
            if name is None:
                continue
            flags = parse_flags(words)
            if name == ETCD:
                flags = {**_env_flags(c), **flags}
            yield Component(name=name, obj=obj, flags=flags, container=str(c.get("name", "?")))
    for obj in facts.of_kind("KubeletConfiguration"):
        yield Component(name=KUBELET, obj=obj, config=obj.obj)
    for obj in facts.of_kind("KubeProxyConfiguration"):
        yield Component(name=KUBE_PROXY, obj=obj, config=obj.obj)
    for cm in facts.in_namespace("ConfigMap", "kube-system"):
        for config in embedded_configs(cm):
            name = KUBELET if config["kind"] == "KubeletConfiguration" else KUBE_PROXY
            yield Component(name=name, obj=cm, config=config)


_EMBEDDED_KINDS = ("KubeletConfiguration", "KubeProxyConfiguration")


def embedded_configs(cm: K8sObject) -> Iterator[dict[str, Any]]:
    """Kubelet and kube-proxy configurations that kubeadm keeps in kube-system ConfigMaps (kubelet-config, kube-proxy):
    an export of the cluster's objects carries the nodes' settings there."""
    import yaml

    for value in as_dict(cm.obj.get("data")).values():
        if not isinstance(value, str) or not any(f"kind: {k}" in value for k in _EMBEDDED_KINDS):
            continue
        try:
            doc = yaml.load(value, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            continue
        if isinstance(doc, dict) and doc.get("kind") in _EMBEDDED_KINDS:
            yield doc


def of(facts: K8sFacts, name: str) -> list[Component]:
    return [c for c in components(facts) if c.name == name]


def is_control_plane_static_pod(obj: K8sObject, spec: dict[str, Any]) -> bool:
    """A kubeadm-style static pod of the control plane: a Pod in kube-system running the API server, controller
    manager, scheduler or etcd. These need the host network and their host folders by design."""
    if obj.kind != "Pod" or obj.namespace != "kube-system":
        return False
    return any(binary(command_line(c)) in STATIC_COMPONENTS for c in containers(spec))


def control_plane_host_path(path: str) -> bool:
    """A host path under one of :data:`CONTROL_PLANE_HOST_PATHS` (``..`` is never accepted)."""
    clean = path.rstrip("/") or "/"
    return ".." not in clean.split("/") and any(clean == p or clean.startswith(p + "/")
                                                 for p in CONTROL_PLANE_HOST_PATHS)


def listed(value: str | None) -> list[str]:
    """A comma-separated flag value as a list (``Node,RBAC`` → ``["Node", "RBAC"]``)."""
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def truthy(value: Any) -> bool | None:
    """A boolean flag or field: True/False, or None when absent or not a boolean."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "1": True, "false": False, "0": False}.get(text)


def as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


def seconds(value: Any) -> float | None:
    """A Go duration (``4h``, ``1h30m``, ``0s``, ``0``) in seconds; None when it is not one."""
    text = str(value).strip() if value is not None else ""
    if text in ("0", "-0"):
        return 0.0
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text.lstrip("+"):
        return None
    return sum(float(n) * _UNITS[u] for n, u in parts)


def kubelet_setting(component: Component, flag: str, path: tuple[str, ...], config_default: Any,
                    flag_default: Any) -> Any:
    """A kubelet setting as the kubelet resolves it: the flag when given; else the KubeletConfiguration field, or
    the configuration file's default (v1beta1) when the field is absent; for a kubelet run with flags only, the
    flag's default. None when the kubelet reads a configuration file (--config) this audit was not given."""
    if flag in component.flags:
        return component.flags[flag]
    if component.config is not None:
        return component.setting(flag, path, config_default)
    return None if "config" in component.flags else flag_default


STRONG_CIPHERS = frozenset({
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
})
"""The CIS benchmark's strong suites (1.2.29): forward secrecy and AEAD only."""
STRONG_TLS_VERSIONS = frozenset({"VersionTLS12", "VersionTLS13"})


def weak_tls(ciphers: list[str], min_version: str | None) -> Iterator[str]:
    """Problems with a component's TLS settings (cipher suites unset or weak, minimum version below 1.2)."""
    weak = sorted(set(ciphers) - STRONG_CIPHERS)
    if not ciphers:
        yield "TLS cipher suites are not restricted (Go's defaults include CBC and non-forward-secret suites)"
    elif weak:
        yield f"weak TLS cipher suites allowed: {', '.join(weak)}"
    if min_version and min_version not in STRONG_TLS_VERSIONS:
        yield f"TLS minimum version {min_version} (use VersionTLS12 or VersionTLS13)"


ComponentCheck = Callable[[Component], Iterable[str]]


def each(*names: str) -> Callable[[ComponentCheck], Callable[[K8sFacts], Iterator[Violation]]]:
    """Turn a check of one component (yielding problems as text) into a rule over every component of ``names`` in
    the object set; each problem becomes a violation on the manifest or configuration file that states it."""
    def wrap(check: ComponentCheck) -> Callable[[K8sFacts], Iterator[Violation]]:
        @functools.wraps(check)
        def run(facts: K8sFacts) -> Iterator[Violation]:
            for comp in components(facts):
                if comp.name in names:
                    for problem in check(comp):
                        yield Violation(comp.obj.target(), f"{comp.where()}: {problem}")
        return run
    return wrap
