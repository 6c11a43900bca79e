"""HTML pages: the overview, a page per device, and sign-in/sign-out with a server-side session
(monitor.sessions) in an HttpOnly cookie — the cookie carries a random session id, never the token. The pages'
script and stylesheet are static files (``STATIC_DIR``, served at /static)."""

from __future__ import annotations

import json
import time
from html import escape
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from monitor.auth import COOKIE, AuthFailed, digest
from monitor.deps import READ, MonitorDep, UndeclaredToken, authenticate, login_cookie
from monitor.device_page import device_findings, interfaces_from_prometheus, render_device_page
from monitor.drift_view import drift_detail
from monitor.overview import AuditSummary, OverviewData, pick_lang, render_overview
from monitor.service import Monitor

router = APIRouter(tags=["pages"])
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
HISTORY_RUNS = 60
"""Audit runs drawn in the findings trend."""
PAGE_LINKS_AGE_S = 30.0
"""A page shows link states up to this old (Prometheus's scrapes of /metrics keep them fresher) rather than wait."""

LOGIN_FORM = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>云网监控 登录 · yunwang monitor sign-in</title></head><body style="font-family:sans-serif;margin:2rem">
<h1>云网监控 · yunwang monitor</h1>{message}<form method="post" action="/login">
<label>令牌 / Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">登录 / Sign in</button></form></body></html>"""
LOGOUT_FORM = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>云网监控 退出 · yunwang monitor sign-out</title></head><body style="font-family:sans-serif;margin:2rem">
<h1>云网监控 · yunwang monitor</h1><form method="post" action="/logout">
<button type="submit">退出登录 / Sign out</button></form></body></html>"""


def _login_page(message: str = "", status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    note = f'<p style="color:#cf222e">{escape(message)}</p>' if message else ""
    return HTMLResponse(LOGIN_FORM.format(message=note), status_code=status, headers=headers)


def _to_login() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


def _signed_in(monitor: Monitor, request: Request, token: UndeclaredToken) -> Response | None:
    """None when the caller may read; the sign-in form when its session ended; AuthFailed otherwise."""
    try:
        authenticate(monitor, request, token, READ)
    except AuthFailed as exc:
        if token is not None and token.session_id and exc.status == 401:  # signed out, idle or expired
            return _to_login()
        raise
    return None


def _latest_audit(monitor: Monitor) -> AuditSummary | None:
    latest = monitor.store.latest_audit_id()
    if latest is None:
        return None
    document = monitor.store.audit_document(latest)
    received = next((r["received_at"] for r in monitor.store.audits(1, 0)), 0.0)
    return AuditSummary(latest, received, json.loads(document)) if document is not None else None


def _addresses(monitor: Monitor) -> dict[str, str]:
    return {d.address: d.name for d in monitor.views.inventory.devices}


def overview_data(monitor: Monitor) -> OverviewData:
    """What the overview shows, from the store and (cached) Prometheus answers."""
    return OverviewData(monitor.links.net, monitor.reach.device_up(), monitor.links.report(PAGE_LINKS_AGE_S),
                        monitor.store.agents(),
                        _latest_audit(monitor), monitor.store.audits(HISTORY_RUNS, 0), monitor.alerts.current(),
                        _addresses(monitor), monitor.drift.rows(), monitor.alerting.history)


@router.get("/", response_class=HTMLResponse, responses={303: {"description": "sign in first"}})
def overview(request: Request, monitor: MonitorDep, token: UndeclaredToken,
             lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
             accept_language: Annotated[str | None, Header()] = None) -> Response:
    """The overview page (Chinese or English: `?lang=zh|en`, else Accept-Language)."""
    if not token:  # a browser without a token is sent to the sign-in form, not answered 401
        return RedirectResponse("/login", status_code=303)
    ended = _signed_in(monitor, request, token)
    if ended is not None:
        return ended
    return HTMLResponse(render_overview(overview_data(monitor), pick_lang(lang, accept_language)))


@router.get("/devices/{name}", response_class=HTMLResponse,
            responses={303: {"description": "sign in first"}, 404: {"description": "no such device"}})
def device(name: str, request: Request, monitor: MonitorDep, token: UndeclaredToken,
           lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
           accept_language: Annotated[str | None, Header()] = None) -> Response:
    """One device: interfaces, last poll, LLDP neighbours, declared links, findings, configuration drift."""
    if not token:
        return RedirectResponse("/login", status_code=303)
    ended = _signed_in(monitor, request, token)
    if ended is not None:
        return ended
    found = monitor.topo.device_by_name.get(name)
    if found is None:
        raise HTTPException(404, f"no device {name!r} in stack {monitor.topo.name}")
    audit = _latest_audit(monitor)
    addresses = _addresses(monitor)
    chosen, now = pick_lang(lang, accept_language), time.time()
    drift = monitor.drift.row(found.name)
    html = render_device_page(
        monitor.topo, found, monitor.reach.device_up(), monitor.links.report(PAGE_LINKS_AGE_S),
        interfaces_from_prometheus(monitor.settings.prometheus_url, found.name),
        device_findings(monitor.topo, found, audit.document if audit else None, addresses),
        drift_detail(drift, chosen, now) if drift is not None else None, chosen, now)
    return HTMLResponse(html)


@router.get("/login", response_class=HTMLResponse)
def login_form() -> HTMLResponse:
    return _login_page()


@router.post("/login", response_class=HTMLResponse,
             responses={303: {"description": "signed in"}, 401: {"description": "wrong token"},
                        429: {"description": "too many failures"}})
async def login(request: Request, monitor: MonitorDep) -> Response:
    """Check a viewer/admin token from the form and open a session; the HttpOnly, SameSite=Strict cookie carries
    the session id only (the database keeps its digest, monitor.sessions)."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))  # at most 1 KiB (monitor.gate)
    token = (form.get("token") or [""])[0]
    try:
        authenticate(monitor, request, token, READ)
    except AuthFailed as exc:
        return _login_page(exc.message, exc.status, exc.headers())
    session_id = monitor.sessions.open(digest(token))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=int(monitor.settings.sessions.max_s))
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_form() -> HTMLResponse:
    return HTMLResponse(LOGOUT_FORM)


@router.post("/logout", responses={303: {"description": "signed out"}})
async def logout(request: Request, monitor: MonitorDep) -> Response:
    """End this browser's session and clear its cookie."""
    session_id = await login_cookie(request)
    if session_id:
        monitor.sessions.close(session_id)
    return _to_login()
