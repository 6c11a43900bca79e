"""AlertmanagerGroup: the HA pair that delivers one monitoring plane's alerts, beside its Prometheus pair.

Every plane has its own pair, so a county cut off from the city still tells its team (the city-wide alerts of the
city view go to the city plane's pair). The two members form Alertmanager's gossip cluster (port 9094, TCP and
UDP) through the headless ``alertmanager`` Service: they share silences and the notification log, so each
alert is notified once though both Prometheus replicas send it to both members. Each member keeps silences and
the log on its own volume, so a restart forgets neither.

The configuration is the routing tree of :mod:`monitor.alerting.routing`, rendered by the program from the
topology; it holds no secret: the monitor's ``alertmanager`` token and the SMTP password are files from
Secrets (``monitor-alertmanager-token``, ``alertmanager-smtp``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from infra.common import (
    APP,
    Manifest,
    Resources,
    cluster_host,
    container,
    disruption_budget,
    meta,
    pod_spec,
    secret,
    tmp_mount,
    tmp_volume,
)
from infra.component import Component
from infra.components.workloads import configmap, volume_claim, workload
from infra.networkpolicy import policy
from infra.secret_values import Secret
from yunwang.topology import Region, Zone

ALERTMANAGER = "alertmanager"
ALERTMANAGER_PORT = 9093
CLUSTER_PORT = 9094
ALERTMANAGER_REPLICAS = 2
CONFIG_DIR = "/etc/alertmanager"
WEBHOOK_TOKEN_DIR = "/etc/alertmanager/monitor"
WEBHOOK_TOKEN_FILE = f"{WEBHOOK_TOKEN_DIR}/token"
"""The monitor's ``alertmanager`` token, presented on the alert webhook."""
SMTP_SECRET = "alertmanager-smtp"
SMTP_PASSWORD_FILE = "/etc/alertmanager/smtp/password"
ALERTMANAGER_RESOURCES: Resources = {"cpu": "50m", "memory": "128Mi", "cpu_limit": "500m"}


def member_hosts(ns: str, replicas: int = ALERTMANAGER_REPLICAS) -> list[str]:
    """Each member's stable DNS name (StatefulSet pod through the headless Service)."""
    return [f"{ALERTMANAGER}-{i}.{cluster_host(ALERTMANAGER, ns)}" for i in range(replicas)]


def alertmanager_targets(ns: str) -> list[str]:
    """HOST:PORT of every member: Prometheus sends each alert to all of them."""
    return [f"{host}:{ALERTMANAGER_PORT}" for host in member_hosts(ns)]


def alertmanager_url(ns: str) -> str:
    """The group's API (either member: silences gossip): where the monitor manages maintenance windows."""
    return f"http://{cluster_host(ALERTMANAGER, ns)}:{ALERTMANAGER_PORT}"


@dataclass(frozen=True)
class AlertmanagerArgs:
    region: Region
    zone: Zone
    image: str
    config: str
    """alertmanager.yml (monitor.alerting.routing.render_alertmanager_config)."""
    token_secret: str
    """The Secret holding the monitor's ``alertmanager`` token (key ``token``)."""
    smtp_password: Secret[str] | None = None
    """The relay's password when the topology's smtp has a username."""
    smtp_relay: str | None = None
    """HOST:PORT of the mail relay: an address opens exactly that in the egress policy."""


