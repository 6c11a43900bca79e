"""Workload shapes the monitoring components share: a ConfigMap, a workload spread over nodes, and a served workload
(the workload, its Service and its disruption budget), all in one region's zone namespace."""

from __future__ import annotations

from typing import Any, Protocol

from infra.common import APP, Manifest, disruption_budget, http_service, labels, meta, spread_over_nodes
from yunwang.topology import Region, Zone


class Placed(Protocol):
    """Args of a component living in one zone namespace of one region."""

    @property
    def region(self) -> Region: ...

    @property
    def zone(self) -> Zone: ...


def configmap(args: Placed, name: str, data: dict[str, str]) -> Manifest:
    r, z = args.region.name, args.zone.name
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, z, r, z), "data": data}


def workload(args: Placed, kind: str, name: str, pod: dict[str, Any], **spec: Any) -> Manifest:
    """A Deployment, StatefulSet or DaemonSet labelled and selected by its name; replicas spread over nodes."""
    r, z = args.region.name, args.zone.name
    if kind != "DaemonSet":
        pod = {**pod, "topologySpreadConstraints": spread_over_nodes({APP: name})}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, z, r, z, extra_labels={APP: name}),
            "spec": {"selector": {"matchLabels": {APP: name}}, **spec,
                     "template": {"metadata": {"labels": labels(r, z, **{APP: name})}, "spec": pod}}}


def served(args: Placed, kind: str, name: str, port: int, pod: dict[str, Any], *, headless: bool = False,
           **spec: Any) -> list[Manifest]:
    """A workload, the Service in front of it and its disruption budget (one pod away at a time)."""
    r, z = args.region.name, args.zone.name
    app = {APP: name}
    return [workload(args, kind, name, pod, **spec),
            http_service(name, z, r, z, port, app, app, headless=headless),
            disruption_budget(name, z, r, z, app, app)]


def volume_claim(args: Placed, app: str, size: str) -> dict[str, Any]:
    """A StatefulSet's ``data`` volume claim template: a volume of its own for each replica."""
    return {"metadata": {"name": "data", "labels": labels(args.region.name, args.zone.name, **{APP: app})},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}}
