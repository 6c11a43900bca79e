"""ServicePortal: 一网通办 / 一网统管, published over TLS only from the internet-access zone."""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import APP, Manifest, meta
from infra.component import Component
from infra.components.platform import service_host
from yunwang.topology import Platform as PlatformSpec
from yunwang.topology import Portal, Region


@dataclass(frozen=True)
class ServicePortalArgs:
    region: Region
    portal: Portal
    backend: PlatformSpec


TLS_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
    "nginx.ingress.kubernetes.io/backend-protocol": "HTTP",
}


def tls_secret_name(portal: Portal) -> str:
    """The TLS certificate Secret the Ingress references; issued outside yunwang (e.g. cert-manager)."""
    return f"{portal.name}-tls"


class ServicePortal(Component[ServicePortalArgs]):
    """Ingress (TLS only, HTTPS redirect) to an ExternalName Service naming the backend platform's Service.

    An Ingress can only name a Service of its own namespace; the portal lives in the internet-access zone and
    the platform in its own zone, so the ExternalName Service bridges them, and the zone matrix decides
    whether the traffic may pass.
    """

    TYPE = "yunwang:infra:ServicePortal"

    @staticmethod
    def manifests(args: ServicePortalArgs) -> list[Manifest]:
        p, b, r = args.portal, args.backend, args.region
        ns = p.zone
        app = {APP: p.name, "app.kubernetes.io/component": p.kind, "yunwang.io/portal": p.name}
        backend = f"{p.name}-backend"
        return [
            {"apiVersion": "v1", "kind": "Service", "metadata": meta(backend, ns, r.name, p.zone, extra_labels=app),
             "spec": {"type": "ExternalName", "externalName": service_host(b),
                      "ports": [{"name": "http", "port": b.port, "protocol": "TCP"}]}},
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": meta(p.name, ns, r.name, p.zone, extra_labels=app, annotations=TLS_ANNOTATIONS),
             "spec": {"ingressClassName": r.ingress_class,
                      "tls": [{"hosts": [p.host], "secretName": tls_secret_name(p)}],
                      "rules": [{"host": p.host, "http": {"paths": [{
                          "path": "/", "pathType": "Prefix",
                          "backend": {"service": {"name": backend, "port": {"number": b.port}}}}]}}]}},
        ]
