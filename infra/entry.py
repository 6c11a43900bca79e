"""Reads the stack's Pulumi config and builds the program: shared by ``pulumi up`` and the offline plan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infra.alert_secrets import ALERT_SECRETS_KEY, SMTP_PASSWORD_KEY, check_alert_secrets
from infra.components.monitoring import TOKEN_ROLES, Images
from infra.components.network_devices import DeviceManagement
from infra.components.network_inventory import credential_fields
from infra.databases import DATABASES_KEY, check_databases
from infra.program import (
    DEFAULT_IMAGES,
    BackupSettings,
    Kubeconfigs,
    ProgramOptions,
    backed_up_databases,
    backup_hosts,
    backup_sites,
    build,
    needed_databases,
    read_assets,
    read_city_rules,
)
from infra.secret_values import Secret
from yunwang.errors import InputError, Problem
from yunwang.planes import MAX_SHARDS, MIN_SHARDS, monitoring_planes
from yunwang.topology import Topology

if TYPE_CHECKING:
    import pulumi

CONFIG_NAMESPACE = "yunwang"


def _missing(key: str, hint: str) -> InputError:
    return InputError([Problem("Pulumi config", None, f"{CONFIG_NAMESPACE}:{key}", "", "secret config is not set",
                               hint)])


def check_credentials(topology: Topology, raw: Any) -> None:
    """Every profile used by a device has its secrets: checked up front, so one error lists all that is missing.

    Only the shape is looked at here; the values travel on as the secret Output of ``get_secret_object``.
    """
    try:
        creds = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        creds = None
    where = f"{CONFIG_NAMESPACE}:snmpCredentials"
    if raw is None:
        return
    if not isinstance(creds, dict):
        raise InputError([Problem("Pulumi config", None, where, "", "must be a JSON object {profile: {…}}",
                                  "see docs/deploy.md")])
    used = {d.snmp for d in topology.devices}
    problems = [Problem("Pulumi config", None, f"{where}.{p.name}.{f}", "", f"SNMP profile '{p.name}' needs '{f}'",
                        "add it with pulumi config set --secret (see docs/deploy.md)")
                for p in topology.snmp_profiles if p.name in used for f in credential_fields(p)
                if not isinstance(creds.get(p.name), dict) or not creds[p.name].get(f)]
    if problems:
        raise InputError(problems)


def _images(raw: Any) -> Images:
    if raw is None:
        return DEFAULT_IMAGES
    merged = {**DEFAULT_IMAGES.__dict__, **(raw if isinstance(raw, dict) else {})}
    bad = [f"{k}={v}" for k, v in merged.items() if not isinstance(v, str) or "@sha256:" not in v]
    if not isinstance(raw, dict) or set(raw) - set(DEFAULT_IMAGES.__dict__) or bad:
        raise InputError([Problem("Pulumi config", None, f"{CONFIG_NAMESPACE}:images", ", ".join(bad),
                                  f"images must be an object {{{', '.join(DEFAULT_IMAGES.__dict__)}}} of "
                                  "digest-pinned refs",
                                  "e.g. registry/x@sha256:<64 hex>; tags are not accepted")])
    return Images(**merged)


_CRON_FIELD = re.compile(r"^[0-9*,/\-]+$")


def backup_settings(raw: Any, topology: Topology) -> BackupSettings:
    """``yunwang:backup`` (plain): {schedule: cron, port: restic REST port, sites: {region: backup region}}."""
    if raw is None:
        return BackupSettings()
    where = f"{CONFIG_NAMESPACE}:backup"
    if not isinstance(raw, dict) or set(raw) - {"schedule", "port", "sites"}:
        raise InputError([Problem("Pulumi config", None, where, "", "must be an object {schedule, port, sites}",
                                  'e.g. {"schedule": "30 1 * * *", "port": 8000, "sites": {"luan": "jinan"}}')])
    default = BackupSettings()
    schedule, port, sites = raw.get("schedule", default.schedule), raw.get("port", default.port), raw.get("sites", {})
    problems = []
    if not isinstance(schedule, str) or len(fields := schedule.split()) != 5 or \
            not all(_CRON_FIELD.match(f) for f in fields):
        problems.append(Problem("Pulumi config", None, f"{where}.schedule", str(schedule),
                                "not a five-field cron schedule", "e.g. 30 1 * * * (01:30 every night)"))
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        problems.append(Problem("Pulumi config", None, f"{where}.port", str(port), "not a TCP port",
                                "the restic REST server's port, e.g. 8000"))
    hosts = set(backup_hosts(topology))
    regions = set(topology.region_by_name)
    pairs = sites.items() if isinstance(sites, dict) else [("", sites)]
    for region, site in pairs:
        if region not in regions or site not in hosts:
            problems.append(Problem("Pulumi config", None, f"{where}.sites.{region}", str(site),
                                    "unknown region, or a site without a security-management range",
                                    f"sites map a region to one of: {', '.join(sorted(hosts)) or '(none)'}"))
    if problems:
        raise InputError(problems)
    return BackupSettings(schedule=schedule, port=port, sites=tuple(sorted(sites.items())))


def poller_shards(raw: Any, topology: Topology) -> tuple[tuple[str, int], ...]:
    """``yunwang:pollerShards`` (plain): {plane region: shards}, each from 2 (one pod lost silences half) to 16."""
    if raw is None:
        return ()
    where = f"{CONFIG_NAMESPACE}:pollerShards"
    _, planes = monitoring_planes(topology)
    if not isinstance(raw, dict):
        raise InputError([Problem("Pulumi config", None, where, "", "must be an object {region: shards}",
                                  'e.g. {"luan": 4}')])
    problems = [Problem("Pulumi config", None, f"{where}.{region}", str(n),
                        f"not a region with a monitoring plane, or not {MIN_SHARDS}–{MAX_SHARDS} shards",
                        f"planes: {', '.join(planes) or '(none)'}")
                for region, n in raw.items()
                if region not in planes or not isinstance(n, int) or isinstance(n, bool)
                or not MIN_SHARDS <= n <= MAX_SHARDS]
    if problems:
        raise InputError(problems)
    return tuple(sorted(raw.items()))


def sd_allow_ranges(raw: Any) -> tuple[str, ...]:
    """``yunwang:monitorSdAllow`` (plain): a list of CIDR ranges, e.g. the clusters' pod range."""
    import ipaddress

    if raw is None:
        return ()
    where = f"{CONFIG_NAMESPACE}:monitorSdAllow"
    if not isinstance(raw, list):
        raise InputError([Problem("Pulumi config", None, where, "", "must be a list of CIDR ranges",
                                  'e.g. ["10.244.0.0/16"]')])
    problems, ranges = [], []
    for i, value in enumerate(raw):
        try:
            ranges.append(str(ipaddress.ip_network(str(value), strict=False)))
        except ValueError as exc:
            problems.append(Problem("Pulumi config", None, f"{where}[{i}]", str(value), str(exc), "e.g. 10.244.0.0/16"))
    if problems:
        raise InputError(problems)
    return tuple(ranges)


