"""Kubernetes YAML as audit facts: files, folders, multi-document streams, ``List`` kinds, Helm output.

Speed matters (a city renders tens of thousands of objects), so documents are parsed with libyaml's C loader
straight into dicts; no per-object models. Line numbers come from a cheap scan of document starts (``---``),
which also lets one broken document fail alone while the rest of the file is audited. Only ``List`` documents
are composed into nodes, to find each item's line.
"""

from __future__ import annotations

import functools
import gc
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from policies.engine import AuditError, ReadStats, Target, Waiver
from policies.waivers import parse_annotation_waivers

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 10 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml", ".json")
ZONE_LABEL = "yunwang.io/zone"
ZONE_KIND_LABEL = "yunwang.io/zone-kind"
REGION_LABEL = "yunwang.io/region"
WAIVE_ANNOTATION = "yunwang.io/waive"

CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "CustomResourceDefinition", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "IngressClass", "RuntimeClass",
    "PodSecurityPolicy", "CSIDriver", "CSINode", "VolumeAttachment", "CertificateSigningRequest", "FlowSchema",
    "PriorityLevelConfiguration", "Policy", "KubeletConfiguration", "KubeProxyConfiguration", "EncryptionConfiguration",
    "AuthenticationConfiguration", "AuthorizationConfiguration", "AdmissionConfiguration",
})
CONFIG_KINDS = frozenset({"KubeletConfiguration", "KubeProxyConfiguration", "EncryptionConfiguration",
                          "AuthenticationConfiguration", "AuthorizationConfiguration", "AdmissionConfiguration"})
"""Component configuration files (the kubelet's config.yaml, kube-proxy's, the API server's encryption,
authentication, authorization and admission configurations): audited like objects, named after their file when they
carry no metadata.name."""
KUBEADM_KINDS = frozenset({"ClusterConfiguration", "InitConfiguration", "JoinConfiguration", "ResetConfiguration",
                           "UpgradeConfiguration"})
BUILTIN_KINDS = CLUSTER_SCOPED | frozenset({
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "Service", "Endpoints", "EndpointSlice", "Ingress", "NetworkPolicy", "ConfigMap", "Secret", "ServiceAccount",
    "Role", "RoleBinding", "PersistentVolumeClaim", "ResourceQuota", "LimitRange", "HorizontalPodAutoscaler",
    "PodDisruptionBudget", "PodTemplate", "Event", "Lease", "ControllerRevision", "List",
})
POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"})

_DOC_START = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)
_HELM_SOURCE = re.compile(r"^# Source: (.+?)[ \t\r]*$", re.MULTILINE)


@dataclass(slots=True, init=False)
class K8sObject:
    """One Kubernetes object with where it came from (file, 1-based line, Helm template if any).

    Kind, name and namespace are read once here: rules ask for them many times per object.
    """

    obj: dict[str, Any]
    file: str
    line: int
    template: str | None
    kind: str
    metadata: dict[str, Any]
    name: str
    namespace: str | None
    _target: Target | None

    def __init__(self, obj: dict[str, Any], file: str, line: int, template: str | None = None) -> None:
        self.obj, self.file, self.line, self.template = obj, file, line, template
        self._target = None
        self.kind = str(obj.get("kind", ""))
        meta = obj.get("metadata")
        self.metadata = meta if isinstance(meta, dict) else {}
        self.name = str(self.metadata.get("name") or self.metadata.get("generateName")
                        or (os.path.basename(file) if self.kind in CONFIG_KINDS else "?"))
        self.namespace = None if self.kind in CLUSTER_SCOPED else str(self.metadata.get("namespace") or "default")

    @property
    def id(self) -> str:
        ns = self.namespace
        return f"{self.kind}/{ns}/{self.name}" if ns else f"{self.kind}/{self.name}"

    def target(self, id: str | None = None) -> Target:
        """Where a finding about this object (or, with ``id``, about something it locates) points; the object's own
        target is made once (an object with several findings shares it)."""
        if id is None:
            if self._target is None:
                self._target = Target(source="k8s", id=self.id, file=self.file, line=self.line, template=self.template)
            return self._target
        return Target(source="k8s", id=id, file=self.file, line=self.line, template=self.template)

    def labels(self) -> dict[str, Any]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    def annotations(self) -> dict[str, Any]:
        ann = self.metadata.get("annotations")
        return ann if isinstance(ann, dict) else {}

    def pod_spec(self) -> dict[str, Any] | None:
        """The pod spec a workload runs (Pod, controllers, CronJob), or None for other kinds."""
        kind = self.kind
        spec = self.obj.get("spec")
        if not isinstance(spec, dict):
            return None
        if kind == "Pod":
            return spec
        if kind in POD_TEMPLATE_KINDS:
            template = spec.get("template")
        elif kind == "CronJob":
            job = spec.get("jobTemplate")
            job_spec = job.get("spec") if isinstance(job, dict) else None
            template = job_spec.get("template") if isinstance(job_spec, dict) else None
        else:
            return None
        inner = template.get("spec") if isinstance(template, dict) else None
        return inner if isinstance(inner, dict) else None


