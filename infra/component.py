"""The base of every yunwang component: it turns a list of manifests into pulumi-kubernetes resources.

Each component computes its manifests with a pure function of its typed args (tests and the policy checks
reuse it without Pulumi), then registers one resource per manifest as its child. Manifests are passed as
plain dicts in Kubernetes' own camelCase form: no per-resource input classes or copies.

``Component`` is generic over its args dataclass, as Pulumi's own ComponentResources take one ``…Args``
class each: ``Backup(name, BackupArgs(…))`` is checked by mypy, and so is every :class:`ComponentSpec` the
program decides on (its class and its args must agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import pulumi

from infra.common import Manifest
from yunwang.topology import Region

_TOP_LEVEL = {"spec": "spec", "data": "data", "stringData": "string_data", "type": "type",
              "rules": "rules", "roleRef": "role_ref", "subjects": "subjects", "immutable": "immutable"}


def _classes() -> dict[str, Callable[..., pulumi.CustomResource]]:
    import pulumi_kubernetes as k8s

    return {
        "v1/Namespace": k8s.core.v1.Namespace,
        "v1/ConfigMap": k8s.core.v1.ConfigMap,
        "v1/Secret": k8s.core.v1.Secret,
        "v1/Service": k8s.core.v1.Service,
        "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
        "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
        "v1/LimitRange": k8s.core.v1.LimitRange,
        "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
        "apps/v1/Deployment": k8s.apps.v1.Deployment,
        "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
        "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
        "batch/v1/CronJob": k8s.batch.v1.CronJob,
        "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
        "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
        "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
        "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
        "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    }


_CLASSES: dict[str, Callable[..., pulumi.CustomResource]] = {}


def resource_name(region: str, manifest: Manifest) -> str:
    """Unique Pulumi name of a Kubernetes object: region, namespace (or _cluster) and object name."""
    md = manifest["metadata"]
    return f"{region}/{md.get('namespace', '_cluster')}/{md['name']}"


def register(manifest: Manifest, region: str, parent: pulumi.Resource) -> pulumi.CustomResource:
    """Register one manifest as a pulumi-kubernetes resource, a child of ``parent`` (provider inherited)."""
    if not _CLASSES:
        _CLASSES.update(_classes())
    cls = _CLASSES[f"{manifest['apiVersion']}/{manifest['kind']}"]
    kwargs: dict[str, Any] = {_TOP_LEVEL[k]: v for k, v in manifest.items()
                              if k not in ("apiVersion", "kind", "metadata")}
    return cls(resource_name(region, manifest), metadata=manifest["metadata"],
               opts=pulumi.ResourceOptions(parent=parent), **kwargs)


class ComponentArgs(Protocol):
    """What every component's args share: the region, whose name starts every resource name."""

    @property
    def region(self) -> Region: ...


ArgsT = TypeVar("ArgsT", bound=ComponentArgs)


class Component(pulumi.ComponentResource, Generic[ArgsT]):
    """A ComponentResource whose children are the manifests of :meth:`manifests`."""

    TYPE: ClassVar[str]

    def __init__(self, name: str, args: ArgsT, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self.children = [register(m, args.region.name, self) for m in self.manifests(args)]
        self.register_outputs({})

    @staticmethod
    def manifests(args: ArgsT) -> list[Manifest]:
        raise NotImplementedError


@dataclass(frozen=True)
class ComponentSpec(Generic[ArgsT]):
    """One component the program decided on: its class, Pulumi name and args."""

    cls: type[Component[ArgsT]]
    name: str
    args: ArgsT

    @property
    def region(self) -> str:
        """The region whose Kubernetes provider registers it."""
        return self.args.region.name

    @property
    def resource_type(self) -> str:
        return self.cls.TYPE

    def manifests(self) -> list[Manifest]:
        return self.cls.manifests(self.args)

    def register(self, opts: pulumi.ResourceOptions) -> Component[ArgsT]:
        return self.cls(self.name, self.args, opts)


class PlannedComponent(Protocol):
    """Any :class:`ComponentSpec`, whatever its args type: what the program's list of decisions holds."""

    @property
    def name(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def resource_type(self) -> str: ...

    def manifests(self) -> list[Manifest]: ...

    def register(self, opts: pulumi.ResourceOptions) -> pulumi.ComponentResource: ...
