"""Agents: heartbeats and host facts they send, what the monitor knows of them, their own tokens."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from monitor.auth import digest, new_token
from monitor.deps import Admin, AgentOrAdmin, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, utc
from monitor.schemas import AGENT_ID_PATTERN, AgentToken, AgentView, ErrorBody, Heartbeat, HeartbeatAck, HostFacts
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


@router.post("/{agent_id}/token", status_code=201, response_model=AgentToken, responses=errors())
def issue_agent_token(agent_id: AgentPath, _: Admin, monitor: MonitorDep) -> AgentToken:
    """Create (or replace) the agent's own token. It is returned once; only its digest is stored."""
    token = new_token()
    monitor.store.set_agent_token(agent_id, digest(token))
    monitor.auth.forget_agent(agent_id)
    return AgentToken(agent_id=agent_id, token=token)
