"""HTTP endpoints: exporter mode ``GET /snmp?target=&module=&auth=``, the agent's ``GET /metrics``.

``/snmp`` behaves like snmp_exporter's: Prometheus passes the device as ``target``; the answer must come
before Prometheus gives up, so the deadline is the ``X-Prometheus-Scrape-Timeout-Seconds`` header minus a
margin, and whatever was collected by then is returned with ``snmp_scrape_partial 1``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from agents.snmp.auth import AuthResolver, UnknownAuth
from agents.snmp.collect import collect_device, render_families
from agents.snmp.engine import DEFAULT_IN_FLIGHT, EngineState, Target, parse_address
from agents.snmp.httpd import Request, Response
from agents.snmp.modules import Module, plan_for
from agents.snmp.poller import Poller, request_timing
from agents.snmp.stats import AgentStats
from yunwang.contracts.exposition import escape_label_value as escape
from yunwang.errors import InputError

TIMEOUT_MARGIN = 0.25  # seconds kept for rendering and the network, like snmp_exporter's timeout offset
DEFAULT_MODULE = "if_mib"
DEFAULT_AUTH = "public_v2"


@dataclass
class Agent:
    """Routes HTTP requests to the exporter, the poller's results and the agent's own metrics."""

    modules: dict[str, Module]
    resolver: AuthResolver
    stats: AgentStats = field(default_factory=AgentStats)
    poller: Poller | None = None
    timeout: float = 5.0
    retries: int = 1
    in_flight: int = DEFAULT_IN_FLIGHT
    _v3_cache: dict[tuple[str, int, bytes], EngineState] = field(default_factory=dict)

    async def handle(self, request: Request) -> Response:
        if request.path == "/snmp":
            response = await self.scrape(request)
        elif request.path == "/metrics":
            body = (self.poller.render() if self.poller else "") + self.stats.render()
            response = Response(200, body)
        elif request.path in ("/", "/healthz"):
            response = Response(200, "yunwang SNMP agent: /snmp?target=HOST:PORT&module=if_mib&auth=public_v2, "
                                     "/metrics\n", "text/plain; charset=utf-8")
        else:
            response = Response(404, "not found; try /metrics or /snmp?target=HOST:PORT\n")
        self.stats.inc("yunwang_snmp_http_requests_total", f'path="{escape(request.path[:40])}",'
                                                            f'status="{response.status}"')
        return response

    async def scrape(self, request: Request) -> Response:
        started = time.perf_counter()
        query = request.query
        address = query.get("target", "").strip()
        if not address:
            return Response(400, "'target' parameter must be specified, e.g. /snmp?target=10.0.0.1:161\n")
        names = [n.strip() for n in query.get("module", DEFAULT_MODULE).split(",") if n.strip()] or [DEFAULT_MODULE]
        auth = query.get("auth", DEFAULT_AUTH)
        try:
            creds = self.resolver.resolve(auth)
            plan = plan_for(names, self.modules)
            host, port = parse_address(address)
        except (UnknownAuth, KeyError) as exc:
            return Response(400, f"{str(exc).strip(chr(34) + chr(39))}\n")
        except ValueError:
            return Response(400, f"bad target {address!r}: use HOST or HOST:PORT\n")
        except InputError as exc:
            return Response(400, f"{exc}\n")
        timeout, retries = request_timing(self.resolver, auth, plan, default_timeout=self.timeout,
                                          default_retries=self.retries)
        target = Target(host, port, creds, timeout, retries, plan.max_repetitions, self.in_flight)
        deadline = None
        header = request.headers.get("x-prometheus-scrape-timeout-seconds")
        if header:
            try:
                deadline = time.monotonic() + max(float(header) - TIMEOUT_MARGIN, 0.05)
            except ValueError:
                return Response(400, f"bad X-Prometheus-Scrape-Timeout-Seconds {header!r}\n")
        result = await collect_device(address, target, plan, "", deadline, self._v3_cache)
        self.stats.count_poll(address, result.ok, result.reason, result.pdus_sent, result.retransmits,
                              result.varbinds)
        module = escape(",".join(names))
        meta = [
            "# HELP snmp_scrape_walk_duration_seconds Time the SNMP walks and gets took.\n"
            "# TYPE snmp_scrape_walk_duration_seconds gauge\n"
            f'snmp_scrape_walk_duration_seconds{{module="{module}"}} {result.walk_seconds:.6f}\n',
            "# HELP snmp_scrape_pdus_returned Values (varbinds) returned by the walks and gets.\n"
            "# TYPE snmp_scrape_pdus_returned gauge\n"
            f'snmp_scrape_pdus_returned{{module="{module}"}} {result.varbinds}\n',
            "# HELP snmp_scrape_packets_sent SNMP requests sent, retransmissions included.\n"
            "# TYPE snmp_scrape_packets_sent gauge\n"
            f'snmp_scrape_packets_sent{{module="{module}"}} {result.pdus_sent}\n',
            "# HELP snmp_scrape_partial 1 if the scrape deadline cut the walks short.\n"
            f"# TYPE snmp_scrape_partial gauge\nsnmp_scrape_partial {int(result.partial)}\n",
            "# HELP snmp_up 1 if every walk and get succeeded, else 0.\n"
            f"# TYPE snmp_up gauge\nsnmp_up {int(result.ok)}\n",
        ]
        if not result.ok:
            meta.append("# HELP snmp_scrape_error Why the scrape failed.\n# TYPE snmp_scrape_error gauge\n"
                        f'snmp_scrape_error{{reason="{result.reason}",message="{escape(result.error or "")}"}} 1\n')
        meta.append("# HELP snmp_scrape_duration_seconds Total SNMP time scrape took (walk and processing).\n"
                    "# TYPE snmp_scrape_duration_seconds gauge\n"
                    f"snmp_scrape_duration_seconds {time.perf_counter() - started:.6f}\n")
        return Response(200, "".join(render_families([result])) + "".join(meta))