def as_dict(value: Any) -> dict[str, Any]:
    """The value if it is a mapping, else an empty one (manifests are user input: any field may be malformed)."""
    return value if isinstance(value, dict) else {}


def containers(pod_spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every container of a pod spec: init, regular and ephemeral."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        items = pod_spec.get(key)
        if isinstance(items, list):
            for c in items:
                if isinstance(c, dict):
                    yield c


def security_context(d: dict[str, Any]) -> dict[str, Any]:
    """The securityContext of a pod spec or a container ({} when absent or malformed)."""
    sc = d.get("securityContext")
    return sc if isinstance(sc, dict) else {}


def container_name(c: dict[str, Any]) -> str:
    return str(c.get("name", "?"))


INSECURE_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE",
                                   "SYS_BOOT", "MAC_OVERRIDE", "MAC_ADMIN", "PERFMON", "BPF", "SETPCAP",
                                   "DAC_READ_SEARCH"})
"""Kubescape's insecure capabilities, plus DAC_READ_SEARCH (reads any file of the host by handle: "shocker")."""


def capability_names(value: object) -> set[str]:
    """Capability names of an add/drop list, upper-case and without a ``CAP_`` prefix (runtimes accept both)."""
    return {str(x).upper().removeprefix("CAP_") for x in value} if isinstance(value, list) else set()


def pod_metadata(obj: K8sObject) -> dict[str, Any]:
    """The metadata of the pods a workload runs: the Pod's own, a controller's pod template's, a CronJob's job
    template's pod template's."""
    if obj.kind == "Pod":
        return obj.metadata
    spec = as_dict(obj.obj.get("spec"))
    if obj.kind == "CronJob":
        spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
    return as_dict(as_dict(spec.get("template")).get("metadata"))


def pod_labels(obj: K8sObject) -> dict[str, Any]:
    """The labels of the pods a workload runs."""
    return as_dict(pod_metadata(obj).get("labels"))


def selects(selector: Any, labels: dict[str, Any], *, plain: bool = False) -> bool:
    """Whether a label selector selects ``labels``: a LabelSelector (matchLabels + matchExpressions; empty selects
    everything) or, with ``plain``, a Service's map of labels (empty selects nothing)."""
    if plain:
        return isinstance(selector, dict) and bool(selector) and all(
            str(labels.get(k)) == str(v) for k, v in selector.items())
    sel = as_dict(selector)
    if any(str(labels.get(k)) != str(v) or k not in labels for k, v in as_dict(sel.get("matchLabels")).items()):
        return False
    for expr in sel.get("matchExpressions") or []:
        expr = as_dict(expr)
        key, op, values = str(expr.get("key")), expr.get("operator"), [str(v) for v in expr.get("values") or []]
        present = key in labels
        if ((op == "In" and (not present or str(labels[key]) not in values))
                or (op == "NotIn" and present and str(labels[key]) in values)
                or (op == "Exists" and not present) or (op == "DoesNotExist" and present)):
            return False
    return True


def effective(pod_spec: dict[str, Any], container: dict[str, Any], key: str) -> Any:
    """A security setting as the kubelet applies it: the container's securityContext overrides the pod's (runAsUser,
    runAsGroup, runAsNonRoot, seccompProfile, appArmorProfile, seLinuxOptions, windowsOptions)."""
    sc = security_context(container)
    return sc[key] if key in sc else security_context(pod_spec).get(key)


