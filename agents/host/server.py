"""The agent's HTTP endpoints: GET /metrics (node_exporter text format) and GET /facts (host security facts).

``/metrics?collect[]=cpu&collect[]=meminfo`` runs only those collectors, as node_exporter does.

``/facts`` (accounts, services, listening ports with their processes, pending security updates) is served to
this host only — loopback clients — unless ``--facts-from`` names more ranges: the monitor receives the same
document through the agent's authenticated push, and everyone else reads it from the monitor with a viewer
token, so no secret needs handing to remote readers and nothing on the network can read it from the agent.
A token on /facts would have needed a second credential per agent on every reader; a loopback check needs none.

A thread per connection (Prometheus keeps its connection open, so that is one thread per scraper, not per
scrape). Facts are collected on demand, at most once per ``facts_ttl`` seconds, so a busy poller cannot make the
agent run ``sshd -T`` in a loop.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from agents.exposition import gzip_bytes, should_gzip
from agents.host.scrape import Scraper

log = logging.getLogger("yunwang.agent.host")

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
INDEX = (b"<html><head><title>yunwang host agent</title></head><body><h1>yunwang host agent</h1>"
         b'<p><a href="/metrics">/metrics</a> &middot; <a href="/facts">/facts</a></p></body></html>\n')


class FactsCache:
    """Facts JSON, recollected when older than ``ttl`` seconds; one collection at a time."""

    def __init__(self, collect_json: Callable[[], bytes], ttl: float = 30.0) -> None:
        self.collect_json = collect_json
        self.ttl = ttl
        self._lock = threading.Lock()
        self._body = b""
        self._at = float("-inf")

    def get(self) -> bytes:
        with self._lock:
            if time.monotonic() - self._at >= self.ttl:
                self._body = self.collect_json()
                self._at = time.monotonic()
            return self._body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a kept-alive client's delayed ACK stalls each
    # response by ~40 ms.
    disable_nagle_algorithm = True
    # Idle kept-alive connections are closed after this long, so stray clients cannot pile up threads; Prometheus
    # scrapes far more often and simply reconnects.
    timeout = 300
    server_version = "yunwang-host-agent"
    server: AgentHTTPServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        path, _, query = self.path.partition("?")
        if path == "/metrics":
            only = None
            if query:
                wanted = parse_qs(query).get("collect[]")
                try:
                    only = self.server.scraper.select(wanted) if wanted else None
                except ValueError as exc:
                    self._reply(400, f"{exc}\n".encode(), "text/plain", send_body)
                    return
            body, kind = self.server.scraper.scrape(only).encode(), METRICS_TYPE
        elif path == "/facts":
            if not self.server.may_read_facts(self.client_address[0]):
                self._reply(403, b"/facts is served to this host only; read the facts from the monitor "
                                 b"(GET /api/v1/agents/{id}/facts) or allow a range with --facts-from\n",
                            "text/plain", send_body)
                return
            try:
                body, kind = self.server.facts.get(), "application/json"
            except Exception as exc:  # facts failures are reported, never crash the agent
                log.exception("facts collection failed")
                self._reply(500, f"facts collection failed: {type(exc).__name__}\n".encode(), "text/plain", send_body)
                return
        elif path == "/":
            body, kind = INDEX, "text/html; charset=utf-8"
        else:
            self._reply(404, b"not found: try /metrics or /facts\n", "text/plain", send_body)
            return
        self._reply(200, body, kind, send_body)

    def _reply(self, status: int, body: bytes, kind: str, send_body: bool) -> None:
        gzipped = should_gzip(len(body), self.headers.get("Accept-Encoding", ""))
        if gzipped:
            body = gzip_bytes(body)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_POST(self) -> None:
        self._reply(405, b"method not allowed\n", "text/plain", True)

    do_PUT = do_DELETE = do_PATCH = do_POST

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class AgentHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], scraper: Scraper, facts: FactsCache,
                 facts_from: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()) -> None:
        import socket

        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.scraper = scraper
        self.facts = facts
        self.facts_from = tuple(facts_from)
        super().__init__(address, _Handler)

    def may_read_facts(self, client: str) -> bool:
        """Loopback clients, and those in a ``--facts-from`` range."""
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_loopback or any(address in net for net in self.facts_from)
