"""HTML pages: the overview, and sign-in/sign-out with a server-side session (monitor.sessions) in an HttpOnly
cookie — the cookie carries a random session id, never the token."""

from __future__ import annotations

import json
from html import escape
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from monitor.auth import COOKIE, AuthFailed, digest
from monitor.deps import READ, MonitorDep, UndeclaredToken, authenticate, login_cookie
from monitor.overview import AuditSummary, pick_lang, render_overview

router = APIRouter(tags=["pages"])

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


@router.get("/", response_class=HTMLResponse, responses={303: {"description": "sign in first"}})
def overview(request: Request, monitor: MonitorDep, token: UndeclaredToken,
             lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
             accept_language: Annotated[str | None, Header()] = None) -> Response:
    """The overview page (Chinese or English: `?lang=zh|en`, else Accept-Language)."""
    if not token:  # a browser without a token is sent to the sign-in form, not answered 401
        return RedirectResponse("/login", status_code=303)
    try:
        authenticate(monitor, request, token, READ)
    except AuthFailed as exc:
        if token.session_id and exc.status == 401:  # the session ended (signed out, idle, expired): sign in again
            return _to_login()
        raise
    devices_by_region: dict[str, list[str]] = {r.name: [] for r in monitor.topo.regions}
    for d in monitor.topo.devices:
        devices_by_region[d.region].append(d.name)
    latest = monitor.store.latest_audit_id()
    audit = None
    if latest is not None:
        document = monitor.store.audit_document(latest)
        received = next((r["received_at"] for r in monitor.store.audits(1, 0)), 0.0)
        if document is not None:
            audit = AuditSummary(latest, received, json.loads(document))
    html = render_overview(monitor.topo, monitor.reach.by_region(devices_by_region), monitor.store.agents(), audit,
                           pick_lang(lang, accept_language), drift=monitor.drift.rows())
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
