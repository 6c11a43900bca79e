"""``yunwang audit host|device|snmp``: audit a host's facts, device running configs, and live SNMP agents.

Registered into the ``audit`` group by policies.cli; the options and report writer come from policies.cli_common.
Annotations are real objects (no postponed evaluation): Typer would evaluate string annotations at every start.
"""

from pathlib import Path

import typer

from policies.cli_common import FAIL_ON, FORMAT, OUT, WAIVERS, common_options, finish
from policies.engine import AuditError, ReadStats
from yunwang.contracts.vendors import Vendor


def host(facts: Path | None = typer.Option(None, "--facts", help="Host facts JSON (schema yunwang.host-facts/v1) "
                                                                  "from the host agent; default: collect this host."),
         fmt: str = FORMAT, out: Path | None = OUT, waivers: Path | None = WAIVERS, fail_on: str = FAIL_ON) -> None:
    """Audit this host (facts collected now) or a facts file written by the host agent."""
    from policies.facts_host import collect_live, host_units, load_host_facts

    opts = common_options(fmt, out, waivers, fail_on)
    stats = ReadStats()
    loaded = load_host_facts(facts) if facts is not None else collect_live()
    stats.note_file("host")
    stats.note_read("host")
    stats.note_audited("host")
    errors = [AuditError(loaded.file or loaded.hostname, None, f"host facts collection, {e.get('source')}: "
                                                              f"{e.get('message')}")
              for e in loaded.data.get("errors") or [] if isinstance(e, dict)]
    raise typer.Exit(finish(host_units([loaded]), stats, errors, opts))


# --vendor accepts the vendors of policies.devices.registry; its help names the project's vendors instead (a test
# holds the two equal), so that building the command line does not import every reader.
def device(paths: list[Path] = typer.Argument(..., help="Running-config files or folders of them."),
           vendor: str = typer.Option("auto", "--vendor", help=" | ".join(("auto", *Vendor)) + ": whose syntax to "
                                                                "read (auto: recognise each file's vendor)."),
           fmt: str = FORMAT, out: Path | None = OUT, waivers: Path | None = WAIVERS, fail_on: str = FAIL_ON) -> None:
    """Audit the running configurations of switches, routers and firewalls, each read in its vendor's syntax."""
    from policies.devices.registry import vendor_choices
    from policies.facts_device import load_device_configs

    if vendor not in vendor_choices():
        raise typer.BadParameter(f"'{vendor}' is not one of {', '.join(vendor_choices())}", param_hint="--vendor")
    opts = common_options(fmt, out, waivers, fail_on)
    stats = ReadStats()
    loaded = load_device_configs(paths, vendor, stats)
    raise typer.Exit(finish(loaded.units(), stats, loaded.errors, opts))


def snmp(targets: list[str] = typer.Argument(None, help="HOST[:PORT] (default port 161), or [IPv6]:PORT."),
         targets_file: Path | None = typer.Option(None, "--targets-file",
                                                  help="More targets, one per line ('#' comments)."),
         endpoints: Path | None = typer.Option(None, "--endpoints",
                                               help="Endpoints file {device: HOST:PORT} (as `yunwang sim` writes): "
                                                    "probe every device in it."),
         communities_file: Path | None = typer.Option(
             None, "--communities-file", help="Extra communities to try, one per line ('#' comments). Values are "
                                              "secrets: reports name them by file line only."),
         timeout: float = typer.Option(1.0, "--timeout", min=0.1, max=30.0, help="Seconds to wait for each answer."),
         retries: int = typer.Option(0, "--retries", min=0, max=5,
                                     help="Resend unanswered requests this many times (lossy links)."),
         concurrency: int = typer.Option(64, "--concurrency", min=1, max=1024,
                                         help="Targets probed at once."),
         unreachable: str = typer.Option("error", "--unreachable",
                                         help="A target that answers nothing: 'error' (listed as an error) or "
                                              "'skip' (listed as skipped, with the reason: a fleet under load "
                                              "or partly down)."),
         fmt: str = FORMAT, out: Path | None = OUT, waivers: Path | None = WAIVERS, fail_on: str = FAIL_ON) -> None:
    """Probe live SNMP agents: well-known communities (v1/v2c) and SNMPv3 noAuthNoPriv access."""
    import asyncio

    from policies.facts_snmp import (
        UNREACHABLE,
        ProbeSettings,
        load_guesses,
        probe_targets,
        probe_units,
        read_target_file,
    )

    opts = common_options(fmt, out, waivers, fail_on)
    if unreachable not in ("error", "skip"):
        raise typer.BadParameter(f"'{unreachable}' is not one of error, skip", param_hint="--unreachable")
    targets = list(targets or []) + (read_target_file(targets_file) if targets_file else [])
    if endpoints is not None:
        from yunwang.inventory import load_endpoints

        targets += sorted(load_endpoints(endpoints).values())
    if not targets:
        raise typer.BadParameter("name at least one TARGET or pass --targets-file", param_hint="TARGET")
    guesses = load_guesses(communities_file)
    settings = ProbeSettings(timeout_s=timeout, retries=retries, concurrency=concurrency)
    probes, errors = asyncio.run(probe_targets(targets, guesses, settings))
    stats = ReadStats()
    stats.note_read("snmp", len(targets))
    stats.note_audited("snmp", len(probes))
    for e in errors:
        stats.skip("snmp", e.file, e.message)
    if unreachable == "skip":  # skipped with the reason above, not errors
        errors = [e for e in errors if not e.message.startswith(UNREACHABLE)]
    raise typer.Exit(finish(probe_units(probes), stats, errors, opts))


def register(app: typer.Typer) -> None:
    """Add the host, device and snmp commands to the ``audit`` group."""
    app.command("host")(host)
    app.command("device")(device)
    app.command("snmp")(snmp)
