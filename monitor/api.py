"""The JSON API: health, inventory, service discovery, agents, audits and the monitor's own metrics."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from monitor.app import ADMIN, AGENT, ERRORS, READ, require
from monitor.auth import Principal, digest, new_token
from monitor.schemas import (
    AGENT_ID_PATTERN,
    AgentToken,
    AgentView,
    AuditDiff,
    AuditRef,
    AuditReport,
    Clause,
    Created,
    ErrorBody,
    Heartbeat,
    HeartbeatAck,
    HostFacts,
    SdGroup,
    Severity,
    Source,
)
from monitor.service import Monitor
from monitor.store import AgentRow, UnknownAgent
from monitor.views import SD_JOBS
from yunwang.topology import DeviceRole, Vendor

router = APIRouter()
AgentPath = Annotated[str, Path(pattern=AGENT_ID_PATTERN, description="agent id")]
AuditPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="audit run id")]
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def _monitor(request: Request) -> Monitor:
    return request.app.state.monitor  # type: ignore[no-any-return]


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _json(value: Any, status: int = 200) -> Response:
    return Response(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), status_code=status,
                    media_type="application/json")


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: ERRORS[c] for c in (400, 401, 403, 413, 422, 429, *codes)}


# -- health ----------------------------------------------------------------------------------------------
@router.get("/healthz", tags=["health"])
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], responses={503: {"model": ErrorBody}})
def readyz(request: Request) -> Response:
    """Readiness: the database answers and its schema is at this build's migration head."""
    m = _monitor(request)
    try:
        m.store.ping()
    except Exception as exc:  # any database failure means "not ready", with the reason
        return JSONResponse({"error": f"database unavailable: {type(exc).__name__}"}, status_code=503)
    if not m.heartbeats.alive():
        return JSONResponse({"error": "the heartbeat writer has stopped"}, status_code=503)
    return JSONResponse({"status": "ready", "schema": m.head})


@router.get("/metrics", tags=["metrics"], response_class=Response,
            responses={200: {"content": {"text/plain": {}}}, **_errors()})
async def metrics(request: Request) -> Response:
    """Prometheus exposition: request metrics, devices, agents' last heartbeat, the latest audit."""
    m = _monitor(request)
    if not m.settings.open_metrics:
        await require(READ)(request, await _credentials(request))
    if m.metrics.fresh():
        return Response(m.metrics.render(), media_type=PROMETHEUS_TEXT)
    import anyio.to_thread

    body = await anyio.to_thread.run_sync(m.metrics.render)  # reads the database: off the event loop
    return Response(body, media_type=PROMETHEUS_TEXT)


async def _credentials(request: Request) -> Any:
    from monitor.app import bearer

    return await bearer(request)


# -- inventory and service discovery ---------------------------------------------------------------------
@router.get("/api/v1/inventory", tags=["inventory"], responses=_errors(404))
async def inventory(request: Request, _: Principal = Depends(require(READ)),
                    region: Annotated[str | None, Query(max_length=63)] = None,
                    zone: Annotated[str | None, Query(max_length=63)] = None,
                    role: DeviceRole | None = None, vendor: Vendor | None = None) -> Response:
    """Regions, zones, tenants, devices and hosts of the stack; filters narrow the sections that carry them."""
    m = _monitor(request)
    if region is not None and region not in m.topo.region_by_name:
        raise HTTPException(404, f"unknown region '{region}'; known: {', '.join(m.topo.region_by_name)}")
    if zone is not None and zone not in m.topo.zone_by_name:
        raise HTTPException(404, f"unknown zone '{zone}'; known: {', '.join(m.topo.zone_by_name)}")
    return _json(m.views.inventory_body(region, zone, role.value if role else None,
                                        vendor.value if vendor else None))


@router.get("/api/v1/sd/{job}", tags=["service discovery"], response_model=list[SdGroup], responses=_errors(404))
async def service_discovery(request: Request, job: Annotated[str, Path(max_length=63)],
                            _: Principal = Depends(require(READ))) -> Response:
    """Prometheus HTTP SD targets for `host`, `snmp`, `snmp-poller` or `monitor`."""
    m = _monitor(request)
    if job not in SD_JOBS:
        raise HTTPException(404, f"unknown SD job '{job}'; known: {', '.join(SD_JOBS)}")
    if job == "host":
        import anyio.to_thread

        body = await anyio.to_thread.run_sync(m.sd.body, job)
    else:
        body = m.sd.body(job)
    assert body is not None
    return Response(body, media_type="application/json")


