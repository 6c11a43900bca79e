"""ASGI middleware and helpers: request metrics, security headers, and bodies read with a cap.

Bodies are read from the ASGI receive stream chunk by chunk and refused (413) as soon as they pass their
route's limit — never ``await request.body()`` on an unbounded stream. The gate (monitor.gate) decides the limit
after it authenticated the caller.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'")
"""Pages load scripts only from the monitor itself (Swagger UI and ReDoc are served from the package); inline
styles are allowed (the pages carry their own CSS), inline scripts are not."""
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
_LONE_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


async def send_json(send: Send, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body).encode()
    extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": data})


def lone_surrogate(body: bytes) -> bool:
    """Whether a JSON body holds a ``\\uD800``–``\\uDFFF`` escape that is not half of a valid pair.

    Such a string cannot be encoded as UTF-8, so it would fail deep in the database driver (a 500, and for a
    heartbeat the whole batch it was committed with). Raw bytes cannot carry a surrogate (they are not UTF-8);
    only an escape can, so the body is decoded only when it holds one.
    """
    if not _LONE_SURROGATE_ESCAPE.search(body):
        return False
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except ValueError:  # not JSON at all: the route answers 400
        return False
    return False


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


async def with_capped_body(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Call ``app`` with the request body read up to ``limit`` bytes (else answer 413 and stop reading)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                await send_json(send, 400, {"error": "invalid Content-Length header"})
                return
            if declared > limit:
                await send_json(send, 413, {"error": f"request body of {declared} bytes exceeds the limit "
                                                     f"of {limit} bytes for this endpoint"})
                return
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            await send_json(send, 413, {"error": f"request body exceeds the limit of {limit} bytes "
                                                 "for this endpoint"})
            return
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    if _is_json(scope) and lone_surrogate(body):
        await send_json(send, 422, {"error": "invalid request: the JSON body holds a lone UTF-16 surrogate escape "
                                             "(\\ud800-\\udfff not part of a pair), which is no Unicode text"})
        return
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    await app(scope, replay, send)


class SecurityHeaders:
    """Adds Content-Security-Policy, X-Frame-Options, X-Content-Type-Options and Referrer-Policy to every reply."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message["headers"]}
                message["headers"] = [*message["headers"],
                                      *((n, v) for n, v in SECURITY_HEADERS if n not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestMetrics:
    """Counts and times every request by route template (never by raw path: that would explode label sets)."""

    def __init__(self, app: ASGIApp, observe: Callable[[str, str, int, float], None]):
        self.app, self.observe = app, observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.observe(scope["method"], template, status, time.perf_counter() - start)
