"""``yunwang up``: the whole system on this machine — simulated devices, monitor, agents, Prometheus — supervised.

Children that die are restarted with growing delays; Ctrl-C (or SIGTERM) stops every one of them, including
what they started, and keeps the state folder (database, secrets, Prometheus data, logs) for the next run.
"""

from __future__ import annotations

from pathlib import Path

import typer

from yunwang.contracts.device_access import SSH_BASE_PORT


def up(
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml)."),
    no_sim: bool = typer.Option(False, "--no-sim", help="Poll the devices' real management addresses instead of "
                                                        "simulated devices."),
    with_prometheus: bool | None = typer.Option(None, "--with-prometheus/--without-prometheus",
                                                help="Run Prometheus (default: when it is installed)."),
    monitor_port: int = typer.Option(8080, "--monitor-port", min=1, max=65535),
    host_agent_port: int = typer.Option(9810, "--host-agent-port", min=1, max=65535),
    snmp_agent_port: int = typer.Option(9811, "--snmp-agent-port", min=1, max=65535),
    prometheus_port: int = typer.Option(9090, "--prometheus-port", min=1, max=65535,
                                        help="Port of the (first region's) Prometheus; the other regions' "
                                             "follow, skipping the ports of the other services."),
    city_view_port: int = typer.Option(9091, "--city-view-port", min=1, max=65535,
                                       help="The city view: a Prometheus taking the regions' remote writes."),
    prometheus_per_region: bool | None = typer.Option(
        None, "--prometheus-per-region/--one-prometheus",
        help="One Prometheus per region, as the plan has it (ports from --prometheus-port up), or one for every "
             "region (default: per region unless the extra servers would take more than a tenth of the memory "
             "available, with the arithmetic printed)."),
    alertmanager_port: int = typer.Option(9093, "--alertmanager-port", min=1, max=65535),
    sim_base_port: int = typer.Option(16100, "--sim-base-port", min=1024, max=65000,
                                      help="UDP port of the first simulated device."),
    state_dir: Path | None = typer.Option(None, "--state-dir",
                                          help="Database, secrets, logs and Prometheus data (default .yunwang "
                                               "in the project folder)."),
    scrape_interval: str = typer.Option("15s", "--scrape-interval",
                                        help="How often Prometheus scrapes and evaluates rules (e.g. 15s)."),
    poll_interval: str = typer.Option("auto", "--poll-interval",
                                      help="How often the SNMP pollers walk the devices (e.g. 30s, 1m; auto: 30s, "
                                           "or longer when this machine cannot poll the stack that often, with "
                                           "the arithmetic printed)."),
    poller_shards: int | None = typer.Option(None, "--poller-shards", min=1, max=64,
                                             help="Run this many SNMP poller shards over the whole inventory "
                                                  "(default: the plan's, each monitoring plane's shards)."),
    sim_engine: str = typer.Option("auto", "--sim-engine",
                                   help="What serves the simulated devices: snmpsim, fast, or auto (snmpsim when "
                                        "it can keep up with the poll interval here, else fast)."),
    no_audit: bool = typer.Option(False, "--no-audit", help="Do not render the plan and run the audits."),
    audit_interval: str = typer.Option("10m", "--audit-interval",
                                       help="Run the audits again this often (e.g. 10m, 1h; 0: only at start). "
                                            "They also run again when the simulated devices restart."),
    drift_interval: str = typer.Option("auto", "--drift-interval",
                                       help="Check every device's configuration against its intent this often "
                                            "(`net diff`, reported to the monitor; e.g. 5m; 0: never; auto: 5m, "
                                            "or longer when a round needs more CPU than this machine spares, "
                                            "with the arithmetic printed)."),
    ssh_base_port: int = typer.Option(SSH_BASE_PORT, "--ssh-base-port", min=1024, max=65000,
                                      help="TCP port of the first simulated device's SSH server; device i gets +i."),
    alert_for_scale: float = typer.Option(1.0, "--alert-for-scale",
                                          help="Multiply every alert rule's `for:` hold time, e.g. 0.02 turns 5m "
                                               "into 6s to see alerts fire in a demo or test (the shipped rule "
                                               "files are not changed; scaled copies go to the state folder)."),
) -> None:
    """Run everything on this machine: simulated devices, monitor, host and SNMP agents, Prometheus with the city
    view and Alertmanager (when installed), audits, and the drift check of the devices' configurations."""
    import time

    started = time.monotonic()  # "all green N s after start" counts from here
    import sys
    from collections import Counter

    import httpx
    from rich.console import Console
    from rich.live import Live

    from yunwang.errors import InputError, Problem
    from yunwang.stacks import load_stack
    from yunwang.supervisor import (
        Event,
        RestartWatch,
        StateDirBusy,
        Supervisor,
        lock_state_dir,
        run_until_signalled,
    )
    from yunwang.up_audit import AuditWorker, snmp_audit_options
    from yunwang.up_capacity import choose_prometheus_layout
    from yunwang.up_stack import (
        DRIFT_START_S,
        Ports,
        UpConfig,
        build_specs,
        check_intervals,
        check_ports_free,
        find_alertmanager,
        find_prometheus,
        interval_seconds,
        local_plane,
        plan_drift,
        plan_polling,
        poller_layout,
        prepare_secrets,
        prometheus_regions,
        write_prometheus,
        write_status,
    )
    from yunwang.up_status import Probes, overall, status_view

    console = Console()
    loaded = load_stack(stack)
    assert loaded.topology is not None
    topology, root = loaded.topology, loaded.root
    polling = plan_polling(topology, poll_interval, sim_engine if not no_sim else None)
    drift = plan_drift(topology, drift_interval, simulated=not no_sim)
    plane = local_plane(topology)
    regions = prometheus_regions(topology, plane)
    layout = choose_prometheus_layout(len(regions), prometheus_per_region)
    cfg = UpConfig(stack=stack, root=root, state_dir=(state_dir or root / ".yunwang").resolve(),
                   ports=Ports(monitor_port, host_agent_port, snmp_agent_port, prometheus_port, sim_base_port,
                               city_view_port, alertmanager_port),
                   with_sim=not no_sim, prometheus=(prometheus := find_prometheus(with_prometheus)),
                   alertmanager=find_alertmanager(prometheus is not None), plane=plane,
                   scrape_interval=scrape_interval, poll_interval=polling.interval, alert_for_scale=alert_for_scale,
                   audit_interval=audit_interval, drift_interval=drift.interval, ssh_base_port=ssh_base_port,
                   sim_engine=polling.engine or "snmpsim",
                   prometheus_regions=regions if layout.per_region and prometheus else (),
                   pollers=tuple(poller_layout(topology, snmp_agent_port, poller_shards,
                                               per_region=layout.per_region and prometheus is not None)))
    check_intervals(cfg)
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    cfg.state_dir.chmod(0o700)  # database, secrets and logs: the owner's only
    env = prepare_secrets(cfg, topology)
    specs = build_specs(cfg, env)
    live_view = console.is_terminal

    def on_event(event: Event) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
        console.print(f"{stamp} {event.child}: {event.message}", highlight=False)  # above the live table

    try:
        lock = lock_state_dir(cfg.state_dir)
    except StateDirBusy as busy:
        raise InputError([Problem(str(cfg.state_dir), None, "--state-dir", "",
                                  f"another `yunwang up` is running with this state folder ({busy})",
                                  "stop it first, or give this one its own --state-dir and ports")]) from None
    sup = Supervisor(specs, cfg.state_dir, on_event=on_event)
    sup.reap_leftovers()
    check_ports_free(cfg, [s.name for s in specs if not s.missing])
    if cfg.prometheus:
        write_prometheus(cfg)
    console.print(f"yunwang up: stack {stack}, state in {cfg.state_dir}", highlight=False)
    console.print(f"  monitor    {cfg.monitor_url}/  (admin token in {cfg.token_file('admin')})", highlight=False,
                  soft_wrap=True)
    if cfg.prometheus:
        servers = cfg.prometheus_servers
        which = (f"one per region: {', '.join(f'{s.region} :{s.port}' for s in servers)}" if cfg.prometheus_regions
                 else f"{cfg.prometheus_url}/, one for every region (plane {cfg.plane})")
        console.print(f"  prometheus {which}; city view {cfg.city_view_url}/ ({layout.explain()})",
                      highlight=False, soft_wrap=True)
    if cfg.alertmanager:
        console.print(f"  alerts     {cfg.alertmanager_url}/ → {cfg.monitor_url}/api/v1/alerts/webhook",
                      highlight=False, soft_wrap=True)
    console.print(f"  logs       {cfg.state_dir / 'logs'}/<service>.log", highlight=False)
    console.print(f"  polling    {polling.describe(cfg)}", highlight=False, soft_wrap=True)
    if polling.warning:
        console.print(f"  [yellow]warning:[/yellow] {polling.warning}", highlight=False, soft_wrap=True)
    console.print(f"  drift      {drift.describe()}", highlight=False, soft_wrap=True)
    if drift.warning:
        console.print(f"  [yellow]warning:[/yellow] {drift.warning}", highlight=False, soft_wrap=True)

    probes = Probes(expected=dict(Counter(d.region for d in topology.devices)))
    pollers = [(p.name, p.address) for p in cfg.poller_shards]
    worker = None if no_audit else AuditWorker(cfg, env, interval=interval_seconds(cfg.audit_interval) or 0.0,
                                               snmp_args=snmp_audit_options(topology, polling.engine),
                                               snmp_ready=lambda: probes.first_cycle_done)
    del loaded, topology  # the status needs the counts above only
    sim_watch = RestartWatch("sim")
    was_green = is_green = False
    client = httpx.Client(timeout=1.0, trust_env=False)
    live = Live(console=console, refresh_per_second=2, transient=False) if live_view else None
    printed_after_audit = False

    def on_tick(s: Supervisor) -> None:
        """Without a terminal (a log file) the table is printed at the first audit and at the first all-green."""
        nonlocal printed_after_audit, was_green, is_green
        if worker is not None and not worker.started:
            worker.start()
        if sim_watch.came_back(s) and worker is not None:
            worker.rerun("simulated devices restarted")
        if was_green or time.monotonic() - started >= DRIFT_START_S:
            s.release("drift")  # background work: after the start-up
        # Probed often until the first all-green (its time is reported), then every 5 s.
        if time.monotonic() - probes.refreshed >= (5.0 if was_green else 2.0):
            probes.refresh(cfg, client, pollers)
            green, line = overall(s, cfg, probes, worker)
            write_status(cfg, {**probes.snapshot(), "green": green, "line": line})
            if green and not is_green:
                on_event(Event(time.time(), "yunwang up", "all green again" if was_green else
                               f"all green {time.monotonic() - started:.1f} s after start"))
                if live is None and not was_green:
                    console.print(status_view(s, cfg, probes, worker))
                was_green = True
            is_green = green
        if live is not None:
            live.update(status_view(s, cfg, probes, worker))
        elif worker is not None and worker.finished_at is not None and not printed_after_audit:
            printed_after_audit = True
            console.print(status_view(s, cfg, probes, worker))

    if live is not None:
        live.start()
    try:
        received = run_until_signalled(sup, every=0.5, on_tick=on_tick)
    finally:
        if worker is not None:
            worker.stop()
        if live is not None:
            live.stop()
        client.close()
    console.print(status_view(sup, cfg, probes, worker))
    console.print(f"yunwang up: stopped (signal {received}); state kept in {cfg.state_dir}", highlight=False)
    sys.stdout.flush()
    lock.close()