# -- agents ----------------------------------------------------------------------------------------------
def _agent_view(a: AgentRow) -> AgentView:
    return AgentView(agent_id=a.agent_id, kind=a.kind, hostname=a.hostname, version=a.version, address=a.address,
                     last_seq=a.last_seq, sent_at=_ts(a.sent_at), first_seen=_ts(a.first_seen),
                     last_seen=_ts(a.last_seen),
                     facts_received_at=_ts(a.facts_received_at) if a.facts_received_at is not None else None)


@router.post("/api/v1/agents/{agent_id}/heartbeat", tags=["agents"], response_model=HeartbeatAck,
             responses={409: {"model": ErrorBody, "description": "replayed or out-of-order seq"}, **_errors(404)})
async def heartbeat(request: Request, agent_id: AgentPath, body: Heartbeat,
                    _: Principal = Depends(require(AGENT))) -> HeartbeatAck:
    """Record that an agent is alive; each seq is stored once, and only in increasing order."""
    if body.agent_id != agent_id:
        raise HTTPException(409, f"agent_id '{body.agent_id}' in the body conflicts with '{agent_id}' in the path")
    m = _monitor(request)
    conflict = await asyncio.wrap_future(m.heartbeats.submit(body))  # resolved after the commit
    if conflict is not None:
        raise HTTPException(409, str(conflict))
    m.sd.note_agent(body.agent_id, body.kind, body.address)
    return HeartbeatAck(agent_id=agent_id, seq=body.seq)


@router.post("/api/v1/agents/{agent_id}/facts", tags=["agents"], responses=_errors(404))
def facts(request: Request, agent_id: AgentPath, body: HostFacts,
          _: Principal = Depends(require(AGENT))) -> dict[str, str]:
    """Store the agent's latest host security facts (schema yunwang.host-facts/v1) for the policy engine."""
    try:
        _monitor(request).store.store_facts(agent_id, body.model_dump(mode="json", by_alias=True))
    except UnknownAgent as exc:
        raise HTTPException(404, f"{exc}; send a heartbeat first") from None
    return {"agent_id": agent_id, "status": "stored"}


@router.get("/api/v1/agents", tags=["agents"], response_model=list[AgentView], responses=_errors())
def list_agents(request: Request, _: Principal = Depends(require(READ))) -> list[AgentView]:
    """Every agent that has sent a heartbeat, with when it was last seen."""
    return [_agent_view(a) for a in _monitor(request).store.agents()]


@router.get("/api/v1/agents/{agent_id}", tags=["agents"], response_model=AgentView, responses=_errors(404))
def get_agent(request: Request, agent_id: AgentPath, _: Principal = Depends(require(READ))) -> AgentView:
    found = [a for a in _monitor(request).store.agents() if a.agent_id == agent_id]
    if not found:
        raise HTTPException(404, f"unknown agent '{agent_id}'")
    return _agent_view(found[0])


@router.get("/api/v1/agents/{agent_id}/facts", tags=["agents"], responses=_errors(404))
def get_facts(request: Request, agent_id: AgentPath, _: Principal = Depends(require(READ))) -> Response:
    """The latest facts document the agent sent."""
    stored = _monitor(request).store.facts(agent_id)
    if stored is None:
        raise HTTPException(404, f"no facts stored for agent '{agent_id}'")
    return Response(stored[1].encode(), media_type="application/json")


@router.post("/api/v1/agents/{agent_id}/token", tags=["agents"], status_code=201, response_model=AgentToken,
             responses=_errors())
def issue_agent_token(request: Request, agent_id: AgentPath, _: Principal = Depends(require(ADMIN))) -> AgentToken:
    """Create (or replace) the agent's own token. It is returned once; only its digest is stored."""
    m = _monitor(request)
    token = new_token()
    m.store.set_agent_token(agent_id, digest(token))
    m.auth.forget_agent(agent_id)
    return AgentToken(agent_id=agent_id, token=token)


# -- audits ----------------------------------------------------------------------------------------------
@router.post("/api/v1/audits", tags=["audits"], status_code=201, response_model=Created, responses=_errors())
def add_audit(request: Request, report: AuditReport, _: Principal = Depends(require(ADMIN))) -> Created:
    """Store one audit run (the audit JSON contract); the reply's id is durable once returned."""
    m = _monitor(request)
    audit_id = m.store.add_audit(report)
    m.metrics.invalidate()
    return Created(id=audit_id, findings=len(report.findings))


