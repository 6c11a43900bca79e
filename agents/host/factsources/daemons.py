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
# rsyslog: "*.* @host" (UDP), "@@host" (TCP), or action(type="omfwd" ...); syslog-ng: network()/tcp()/udp().
_RSYSLOG_REMOTE = re.compile(r"^[^#]*\s@@?(\[[^\]]+\]|[\w.\-:]+)|type\s*=\s*\"omfwd\"[^#]*?target\s*=\s*\"([^\"]+)\"")
_SYSLOG_NG_REMOTE = re.compile(r"^[^#]*\b(?:network|tcp|udp|tcp6|udp6|syslog)\s*\(\s*\"?([\w.\-:]+)")


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
    return AuditdFacts(installed=installed, running=ctx.running("auditd"), rules=rules)


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
        for line in text.splitlines():
            match = _RSYSLOG_REMOTE.search(line)
            if match:
                targets.append(match.group(1) or match.group(2))
    for text in _conf_texts(ctx, "etc/syslog-ng/syslog-ng.conf", "etc/syslog-ng/conf.d", "*.conf"):
        for line in text.splitlines():
            match = _SYSLOG_NG_REMOTE.search(line)
            if match and "destination" in text:
                targets.append(match.group(1))
    return SyslogFacts(running=service is not None, service=service, remote=bool(targets), remote_targets=targets)
