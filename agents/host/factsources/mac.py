"""Mandatory access control (SELinux, AppArmor) and the shell idle timeout (TMOUT)."""

from __future__ import annotations

import re

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import MacFacts, ShellFacts

_TMOUT = re.compile(r"^\s*(?:export\s+|readonly\s+|declare\s+-[a-zA-Z]+\s+|typeset\s+-[a-zA-Z]+\s+)?TMOUT=(\d+)")


@fact_source("mac")
def mac_facts(ctx: FactContext) -> MacFacts:
    """selinux: enforcing/permissive from the kernel, "disabled" when configured off, None when absent;
    apparmor: "enabled" when the kernel module says so, else False."""
    config: dict[str, str] = {}
    for line in (ctx.read("etc/selinux/config", "mac") or "").splitlines():
        key, _, value = line.split("#", 1)[0].strip().partition("=")
        if key and value.strip():
            config[key.strip()] = value.strip().strip("\"'").lower()
    enforce = ctx.read("sys/fs/selinux/enforce", "mac")
    selinux: str | None = None
    if enforce is not None:
        selinux = "enforcing" if enforce.strip() == "1" else "permissive"
    elif "SELINUX" in config:
        selinux = "disabled"  # configured, but not active in the kernel
    enabled = (ctx.read("sys/module/apparmor/parameters/enabled", "mac") or "").strip()
    return MacFacts(selinux=selinux, apparmor="enabled" if enabled == "Y" else False,
                    selinux_config=config.get("SELINUX"), selinux_policy=config.get("SELINUXTYPE"))


@fact_source("shell")
def shell_facts(ctx: FactContext) -> ShellFacts:
    """The TMOUT a login shell ends up with: the last assignment in /etc/profile, then /etc/profile.d/*.sh,
    then the system bashrc files (the order a bash login shell reads them)."""
    candidates = ["etc/profile"]
    candidates += [str(p.relative_to(ctx.root)) for p in sorted(ctx.path("etc/profile.d").glob("*.sh"))]
    candidates += ["etc/bash.bashrc", "etc/bashrc"]
    tmout: int | None = None
    where: list[str] = []
    for relative in candidates:
        for line in (ctx.read(relative, "shell") or "").splitlines():
            match = _TMOUT.match(line)
            if match:
                tmout = int(match.group(1))
                where.append("/" + relative.lstrip("/"))
    return ShellFacts(tmout=tmout, files=sorted(set(where)))
