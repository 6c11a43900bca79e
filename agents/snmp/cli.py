"""``yunwang agent snmp``: exporter mode (``/snmp``) always, poller mode when given an inventory."""

from __future__ import annotations

from pathlib import Path

import typer

from yunwang.errors import InputError, Problem


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """"I/N" (0-based I) → (I, N)."""
    if not text:
        return None
    try:
        index, total = (int(p) for p in text.split("/"))
    except ValueError:
        index, total = -1, 0
    if total < 1 or not 0 <= index < total:
        raise InputError([Problem("--shard", None, "", text, "expected I/N with 0 ≤ I < N", "e.g. --shard 0/4")])
    return index, total


def parse_listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not host:
        raise InputError([Problem("--listen", None, "", text, "expected HOST:PORT", "e.g. 127.0.0.1:9811")])
    return host.strip("[]"), int(port)


def snmp(
    listen: str = typer.Option("127.0.0.1:9811", "--listen", help="HOST:PORT to serve /metrics and /snmp on."),
    stack: str | None = typer.Option(None, "--stack", help="Poll the devices of this stack's topology."),
    inventory: Path | None = typer.Option(None, "--inventory", help="Poll the devices of this inventory JSON."),
    endpoints: Path | None = typer.Option(None, "--endpoints",
                                          help="JSON {device: HOST:PORT} overriding addresses (e.g. `yunwang sim`)."),
    shard: str | None = typer.Option(None, "--shard", help="Poll only shard I of N (0-based), e.g. 0/4."),
    regions: str | None = typer.Option(None, "--regions",
                                       help="Poll only the devices of these regions (comma-separated): a "
                                            "monitoring plane's, whose shards --shard then picks from."),
    interval: str = typer.Option("30s", "--interval", help="Poll interval (e.g. 30s, 1m)."),
    auths: Path | None = typer.Option(None, "--auths", help="snmp_exporter-style auths YAML (secrets stay in it)."),
    modules: list[Path] = typer.Option([], "--modules", help="Extra snmp_exporter snmp.yml module file(s)."),
    concurrency: int = typer.Option(64, "--concurrency", min=1, max=4096, help="Devices polled at once."),
    in_flight: int = typer.Option(2, "--in-flight", min=1, max=16,  # engine.DEFAULT_IN_FLIGHT
                                  help="Requests outstanding per device (its tables walked in parallel); "
                                       "at most concurrency x this many in total."),
    timeout: float | None = typer.Option(None, "--timeout", help="Per-request timeout in seconds (override)."),
    retries: int | None = typer.Option(None, "--retries", help="Retries per request (override)."),
    once: bool = typer.Option(False, "--once", help="Poll every device once, print the metrics and exit "
                                                     "(status 1 if a device failed)."),
    allow_targets: list[str] = typer.Option([], "--allow-targets",
                                            help="Exporter mode (/snmp) scrapes only IP addresses in these ranges "
                                                 "(CIDR; repeat). Default with --stack: the stack's management and "
                                                 "zone ranges and its devices; otherwise any target."),
) -> None:
    """Poll network devices over SNMP (v2c, v3 USM) and serve snmp_exporter-compatible metrics."""
    from agents.snmp.main import run

    if stack and inventory:
        raise InputError([Problem("--inventory", None, "", str(inventory), "give --stack or --inventory, not both",
                                  "the inventory already names its stack")])
    from agents.snmp.modules import parse_duration

    try:
        every = parse_duration(interval)
    except ValueError as exc:
        raise InputError([Problem("--interval", None, "", interval, str(exc), "e.g. 30s")]) from None
    if every <= 0:
        raise InputError([Problem("--interval", None, "", interval, "must be positive", "e.g. 30s")])
    import ipaddress

    for cidr in allow_targets:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError as exc:
            raise InputError([Problem("--allow-targets", None, "", cidr, str(exc), "e.g. 10.34.0.0/16")]) from None
    code = run(listen=parse_listen(listen), stack=stack, inventory=inventory, endpoints=endpoints,
               shard=parse_shard(shard), interval=every, auths=auths, module_files=modules, concurrency=concurrency,
               timeout=timeout, retries=retries, once=once, in_flight=in_flight, allow_targets=tuple(allow_targets),
               regions=tuple(r.strip() for r in (regions or "").split(",") if r.strip()))
    raise typer.Exit(code)
