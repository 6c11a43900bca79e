"""Hot redundancy, the monitor's separate tokens, databases from Secrets, and backups, read from written plans."""

from __future__ import annotations

import json
import runpy
from typing import Any

import pytest
from infra_plans import ROOT, SECRETS, Plan
from pulumi.errors import RunError

from infra.databases import check_databases, grafana_url, service_entry
from infra.plan import run_program, run_with_mocks
from infra.program import backup_sites
from yunwang.errors import InputError
from yunwang.stacks import load_stack


def _named(plan: Plan, kind: str, name: str) -> list[dict[str, Any]]:
    return [m for m in plan.of_kind(kind) if m["metadata"]["name"] == name]


def _container(workload: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == name)


def _secret_volumes(workload: dict[str, Any]) -> set[str]:
    return {v["secret"]["secretName"] for v in workload["spec"]["template"]["spec"].get("volumes", [])
            if "secret" in v}


def test_every_replicated_workload_has_two_replicas_a_budget_and_a_spread(plan: Plan) -> None:
    budgets = {(b["metadata"]["namespace"], json.dumps(b["spec"]["selector"], sort_keys=True))
               for b in plan.of_kind("PodDisruptionBudget")}
    workloads = plan.of_kind("Deployment") + plan.of_kind("StatefulSet")
    assert len(workloads) >= 5
    for w in workloads:
        where = f"{w['kind']}/{w['metadata']['namespace']}/{w['metadata']['name']}"
        assert w["spec"]["replicas"] >= 2, where
        assert (w["metadata"]["namespace"], json.dumps(w["spec"]["selector"], sort_keys=True)) in budgets, where
        spread = w["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert spread[0]["topologyKey"] == "kubernetes.io/hostname", where
        assert spread[0]["labelSelector"] == w["spec"]["selector"], where


def test_prometheus_pair_keeps_a_volume_each(plan: Plan) -> None:
    for sts in _named(plan, "StatefulSet", "prometheus"):
        assert [c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]] == ["data"]
        mounts = {m["name"] for m in _container(sts, "prometheus")["volumeMounts"]}
        assert "data" in mounts
    assert not plan.of_kind("PersistentVolumeClaim")  # no claim shared by the pair


def test_each_token_is_its_own_secret_mounted_only_where_used(dev_plan: Plan) -> None:
    secrets = {s["metadata"]["name"] for s in dev_plan.of_kind("Secret")}
    assert {"monitor-viewer-token", "monitor-agent-token", "monitor-admin-token"} <= secrets
    tokens = {"monitor-viewer-token", "monitor-agent-token", "monitor-admin-token"}
    prometheus = _named(dev_plan, "StatefulSet", "prometheus")[0]
    agent = _named(dev_plan, "DaemonSet", "host-agent")[0]
    monitor = _named(dev_plan, "Deployment", "yunwang-monitor")[0]
    assert _secret_volumes(prometheus) & tokens == {"monitor-viewer-token"}
    assert _secret_volumes(agent) & tokens == {"monitor-agent-token"}
    assert _secret_volumes(monitor) & tokens == tokens
    # Prometheus presents the token it mounts; the monitor reads each role's token from its own file.
    config = _named(dev_plan, "ConfigMap", "prometheus-config")[0]["data"]["prometheus-0.yml"]
    viewer_dir = next(m["mountPath"] for m in _container(prometheus, "prometheus")["volumeMounts"]
                      if m["name"] == "viewer-token")
    assert f"{viewer_dir}/token" in config
    env = {e["name"]: e.get("value") for e in _container(monitor, "yunwang-monitor")["env"]}
    assert len({env[f"YUNWANG_{r}_TOKEN_FILE"] for r in ("VIEWER", "AGENT", "ADMIN")}) == 3
    command = _container(agent, "host-agent")["command"]
    assert command[command.index("--token-file") + 1].startswith("/etc/yunwang/monitor-agent/")


def test_monitor_and_grafana_share_postgresql_from_a_secret(plan: Plan) -> None:
    for monitor in plan.of_kind("Deployment"):
        if monitor["metadata"]["name"] != "yunwang-monitor":
            continue
        c = _container(monitor, "yunwang-monitor")
        assert "--db" not in c["command"]
        db = next(e for e in c["env"] if e["name"] == "YUNWANG_MONITOR_DB")
        assert db["valueFrom"]["secretKeyRef"] == {"name": "monitoring-databases", "key": "monitor"}
        region = monitor["metadata"]["labels"]["yunwang.io/region"]
        shards = next(s for s in _named(plan, "StatefulSet", "snmp-poller")
                      if s["metadata"]["labels"]["yunwang.io/region"] == region)
        assert c["command"].count("--poller") == shards["spec"]["replicas"]
    for grafana in _named(plan, "Deployment", "grafana"):
        env = {e["name"]: e.get("value") for e in _container(grafana, "grafana")["env"]}
        assert env["GF_DATABASE_TYPE"] == "postgres" and env["GF_DATABASE_SSL_MODE"] == "require"
        volume = next(v for v in grafana["spec"]["template"]["spec"]["volumes"] if v["name"] == "database")
        assert volume["secret"]["items"] == [{"key": "grafana", "path": "url"}]


