"""Finding 1: the shared agent bootstrap token could write any agent — lock it out with seq 2**62, or poison the
targets Prometheus discovers. Now it only enrols, a seq far ahead is refused, an admin resets an agent, and
service discovery lists only addresses in the stack's ranges."""

from __future__ import annotations

import time
from typing import Any

from monitor_testlib import ADMIN, AGENT, VIEWER, bearer, enrol, heartbeat

V, A, G = bearer(VIEWER), bearer(ADMIN), bearer(AGENT)
HB = "/api/v1/agents/host-1/heartbeat"


def now_ms() -> int:
    return int(time.time() * 1000)


def test_the_bootstrap_token_only_enrols_an_agent_without_a_token(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    first = client.post(HB, json=heartbeat(seq=now_ms()), headers=G)
    assert first.status_code == 403 and "enrol" in first.json()["error"]
    own = enrol(client, "host-1")
    assert client.post(HB, json=heartbeat(seq=now_ms()), headers=own).status_code == 200
    for path, body in ((HB, heartbeat(seq=now_ms() + 1)), ("/api/v1/agents/host-1/facts",
                                                             {"schema": "yunwang.host-facts/v1"})):
        refused = client.post(path, json=body, headers=G)
        assert refused.status_code == 403 and "enrol" in refused.json()["error"], path
    again = client.post("/api/v1/agents/host-1/enrol", headers=G)
    assert again.status_code == 409 and "reset" in again.json()["error"]
    assert client.post("/api/v1/agents/host-2/heartbeat", json=heartbeat("host-2"), headers=own).status_code == 401
    assert client.get("/api/v1/agents/host-1", headers=V).json()["last_seq"] < now_ms() + 1000


def test_a_seq_far_ahead_of_the_clock_is_refused(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    own = A  # whoever holds a writing token: the agent's own, or the admin's
    poisoned = client.post(HB, json=heartbeat(seq=2**62), headers=own)
    assert poisoned.status_code == 409 and "ahead of the monitor's clock" in poisoned.json()["error"]
    six_minutes = client.post(HB, json=heartbeat(seq=now_ms() + 6 * 60_000), headers=own)
    assert six_minutes.status_code == 409
    assert client.post(HB, json=heartbeat(seq=now_ms() + 60_000), headers=own).status_code == 200  # skew is fine
    assert client.post(HB, json=heartbeat(seq=now_ms() + 120_000), headers=own).status_code == 200


def test_an_admin_resets_an_agent_and_it_enrols_again(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    stolen = enrol(client, "host-1")
    assert client.post(HB, json=heartbeat(seq=now_ms() + 200_000), headers=stolen).status_code == 200
    assert client.post("/api/v1/agents/host-1/reset", headers=V).status_code == 403
    reset = client.post("/api/v1/agents/host-1/reset", headers=A)
    assert reset.status_code == 200 and reset.json()["agent_id"] == "host-1"
    assert client.post(HB, json=heartbeat(seq=now_ms()), headers=stolen).status_code == 401
    assert client.get("/api/v1/agents/host-1", headers=V).status_code == 404
    own = enrol(client, "host-1")  # the real agent enrols again and its clock-based seq is accepted
    assert client.post(HB, json=heartbeat(seq=now_ms()), headers=own).status_code == 200
    assert client.post("/api/v1/agents/ghost/reset", headers=A).status_code == 404


def test_enrolment_can_be_turned_off(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url, enrolment=False)
    off = client.post("/api/v1/agents/host-1/enrol", headers=G)
    assert off.status_code == 403 and "turned off" in off.json()["error"]
    issued = client.post("/api/v1/agents/host-1/token", headers=A).json()["token"]  # the admin's way still works
    assert client.post(HB, json=heartbeat(seq=now_ms()), headers=bearer(issued)).status_code == 200


def _host_targets(client: Any) -> list[str]:
    return [t for group in client.get("/api/v1/sd/host", headers=V).json() for t in group["targets"]]


def test_service_discovery_lists_only_addresses_in_the_stack_ranges(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url, host_targets="agents", sd_refresh_s=0.0)
    for agent_id, address in (("metadata", "169.254.169.254:80"), ("by-name", "attacker.example:9810"),
                              ("outside", "192.0.2.10:9810"), ("inside", "10.34.19.5:9810")):
        posted = client.post(f"/api/v1/agents/{agent_id}/heartbeat", headers=A,
                             json=heartbeat(agent_id, seq=now_ms(), address=address))
        assert posted.status_code == 200, posted.text
    assert _host_targets(client) == ["10.34.19.5:9810"]  # the security-management range of the dev stack
    assert client.post("/api/v1/sd-allowed", json={"cidr": "192.0.2.10/32", "reason": "test"},
                       headers=V).status_code == 403
    allowed = client.post("/api/v1/sd-allowed", json={"cidr": "192.0.2.10/32", "reason": "lab host, ticket 42"},
                          headers=A)
    assert allowed.status_code == 201
    assert sorted(_host_targets(client)) == ["10.34.19.5:9810", "192.0.2.10:9810"]
    assert client.delete("/api/v1/sd-allowed/192.0.2.10/32", headers=A).status_code == 204
    assert _host_targets(client) == ["10.34.19.5:9810"]