def _container(args: AlertmanagerArgs, ns: str) -> dict[str, Any]:
    peers = [f"--cluster.peer={host}:{CLUSTER_PORT}" for host in member_hosts(ns)]
    mounts = [{"name": "config", "mountPath": CONFIG_DIR + "/config", "readOnly": True},
              {"name": "monitor-token", "mountPath": WEBHOOK_TOKEN_DIR, "readOnly": True},
              {"name": "data", "mountPath": "/alertmanager"}, tmp_mount()]
    if args.smtp_password is not None:
        mounts.append({"name": "smtp", "mountPath": SMTP_PASSWORD_FILE.rsplit("/", 1)[0], "readOnly": True})
    main = container(
        ALERTMANAGER, args.image, cpu=ALERTMANAGER_RESOURCES["cpu"], memory=ALERTMANAGER_RESOURCES["memory"],
        cpu_limit=ALERTMANAGER_RESOURCES["cpu_limit"], ports=[("http", ALERTMANAGER_PORT), ("mesh-tcp", CLUSTER_PORT)],
        args=[f"--config.file={CONFIG_DIR}/config/alertmanager.yml", "--storage.path=/alertmanager",
              f"--web.listen-address=:{ALERTMANAGER_PORT}", f"--cluster.listen-address=0.0.0.0:{CLUSTER_PORT}",
              "--cluster.advertise-address=$(POD_IP):9094", *peers],
        env=[{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
        readinessProbe={"httpGet": {"path": "/-/ready", "port": "http"}},
        volumeMounts=mounts)
    main["ports"].append({"name": "mesh-udp", "containerPort": CLUSTER_PORT, "protocol": "UDP"})  # gossip is both
    return main


def _service(args: AlertmanagerArgs) -> Manifest:
    """Headless: each member has a DNS name (Prometheus targets, gossip peers), TCP and UDP for the mesh."""
    r, z = args.region.name, args.zone.name
    app = {APP: ALERTMANAGER}
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(ALERTMANAGER, z, r, z, extra_labels=app),
            "spec": {"type": "ClusterIP", "clusterIP": "None", "selector": dict(app), "publishNotReadyAddresses": True,
                     "ports": [{"name": "http", "port": ALERTMANAGER_PORT, "targetPort": "http", "protocol": "TCP"},
                               {"name": "mesh-tcp", "port": CLUSTER_PORT, "targetPort": "mesh-tcp", "protocol": "TCP"},
                               {"name": "mesh-udp", "port": CLUSTER_PORT, "targetPort": "mesh-udp",
                                "protocol": "UDP"}]}}


def _smtp_egress(args: AlertmanagerArgs) -> list[Manifest]:
    """Mail leaves for the relay only (named by address in the topology; a host name is left to the cluster)."""
    if args.smtp_relay is None:
        return []
    host, _, port = args.smtp_relay.rpartition(":")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return []
    r, z = args.region.name, args.zone.name
    cidr = f"{address}/{32 if address.version == 4 else 128}"
    return [policy("allow-alertmanager-to-smtp", z, r, z, {
        "podSelector": {"matchLabels": {APP: ALERTMANAGER}}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": cidr}}], "ports": [{"port": int(port), "protocol": "TCP"}]}]})]


class AlertmanagerGroup(Component[AlertmanagerArgs]):
    """ConfigMap, StatefulSet (a volume a member), headless Service, disruption budget, SMTP secret and egress."""

    TYPE = "yunwang:infra:AlertmanagerGroup"

    @staticmethod
    def manifests(args: AlertmanagerArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        app = {APP: ALERTMANAGER}
        volumes: list[dict[str, Any]] = [
            {"name": "config", "configMap": {"name": "alertmanager-config"}},
            {"name": "monitor-token", "secret": {"secretName": args.token_secret, "defaultMode": 0o440}},
            tmp_volume()]
        extra: list[Manifest] = []
        if args.smtp_password is not None:
            volumes.append({"name": "smtp", "secret": {"secretName": SMTP_SECRET, "defaultMode": 0o440}})
            extra.append(secret(SMTP_SECRET, z, r, z, {"password": args.smtp_password}, app))
        pod = pod_spec([_container(args, z)], volumes=volumes)
        return [
            configmap(args, "alertmanager-config", {"alertmanager.yml": args.config}),
            *extra,
            workload(args, "StatefulSet", ALERTMANAGER, pod, replicas=ALERTMANAGER_REPLICAS, serviceName=ALERTMANAGER,
                     podManagementPolicy="Parallel", volumeClaimTemplates=[volume_claim(args, ALERTMANAGER, "1Gi")]),
            _service(args),
            disruption_budget(ALERTMANAGER, z, r, z, app, app),
            *_smtp_egress(args),
        ]