@router.get("/api/v1/audits", tags=["audits"], response_model=list[AuditRef], responses=_errors())
def list_audits(request: Request, _: Principal = Depends(require(READ)),
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=2**31)] = 0) -> list[AuditRef]:
    """Audit runs, newest first."""
    return [AuditRef(**{**r, "received_at": _ts(r["received_at"])})
            for r in _monitor(request).store.audits(limit, offset)]


def _findings_of(m: Monitor, audit_id: int) -> list[dict[str, Any]]:
    if not m.store.audit_exists(audit_id):
        raise HTTPException(404, f"no audit with id {audit_id}")
    return m.store.findings(audit_id)


def _key(f: dict[str, Any]) -> tuple[str, str, str]:
    return (f["rule_id"], f["target"]["source"], f["target"]["id"])


@router.get("/api/v1/audits/diff", tags=["audits"], response_model=AuditDiff, responses=_errors(404))
def diff_audits(request: Request, from_id: Annotated[int, Query(alias="from", ge=1, le=2**31 - 1)],
                to_id: Annotated[int, Query(alias="to", ge=1, le=2**31 - 1)],
                _: Principal = Depends(require(READ))) -> Response:
    """Findings new in `to`, fixed since `from`, and still open; identity = rule_id + target source/id."""
    m = _monitor(request)
    before, after = _findings_of(m, from_id), _findings_of(m, to_id)
    before_keys, after_keys = {_key(f) for f in before}, {_key(f) for f in after}

    def strip(f: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in f.items() if k not in ("audit_id", "index")}

    return _json({"from": from_id, "to": to_id,
                  "new": [strip(f) for f in after if _key(f) not in before_keys],
                  "fixed": [strip(f) for f in before if _key(f) not in after_keys],
                  "still_open": [strip(f) for f in after if _key(f) in before_keys]})


def _stored_audit(m: Monitor, audit_id: int | None) -> Response:
    document = m.store.audit_document(audit_id) if audit_id is not None else None
    if audit_id is None or document is None:
        raise HTTPException(404, "no audit stored yet" if audit_id is None else f"no audit with id {audit_id}")
    return Response(f'{{"id":{audit_id},"report":{document}}}'.encode(), media_type="application/json")


_STORED_AUDIT_SCHEMA = {"type": "object", "required": ["id", "report"],
                        "properties": {"id": {"type": "integer"},
                                       "report": {"$ref": "#/components/schemas/AuditReport"}}}
STORED_AUDIT: dict[int | str, dict[str, Any]] = {
    200: {"description": "the stored run: {id, report}", "content": {"application/json": {
        "schema": _STORED_AUDIT_SCHEMA}}}}


@router.get("/api/v1/audits/latest", tags=["audits"], responses={**STORED_AUDIT, **_errors(404)})
def latest_audit(request: Request, _: Principal = Depends(require(READ))) -> Response:
    m = _monitor(request)
    return _stored_audit(m, m.store.latest_audit_id())


@router.get("/api/v1/audits/{audit_id}", tags=["audits"], responses={**STORED_AUDIT, **_errors(404)})
def get_audit(request: Request, audit_id: AuditPath, _: Principal = Depends(require(READ))) -> Response:
    return _stored_audit(_monitor(request), audit_id)


@router.get("/api/v1/audits/{audit_id}/findings", tags=["audits"], response_model=list[dict[str, Any]],
            responses=_errors(404))
def audit_findings(request: Request, audit_id: AuditPath, _: Principal = Depends(require(READ)),
                   severity: Annotated[list[Severity] | None, Query()] = None,
                   clause: Annotated[Clause | None, Query()] = None,
                   source: Annotated[list[Source] | None, Query()] = None,
                   limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
                   offset: Annotated[int, Query(ge=0, le=2**31)] = 0) -> Response:
    """Findings of one run, filtered by severity, clause and target source (repeat a filter for OR)."""
    m = _monitor(request)
    if not m.store.audit_exists(audit_id):
        raise HTTPException(404, f"no audit with id {audit_id}")
    return _json(m.store.findings(audit_id, severity or (), clause, source or (), limit, offset))