def _required_secret(config: pulumi.Config, key: str, hint: str) -> pulumi.Output[str]:
    value = config.get_secret(key)
    if value is None:
        raise _missing(key, hint)
    return value


def _monitor_tokens(config: pulumi.Config) -> dict[str, Secret[str]]:
    """The monitor's tokens, one secret a role (a leaked agent token must not read the inventory)."""
    split = " (yunwang:monitorToken was split into monitorViewerToken, monitorAgentToken and monitorAdminToken)" \
        if config.get_secret("monitorToken") is not None else ""
    return {role: _required_secret(config, f"monitor{role.title()}Token",
                                   f"pulumi config set --secret yunwang:monitor{role.title()}Token "
                                   f"\"$(openssl rand -hex 32)\"{split}")
            for role in TOKEN_ROLES}


def _device_management(config: pulumi.Config, root: Path) -> DeviceManagement | None:
    """``yunwang:manageDevices`` (default on): DeviceConfig resources and drift CronJobs, or neither."""
    if config.get_bool("manageDevices") is False:
        return None
    topology = config.require("topology")
    password = _required_secret(config, "deviceSystemPassword",
                                "pulumi config set --secret yunwang:deviceSystemPassword < password-file (the "
                                "devices' system administrator), or pulumi config set yunwang:manageDevices false")
    return DeviceManagement(topology=topology, topology_yaml=(root / topology).read_text(encoding="utf-8"),
                            login_password=password, known_hosts=config.get("deviceKnownHosts"))


