"""The monitor's API on both backends: inventory, SD, heartbeats, facts, audits, metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from monitor_testlib import ADMIN, VIEWER, bearer, enrol, finding, heartbeat, report

from monitor.db import head_revision
from yunwang.inventory import build_inventory
from yunwang.stacks import load_stack

V, A = bearer(VIEWER), bearer(ADMIN)


def test_health_and_readiness(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["schema"] == head_revision()


def test_inventory_lists_and_filters_the_stack(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    topo = load_stack("dev").topology
    assert topo is not None
    body = client.get("/api/v1/inventory", headers=V).json()
    assert [r["name"] for r in body["regions"]] == [r.name for r in topo.regions]
    assert len(body["devices"]) == len(topo.devices) and len(body["hosts"]) == len(topo.hosts)
    assert {z["name"] for z in body["zones"]} == {z.name for z in topo.zones}
    jinan = client.get("/api/v1/inventory", params={"region": "jinan"}, headers=V).json()
    assert jinan["devices"] and all(d["region"] == "jinan" for d in jinan["devices"])
    assert [r["name"] for r in jinan["regions"]] == ["jinan"]
    assert all(t["region"] == "jinan" for t in jinan["tenants"])
    core = client.get("/api/v1/inventory", params={"role": "core", "vendor": "h3c"}, headers=V).json()
    assert core["devices"] and all(d["role"] == "core" and d["vendor"] == "h3c" for d in core["devices"])
    zone = client.get("/api/v1/inventory", params={"zone": "core-data"}, headers=V).json()
    assert all(h["zone"] == "core-data" for h in zone["hosts"]) and [z["name"] for z in zone["zones"]] == ["core-data"]
    unknown = client.get("/api/v1/inventory", params={"region": "atlantis"}, headers=V)
    assert unknown.status_code == 404 and "luan" in unknown.json()["error"]
    assert client.get("/api/v1/inventory", params={"role": "toaster"}, headers=V).status_code == 422


def test_sd_snmp_is_one_group_per_device_with_modules_and_auth(make_client: Any, sqlite_url: str,
                                                              tmp_path: Path) -> None:
    topo = load_stack("dev").topology
    assert topo is not None
    first = topo.devices[0].name
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(json.dumps({first: "127.0.0.1:16100"}))
    client = make_client(sqlite_url, endpoints_file=endpoints)
    groups = client.get("/api/v1/sd/snmp", headers=V).json()
    inventory = build_inventory(topo)
    assert len(groups) == len(topo.devices)
    by_device = {g["labels"]["device"]: g for g in groups}
    assert by_device[first]["targets"] == ["127.0.0.1:16100"]
    for dev in inventory.devices[1:]:
        group = by_device[dev.name]
        assert group["targets"] == [dev.address]
        assert group["labels"]["__param_module"] == ",".join(dev.modules)
        assert group["labels"]["__param_auth"] == dev.auth
        for key in ("region", "role", "vendor", "site"):
            assert group["labels"][key] == dev.labels[key]


def test_sd_other_jobs_and_unknown_job(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url, listen="127.0.0.1:18080",
                         poller_targets=("127.0.0.1:9811", "127.0.0.1:9812"))
    assert client.get("/api/v1/sd/monitor", headers=V).json() == [
        {"targets": ["127.0.0.1:18080"], "labels": {"service": "monitor"}}]
    pollers = client.get("/api/v1/sd/snmp-poller", headers=V).json()
    assert [(g["targets"], g["labels"]["shard"]) for g in pollers] == [
        (["127.0.0.1:9811"], "0/2"), (["127.0.0.1:9812"], "1/2")]
    missing = client.get("/api/v1/sd/nope", headers=V)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"
    assert "snmp-poller" in missing.json()["error"]


def test_sd_host_adds_registered_host_agents(make_client: Any, db_url: str) -> None:
    client = make_client(db_url, sd_refresh_s=3600.0, sd_allow=("127.0.0.0/8",))
    topo = load_stack("dev").topology
    assert topo is not None
    before = client.get("/api/v1/sd/host", headers=V).json()
    assert [g["targets"][0] for g in before] == [f"{h.address}:{h.agent_port}" for h in topo.hosts]
    posted = client.post("/api/v1/agents/h9/heartbeat", json=heartbeat("h9", address="127.0.0.1:9810"),
                         headers=enrol(client, "h9"))
    assert posted.status_code == 200, posted.text
    after = client.get("/api/v1/sd/host", headers=V).json()
    assert after[-1] == {"targets": ["127.0.0.1:9810"], "labels": {"host": "h9.example", "agent": "h9",
                                                                   "source": "agent"}}
    only_agents = make_client(db_url, host_targets="agents", sd_allow=("127.0.0.0/8",))
    assert [g["targets"] for g in only_agents.get("/api/v1/sd/host", headers=V).json()] == [["127.0.0.1:9810"]]


def test_heartbeats_are_stored_once_and_in_order(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    G = enrol(client)
    url = "/api/v1/agents/host-1/heartbeat"
    assert client.post(url, json=heartbeat(seq=1), headers=G).json() == {"agent_id": "host-1", "seq": 1,
                                                                          "stored": True}
    replay = client.post(url, json=heartbeat(seq=1), headers=G)
    assert replay.status_code == 409 and "not newer" in replay.json()["error"]
    assert client.post(url, json=heartbeat(seq=5), headers=G).status_code == 200
    late = client.post(url, json=heartbeat(seq=3), headers=G)
    assert late.status_code == 409 and "stored seq 5" in late.json()["error"]
    agents = client.get("/api/v1/agents", headers=V).json()
    assert [(a["agent_id"], a["last_seq"]) for a in agents] == [("host-1", 5)]
    assert client.get("/api/v1/agents/host-1", headers=V).json()["hostname"] == "host-1.example"
    assert client.get("/api/v1/agents/ghost", headers=V).status_code == 404


def test_bad_heartbeats_get_a_4xx_that_says_what_is_wrong(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    G = enrol(client)
    url = "/api/v1/agents/host-1/heartbeat"
    malformed = client.post(url, content=b'{"agent_id": ', headers={**G, "content-type": "application/json"})
    assert malformed.status_code == 400 and "malformed JSON" in malformed.json()["error"]
    wrong_type = client.post(url, json=heartbeat(seq="many"), headers=G)
    assert wrong_type.status_code == 422 and "body.seq" in wrong_type.json()["error"]
    missing = client.post(url, json={"agent_id": "host-1"}, headers=G)
    assert missing.status_code == 422 and "body.kind" in missing.json()["error"]
    mismatch = client.post(url, json=heartbeat("host-2"), headers=G)
    assert mismatch.status_code == 409 and "conflicts with" in mismatch.json()["error"]
    bad_id = client.post("/api/v1/agents/..%2F/heartbeat", json=heartbeat(), headers=A)
    assert 400 <= bad_id.status_code < 500
    not_object = client.post(url, json=[1, 2], headers=G)
    assert not_object.status_code == 422


def test_facts_need_a_known_agent_and_the_schema_marker(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    facts = {"schema": "yunwang.host-facts/v1", "hostname": "host-1", "sshd": {"permit_root_login": "no"}}
    G = enrol(client)
    unknown = client.post("/api/v1/agents/host-1/facts", json=facts, headers=G)
    assert unknown.status_code == 404 and "heartbeat first" in unknown.json()["error"]
    client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(), headers=G)
    assert client.post("/api/v1/agents/host-1/facts", json=facts, headers=G).status_code == 200
    assert client.get("/api/v1/agents/host-1/facts", headers=V).json() == facts
    wrong = client.post("/api/v1/agents/host-1/facts", json={**facts, "schema": "other/v9"}, headers=G)
    assert wrong.status_code == 422 and "schema" in wrong.json()["error"]
    assert client.get("/api/v1/agents", headers=V).json()[0]["facts_received_at"] is not None


def test_audits_store_list_filter_and_diff(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    first = report(finding("ssh-root", "host-1"), finding("snmp-v2c", "core-1", "8.1.3.5-a", "medium", "device"),
                   finding("weak-pw", "host-2", "8.1.4.1-a", "low"))
    second = report(finding("ssh-root", "host-1"), finding("ntp-off", "core-1", "8.1.3.5-a", "medium", "device"))
    r1 = client.post("/api/v1/audits", json=first, headers=A)
    assert r1.status_code == 201 and r1.json()["findings"] == 3
    r2 = client.post("/api/v1/audits", json=second, headers=A)
    a, b = r1.json()["id"], r2.json()["id"]
    assert [x["id"] for x in client.get("/api/v1/audits", headers=V).json()] == [b, a]
    stored = client.get(f"/api/v1/audits/{a}", headers=V).json()
    assert stored["id"] == a and stored["report"]["findings"][0]["rule_id"] == "ssh-root"
    assert client.get("/api/v1/audits/latest", headers=V).json()["id"] == b

    def rules(**params: Any) -> list[str]:
        reply = client.get(f"/api/v1/audits/{a}/findings", params=params, headers=V)
        assert reply.status_code == 200, reply.text
        return [f["rule_id"] for f in reply.json()]

    assert rules() == ["ssh-root", "snmp-v2c", "weak-pw"]
    assert rules(severity="medium") == ["snmp-v2c"]
    assert rules(severity=["high", "low"]) == ["ssh-root", "weak-pw"]
    assert rules(clause="8.1.3.5-a") == ["snmp-v2c"]
    assert rules(clause="8.1.3.5-b") == []
    assert rules(source="host") == ["ssh-root", "weak-pw"]
    diff = client.get("/api/v1/audits/diff", params={"from": a, "to": b}, headers=V).json()
    assert [f["rule_id"] for f in diff["new"]] == ["ntp-off"]
    assert sorted(f["rule_id"] for f in diff["fixed"]) == ["snmp-v2c", "weak-pw"]
    assert [f["rule_id"] for f in diff["still_open"]] == ["ssh-root"]
    assert client.get("/api/v1/audits/999", headers=V).status_code == 404
    assert client.get("/api/v1/audits/999/findings", headers=V).status_code == 404
    assert client.get("/api/v1/audits/diff", params={"from": a, "to": 999}, headers=V).status_code == 404


def test_audit_that_breaks_the_schema_is_rejected_with_the_reason(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    good = report(finding("ssh-root", "host-1"))
    cases: list[tuple[dict[str, Any], str]] = [
        ({**good, "summary": {"high": 1}}, "body.summary.medium"),
        ({**good, "findings": [{**good["findings"][0], "severity": "critical"}]}, "body.findings.0.severity"),
        ({**good, "findings": [{**good["findings"][0], "clauses": ["eight"]}]}, "body.findings.0.clauses.0"),
        ({**good, "findings": [{**good["findings"][0], "target": {"source": "cloud", "id": "x"}}]},
         "body.findings.0.target.source"),
        ({k: v for k, v in good.items() if k != "tool"}, "body.tool"),
    ]
    for document, where in cases:
        reply = client.post("/api/v1/audits", json=document, headers=A)
        assert reply.status_code == 422, document
        assert where in reply.json()["error"], reply.json()
    assert client.get("/api/v1/audits", headers=V).json() == []


def test_metrics_expose_devices_agents_and_latest_audit(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(), headers=enrol(client))
    doc = report(finding("ssh-root", "host-1"), finding("ssh-pw", "host-2"),
                 finding("waived-one", "host-3", waived=True),
                 controls={"8.1.4.2-a": "non-compliant", "8.1.4.1-a": "partial", "8.1.3.1-a": "compliant",
                           "8.1.5.1-a": "not-assessed"})
    client.post("/api/v1/audits", json=doc, headers=A)
    samples = parse_metrics(client.get("/metrics", headers=V).text)
    assert ("yunwang_agent_last_seen_timestamp_seconds", (("agent", "host-1"), ("kind", "host"))) in samples
    assert samples[("yunwang_devices", (("region", "luan"), ("role", "core"), ("vendor", "h3c")))] == 2
    assert samples[("yunwang_audit_findings", (("clause", "8.1.4.2-a"), ("severity", "high"), ("source", "host")))] == 2
    status = {dict(labels)["clause"]: v for (name, labels), v in samples.items()
              if name == "yunwang_audit_control_status"}
    assert status == {"8.1.4.2-a": 0.0, "8.1.4.1-a": 0.5, "8.1.3.1-a": 1.0}
    assert samples[("yunwang_monitor_http_requests_total",
                    (("method", "POST"), ("route", "/api/v1/audits"), ("status", "201")))] == 1


def parse_metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition (parsed by prometheus_client, so the text must be valid)."""
    from prometheus_client.parser import text_string_to_metric_families

    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.mark.parametrize("path", ["/metrics", "/api/v1/sd/snmp", "/api/v1/inventory"])
def test_scrape_and_discovery_answer_gzip_when_asked(make_client: Any, sqlite_url: str, path: str) -> None:
    client = make_client(sqlite_url)
    zipped = client.get(path, headers={**bearer(VIEWER), "Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert zipped.num_bytes_downloaded < len(zipped.content) / 2  # what crossed the wire, before decoding
    plain = client.get(path, headers={**bearer(VIEWER), "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 1024
    if path != "/metrics":  # the request metrics in /metrics change between the two calls
        assert zipped.content == plain.content
