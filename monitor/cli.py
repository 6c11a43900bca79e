"""`yunwang monitor`: serve the control plane. FastAPI, SQLAlchemy and uvicorn load only when it runs."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.alerting.settings import DINGTALK_API, WECOM_API
from yunwang.errors import InputError, Problem


def split_listen(listen: str) -> tuple[str, int]:
    """'HOST:PORT' or '[V6]:PORT' → (host, port)."""
    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError([Problem("--listen", None, "", listen, "expected HOST:PORT", "e.g. 127.0.0.1:8080")])
    return host.strip("[]"), int(port)


def monitor(
    listen: str = typer.Option("127.0.0.1:8080", "--listen", help="HOST:PORT to serve on."),
    db: str = typer.Option("sqlite:///.yunwang/monitor.db", "--db", envvar="YUNWANG_MONITOR_DB",
                           help="Database URL: sqlite:///PATH, or postgresql+psycopg://… for several replicas "
                                "(prefer the env variable when the URL holds a password)."),
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack whose topology is served."),
    endpoints: Path | None = typer.Option(None, "--endpoints", help="Endpoints file overriding device addresses "
                                                                    "(written by `yunwang sim`)."),
    prometheus: str | None = typer.Option(None, "--prometheus", help="Prometheus URL for device up/down."),
    alerts_from: list[str] = typer.Option([], "--alerts-from",
                                          help="Prometheus URL whose firing alerts the overview shows (repeat: "
                                               "each region's and the city view; default --prometheus)."),
    poller: list[str] = typer.Option(["127.0.0.1:9811"], "--poller", help="SNMP poller shard HOST:PORT "
                                                                           "(repeat, in shard order)."),
    host_targets: str = typer.Option("all", "--host-targets",
                                     help="'all': topology hosts and registered host agents; 'agents': only "
                                          "agents that sent a heartbeat (local runs)."),
    open_metrics: bool = typer.Option(False, "--open-metrics", help="Serve /metrics without a token."),
    admin_token_file: Path | None = typer.Option(None, "--admin-token-file", envvar="YUNWANG_ADMIN_TOKEN_FILE"),
    viewer_token_file: Path | None = typer.Option(None, "--viewer-token-file", envvar="YUNWANG_VIEWER_TOKEN_FILE"),
    agent_token_file: Path | None = typer.Option(None, "--agent-token-file", envvar="YUNWANG_AGENT_TOKEN_FILE",
                                                 help="Shared bootstrap token for agents."),
    alertmanager_token_file: Path | None = typer.Option(
        None, "--alertmanager-token-file", envvar="YUNWANG_ALERTMANAGER_TOKEN_FILE",
        help="Token Alertmanager presents on the alert webhook (it may do nothing else)."),
    alertmanager: str | None = typer.Option(None, "--alertmanager", envvar="YUNWANG_ALERTMANAGER_URL",
                                            help="Alertmanager URL for maintenance-window silences."),
    dingtalk_api: str = typer.Option(DINGTALK_API, "--dingtalk-api", help="DingTalk robot API (a test sink, a proxy)."),
    wecom_api: str = typer.Option(WECOM_API, "--wecom-api", help="WeCom robot API (a test sink, a proxy)."),
    state_dir: Path = typer.Option(Path(".yunwang"), "--state-dir",
                                   help="Where tokens that are not configured are generated (mode 0600)."),
    ssl_keyfile: Path | None = typer.Option(None, "--ssl-keyfile", help="TLS private key (PEM)."),
    ssl_certfile: Path | None = typer.Option(None, "--ssl-certfile", help="TLS certificate chain (PEM)."),
    max_body_bytes: int = typer.Option(1 << 20, "--max-body-bytes", min=1024, help="Body limit, agent routes."),
    max_audit_bytes: int = typer.Option(32 << 20, "--max-audit-bytes", min=1024, help="Body limit, audits."),
    enrolment: bool = typer.Option(True, "--enrolment/--no-enrolment", envvar="YUNWANG_MONITOR_ENROLMENT",
                                   help="Whether the agent bootstrap token may enrol agent ids that have no token "
                                        "yet; turn it off once every agent is enrolled."),
    sd_allow: list[str] = typer.Option([], "--sd-allow",
                                       help="A range (CIDR) agents' addresses may lie in besides the stack's declared "
                                            "ranges, for service discovery (repeat; e.g. the cluster's pod range)."),
    session_idle_minutes: float = typer.Option(15.0, "--session-idle-minutes", min=1,
                                               help="Sign-in sessions end after this long without a request."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log"),
) -> None:
    """Serve inventory, Prometheus service discovery, agents' heartbeats and facts, audits, alerts and the overview.

    Robot secrets come from the environment: YUNWANG_ALERT_<REGION>_DINGTALK_TOKEN, …_DINGTALK_SECRET and
    …_WECOM_KEY (or the same names with _FILE), for each team of the topology's alerting section.
    """
    import ipaddress

    import uvicorn

    from monitor.alerting.settings import AlertingSettings
    from monitor.app import create_app
    from monitor.service import build_monitor
    from monitor.settings import Limits, MonitorSettings, SessionPolicy
    from monitor.tokens import resolve_tokens
    from yunwang.safetext import configure_logging

    configure_logging()
    host, port = split_listen(listen)
    for cidr in sd_allow:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError as exc:
            raise InputError([Problem("--sd-allow", None, "", cidr, str(exc), "e.g. 10.244.0.0/16")]) from None
    if host_targets not in ("all", "agents"):
        raise InputError([Problem("--host-targets", None, "", host_targets, "unknown value", "use all or agents")])
    for shard in poller:
        split_listen(shard)
    for option, url in (("--alertmanager", alertmanager), ("--dingtalk-api", dingtalk_api),
                        ("--wecom-api", wecom_api)):
        if url is not None and not url.startswith(("http://", "https://")):
            raise InputError([Problem(option, None, "", url, "expected an http(s) URL", "e.g. http://127.0.0.1:9093")])
    if (ssl_keyfile is None) != (ssl_certfile is None):
        raise InputError([Problem("--ssl-keyfile/--ssl-certfile", None, "", "", "TLS needs both files",
                                  "pass both --ssl-keyfile and --ssl-certfile, or neither")])
    resolved = resolve_tokens({"admin": admin_token_file, "viewer": viewer_token_file, "agent": agent_token_file,
                               "alertmanager": alertmanager_token_file}, state_dir)
    for role, path in resolved.generated.items():
        typer.echo(f"monitor: {role} token (not configured) is in {path}", err=True)
    settings = MonitorSettings(
        stack=stack, db_url=db, listen=listen, endpoints_file=endpoints, prometheus_url=prometheus,
        alert_sources=tuple(alerts_from),
        poller_targets=tuple(poller), host_targets=host_targets, open_metrics=open_metrics, tokens=resolved.tokens,
        limits=Limits(max_body_bytes=max_body_bytes, max_audit_bytes=max_audit_bytes), enrolment=enrolment,
        sd_allow=tuple(sd_allow), sessions=SessionPolicy(idle_s=session_idle_minutes * 60),
        alerting=AlertingSettings(alertmanager_url=alertmanager, dingtalk_api=dingtalk_api, wecom_api=wecom_api))
    app = create_app(build_monitor(settings))
    typer.echo(f"monitor: serving stack '{stack}' on {'https' if ssl_certfile else 'http'}://{listen}", err=True)
    uvicorn.run(app, host=host, port=port, ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
                ssl_certfile=str(ssl_certfile) if ssl_certfile else None, proxy_headers=False, server_header=False,
                access_log=access_log, log_level="info")
