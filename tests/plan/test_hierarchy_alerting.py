"""The monitoring hierarchy and alert delivery as the plan builds them: an Alertmanager pair in every plane with
the routing tree generated from the topology, the city view in the city's plane fed by every plane's Prometheus
(replica i to city-view replica i: in the cluster for the city, over the extranet with mutual TLS for the
counties), and the robots' secrets only where they are used."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra_plans import ROOT, Plan

from infra.plan import run_program
from monitor.alerting.routing import AlertmanagerOptions, render_alertmanager_config
from yunwang.errors import InputError
from yunwang.stacks import load_stack
from yunwang.testkit import need_binary
from yunwang.topology import Topology

NS = "security-management"


def _topology(stack: str) -> Topology:
    topo = load_stack(stack, ROOT).topology
    assert topo is not None
    return topo


def _of(plan: Plan, kind: str, name: str, region: str | None = None) -> list[dict[str, Any]]:
    return [m for m in plan.of_kind(kind) if m["metadata"]["name"] == name
            and region in (None, m["metadata"]["labels"]["yunwang.io/region"])]


def _one(plan: Plan, kind: str, name: str, region: str) -> dict[str, Any]:
    (found,) = _of(plan, kind, name, region)
    return found


def _container(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


def _planes(plan: Plan) -> list[str]:
    return sorted(m["metadata"]["labels"]["yunwang.io/region"] for m in _of(plan, "StatefulSet", "prometheus"))


def test_every_plane_has_an_alertmanager_pair_meshed_together(liuan_plan: Plan) -> None:
    planes = _planes(liuan_plan)
    assert len(planes) == 8
    for region in planes:
        sts = _one(liuan_plan, "StatefulSet", "alertmanager", region)
        assert sts["spec"]["replicas"] == 2 and sts["spec"]["serviceName"] == "alertmanager"
        args = _container(sts)["args"]
        peers = sorted(a.split("=", 1)[1] for a in args if a.startswith("--cluster.peer="))
        assert peers == [f"alertmanager-{i}.alertmanager.{NS}.svc.cluster.local:9094" for i in (0, 1)]
        assert [c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]] == ["data"]
        service = _one(liuan_plan, "Service", "alertmanager", region)
        assert service["spec"]["clusterIP"] == "None"
        assert {(p["port"], p["protocol"]) for p in service["spec"]["ports"]} == {(9093, "TCP"), (9094, "TCP"),
                                                                                  (9094, "UDP")}
        volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
        assert volumes["monitor-token"]["secret"]["secretName"] == "monitor-alertmanager-token"


def test_the_alertmanager_config_is_the_routing_tree_of_the_topology(liuan_plan: Plan, tmp_path: Path) -> None:
    topo = _topology("liuan")
    amtool = need_binary("amtool", "prometheus-alertmanager")
    for region in _planes(liuan_plan):
        text = _one(liuan_plan, "ConfigMap", "alertmanager-config", region)["data"]["alertmanager.yml"]
        expected = render_alertmanager_config(topo, AlertmanagerOptions(
            monitor_url=f"http://yunwang-monitor.{NS}.svc.cluster.local:8080",
            webhook_token_file="/etc/alertmanager/monitor/token"))
        assert text == expected
    path = tmp_path / "alertmanager.yml"
    path.write_text(text)
    checked = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_each_prometheus_replica_writes_to_its_city_view_replica(liuan_plan: Plan) -> None:
    topo = _topology("liuan")
    for region in _planes(liuan_plan):
        sts = _one(liuan_plan, "StatefulSet", "prometheus", region)
        assert "--config.file=/etc/prometheus/$(POD_NAME).yml" in _container(sts)["args"]
        data = _one(liuan_plan, "ConfigMap", "prometheus-config", region)["data"]
        assert sorted(data) == ["prometheus-0.yml", "prometheus-1.yml"]
        for i in (0, 1):
            config = yaml.safe_load(data[f"prometheus-{i}.yml"])
            assert config["global"]["external_labels"] == {"stack": "liuan", "region": region}
            assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [
                f"alertmanager-{j}.alertmanager.{NS}.svc.cluster.local:9093" for j in (0, 1)]
            (write,) = config["remote_write"]
            if region == "luan":
                assert write["url"] == f"http://city-view-{i}.city-view.{NS}.svc.cluster.local:9090/api/v1/write"
                assert "tls_config" not in write
            else:
                assert write["url"] == f"https://city-view-{i}.{topo.domain}/api/v1/write"
                assert write["tls_config"]["cert_file"] == "/etc/prometheus/city-view-client/tls.crt"
        egress = _of(liuan_plan, "NetworkPolicy", "allow-prometheus-to-city-view", region)
        if region == "luan":
            assert egress == []
        else:
            (policy,) = egress
            assert policy["spec"]["egress"] == [{"to": [{"ipBlock": {"cidr": "10.32.64.0/22"}}],
                                                 "ports": [{"port": 443, "protocol": "TCP"}]}]
            mounts = {m["name"] for m in _container(sts)["volumeMounts"]}
            assert "city-view-client" in mounts


def test_the_city_view_lives_in_the_city_and_admits_the_counties_by_client_certificate(liuan_plan: Plan) -> None:
    topo = _topology("liuan")
    (sts,) = _of(liuan_plan, "StatefulSet", "city-view")
    assert sts["metadata"]["labels"]["yunwang.io/region"] == "luan" and sts["spec"]["replicas"] == 2
    assert "--web.enable-remote-write-receiver" in _container(sts)["args"]
    config = yaml.safe_load(_one(liuan_plan, "ConfigMap", "city-view-config", "luan")["data"]["prometheus.yml"])
    assert "scrape_configs" not in config and config["storage"]["tsdb"]["out_of_order_time_window"] == "3h"
    rules = _one(liuan_plan, "ConfigMap", "city-view-rules", "luan")["data"]
    assert "YunwangRegionSilent" in rules["city.yml"]
    for i in (0, 1):
        service = _one(liuan_plan, "Service", f"city-view-{i}", "luan")
        assert service["spec"]["selector"]["statefulset.kubernetes.io/pod-name"] == f"city-view-{i}"
    ingress = _one(liuan_plan, "Ingress", "city-view", "luan")
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/auth-tls-verify-client"] == "on"
    assert notes["nginx.ingress.kubernetes.io/auth-tls-secret"] == f"{NS}/city-view-client-ca"
    counties = sorted(str(r.zones[NS]) for r in topo.regions if r.name != "luan")
    assert sorted(notes["nginx.ingress.kubernetes.io/whitelist-source-range"].split(",")) == counties
    assert [(r["host"], r["http"]["paths"][0]["backend"]["service"]["name"]) for r in ingress["spec"]["rules"]] == [
        (f"city-view-{i}.{topo.domain}", f"city-view-{i}") for i in (0, 1)]
    grafana = _one(liuan_plan, "ConfigMap", "grafana-provisioning", "luan")["data"]["datasources.yaml"]
    assert "uid: city-view" in grafana
    assert "city-view" not in _one(liuan_plan, "ConfigMap", "grafana-provisioning", "jinan")["data"][
        "datasources.yaml"]


def test_dev_has_one_plane_and_no_extranet_entry(dev_plan: Plan) -> None:
    assert _planes(dev_plan) == ["luan"]
    assert _of(dev_plan, "StatefulSet", "city-view", "luan")
    assert _of(dev_plan, "Ingress", "city-view") == []  # nobody writes over the extranet
    assert _of(dev_plan, "NetworkPolicy", "allow-prometheus-to-city-view") == []


def test_each_monitor_gets_the_robots_of_its_own_teams_only(liuan_plan: Plan) -> None:
    for region in _planes(liuan_plan):
        monitor = _one(liuan_plan, "Deployment", "yunwang-monitor", region)
        c = _container(monitor)
        assert c["command"][c["command"].index("--alertmanager") + 1] == \
            f"http://alertmanager.{NS}.svc.cluster.local:9093"
        env = {e["name"]: e.get("value") for e in c["env"]}
        robots = {name for name in env if name.startswith("YUNWANG_ALERT_")}
        prefix = f"YUNWANG_ALERT_{region.upper()}_"
        assert robots and all(name.startswith(prefix) and name.endswith("_FILE") for name in robots), robots
        assert env["YUNWANG_ALERTMANAGER_TOKEN_FILE"] == "/etc/yunwang/monitor-alertmanager/token"
        secret = _one(liuan_plan, "Secret", "alert-robots", region)
        assert {f"{k}_FILE" for k in secret["stringData"]} == robots
        assert set(secret["stringData"].values()) == {"[secret]"}
        (egress,) = _of(liuan_plan, "NetworkPolicy", "allow-monitor-to-robot-apis", region)
        (rule,) = egress["spec"]["egress"]
        assert rule["ports"] == [{"port": 443, "protocol": "TCP"}]
        assert "10.0.0.0/8" in rule["to"][0]["ipBlock"]["except"]


def test_missing_robot_secrets_are_listed_together() -> None:
    partial = json.dumps({"luan": {"dingtalk_token": "t", "dingtalk_secret": "s"},
                          "jinan": {"wecom_key": "k", "dingtalk_token": "t"}})
    with pytest.raises(InputError) as exc:
        run_program("dev", root=ROOT, secrets={"yunwang:alertSecrets": partial})
    assert [p.path for p in exc.value.problems] == ["yunwang:alertSecrets.jinan.dingtalk_secret"]
    assert "pulumi config set --secret yunwang:alertSecrets" in exc.value.problems[0].hint


def test_an_https_proxy_narrows_the_monitors_way_out(tmp_path: Path) -> None:
    from infra.program import ProgramOptions, component_specs

    topo = _topology("dev")
    proxied = topo.model_copy(update={"alerting": topo.alerting.model_copy(
        update={"https_proxy": "http://10.34.16.30:3128"})})
    specs = component_specs(proxied, ProgramOptions(stack="dev", credentials=None, alert_secrets={
        "luan": {"dingtalk_token": "tok-9f9f", "dingtalk_secret": "sec-9f9f"},
        "jinan": {"wecom_key": "key-9f9f", "dingtalk_token": "tok-9f9f", "dingtalk_secret": "sec-9f9f"}}))
    manifests = [m for s in specs.specs if s.resource_type == "yunwang:infra:MonitoringPlane" for m in s.manifests()]
    (egress,) = [m for m in manifests if m["metadata"]["name"] == "allow-monitor-to-robot-apis"]
    assert egress["spec"]["egress"] == [{"to": [{"ipBlock": {"cidr": "10.34.16.30/32"}}],
                                         "ports": [{"port": 3128, "protocol": "TCP"}]}]
    (monitor,) = [m for m in manifests if m["kind"] == "Deployment" and m["metadata"]["name"] == "yunwang-monitor"]
    env = {e["name"]: e.get("value") for e in _container(monitor)["env"]}
    assert env["HTTPS_PROXY"] == "http://10.34.16.30:3128"
    assert "9f9f" not in json.dumps(env)  # the values are in the Secret, the environment names files
