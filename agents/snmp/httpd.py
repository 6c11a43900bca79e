"""A minimal asyncio HTTP/1.1 server for GET endpoints: starts in ~1 ms and shares the pollers' event loop.

Prometheus only needs GET with a query string and keep-alive; a web framework would add start-up time and
a second event loop for nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from agents.exposition import accepts_gzip, gzip_bytes, gzip_stream, should_gzip

log = logging.getLogger("yunwang.agent.snmp")

MAX_HEAD = 16384
DRAIN_EVERY = 1 << 20
"""Bytes written between waits for the client to read: a slow scraper holds at most this much of our memory."""
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
GZIP_THREAD_BYTES = 1 << 20
"""Larger whole bodies are compressed in a worker thread (zlib releases the GIL), so polling goes on meanwhile."""
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           500: "Internal Server Error"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class Response:
    """Status, content type, extra headers and a body: text (``body``) or ``chunks`` of bytes written piece by
    piece (the poller's /metrics), gzipped when the client asks. ``body`` of a chunked response joins them."""

    __slots__ = ("_body", "chunks", "content_type", "headers", "status")

    def __init__(self, status: int = 200, body: str = "", content_type: str = TEXT_FORMAT,
                 headers: dict[str, str] | None = None, chunks: Iterable[bytes | memoryview] | None = None) -> None:
        self.status = status
        self._body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.chunks = chunks

    @property
    def body(self) -> str:
        if self.chunks is not None:
            self.chunks = [*self.chunks]
            return b"".join(self.chunks).decode("utf-8")
        return self._body


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
            # A body we do not read would be parsed as the next request: close after anything but GET/HEAD.
            keep = request.headers.get("connection", "").lower() != "close" and request.method in ("GET", "HEAD")
            await _write_response(writer, request, response, keep)
            del response  # nothing of a body outlives its writing while the connection waits for the next request
            if not keep:
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


GZIP_HEADERS = "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n"


async def encode_body(body: bytes, accept_encoding: str) -> tuple[bytes, str]:
    """A whole body as sent and its encoding headers: gzipped when the client accepts it and it is worth it
    (the exporter's /snmp answer); a large one is compressed off the event loop."""
    if not should_gzip(len(body), accept_encoding):
        return body, ""
    if len(body) >= GZIP_THREAD_BYTES:
        return await asyncio.to_thread(gzip_bytes, body), GZIP_HEADERS
    return gzip_bytes(body), GZIP_HEADERS


async def _write_response(writer: asyncio.StreamWriter, request: Request, response: Response, keep: bool) -> None:
    """Status line, headers and body. A body of chunks is sent as it is produced, with chunked transfer encoding
    (gzipped when accepted), waiting for the client every :data:`DRAIN_EVERY` bytes: at no time does the agent
    hold the whole body."""
    head = (f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Status')}\r\n"
            f"Content-Type: {response.content_type}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
            + f"Connection: {'keep-alive' if keep else 'close'}\r\n")
    send_body = request.method == "GET"
    accept = request.headers.get("accept-encoding", "")
    if response.chunks is None:
        body, encoding = await encode_body(response.body.encode("utf-8"), accept)
        writer.write(f"{head}{encoding}Content-Length: {len(body)}\r\n\r\n".encode("latin-1")
                     + (body if send_body else b""))
        await writer.drain()
        return
    gzipped = accepts_gzip(accept)
    encoding = GZIP_HEADERS if gzipped else ""
    writer.write(f"{head}{encoding}Transfer-Encoding: chunked\r\n\r\n".encode("latin-1"))
    if send_body:
        pending = 0
        for piece in gzip_stream(response.chunks) if gzipped else response.chunks:
            if not piece:
                continue  # an empty chunk would end the body
            writer.write(b"%x\r\n" % len(piece))
            writer.write(piece)  # a view of the poller's held bytes: not copied unless the socket is full
            writer.write(b"\r\n")
            pending += len(piece)
            if pending >= DRAIN_EVERY:
                await writer.drain()
                pending = 0
        writer.write(b"0\r\n\r\n")
    await writer.drain()


async def start_server(host: str, port: int, handler: Handler) -> asyncio.Server:
    return await asyncio.start_server(lambda r, w: _serve_connection(r, w, handler), host, port, limit=MAX_HEAD)
