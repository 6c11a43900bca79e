"""Agents: enrolment, heartbeats and host facts they send, what the monitor knows of them, their own tokens.

Identity: the shared bootstrap token only *enrols* an agent id that has no token yet (and only while enrolment
is on, ``--no-enrolment`` turns it off); the reply carries the agent's own token, the one thing that writes
that agent's heartbeats and facts from then on (the admin's token may too). An admin resets an agent whose
token was lost or misused, and it can enrol again.

A heartbeat's seq must not run more than ``max_seq_ahead_ms`` (5 minutes) ahead of the monitor's clock in
milliseconds. The host agent's seq *is* its clock in milliseconds (agents/host/push.py), so a genuine one is at
most the clock skew ahead — NTP keeps that to well under a second, and 5 minutes is the skew Kerberos tolerates.
Without the bound, one heartbeat with seq 2**62 made every later one "not newer" for good; with it, a stolen
token can hold the stored seq at most 5 minutes ahead, and the agent recovers by itself when its clock passes it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from monitor.auth import digest, new_token
from monitor.deps import Admin, AgentOrAdmin, Bootstrap, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, utc
from monitor.schemas import (
    AGENT_ID_PATTERN,
    AgentReset,
    AgentToken,
    AgentView,
    ErrorBody,
    Heartbeat,
    HeartbeatAck,
    HostFacts,
)
from monitor.store import AgentRow, UnknownAgent

router = APIRouter(prefix=f"{API_V1}/agents", tags=["agents"])
AgentPath = Annotated[str, Path(pattern=AGENT_ID_PATTERN, description="agent id")]


def _agent_view(a: AgentRow) -> AgentView:
    return AgentView(agent_id=a.agent_id, kind=a.kind, hostname=a.hostname, version=a.version, address=a.address,
                     last_seq=a.last_seq, sent_at=utc(a.sent_at), first_seen=utc(a.first_seen),
                     last_seen=utc(a.last_seen),
                     facts_received_at=utc(a.facts_received_at) if a.facts_received_at is not None else None)


@router.post("/{agent_id}/heartbeat", response_model=HeartbeatAck,
             responses={409: {"model": ErrorBody, "description": "replayed or out-of-order seq"}, **errors(404)})
async def heartbeat(agent_id: AgentPath, body: Heartbeat, _: AgentOrAdmin, monitor: MonitorDep) -> HeartbeatAck:
    """Record that an agent is alive; each seq is stored once, and only in increasing order."""
    if body.agent_id != agent_id:
        raise HTTPException(409, f"agent_id '{body.agent_id}' in the body conflicts with '{agent_id}' in the path")
    now_ms = int(time.time() * 1000)
    ahead = monitor.settings.limits.max_seq_ahead_ms
    if body.seq > now_ms + ahead:
        raise HTTPException(409, f"seq {body.seq} is more than {ahead} ms ahead of the monitor's clock ({now_ms} ms "
                                 "since the epoch): a seq follows the agent's clock in milliseconds or counts up "
                                 "from 1; check the agent's clock")
    conflict = await asyncio.wrap_future(monitor.heartbeats.submit(body))  # resolved after the commit
    if conflict is not None:
        raise HTTPException(409, str(conflict))
    monitor.sd.note_agent(body.agent_id, body.kind, body.address)
    return HeartbeatAck(agent_id=agent_id, seq=body.seq)


@router.post("/{agent_id}/facts", responses=errors(404))
def facts(agent_id: AgentPath, body: HostFacts, _: AgentOrAdmin, monitor: MonitorDep) -> dict[str, str]:
    """Store the agent's latest host security facts (schema yunwang.host-facts/v1) for the policy engine."""
    try:
        monitor.store.store_facts(agent_id, body.model_dump(mode="json", by_alias=True))
    except UnknownAgent as exc:
        raise HTTPException(404, f"{exc}; send a heartbeat first") from None
    return {"agent_id": agent_id, "status": "stored"}


@router.get("", response_model=list[AgentView], responses=errors())
def list_agents(_: Reader, monitor: MonitorDep) -> list[AgentView]:
    """Every agent that has sent a heartbeat, with when it was last seen."""
    return [_agent_view(a) for a in monitor.store.agents()]


@router.get("/{agent_id}", response_model=AgentView, responses=errors(404))
def get_agent(agent_id: AgentPath, _: Reader, monitor: MonitorDep) -> AgentView:
    found = [a for a in monitor.store.agents() if a.agent_id == agent_id]
    if not found:
        raise HTTPException(404, f"unknown agent '{agent_id}'")
    return _agent_view(found[0])


@router.get("/{agent_id}/facts", responses=errors(404))
def get_facts(agent_id: AgentPath, _: Reader, monitor: MonitorDep) -> Response:
    """The latest facts document the agent sent."""
    stored = monitor.store.facts(agent_id)
    if stored is None:
        raise HTTPException(404, f"no facts stored for agent '{agent_id}'")
    return Response(stored[1].encode(), media_type="application/json")


@router.post("/{agent_id}/enrol", status_code=201, response_model=AgentToken,
             responses={409: {"model": ErrorBody, "description": "the agent id has a token already"}, **errors()})
def enrol(agent_id: AgentPath, _: Bootstrap, monitor: MonitorDep) -> AgentToken:
    """With the bootstrap token: give an agent id that has no token yet its own token (returned once)."""
    if not monitor.settings.enrolment:
        raise HTTPException(403, "enrolment is turned off on this monitor: an admin issues the agent's token "
                                 f"(POST {router.prefix}/{{id}}/token)")
    token = new_token()
    if not monitor.store.enrol_agent(agent_id, digest(token)):
        raise HTTPException(409, f"agent '{agent_id}' is enrolled already: it writes with its own token; if that "
                                 f"token is lost, an admin resets the agent (POST {router.prefix}/{agent_id}/reset)")
    monitor.auth.forget_agent(agent_id)
    return AgentToken(agent_id=agent_id, token=token)


@router.post("/{agent_id}/reset", response_model=AgentReset, responses=errors(404))
def reset_agent(agent_id: AgentPath, _: Admin, monitor: MonitorDep) -> AgentReset:
    """Forget the agent's token, heartbeat state (seq, address) and facts, so that it can enrol again."""
    if not monitor.store.reset_agent(agent_id):
        raise HTTPException(404, f"unknown agent '{agent_id}': no token, heartbeat or facts to reset")
    monitor.auth.forget_agent(agent_id)
    monitor.sd.invalidate()
    return AgentReset(agent_id=agent_id)


@router.post("/{agent_id}/token", status_code=201, response_model=AgentToken, responses=errors())
def issue_agent_token(agent_id: AgentPath, _: Admin, monitor: MonitorDep) -> AgentToken:
    """Create (or replace) the agent's own token. It is returned once; only its digest is stored."""
    token = new_token()
    monitor.store.set_agent_token(agent_id, digest(token))
    monitor.auth.forget_agent(agent_id)
    return AgentToken(agent_id=agent_id, token=token)
