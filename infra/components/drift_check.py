"""DriftCheck: a CronJob in each monitoring plane that compares every device it watches with its intent.

Every run is ``yunwang net diff --report-to <the plane's monitor>`` for the regions the plane polls: it reads each
device's running configuration over SSH as the system administrator, computes the remediation towards the
configuration rendered from the topology, and posts each device's drift to the monitor, which exports it to
Prometheus (``yunwang_device_config_drift_lines``) and shows it on the overview. Nothing is sent to a device.

What the job reads, all mounted read-only:

* ConfigMap ``device-drift-stack``: a stack folder (``Pulumi.yaml``, ``Pulumi.<stack>.yaml``, the topology) —
  the topology the plan was made from, not whatever the image was built with;
* ConfigMap ``device-known-hosts``: the devices' SSH host keys (``yunwang:deviceKnownHosts``); a device whose key
  is not there is reported as not collected, never trusted blindly;
* Secret ``device-credentials``: the system administrator's password (``yunwang:deviceSystemPassword``);
* Secret ``monitor-admin-token`` (the plane's): drift reports are admin writes (see ``monitor/routes/drift.py``).

Its egress leaves the cluster only towards the devices' management ranges on TCP 22.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import APP, Manifest, Resources, container, labels, meta, pod_spec, secret, tmp_mount, tmp_volume
from infra.component import Component
from infra.components.monitoring import monitor_endpoint, token_dir, tokensecret
from infra.networkpolicy import policy
from infra.secret_values import Secret
from yunwang.contracts.device_access import LOGIN_ROLE, SSH_PORT, password_env
from yunwang.topology import Region, Zone

DRIFT_APP = "device-drift"
STACK_CONFIGMAP = "device-drift-stack"
KNOWN_HOSTS_CONFIGMAP = "device-known-hosts"
CREDENTIALS_SECRET = "device-credentials"
STACK_DIR = "/etc/yunwang/stack"
KNOWN_HOSTS_FILE = "/etc/yunwang/ssh/known_hosts"
CREDENTIALS_DIR = "/etc/yunwang/device"
TOPOLOGY_FILE = "topology.yaml"
DEFAULT_SCHEDULE = "*/15 * * * *"
DRIFT_JOB_RESOURCES: Resources = {"cpu": "200m", "memory": "512Mi", "cpu_limit": "1"}
"""One run (the zone quota grows by this much): renders every watched device, one SSH session at a time per
worker."""
NO_KNOWN_HOSTS = ("# No device host keys configured: set yunwang:deviceKnownHosts (see docs/deploy.md).\n"
                  "# Until then every device is reported as not collected (host key not trusted).\n")


@dataclass(frozen=True)
class DriftCheckArgs:
    region: Region
    zone: Zone
    stack: str
    image: str
    regions: tuple[str, ...]
    """Regions whose devices this plane checks (those it polls)."""
    topology_yaml: str
    """The topology file's text."""
    device_networks: tuple[str, ...]
    login_password: Secret[str] | None
    known_hosts: str | None
    schedule: str = DEFAULT_SCHEDULE


def stack_files(stack: str, topology_yaml: str) -> dict[str, str]:
    """A stack folder ``yunwang`` finds through ``YUNWANG_HOME``: project file, stack file, topology."""
    return {"Pulumi.yaml": "name: yunwang\nruntime: python\n",
            f"Pulumi.{stack}.yaml": f"config:\n  yunwang:topology: {TOPOLOGY_FILE}\n",
            TOPOLOGY_FILE: topology_yaml}


def diff_command(args: DriftCheckArgs) -> list[str]:
    regions = [a for r in args.regions for a in ("--region", r)]
    return ["yunwang", "net", "diff", "--stack", args.stack, *regions, "--known-hosts", KNOWN_HOSTS_FILE,
            "--report-to", monitor_endpoint(args.zone.name)]


class DriftCheck(Component[DriftCheckArgs]):
    """ConfigMaps ``device-drift-stack`` and ``device-known-hosts``, Secret ``device-credentials``, CronJob
    ``device-drift`` and its egress policy, in the plane's security-management namespace."""

    TYPE = "yunwang:infra:DriftCheck"

    @staticmethod
    def manifests(args: DriftCheckArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        app = {APP: DRIFT_APP}
        password = password_env(LOGIN_ROLE)
        main = container(
            DRIFT_APP, args.image, **DRIFT_JOB_RESOURCES, command=diff_command(args),
            env=[{"name": "YUNWANG_HOME", "value": STACK_DIR},
                 {"name": f"{password}_FILE", "value": f"{CREDENTIALS_DIR}/{password}"},
                 {"name": "YUNWANG_ADMIN_TOKEN_FILE", "value": f"{token_dir('admin')}/token"},
                 {"name": "HOME", "value": "/tmp"}],
            volumeMounts=[{"name": "stack", "mountPath": STACK_DIR, "readOnly": True},
                          {"name": "known-hosts", "mountPath": KNOWN_HOSTS_FILE, "subPath": "known_hosts",
                           "readOnly": True},
                          {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True},
                          {"name": "admin-token", "mountPath": token_dir("admin"), "readOnly": True}, tmp_mount()])
        pod = pod_spec([main], restartPolicy="Never", volumes=[
            {"name": "stack", "configMap": {"name": STACK_CONFIGMAP}},
            {"name": "known-hosts", "configMap": {"name": KNOWN_HOSTS_CONFIGMAP}},
            {"name": "credentials", "secret": {"secretName": CREDENTIALS_SECRET, "defaultMode": 0o440}},
            {"name": "admin-token", "secret": {"secretName": tokensecret("admin"), "defaultMode": 0o440}},
            tmp_volume()])
        return [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(STACK_CONFIGMAP, z, r, z, extra_labels=app),
             "data": stack_files(args.stack, args.topology_yaml)},
            {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": meta(KNOWN_HOSTS_CONFIGMAP, z, r, z, extra_labels=app),
             "data": {"known_hosts": args.known_hosts or NO_KNOWN_HOSTS}},
            secret(CREDENTIALS_SECRET, z, r, z, {password: args.login_password}, app),
            {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta(DRIFT_APP, z, r, z, extra_labels=app),
             "spec": {"schedule": args.schedule, "timeZone": "Asia/Shanghai", "concurrencyPolicy": "Forbid",
                      "startingDeadlineSeconds": 600, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3,
                      "jobTemplate": {"metadata": {"labels": labels(r, z, **app)},
                                      "spec": {"backoffLimit": 0, "activeDeadlineSeconds": 3600,
                                               "template": {"metadata": {"labels": labels(r, z, **app)},
                                                            "spec": pod}}}}},
            policy("allow-device-drift-to-devices", z, r, z, {
                "podSelector": {"matchLabels": app}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in args.device_networks],
                            "ports": [{"port": SSH_PORT, "protocol": "TCP"}]}]}),
        ]
