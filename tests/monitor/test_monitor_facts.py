"""POST /api/v1/agents/{id}/facts checks documents against the host-facts contract and stores them as sent."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from monitor_testlib import VIEWER, bearer, enrol, heartbeat

from agents.host.facts import collect_facts
from yunwang.contracts import host_facts

V = bearer(VIEWER)
HOSTS = Path(__file__).parents[1] / "audit_live/fixtures/hosts"
URL = "/api/v1/agents/host-1/facts"


@pytest.fixture
def client(make_client: Any, db_url: str) -> Any:
    client = make_client(db_url)
    client.headers.update(enrol(client))  # the agent's own token on every request of these tests
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat()).status_code == 200
    return client


def documents(tmp_path: Path) -> list[dict[str, Any]]:
    """What agents send: this agent's document (from a small tree) and the audit fixtures written by hand."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/hostname").write_text("gov-db-02\n")
    (tmp_path / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    collected = json.loads(collect_facts(tmp_path).to_json())
    return [collected, *(json.loads(p.read_text(encoding="utf-8")) for p in sorted(HOSTS.glob("*.json")))]


def test_agent_documents_are_stored_exactly_as_sent(client: Any, tmp_path: Path) -> None:
    for document in documents(tmp_path):
        assert client.post(URL, json=document).status_code == 200, document["hostname"]
        assert client.get(URL, headers=V).json() == document  # no defaults added, nothing dropped


def test_unknown_fields_are_kept_at_every_level(client: Any) -> None:
    document = {"schema": host_facts.SCHEMA, "hostname": "h", "firewall": {"nftables": True},
                "sshd": {"installed": True, "settings": {"ciphers": "aes256-ctr"}, "match_blocks": 2},
                "listening": [{"proto": "tcp", "address": "::", "port": 22, "netns": "host"}]}
    assert client.post(URL, json=document).status_code == 200
    assert client.get(URL, headers=V).json() == document


@pytest.mark.parametrize(("change", "where"), [
    ({"sshd": "yes"}, "sshd"),
    ({"listening": [{"proto": "tcp", "address": "0.0.0.0", "port": "22"}]}, "listening.0.port"),
    ({"users": {"uid0": "root"}}, "users.uid0"),
    ({"login_defs": {"PASS_MAX_DAYS": 9.5}}, "login_defs.PASS_MAX_DAYS"),
    ({"pam": {"faillock": {"enabled": "true"}}}, "pam.faillock.enabled"),
    ({"hostname": None}, "hostname"),
])
def test_a_fact_of_the_wrong_type_is_refused_with_its_place(client: Any, change: dict[str, Any], where: str) -> None:
    response = client.post(URL, json={"schema": host_facts.SCHEMA, "hostname": "h", **change})
    assert response.status_code == 422
    assert where in response.json()["error"]
    assert client.get(URL, headers=V).status_code == 404  # nothing stored


def test_the_api_documents_the_contract(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["components"]["schemas"]["HostFacts"]
    assert list(body["properties"]) == [f.name for f in dataclasses.fields(host_facts.HostFacts)]
    assert body["required"] == ["schema"] and body["additionalProperties"] is True
    assert body["properties"]["schema"]["const"] == host_facts.SCHEMA