@dataclass
class K8sFacts:
    """The whole object set of one audit, with cross-object indexes built on first use."""

    objects: list[K8sObject] = field(default_factory=list)
    _ns_index: dict[str, dict[str, list[K8sObject]]] = field(default_factory=dict, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """Indexes that rule helpers derive from the objects (control-plane components, RBAC grants …), built once per
    audit by the first rule that asks."""

    @cached_property
    def by_kind(self) -> dict[str, list[K8sObject]]:
        out: dict[str, list[K8sObject]] = {}
        for o in self.objects:
            out.setdefault(o.kind, []).append(o)
        return out

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        return [o for k in kinds for o in self.by_kind.get(k, [])]

    def in_namespace(self, kind: str, namespace: str) -> list[K8sObject]:
        """Objects of one kind in one namespace (indexed once per kind)."""
        index = self._ns_index.get(kind)
        if index is None:
            index = {}
            for o in self.by_kind.get(kind, []):
                index.setdefault(o.namespace or "", []).append(o)
            self._ns_index[kind] = index
        return index.get(namespace, [])

    @cached_property
    def workloads(self) -> list[tuple[K8sObject, dict[str, Any]]]:
        """(object, pod spec) for every object that runs pods."""
        out = []
        for o in self.objects:
            spec = o.pod_spec()
            if spec is not None:
                out.append((o, spec))
        return out

    @cached_property
    def containers(self) -> list[tuple[K8sObject, dict[str, Any], dict[str, Any]]]:
        """(object, pod spec, container) for every container of every workload: many rules walk them all."""
        return [(o, spec, c) for o, spec in self.workloads for c in containers(spec)]

    @cached_property
    def namespaces(self) -> dict[str, K8sObject]:
        return {o.name: o for o in self.by_kind.get("Namespace", [])}

    def used_namespaces(self) -> list[str]:
        """Namespaces declared or holding workloads/services, sorted; system namespaces excluded."""
        names = set(self.namespaces)
        for o, _ in self.workloads:
            if o.namespace:
                names.add(o.namespace)
        return sorted(n for n in names if not n.startswith("kube-"))

    @cached_property
    def container_defaults(self) -> dict[str, set[str]]:
        """Per namespace, the resource fields LimitRanges fill in for containers (e.g. 'limits.cpu')."""
        out: dict[str, set[str]] = {}
        for lr in self.by_kind.get("LimitRange", []):
            spec = as_dict(lr.obj.get("spec"))
            for item in spec.get("limits") or []:
                if not isinstance(item, dict) or item.get("type", "Container") != "Container":
                    continue
                for key, section in (("default", "limits"), ("defaultRequest", "requests")):
                    values = as_dict(item.get(key))
                    out.setdefault(lr.namespace or "", set()).update(f"{section}.{k}" for k in values)
        return out

    def zone_of(self, namespace: str | None) -> str | None:
        """The zone kind of a namespace (label yunwang.io/zone-kind, else yunwang.io/zone)."""
        ns = self.namespaces.get(namespace or "")
        if ns is None:
            return None
        labels = ns.labels()
        value = labels.get(ZONE_KIND_LABEL, labels.get(ZONE_LABEL))
        return str(value) if value is not None else None

    def namespace_target(self, namespace: str) -> Target:
        ns = self.namespaces.get(namespace)
        if ns is not None:
            return ns.target()
        first = next((o for o in self.objects if o.namespace == namespace), None)
        return first.target(f"Namespace/{namespace}") if first else Target(source="k8s", id=f"Namespace/{namespace}")


@dataclass
class LoadResult:
    """Objects read plus the problems met and annotation waivers found on the way."""

    facts: K8sFacts
    errors: list[AuditError]
    waivers: list[Waiver]


def iter_yaml_files(paths: Iterable[str | Path], stats: ReadStats, errors: list[AuditError]) -> Iterator[Path]:
    """YAML/JSON files under the given paths (sorted, hidden folders skipped); other files are noted as skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    full = Path(root) / name
                    if name.endswith(YAML_SUFFIXES):
                        yield full
                    elif not name.startswith("."):
                        stats.skip("k8s", str(full), "not a YAML or JSON file")
        else:
            errors.append(AuditError(str(path), None, "no such file or folder"))


def read_text(path: Path, errors: list[AuditError], max_bytes: int | None = None) -> str | None:
    """A file's text, or None with an error entry (unreadable, too large, binary, not UTF-8)."""
    name = str(path)
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            errors.append(AuditError(name, None, f"file is {size} bytes, over the {max_bytes}-byte limit; "
                                                 "split it or audit it separately"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        errors.append(AuditError(name, None, f"cannot read file: {exc.strerror or exc}"))
        return None
    if b"\0" in data[:8192]:
        errors.append(AuditError(name, None, "binary file, not YAML"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(AuditError(name, None, f"not UTF-8 text (byte {exc.start}); save it as UTF-8"))
        return None


def _documents(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each YAML document, split at ``---`` lines (cheap: one regex pass)."""
    starts = [0] + [m.start() for m in _DOC_START.finditer(text) if m.start() > 0]
    line_at = _line_counter(text)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        yield line_at(start), text[start:end]


def _line_counter(text: str) -> Any:
    """Line number (1-based) of increasing offsets, counting newlines incrementally."""
    state = {"pos": 0, "line": 1}

    def line_at(offset: int) -> int:
        state["line"] += text.count("\n", state["pos"], offset)
        state["pos"] = offset
        return state["line"]

    return line_at


def load_k8s(paths: Iterable[str | Path], stats: ReadStats, *, display_root: Path | None = None) -> LoadResult:
    """Read every Kubernetes object under ``paths``; problems become error entries, the rest is audited."""
    errors: list[AuditError] = []
    facts = K8sFacts()
    waivers: list[Waiver] = []
    # Everything read stays alive until the audit ends, so the cyclic collector would rescan a growing heap
    # over and over while it fills (measured: ~15% of load time at 10,000 objects). Afterwards everything is
    # moved to the oldest generation (freeze, then unfreeze): left in the youngest, the first pass after
    # re-enabling would scan every object read (~70 ms at 2,000 objects) only to find them all alive.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in iter_yaml_files(paths, stats, errors):
            name = _display(path, display_root)
            text = read_text(path, errors)
            stats.note_file("k8s")
            if text is None:
                stats.skip("k8s", name, "unreadable file (see errors)")
                continue
            load_text(text, name, facts, stats, errors, waivers)
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    return LoadResult(facts=facts, errors=errors, waivers=waivers)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


@functools.lru_cache(maxsize=16_384)
def _resolved_tag(kind: Any, value: Any, implicit: Any) -> str:
    """The tag PyYAML's resolver gives a node, remembered for the values manifests repeat ("name", "TCP", "true" …).

    A C-level cache hit: the composer calls this for every node, and a Python method in its place cost ~10 % of
    loading. Bounded; it only keeps alive values the object set holds anyway while an audit runs."""
    tag: str = _RESOLVER.resolve(kind, value, implicit)
    return tag


_RESOLVER = yaml.resolver.Resolver()


class _ManifestLoader(Loader):  # type: ignore[misc,valid-type]
    """libyaml's loader with the tag resolution it calls back into Python for, per node, made cheap.

    Manifests repeat the same keys and values, so resolved tags come from a bounded cache (:func:`_resolved_tag`);
    path resolvers are never registered here, so their per-node hooks do nothing. Together about 20 % of parsing CPU.
    """

    resolve = staticmethod(_resolved_tag)

    # The composer calls these two hooks for every node; with no path resolvers they have nothing to do, so they are
    # C functions that do nothing useful instead of Python methods (two Python calls fewer per node: ~6 % of loading).
    # dict.get(node, index) and tuple() ignore their result; a builtin is not bound as a method, so no self is passed.
    _NO_PATHS: dict[Any, Any] = {}
    descend_resolver = _NO_PATHS.get  # type: ignore[assignment]
    ascend_resolver = tuple  # type: ignore[assignment]


def _converter(loader: Any) -> Any:
    """Node → Python data, as PyYAML's SafeConstructor would build it, but faster.

    Manifests are nearly all plain maps, lists and strings: those are built directly (strings are the node's
    value); every other tag (int, bool, null, float, timestamp, merge keys, binary …) goes to the loader's own
    constructor, so results are identical (checked against ``yaml.load_all`` in the tests). About 40% less CPU
    than ``yaml.load_all`` with the C loader.
    """
    construct = loader.construct_object

    def convert(node: Any) -> Any:
        cls = node.__class__
        if cls is yaml.ScalarNode:
            return node.value if node.tag == _STR else construct(node, deep=True)
        if cls is yaml.MappingNode:
            if node.tag != _MAP:
                return construct(node, deep=True)
            out = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is yaml.ScalarNode and key_node.tag == _STR:
                    key = key_node.value
                elif key_node.tag == "tag:yaml.org,2002:merge" or key_node.__class__ is not yaml.ScalarNode:
                    return construct(node, deep=True)  # merge keys, complex keys: PyYAML's own rules
                else:
                    key = convert(key_node)
                out[key] = convert(value_node)
            return out
        if node.tag != _SEQ:
            return construct(node, deep=True)
        return [convert(item) for item in node.value]

    return convert


def _parse(text: str, offset: int) -> list[tuple[Any, int, Any]]:
    """(data, 1-based line, node) of every document: composed by libyaml (the node knows its line), then
    converted by :func:`_converter`, so line numbers cost nothing extra."""
    out: list[tuple[Any, int, Any]] = []
    loader = _ManifestLoader(text)
    convert = _converter(loader)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                out.append((convert(node), offset + node.start_mark.line + 1, node))
                loader.constructed_objects.clear()
    finally:
        loader.dispose()
    return out


def _template_at(text: str) -> Any:
    """Helm's ``# Source: chart/templates/x.yaml`` heading the document at a line (None when there is none)."""
    if "# Source:" not in text:
        return lambda line: None
    marks = sorted([(text.count("\n", 0, m.start()) + 1, None) for m in _DOC_START.finditer(text)]
                   + [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _HELM_SOURCE.finditer(text)],
                   key=lambda mark: mark[0])

    def at(line: int) -> str | None:
        found = None
        for mark_line, template in marks:
            if mark_line > line:
                break
            found = template  # a document separator resets it
        return found

    return at


def load_text(text: str, name: str, facts: K8sFacts, stats: ReadStats, errors: list[AuditError],
              waivers: list[Waiver]) -> None:
    """Parse one file's documents into ``facts``.

    The whole stream goes through one loader (the fast path). A YAML error breaks a stream, so such a file is
    re-read document by document, split at ``---`` lines: only the broken document fails, with its line.
    """
    template_at = _template_at(text)
    try:
        documents = _parse(text, 0)
    except yaml.YAMLError:
        documents = []
        for first_line, chunk in _documents(text):
            try:
                documents += _parse(chunk, first_line - 1)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = first_line + mark.line if mark is not None else first_line
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                errors.append(AuditError(name, line, f"invalid YAML: {problem}"))
                stats.skip("k8s", name, "invalid YAML document (see errors)", line)
    for data, line, node in documents:
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.append(AuditError(name, line, f"not a Kubernetes object (a YAML {type(data).__name__})"))
            stats.skip("k8s", name, "document is not a mapping", line)
        elif str(data.get("kind", "")).endswith("List") and isinstance(data.get("items"), list):
            _add_list(data, node, line, name, template_at, facts, stats, errors, waivers)
        else:
            _add_object(data, name, line, template_at(line), facts, stats, errors, waivers)


def _add_list(data: dict[str, Any], node: Any, line: int, name: str, template_at: Any, facts: K8sFacts,
              stats: ReadStats, errors: list[AuditError], waivers: list[Waiver]) -> None:
    offset = line - node.start_mark.line
    lines: list[int] = []
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        if getattr(key, "value", None) == "items" and isinstance(value, yaml.SequenceNode):
            lines = [offset + item.start_mark.line for item in value.value]
    for i, item in enumerate(data["items"]):
        item_line = lines[i] if i < len(lines) else line
        if not isinstance(item, dict):
            errors.append(AuditError(name, item_line, f"List item {i} is not a Kubernetes object"))
            stats.skip("k8s", name, "List item is not a mapping", item_line)
            continue
        _add_object(item, name, item_line, template_at(item_line), facts, stats, errors, waivers)


def _add_object(data: dict[str, Any], name: str, line: int, template: str | None, facts: K8sFacts,
                stats: ReadStats, errors: list[AuditError], waivers: list[Waiver]) -> None:
    stats.note_read("k8s")
    kind = data.get("kind")
    api = data.get("apiVersion")
    if not isinstance(kind, str) or not kind or not isinstance(api, str) or not api:
        errors.append(AuditError(name, line, "missing 'apiVersion' or 'kind': not a Kubernetes object"))
        stats.skip("k8s", name, "missing apiVersion/kind", line)
        return
    if kind not in BUILTIN_KINDS:
        group = api.split("/")[0] if "/" in api else ""
        if kind in KUBEADM_KINDS and group == "kubeadm.k8s.io":
            stats.skip("k8s", name, f"kubeadm {kind}: audit the static pod manifests and kubelet configuration "
                                    "kubeadm writes from it (/etc/kubernetes/manifests, /var/lib/kubelet/config.yaml)",
                       line)
            return
        if "." in group and not group.endswith("k8s.io"):
            stats.skip("k8s", name, f"custom resource {api} {kind}: no rules for it", line)
            return
        errors.append(AuditError(name, line, f"unknown kind '{kind}' (apiVersion {api}): not audited"))
        stats.skip("k8s", name, f"unknown kind {kind}", line)
        return
    obj = K8sObject(obj=data, file=name, line=line, template=template)
    facts.objects.append(obj)
    stats.note_audited("k8s")
    annotations = obj.annotations()
    if WAIVE_ANNOTATION in annotations:
        found, problems = parse_annotation_waivers(str(annotations[WAIVE_ANNOTATION]), obj.id, name, line)
        waivers.extend(found)
        errors.extend(problems)
