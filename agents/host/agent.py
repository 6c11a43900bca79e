"""``yunwang agent host``: parse options, build the collectors, serve HTTP, optionally push to the monitor."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from yunwang.errors import InputError, Problem

if TYPE_CHECKING:
    import ipaddress

    IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

log = logging.getLogger("yunwang.agent.host")

TOKEN_ENV = "YUNWANG_AGENT_TOKEN"


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[IPv6]:PORT`` or ``:PORT`` (all IPv4 interfaces)."""
    host, sep, port_text = value.rpartition(":")
    problem = None
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        problem = "expected HOST:PORT with a port from 1 to 65535"
    elif host.startswith("[") != host.endswith("]"):
        problem = "unbalanced brackets around an IPv6 address"
    if problem:
        raise InputError([Problem("--listen", None, "", value, problem, "for example 127.0.0.1:9810 or [::1]:9810")])
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port_text)


def read_token(token_file: Path | None) -> str | None:
    """The bearer token: --token-file wins over the environment. Never accepted on the command line."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError([Problem(str(token_file), None, "", "", f"cannot read the token file: {exc.strerror}",
                                      "give a readable file holding only the token")]) from exc
        if not token:
            raise InputError([Problem(str(token_file), None, "", "", "the token file is empty",
                                      "write the agent token into it")])
        return token
    return os.environ.get(TOKEN_ENV) or None


def scrape_address(host: str, port: int, monitor: str | None = None) -> str:
    """HOST:PORT for Prometheus to scrape, as told to the monitor. Listening on all addresses, the address of the
    interface that reaches the monitor (the monitor's service discovery lists IP addresses inside the stack's
    ranges only, never names), else the hostname."""
    if host in ("0.0.0.0", "::", ""):
        host = _address_towards(monitor) or socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}"


def _address_towards(monitor: str | None) -> str | None:
    """The local IP address the kernel would send to the monitor from (a UDP connect sends no packet)."""
    from urllib.parse import urlsplit

    if not monitor:
        return None
    parts = urlsplit(monitor)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_DGRAM)
        family, _, _, _, address = infos[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(address)
            return str(probe.getsockname()[0])
    except (OSError, IndexError):
        return None


def parse_networks(values: Sequence[str]) -> tuple[IPNetwork, ...]:
    """``--facts-from`` ranges, each a CIDR (or one address)."""
    import ipaddress

    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise InputError([Problem("--facts-from", None, "", value, str(exc), "e.g. 10.34.19.0/24")]) from None
    return tuple(out)


def check_monitor_url(url: str) -> str:
    """The monitor's base URL: http(s), a host, a valid port; no user:password (the token has its own file)."""
    from urllib.parse import urlsplit

    problem, shown = None, url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        problem = "the port is not a number from 1 to 65535"
    else:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problem = "expected an http:// or https:// URL with a host"
        elif parts.username is not None or parts.password is not None:
            problem = "no user or password in the URL: give the token with --token-file or YUNWANG_AGENT_TOKEN"
            shown = "(not shown: it holds credentials)"
        elif parts.query or parts.fragment:
            problem = "expected the monitor's base URL, without ?query or #fragment"
    if problem:
        raise InputError([Problem("--monitor", None, "", shown, problem, "for example http://127.0.0.1:8080")])
    return url


FACTS_TIMEOUT = 120.0


def facts_json() -> bytes:
    """Facts from a child process (see agents/host/factsources/__main__.py for why not in-process)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "agents.host.factsources"], capture_output=True,
                          timeout=FACTS_TIMEOUT, check=False)
    if done.returncode != 0 or not done.stdout.startswith(b"{"):
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"facts collector exited with status {done.returncode}: {tail[0]}")
    return done.stdout.strip()


def run_agent(listen: str = "127.0.0.1:9810", monitor: str | None = None, textfile_dir: Path | None = None,
              agent_id: str | None = None, token_file: Path | None = None, enable: list[str] | None = None,
              disable: list[str] | None = None, state_dir: Path | None = None,
              facts_from: list[str] | None = None) -> None:
    from agents.host.collectors import build_collectors
    from agents.host.scrape import Scraper
    from agents.host.server import AgentHTTPServer, FactsCache
    from yunwang import __version__

    address = parse_listen(listen)
    facts_networks = parse_networks(facts_from or ())
    if monitor:
        check_monitor_url(monitor)
    token = read_token(token_file) if monitor else None
    if textfile_dir is not None and not textfile_dir.is_dir():
        raise InputError([Problem("--textfile-dir", None, "", str(textfile_dir), "not a directory",
                                  "create it or point to the directory your *.prom files are written to")])
    try:
        collectors = build_collectors(enable or (), disable or (), str(textfile_dir) if textfile_dir else None)
    except ValueError as exc:
        raise InputError([Problem("--enable/--disable", None, "", "", str(exc))]) from exc
    from yunwang.safetext import configure_logging

    configure_logging()  # request paths reach the log at debug level: control characters escaped

    facts = FactsCache(facts_json)
    try:
        server = AgentHTTPServer(address, Scraper(collectors), facts, facts_networks)
    except OSError as exc:
        raise InputError([Problem("--listen", None, "", listen, f"cannot listen: {exc.strerror}",
                                  "choose a free port or stop the process that holds it")]) from exc
    host, port = str(server.server_address[0]), int(server.server_address[1])  # the bound port when --listen :0
    pusher = None
    if monitor:
        from agents.host.push import MonitorPusher

        if token is None:
            log.warning("no token in %s or --token-file: pushing to the monitor without authentication", TOKEN_ENV)
        hostname = socket.gethostname()
        identity_file = state_dir / f"agent-{quote(agent_id or hostname, safe='')}.token" if state_dir else None
        pusher = MonitorPusher(monitor, agent_id or hostname, hostname, __version__, token, facts.get,
                               address=scrape_address(host, port, monitor), identity_file=identity_file)
        pusher.start()

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminate)
    if facts_networks:
        log.warning("/facts (accounts, services, open ports) is served to %s as well as this host; the monitor "
                    "receives the facts pushed and needs none of it", ", ".join(map(str, facts_networks)))
    shown = f"[{host}]" if ":" in host else host
    log.info("host agent on http://%s:%d/metrics and /facts, %d collectors%s", shown, port, len(collectors),
             f", pushing to {monitor}" if monitor else "")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if pusher is not None:
            pusher.stop()
        server.server_close()
