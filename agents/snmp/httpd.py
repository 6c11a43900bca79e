"""A minimal asyncio HTTP/1.1 server for GET endpoints: starts in ~1 ms and shares the pollers' event loop.

Prometheus only needs GET with a query string and keep-alive; a web framework would add start-up time and
a second event loop for nothing.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger("yunwang.agent.snmp")

MAX_HEAD = 16384
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
GZIP_MIN_BYTES = 1024
"""Smaller bodies are sent as they are (gzip would save little and cost a header)."""
GZIP_THREAD_BYTES = 1 << 20
"""Larger bodies are compressed in a worker thread (zlib releases the GIL), so polling goes on meanwhile."""
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Response:
    status: int = 200
    body: str = ""
    content_type: str = TEXT_FORMAT
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Awaitable[Response]]


def parse_head(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    url = urlsplit(target)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
    return Request(method.upper(), url.path, dict(parse_qsl(url.query, keep_blank_values=True)), headers)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value admits gzip (``gzip`` or ``*`` without ``q=0``), as Prometheus sends it."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


async def encode_body(body: bytes, accept_encoding: str) -> tuple[bytes, str | None]:
    """The body as sent and its ``Content-Encoding``: gzip (level 1, the cheapest) when the client accepts it,
    like node_exporter and snmp_exporter; a poller's large /metrics is compressed off the event loop."""
    if len(body) < GZIP_MIN_BYTES or not accepts_gzip(accept_encoding):
        return body, None
    if len(body) >= GZIP_THREAD_BYTES:
        return await asyncio.to_thread(gzip.compress, body, 1), "gzip"
    return gzip.compress(body, 1), "gzip"


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            try:
                request = parse_head(head[:-4])
            except ValueError:
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            if request.method not in ("GET", "HEAD"):
                response = Response(405, "only GET is served\n")
            else:
                try:
                    response = await handler(request)
                except Exception:  # keep serving: one bad request must not stop the agent
                    log.exception("error while handling %s", request.path)
                    response = Response(500, "internal error; see the agent's log\n")
            accept = request.headers.get("accept-encoding", "")
            body, encoding = await encode_body(response.body.encode("utf-8"), accept)
            if encoding:
                response.headers = {**response.headers, "Content-Encoding": encoding, "Vary": "Accept-Encoding"}
            # A body we do not read would be parsed as the next request: close after anything but GET/HEAD.
            keep = request.headers.get("connection", "").lower() != "close" and request.method in ("GET", "HEAD")
            extra = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
            writer.write(
                (f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Status')}\r\n"
                 f"Content-Type: {response.content_type}\r\nContent-Length: {len(body)}\r\n{extra}"
                 f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode("latin-1")
                + (body if request.method == "GET" else b""))
            await writer.drain()
            if not keep:
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def start_server(host: str, port: int, handler: Handler) -> asyncio.Server:
    return await asyncio.start_server(lambda r, w: _serve_connection(r, w, handler), host, port, limit=MAX_HEAD)
