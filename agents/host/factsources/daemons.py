"""Security daemons: auditd (and its rules), time synchronisation, syslog (and remote forwarding)."""

from __future__ import annotations

import re

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import AuditdFacts, SyslogFacts, TimeSyncFacts

# (service name reported, process names, installed binaries)
TIME_SERVICES = (
    ("chrony", ("chronyd",), ("usr/sbin/chronyd",)),
    ("systemd-timesyncd", ("systemd-timesyn", "systemd-timesyncd"),
     ("lib/systemd/systemd-timesyncd", "usr/lib/systemd/systemd-timesyncd")),
    ("ntpd", ("ntpd",), ("usr/sbin/ntpd",)),
    ("openntpd", ("openntpd",), ("usr/sbin/openntpd",)),
)
# rsyslog: "*.* @host" (UDP), "@@host" (TCP), or action(type="omfwd" target="…") over one or several lines, any case
# (the RPM family's rsyslog.conf writes `Target="remote_host"`); syslog-ng: network()/tcp()/udp().
_RSYSLOG_LEGACY = re.compile(r"^[^#]*\s@@?(\[[^\]]+\]|[\w.\-:]+)")
_RSYSLOG_ACTION = re.compile(r"action\s*\(([^)]*)\)", re.IGNORECASE | re.DOTALL)
_RSYSLOG_PARAM = re.compile(r"([\w.]+)\s*=\s*\"([^\"]*)\"")
_SYSLOG_NG_REMOTE = re.compile(r"^[^#]*\b(?:network|tcp|udp|tcp6|udp6|syslog)\s*\(\s*\"?([\w.\-:]+)")


def _auditd_config(ctx: FactContext) -> dict[str, str]:
    """/etc/audit/auditd.conf as lower-case ``key = value`` pairs."""
    values = {}
    for line in (ctx.read("etc/audit/auditd.conf", "auditd") or "").splitlines():
        key, sep, value = line.split("#", 1)[0].partition("=")
        if sep and key.strip():
            values[key.strip().lower()] = value.strip().lower()
    return values


def _boot_audit(ctx: FactContext) -> bool | None:
    """audit=1 on the running kernel's command line (/proc/cmdline); None when it cannot be read."""
    cmdline = ctx.read("proc/cmdline", "auditd")
    if cmdline is None:
        return None
    return "audit=1" in cmdline.split()


@fact_source("auditd")
def auditd_facts(ctx: FactContext) -> AuditdFacts:
    installed = ctx.exists("sbin/auditd", "usr/sbin/auditd")
    rules: list[str] = []
    text = ctx.read("etc/audit/audit.rules", "auditd")
    if text is None:
        rules_dir = ctx.path("etc/audit/rules.d")
        texts = [ctx.read(str(p.relative_to(ctx.root)), "auditd") for p in sorted(rules_dir.glob("*.rules"))]
        text = "\n".join(t for t in texts if t)
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append(line)
    return AuditdFacts(installed=installed, running=ctx.running("auditd"), rules=rules, config=_auditd_config(ctx),
                       boot_audit=_boot_audit(ctx))


def _clock_synchronized() -> bool | None:
    try:
        from agents.host.collectors.timex import read_timex
    except ImportError:
        return None
    state = read_timex()
    return None if state is None else state[0] != 5  # TIME_ERROR: the clock is not synchronised


@fact_source("time_sync")
def time_sync_facts(ctx: FactContext) -> TimeSyncFacts:
    """The running time service (else the first installed one); the kernel's clock state only on the live host."""
    synchronized = _clock_synchronized() if ctx.live else None
    installed = None
    for service, processes, binaries in TIME_SERVICES:
        if ctx.running(*processes):
            return TimeSyncFacts(service=service, running=True, synchronized=synchronized)
        if installed is None and ctx.exists(*binaries):
            installed = service
    return TimeSyncFacts(service=installed, running=False, synchronized=synchronized)


def _conf_texts(ctx: FactContext, main: str, directory: str, pattern: str) -> list[str]:
    texts = [ctx.read(main, "syslog")]
    texts += [ctx.read(str(p.relative_to(ctx.root)), "syslog") for p in sorted(ctx.path(directory).glob(pattern))]
    return [t for t in texts if t]


def rsyslog_targets(text: str) -> list[str]:
    """Forwarding targets of an rsyslog configuration: legacy ``@``/``@@`` selectors and RainerScript
    ``action(type="omfwd" target=…)`` blocks, comments removed first (a commented example forwards nothing)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    targets = [m.group(1) for m in map(_RSYSLOG_LEGACY.search, lines) if m]
    for block in _RSYSLOG_ACTION.finditer("\n".join(line.split(" #", 1)[0] for line in lines)):
        params = {k.lower(): v for k, v in _RSYSLOG_PARAM.findall(block.group(1))}
        if params.get("type", "").lower() == "omfwd" and params.get("target"):
            port = params.get("port")
            targets.append(f"{params['target']}:{port}" if port else params["target"])
    return targets


@fact_source("syslog")
def syslog_facts(ctx: FactContext) -> SyslogFacts:
    targets: list[str] = []
    if ctx.running("rsyslogd"):
        service: str | None = "rsyslog"
    elif ctx.running("syslog-ng"):
        service = "syslog-ng"
    else:
        service = None
    for text in _conf_texts(ctx, "etc/rsyslog.conf", "etc/rsyslog.d", "*.conf"):
        targets += rsyslog_targets(text)
    for text in _conf_texts(ctx, "etc/syslog-ng/syslog-ng.conf", "etc/syslog-ng/conf.d", "*.conf"):
        for line in text.splitlines():
            match = _SYSLOG_NG_REMOTE.search(line)
            if match and "destination" in text:
                targets.append(match.group(1))
    return SyslogFacts(running=service is not None, service=service, remote=bool(targets), remote_targets=targets)