def _data_namespaces(plan: Plan) -> set[tuple[str, str]]:
    return {(m["metadata"]["labels"]["yunwang.io/region"], m["metadata"]["namespace"])
            for m in plan.of_kind("StatefulSet") + plan.of_kind("PersistentVolumeClaim")} | \
        {(d["metadata"]["labels"]["yunwang.io/region"], d["metadata"]["namespace"])
         for d in plan.of_kind("Deployment") if d["metadata"]["labels"].get("app.kubernetes.io/component")
         == "data-platform"}


def test_every_namespace_holding_data_has_a_hardened_backup_job(plan: Plan) -> None:
    jobs = {(j["metadata"]["labels"]["yunwang.io/region"], j["metadata"]["namespace"]): j
            for j in _named(plan, "CronJob", "backup")}
    assert _data_namespaces(plan) <= set(jobs)
    for (region, ns), job in jobs.items():
        assert job["metadata"]["labels"]["yunwang.io/backup"] == "postgresql"
        assert job["spec"]["concurrencyPolicy"] == "Forbid"
        pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        dumps = pod["initContainers"]
        assert dumps and all(c["command"][0] == "pg_dump" for c in dumps)
        argv = " ".join(a for c in dumps + pod["containers"] for a in c["command"])
        assert "://" not in argv and "SECRET-" not in argv  # connections come from the mounted service file
        egress = next(p for p in plan.of_kind("NetworkPolicy") if p["metadata"]["name"] == "allow-backup-egress"
                      and p["metadata"]["namespace"] == ns and p["metadata"]["labels"]["yunwang.io/region"] == region)
        assert egress["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "backup"}


def test_liuan_backups_all_leave_their_region() -> None:
    topo = load_stack("liuan", ROOT).topology
    assert topo is not None
    sites = backup_sites(topo)
    assert all(site != region for region, site in sites.items())
    assert sites["luan"] == "jinan" and sites["huoshan"] == "luan"
    assert backup_sites(topo, (("huoshan", "jinzhai"),))["huoshan"] == "jinzhai"


def test_database_url_becomes_a_service_file_and_grafana_form() -> None:
    url = "postgresql://mon%40itor:p%3Ass@db.example:6543/yw_monitor?sslmode=verify-full"
    assert service_entry("monitor", url) == (
        "[monitor]\nhost=db.example\nport=6543\ndbname=yw_monitor\nuser=mon@itor\npassword=p:ss\nsslmode=verify-full\n")
    assert grafana_url(url) == "postgres://mon%40itor:p%3Ass@db.example:6543/yw_monitor"


def test_missing_or_bad_database_urls_are_all_listed_without_their_value() -> None:
    raw = json.dumps({"luan": {"monitor": "mysql://u:SECRET-x@h/db", "grafana": "postgresql://u:p@h:5432/g"}})
    with pytest.raises(InputError) as exc:
        check_databases(raw, {"luan": ["monitor", "grafana", "data-platform"], "jinan": ["monitor"]})
    paths = [p.path for p in exc.value.problems]
    assert paths == ["yunwang:databases.jinan.monitor", "yunwang:databases.luan.monitor",
                     "yunwang:databases.luan.data-platform"]
    assert "SECRET-x" not in str(exc.value)
    with pytest.raises(InputError, match="secret config is not set"):
        check_databases(None, {"luan": ["monitor"]})


def test_old_single_token_names_its_replacements(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNWANG_HOME", str(ROOT))
    config = {"yunwang:topology": "infra/topology/dev.yaml", "yunwang:monitorToken": "SECRET-old-token-1234",
              **{k: v for k, v in SECRETS.items() if not k.startswith("yunwang:monitor")}}
    with pytest.raises(RunError) as exc:
        run_with_mocks(lambda: runpy.run_path(str(ROOT / "infra" / "__main__.py")), "dev", config, list(config))
    text = str(exc.value)
    assert "yunwang:monitorViewerToken" in text and "was split" in text and "SECRET-old-token" not in text


@pytest.mark.parametrize(("backup", "path"), [
    ({"schedule": "every night"}, "yunwang:backup.schedule"),
    ({"port": 0}, "yunwang:backup.port"),
    ({"sites": {"luan": "jinan"}}, "yunwang:backup.sites.luan"),  # dev's jinan has no management range
])
def test_bad_backup_settings_are_located(backup: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as exc:
        run_program("dev", root=ROOT, secrets={**SECRETS, "yunwang:backup": json.dumps(backup)})
    assert [p.path for p in exc.value.problems] == [path]


def test_poller_shards_follow_config_within_bounds() -> None:
    result = run_program("dev", root=ROOT, secrets={**SECRETS, "yunwang:pollerShards": json.dumps({"luan": 3})})
    # The Service and the budget share the StatefulSet's name, and registration order varies: pick by type too.
    poller = next(r for r in result.registrations
                  if r.name == "luan/security-management/snmp-poller" and r.type == "kubernetes:apps/v1:StatefulSet")
    assert poller.inputs["spec"]["replicas"] == 3
    assert result.outputs["inventory"]["pollers"]["luan"]["shards"] == 3
    with pytest.raises(InputError) as exc:
        run_program("dev", root=ROOT, secrets={**SECRETS, "yunwang:pollerShards": json.dumps({"luan": 1,
                                                                                               "jinan": 2})})
    assert sorted(p.path for p in exc.value.problems) == ["yunwang:pollerShards.jinan", "yunwang:pollerShards.luan"]
