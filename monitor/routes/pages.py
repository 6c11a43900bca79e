"""HTML pages: the overview and a login form that puts a viewer/admin token into an HttpOnly cookie."""

from __future__ import annotations

import json
from html import escape
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from monitor.auth import COOKIE, AuthFailed
from monitor.deps import READ, MonitorDep, UndeclaredToken, authenticate
from monitor.overview import AuditSummary, pick_lang, render_overview

router = APIRouter(tags=["pages"])

LOGIN_FORM = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>云网监控 登录 · yunwang monitor sign-in</title></head><body style="font-family:sans-serif;margin:2rem">
<h1>云网监控 · yunwang monitor</h1>{message}<form method="post" action="/login">
<label>令牌 / Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">登录 / Sign in</button></form></body></html>"""


def _login_page(message: str = "", status: int = 200) -> HTMLResponse:
    note = f'<p style="color:#cf222e">{escape(message)}</p>' if message else ""
    return HTMLResponse(LOGIN_FORM.format(message=note), status_code=status)


@router.get("/", response_class=HTMLResponse, responses={303: {"description": "sign in first"}})
def overview(request: Request, monitor: MonitorDep, token: UndeclaredToken,
             lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
             accept_language: Annotated[str | None, Header()] = None) -> Response:
    """The overview page (Chinese or English: `?lang=zh|en`, else Accept-Language)."""
    if not token:  # a browser without a token is sent to the sign-in form, not answered 401
        return RedirectResponse("/login", status_code=303)
    authenticate(monitor, request, token, READ)
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
    """Check a viewer/admin token from the form and keep it in an HttpOnly, SameSite=Strict cookie."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0]
    try:
        authenticate(monitor, request, token, READ)
    except AuthFailed as exc:
        return _login_page(exc.message, exc.status)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=12 * 3600)
    return response
