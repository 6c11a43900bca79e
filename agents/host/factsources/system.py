"""OS identity, enabled/running services, security sysctls and risky packages."""

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
# Reported key → package names that provide it (Debian, RHEL).
RISKY_PACKAGES = {
    "telnetd": ("telnetd", "inetutils-telnetd", "telnetd-ssl", "telnet-server"),
    "rsh-server": ("rsh-server", "rsh-redone-server"),
    "ftp": ("ftp", "inetutils-ftp", "tnftp"),
    "vsftpd": ("vsftpd",),
    "tftpd": ("tftpd", "tftpd-hpa", "atftpd", "tftp-server"),
    "xinetd": ("xinetd",),
    "nis": ("nis", "ypserv", "ypbind"),
    "talkd": ("talkd", "inetutils-talkd", "talk-server"),
    "telnet": ("telnet", "inetutils-telnet"),
}


@fact_source("os")
def os_facts(ctx: FactContext) -> OsFacts:
    text = ctx.read("etc/os-release", "os") or ctx.read("usr/lib/os-release", "os") or ""
    release = parse_os_release(text)
    kernel = (ctx.read("proc/sys/kernel/osrelease", "os") or "").strip() or (os.uname().release if ctx.live else None)
    return OsFacts(id=release.get("ID"), version=release.get("VERSION_ID"), kernel=kernel,
                   pretty_name=release.get("PRETTY_NAME"))


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


def _installed_dpkg(text: str) -> set[str]:
    installed = set()
    package = None
    for line in text.splitlines():
        if line.startswith("Package: "):
            package = line[9:].strip()
        elif line.startswith("Status: ") and package and line.rstrip().endswith(" installed"):
            installed.add(package)
    return installed


def _installed_rpm(ctx: FactContext) -> set[str] | None:
    import shutil
    import subprocess

    rpm = shutil.which("rpm") if ctx.live else None
    if rpm is None:
        return None
    try:
        done = subprocess.run([rpm, "-qa", "--qf", "%{NAME}\\n"], capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        ctx.error("packages", f"rpm -qa failed: {exc}")
        return None
    return set(done.stdout.split()) if done.returncode == 0 else None


@fact_source("packages")
def packages(ctx: FactContext) -> dict[str, bool]:
    dpkg = ctx.read("var/lib/dpkg/status", "packages")
    installed = _installed_dpkg(dpkg) if dpkg is not None else _installed_rpm(ctx)
    if installed is None:
        ctx.error("packages", "no package database found (dpkg status or rpm)")
        return {}
    return {key: any(name in installed for name in names) for key, names in RISKY_PACKAGES.items()}