def run(topology: Topology, stack: str, root: Path) -> dict[str, Any]:
    """The program body: config → options → :func:`infra.program.build`. Returns the (plain) outputs."""
    import pulumi

    config = pulumi.Config(CONFIG_NAMESPACE)
    credentials = config.get_secret_object("snmpCredentials")
    if credentials is None and topology.devices:
        raise _missing("snmpCredentials", "pulumi config set --secret yunwang:snmpCredentials "
                                          "'{\"<profile>\": {\"auth_key\": \"…\", \"priv_key\": \"…\"}}'")
    check_credentials(topology, pulumi.runtime.get_config(f"{CONFIG_NAMESPACE}:snmpCredentials"))
    tokens = _monitor_tokens(config)
    grafana_password = _required_secret(config, "grafanaAdminPassword",
                                        "pulumi config set --secret yunwang:grafanaAdminPassword "
                                        "\"$(openssl rand -base64 24)\"")
    check_databases(pulumi.runtime.get_config(DATABASES_KEY), needed_databases(topology))
    databases = config.get_secret_object("databases")
    backup = backup_settings(config.get_object("backup"), topology)
    repository = password = None
    if backed_up_databases(topology) and backup_sites(topology):
        repository = _required_secret(config, "backupRepository",
                                      "pulumi config set --secret yunwang:backupRepository "
                                      "'rest:https://USER:PASSWORD@backup.example:8000/yunwang' (a restic repository)")
        password = _required_secret(config, "backupPassword",
                                    "pulumi config set --secret yunwang:backupPassword \"$(openssl rand -base64 32)\"")
    rules, dashboards = read_assets(root)
    check_alert_secrets(topology, pulumi.runtime.get_config(ALERT_SECRETS_KEY))
    alert_secrets = config.get_secret_object("alertSecrets")
    smtp = topology.alerting.smtp
    smtp_password = _required_secret(config, SMTP_PASSWORD_KEY.split(":", 1)[1],
                                     f"pulumi config set --secret {SMTP_PASSWORD_KEY} '…' (the relay's password for "
                                     f"{smtp.username})") if smtp is not None and smtp.username else None
    devices = _device_management(config, root) if topology.devices else None
    enrolment = config.get_bool("monitorEnrolment")
    opts = ProgramOptions(stack=stack, credentials=credentials, tokens=tokens,
                          grafana_admin_password=grafana_password, databases=databases,
                          backup_repository=repository, backup_password=password, backup=backup,
                          poller_shards=poller_shards(config.get_object("pollerShards"), topology),
                          images=_images(config.get_object("images")),
                          prometheus_rules=rules, city_rules=read_city_rules(root), dashboards=dashboards,
                          alert_secrets=alert_secrets, smtp_password=smtp_password, devices=devices,
                          monitor_enrolment=True if enrolment is None else enrolment,
                          monitor_sd_allow=sd_allow_ranges(config.get_object("monitorSdAllow")))
    shared = config.get_secret("kubeconfig")
    kubeconfigs: Kubeconfigs = {}
    for region in topology.regions:
        own = config.get_secret(f"kubeconfig-{region.name}")
        # A shared kubeconfig holds one context per region, named after the region.
        kubeconfigs[region.name] = (own, None) if own is not None else (shared, region.name if shared else None)
    return build(topology, opts, kubeconfigs)
