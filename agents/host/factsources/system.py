"""OS identity and layout family, enabled/running services, security sysctls."""

from __future__ import annotations

import os

from agents.host.collectors.os_release import parse_os_release
from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import OsFacts, ServicesFacts

SYSCTLS = (
    "net.ipv4.ip_forward", "net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects",
    "net.ipv4.conf.all.secure_redirects", "net.ipv4.conf.all.send_redirects",
    "net.ipv4.conf.default.send_redirects", "net.ipv4.conf.all.accept_source_route",
    "net.ipv4.conf.default.accept_source_route", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.all.log_martians",
    "net.ipv4.icmp_echo_ignore_broadcasts", "net.ipv4.icmp_ignore_bogus_error_responses", "net.ipv4.tcp_syncookies",
    "net.ipv6.conf.all.accept_redirects", "net.ipv6.conf.all.accept_ra", "net.ipv6.conf.all.forwarding",
    "kernel.randomize_va_space", "kernel.dmesg_restrict", "kernel.kptr_restrict", "kernel.yama.ptrace_scope",
    "kernel.sysrq", "fs.suid_dumpable", "fs.protected_hardlinks", "fs.protected_symlinks",
)


@fact_source("os")
def os_facts(ctx: FactContext) -> OsFacts:
    text = ctx.read("etc/os-release", "os") or ctx.read("usr/lib/os-release", "os") or ""
    release = parse_os_release(text)
    kernel = (ctx.read("proc/sys/kernel/osrelease", "os") or "").strip() or (os.uname().release if ctx.live else None)
    family = ctx.family
    return OsFacts(id=release.get("ID"), version=release.get("VERSION_ID"), kernel=kernel,
                   pretty_name=release.get("PRETTY_NAME"), id_like=release.get("ID_LIKE", "").lower().split(),
                   family="debian" if family == "debian" else "rpm" if family == "rpm" else None)


@fact_source("services")
def services(ctx: FactContext) -> ServicesFacts:
    """Enabled: units an administrator or package enabled (``/etc/systemd/system/*.wants/*.service`` links;
    static units shipped under /lib are not "enabled"); running: process names."""
    enabled: set[str] = set()
    for wants in ctx.path("etc/systemd/system").glob("*.wants"):
        enabled.update(p.name.removesuffix(".service") for p in wants.glob("*.service"))
    return ServicesFacts(enabled=sorted(enabled), running=sorted(set(ctx.processes.values())))


@fact_source("sysctl")
def sysctl(ctx: FactContext) -> dict[str, str]:
    values = {}
    for key in SYSCTLS:
        text = ctx.read("proc/sys/" + key.replace(".", "/"), "sysctl")
        if text is not None:
            values[key] = " ".join(text.split())
    return values
