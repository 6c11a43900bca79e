"""The API's documentation pages, /docs (Swagger UI) and /redoc, served from the installed packages.

FastAPI's own pages load Swagger UI and ReDoc from a public CDN, which an air-gapped government network cannot
reach. The same bundles come with the ``fastapi-offline`` package (MIT; its static files are Swagger UI's and
ReDoc's own builds with their licence notices); the pages start them from a script file rather than an inline
script, so the Content-Security-Policy can forbid inline scripts.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

BUNDLES = Path(fastapi_offline.__file__).resolve().parent / "static"
OWN = Path(__file__).resolve().parents[1] / "static"
BUNDLE_URL = "/static/docs"
OWN_URL = "/static/monitor"

router = APIRouter(include_in_schema=False)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
                        f'<link rel="icon" href="{BUNDLE_URL}/favicon.png">{head}</head><body>{body}</body></html>')


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return _page("yunwang monitor API · Swagger UI",
                 f'<link rel="stylesheet" href="{BUNDLE_URL}/swagger-ui.css">',
                 f'<div id="swagger-ui" data-openapi="/openapi.json"></div>'
                 f'<script src="{BUNDLE_URL}/swagger-ui-bundle.js"></script>'
                 f'<script src="{OWN_URL}/swagger-init.js"></script>')


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    return _page("yunwang monitor API · ReDoc", "",
                 f'<redoc spec-url="/openapi.json"></redoc><script src="{BUNDLE_URL}/redoc.standalone.js"></script>')


def mount_docs(app: FastAPI) -> None:
    """The two pages and the static files they load (FastAPI's CDN pages must be off: docs_url=None)."""
    app.include_router(router)
    app.mount(BUNDLE_URL, StaticFiles(directory=BUNDLES), name="docs-bundles")
    app.mount(OWN_URL, StaticFiles(directory=OWN), name="monitor-static")
