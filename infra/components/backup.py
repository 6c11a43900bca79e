"""Backup: a nightly CronJob that dumps a namespace's PostgreSQL databases and sends them to a restic repository.

One runs in every namespace that holds data: the security-management zone (the monitor's and Grafana's
databases) and each zone with a data platform (数据中台, its database). A pod per run: one ``pg_dump``
init container per database writes a custom-format dump to a scratch volume, then ``restic`` encrypts and
uploads the folder and applies the retention (7 daily, 5 weekly, 12 monthly). Connection details reach
pg_dump through a libpq service file and restic through ``RESTIC_*_FILE`` files, all from one Secret, so no
secret is ever on a command line. The repository (a restic REST server) lives in the security-management
range of the target region; districts and counties send to the city, the city to a district (异地备份).

Prometheus' TSDB is not dumped: the HA pair holds every series twice, and a snapshot needs its admin API,
which stays off.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from infra.common import APP, Manifest, container, labels, meta, pod_spec, secret, tmp_mount, tmp_volume
from infra.component import Component
from infra.databases import POSTGRES_PORT, Databases, service_file
from infra.networkpolicy import policy
from infra.secret_values import Secret, secret_value
from yunwang.topology import Region, Zone

BACKUP_APP = "backup"
BACKUP_SECRET = "backup-credentials"
BACKUP_DIR = "/backup"
SECRET_DIR = "/etc/yunwang/backup"
RETENTION = ("--keep-daily", "7", "--keep-weekly", "5", "--keep-monthly", "12")


@dataclass(frozen=True)
class BackupTarget:
    """Where one region's backups go: the restic server's region, address range and port."""

    region: str
    network: str
    port: int


@dataclass(frozen=True)
class BackupArgs:
    region: Region
    zone: Zone
    databases: tuple[str, ...]
    """Names in ``yunwang:databases`` of this region dumped by the job (one dump file each)."""
    database_urls: Secret[Databases] | None
    """The ``yunwang:databases`` object (None: not given)."""
    target: BackupTarget
    schedule: str
    postgres_image: str
    restic_image: str
    repository: Secret[str] | None
    password: Secret[str] | None
    dump_size: str = "20Gi"


def _restic_script(host: str, tag: str) -> str:
    """Back up the dumps, then forget old snapshots of this host only (the lock is shared by many jobs)."""
    keep = " ".join(RETENTION)
    return (f"restic backup --retry-lock 30m --host {host} --tag {tag} {BACKUP_DIR} && "
            f"restic forget --retry-lock 30m --host {host} {keep} --prune")


class Backup(Component[BackupArgs]):
    """Secret ``backup-credentials``, CronJob ``backup`` and its egress (databases, backup server) policy."""

    TYPE = "yunwang:infra:Backup"

    @staticmethod
    def manifests(args: BackupArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        ns = z
        app = {APP: BACKUP_APP}
        job_labels = {**app, "yunwang.io/backup": "postgresql", "yunwang.io/backup-target": args.target.region}
        host = f"{r}-{ns}"
        secret_mount = {"name": "credentials", "mountPath": SECRET_DIR, "readOnly": True}
        dumps_mount = {"name": "dumps", "mountPath": BACKUP_DIR}
        dumps = [container(f"dump-{name}", args.postgres_image, cpu="100m", memory="256Mi", cpu_limit="1",
                           command=["pg_dump", "--format=custom", "--no-password", f"--file={BACKUP_DIR}/{name}.dump",
                                    f"service={name}"],
                           env=[{"name": "PGSERVICEFILE", "value": f"{SECRET_DIR}/pg_service.conf"}],
                           volumeMounts=[secret_mount, dumps_mount, tmp_mount()])
                 for name in args.databases]
        upload = container("restic", args.restic_image, cpu="100m", memory="512Mi", cpu_limit="1",
                           command=["sh", "-c", _restic_script(host, ns)],
                           env=[{"name": "RESTIC_REPOSITORY_FILE", "value": f"{SECRET_DIR}/repository"},
                                {"name": "RESTIC_PASSWORD_FILE", "value": f"{SECRET_DIR}/password"},
                                {"name": "RESTIC_CACHE_DIR", "value": "/tmp/restic-cache"},
                                {"name": "HOME", "value": "/tmp"}],
                           volumeMounts=[secret_mount, {**dumps_mount, "readOnly": True}, tmp_mount()])
        pod = pod_spec([upload], initContainers=dumps, restartPolicy="Never", volumes=[
            {"name": "credentials", "secret": {"secretName": BACKUP_SECRET, "defaultMode": 0o440}},
            {"name": "dumps", "emptyDir": {"sizeLimit": args.dump_size}},
            tmp_volume(size="1Gi")])
        services = secret_value(args.database_urls, partial(service_file, region=r, names=args.databases))
        zone_range = str(args.region.zones[z])
        return [
            secret(BACKUP_SECRET, ns, r, z,
                   {"repository": args.repository, "password": args.password, "pg_service.conf": services}, app),
            {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("backup", ns, r, z, extra_labels=job_labels),
             "spec": {"schedule": args.schedule, "timeZone": "Asia/Shanghai", "concurrencyPolicy": "Forbid",
                      "startingDeadlineSeconds": 3600, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3,
                      "jobTemplate": {"metadata": {"labels": labels(r, z, **job_labels)},
                                      "spec": {"backoffLimit": 2, "activeDeadlineSeconds": 4 * 3600,
                                               "template": {"metadata": {"labels": labels(r, z, **job_labels)},
                                                            "spec": pod}}}}},
            policy("allow-backup-egress", ns, r, z, {
                "podSelector": {"matchLabels": app}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": zone_range}}],
                            "ports": [{"port": POSTGRES_PORT, "protocol": "TCP"}]},
                           {"to": [{"ipBlock": {"cidr": args.target.network}}],
                            "ports": [{"port": args.target.port, "protocol": "TCP"}]}]}),
        ]
