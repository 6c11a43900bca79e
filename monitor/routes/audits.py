"""Audit history: runs as the audit JSON contract stores them, their findings, and the diff of two runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response

from monitor.deps import Admin, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, json_response, utc
from monitor.schemas import AuditDiff, AuditRef, AuditReport, Clause, Created, Severity, Source
from monitor.service import Monitor

router = APIRouter(prefix=f"{API_V1}/audits", tags=["audits"])
AuditPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="audit run id")]

_STORED_AUDIT_SCHEMA = {"type": "object", "required": ["id", "report"],
                        "properties": {"id": {"type": "integer"},
                                       "report": {"$ref": "#/components/schemas/AuditReport"}}}
STORED_AUDIT: dict[int | str, dict[str, Any]] = {
    200: {"description": "the stored run: {id, report}", "content": {"application/json": {
        "schema": _STORED_AUDIT_SCHEMA}}}}


@router.post("", status_code=201, response_model=Created, responses=errors())
def add_audit(report: AuditReport, _: Admin, monitor: MonitorDep) -> Created:
    """Store one audit run (the audit JSON contract); the reply's id is durable once returned."""
    audit_id = monitor.store.add_audit(report)
    monitor.metrics.invalidate()
    return Created(id=audit_id, findings=len(report.findings))


@router.get("", response_model=list[AuditRef], responses=errors())
def list_audits(_: Reader, monitor: MonitorDep,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=2**31)] = 0) -> list[AuditRef]:
    """Audit runs, newest first."""
    return [AuditRef(**{**r, "received_at": utc(r["received_at"])}) for r in monitor.store.audits(limit, offset)]


def _findings_of(monitor: Monitor, audit_id: int) -> list[dict[str, Any]]:
    if not monitor.store.audit_exists(audit_id):
        raise HTTPException(404, f"no audit with id {audit_id}")
    return monitor.store.findings(audit_id)


def _key(f: dict[str, Any]) -> tuple[str, str, str]:
    return (f["rule_id"], f["target"]["source"], f["target"]["id"])


@router.get("/diff", response_model=AuditDiff, responses=errors(404))
def diff_audits(from_id: Annotated[int, Query(alias="from", ge=1, le=2**31 - 1)],
                to_id: Annotated[int, Query(alias="to", ge=1, le=2**31 - 1)],
                _: Reader, monitor: MonitorDep) -> Response:
    """Findings new in `to`, fixed since `from`, and still open; identity = rule_id + target source/id."""
    before, after = _findings_of(monitor, from_id), _findings_of(monitor, to_id)
    before_keys, after_keys = {_key(f) for f in before}, {_key(f) for f in after}

    def strip(f: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in f.items() if k not in ("audit_id", "index")}

    return json_response({"from": from_id, "to": to_id,
                          "new": [strip(f) for f in after if _key(f) not in before_keys],
                          "fixed": [strip(f) for f in before if _key(f) not in after_keys],
                          "still_open": [strip(f) for f in after if _key(f) in before_keys]})


def _stored_audit(monitor: Monitor, audit_id: int | None) -> Response:
    document = monitor.store.audit_document(audit_id) if audit_id is not None else None
    if audit_id is None or document is None:
        raise HTTPException(404, "no audit stored yet" if audit_id is None else f"no audit with id {audit_id}")
    return Response(f'{{"id":{audit_id},"report":{document}}}'.encode(), media_type="application/json")


@router.get("/latest", responses={**STORED_AUDIT, **errors(404)})
def latest_audit(_: Reader, monitor: MonitorDep) -> Response:
    return _stored_audit(monitor, monitor.store.latest_audit_id())


@router.get("/{audit_id}", responses={**STORED_AUDIT, **errors(404)})
def get_audit(audit_id: AuditPath, _: Reader, monitor: MonitorDep) -> Response:
    return _stored_audit(monitor, audit_id)


@router.get("/{audit_id}/findings", response_model=list[dict[str, Any]], responses=errors(404))
def audit_findings(audit_id: AuditPath, _: Reader, monitor: MonitorDep,
                   severity: Annotated[list[Severity] | None, Query()] = None,
                   clause: Annotated[Clause | None, Query()] = None,
                   source: Annotated[list[Source] | None, Query()] = None,
                   limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
                   offset: Annotated[int, Query(ge=0, le=2**31)] = 0) -> Response:
    """Findings of one run, filtered by severity, clause and target source (repeat a filter for OR)."""
    if not monitor.store.audit_exists(audit_id):
        raise HTTPException(404, f"no audit with id {audit_id}")
    return json_response(monitor.store.findings(audit_id, severity or (), clause, source or (), limit, offset))
