"""HTTP endpoints: exporter mode ``GET /snmp?target=&module=&auth=``, the agent's ``GET /metrics``.

``/snmp`` behaves like snmp_exporter's: Prometheus passes the device as ``target``; the answer must come
before Prometheus gives up, so the deadline is the ``X-Prometheus-Scrape-Timeout-Seconds`` header minus a
margin, and whatever was collected by then is returned with ``snmp_scrape_partial 1``.

Whoever reaches the port names the target, so nothing it names may grow without bound: SNMPv3 engines learnt
and merged module plans are LRU caches, error series of failed targets are capped (agents/snmp/stats.py), HTTP
request counts are labelled by known path only. With an allow-list (``--allow-targets``, by default the stack's
ranges and devices when the agent runs with ``--stack``), a target outside it is refused with 403 before any
packet is sent — snmp_exporter has no such list, so it walks whatever it is pointed at.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field

from agents.snmp.auth import AuthResolver
from agents.snmp.collect import collect_device, render_families
from agents.snmp.engine import DEFAULT_IN_FLIGHT, EngineState
from agents.snmp.errors import ScrapeConfigError
from agents.snmp.httpd import Request, Response
from agents.snmp.job import prepare_job
from agents.snmp.modules import Module
from agents.snmp.poller import Poller
from agents.snmp.scrape_meta import write_scrape_meta
from agents.snmp.stats import AgentStats
from yunwang.contracts.exposition import escape_label_value as escape
from yunwang.lru import LruDict
from yunwang.ranges import AddressRanges

TIMEOUT_MARGIN = 0.25  # seconds kept for rendering and the network, like snmp_exporter's timeout offset
DEFAULT_MODULE = "if_mib"
DEFAULT_AUTH = "public_v2"
MAX_ENGINES = 1024
"""SNMPv3 engines (target, port, user) remembered between scrapes; the least recently used are forgotten."""
KNOWN_PATHS = frozenset({"/snmp", "/metrics", "/status", "/", "/healthz"})
STATUS_SCHEMA = "yunwang.snmp-status/v1"


def _v3_engines() -> LruDict[tuple[str, int, bytes], EngineState]:
    return LruDict(MAX_ENGINES)


@dataclass
class Agent:
    """Routes HTTP requests to the exporter, the poller's results and the agent's own metrics."""

    modules: dict[str, Module]
    resolver: AuthResolver
    stats: AgentStats = field(default_factory=AgentStats)
    poller: Poller | None = None
    timeout: float = 5.0
    retries: int = 1
    """Defaults when neither the profile nor the modules say."""
    timeout_override: float | None = None
    retries_override: int | None = None
    """``--timeout``/``--retries``: they win over the profile's and the modules' (as for the poller)."""
    in_flight: int = DEFAULT_IN_FLIGHT
    allowed: AddressRanges | None = None
    """Ranges exporter-mode targets must lie in (None: any target)."""
    _v3_cache: dict[tuple[str, int, bytes], EngineState] = field(default_factory=_v3_engines)

    async def handle(self, request: Request) -> Response:
        if request.path == "/snmp":
            response = await self.scrape(request)
        elif request.path == "/metrics":
            own = self.stats.render().encode()
            # Lazily: a list of views of every device's blob would keep them all alive as long as the response
            # object lives (a kept-alive connection holds it until the next scrape), doubling what is held.
            response = Response(200, chunks=itertools.chain(self.poller.chunks(), (own,)) if self.poller else [own])
        elif request.path == "/status":
            response = Response(200, json.dumps(self.status(), sort_keys=True), "application/json")
        elif request.path in ("/", "/healthz"):
            response = Response(200, "yunwang SNMP agent: /snmp?target=HOST:PORT&module=if_mib&auth=public_v2, "
                                     "/metrics, /status\n", "text/plain; charset=utf-8")
        else:
            response = Response(404, "not found; try /metrics, /status or /snmp?target=HOST:PORT\n")
        path = request.path if request.path in KNOWN_PATHS else "other"
        self.stats.inc("yunwang_snmp_http_requests_total", f'path="{path}",status="{response.status}"')
        return response

    def status(self) -> dict[str, object]:
        """The poller's summary (devices polled, up, failed per region; how current), or an exporter's nothing."""
        summary = self.poller.summary() if self.poller else {"devices": 0, "polled": 0, "up": 0, "failed": 0,
                                                             "regions": {}}
        return {"schema": STATUS_SCHEMA, **summary}

    async def scrape(self, request: Request) -> Response:
        started = time.perf_counter()
        query = request.query
        address = query.get("target", "").strip()
        if not address:
            return Response(400, "'target' parameter must be specified, e.g. /snmp?target=10.0.0.1:161\n")
        # Repeats dropped: a module named twice walks nothing more, and long repeated lists would make every
        # cached plan as large as its list.
        names = list(dict.fromkeys(n.strip() for n in query.get("module", DEFAULT_MODULE).split(",") if n.strip())) \
            or [DEFAULT_MODULE]
        try:
            job = prepare_job(address, names, query.get("auth", DEFAULT_AUTH), self.resolver, self.modules,
                              timeout=self.timeout_override, retries=self.retries_override, in_flight=self.in_flight,
                              default_timeout=self.timeout, default_retries=self.retries)
        except ScrapeConfigError as exc:  # like snmp_exporter's "Unknown module 'x'": a 400 saying what to fix
            return Response(400, f"{exc.explain()}\n")
        if self.allowed is not None and not self.allowed.admits(job.target.host):
            return Response(403, f"target {address!r} is outside the ranges this agent may scrape "
                                 f"({self.allowed.describe()}); targets must be IP addresses inside them "
                                 "(--allow-targets)\n")
        deadline = None
        header = request.headers.get("x-prometheus-scrape-timeout-seconds")
        if header:
            try:
                deadline = time.monotonic() + max(float(header) - TIMEOUT_MARGIN, 0.05)
            except ValueError:
                return Response(400, f"bad X-Prometheus-Scrape-Timeout-Seconds {header!r}\n")
        result = await collect_device(address, job.target, job.plan, "", deadline, self._v3_cache)
        self.stats.count_poll(address, result.ok, result.reason, result.pdus_sent, result.retransmits,
                              result.varbinds, target=True)
        body = "".join(render_families([result]))
        result.duration = time.perf_counter() - started  # the whole request, rendering included
        meta = write_scrape_meta([result], {address: ""}, walk_labels=f'module="{escape(",".join(names))}",',
                                 error_message=True)
        return Response(200, body + meta)
