"""sshd settings: effective ones from ``sshd -T`` when it runs, else parsed from sshd_config and its Includes."""

from __future__ import annotations

import glob
import re
import shlex
import shutil
import subprocess

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import SshdFacts

CONFIG = "etc/ssh/sshd_config"
# OpenSSH 8–9 compiled-in defaults for the settings the MLPS rules look at.
DEFAULTS = {
    "permitrootlogin": "prohibit-password",
    "passwordauthentication": "yes",
    "permitemptypasswords": "no",
    "pubkeyauthentication": "yes",
    "maxauthtries": "6",
    "maxsessions": "10",
    "logingracetime": "120",
    "clientaliveinterval": "0",
    "clientalivecountmax": "3",
    "x11forwarding": "no",
    "usepam": "no",
    "loglevel": "INFO",
    "hostbasedauthentication": "no",
    "ignorerhosts": "yes",
    "permituserenvironment": "no",
    "allowtcpforwarding": "yes",
    "protocol": "2",
}
_LINE = re.compile(r"(\S+?)(?:\s*=\s*|\s+)(.*)$")
_MULTI = {"hostkey", "listenaddress", "port", "acceptenv", "subsystem", "include", "allowusers", "allowgroups",
          "denyusers", "denygroups"}


def parse_config(ctx: FactContext, relative: str = CONFIG) -> tuple[dict[str, str], list[str]]:
    """Global settings (before the first Match) with sshd's first-value-wins rule; Include globs are followed
    (relative paths are under /etc/ssh). Returns (settings, files read)."""
    settings: dict[str, str] = {}
    files: list[str] = []
    _parse_file(ctx, relative, settings, files, depth=0)
    return settings, files


def _parse_file(ctx: FactContext, relative: str, settings: dict[str, str], files: list[str], depth: int) -> bool:
    """Returns False once a Match block starts (the rest of the configuration is conditional)."""
    if depth > 16:
        ctx.error("sshd", f"Include nesting deeper than 16 at {relative}")
        return False
    text = ctx.read(relative, "sshd")
    if text is None:
        return True
    files.append("/" + relative.lstrip("/"))
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        keyword, value = match.group(1).lower(), match.group(2).strip()
        if keyword == "match":
            return False
        if keyword == "include":
            for pattern in shlex.split(value):
                base = pattern if pattern.startswith("/") else f"/etc/ssh/{pattern}"
                for found in sorted(glob.glob(str(ctx.path(base)))):
                    relative_match = "/" + found[len(str(ctx.root)):].lstrip("/")
                    if not _parse_file(ctx, relative_match, settings, files, depth + 1):
                        return False
            continue
        if keyword in _MULTI:
            settings[keyword] = f"{settings[keyword]},{value}" if keyword in settings else value
        elif keyword not in settings:
            settings[keyword] = value
    return True


def _sshd_binary(ctx: FactContext) -> str | None:
    if not ctx.live:
        return None
    return shutil.which("sshd", path="/usr/sbin:/usr/local/sbin:/sbin:/usr/bin")


def effective_settings(binary: str) -> dict[str, str] | None:
    """``sshd -T`` output as a dict, or None when it cannot run (not root, no host keys)."""
    try:
        done = subprocess.run([binary, "-T"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    settings: dict[str, str] = {}
    for line in done.stdout.splitlines():
        keyword, _, value = line.partition(" ")
        keyword = keyword.lower()
        settings[keyword] = f"{settings[keyword]},{value}" if keyword in settings and keyword in _MULTI else value
    return settings


@fact_source("sshd")
def sshd_facts(ctx: FactContext) -> SshdFacts:
    binary = _sshd_binary(ctx)
    installed = binary is not None or ctx.exists("usr/sbin/sshd", "usr/local/sbin/sshd", CONFIG)
    if not installed:
        return SshdFacts(installed=False)
    settings, files = parse_config(ctx)
    if binary:
        effective = effective_settings(binary)
        if effective is not None:
            return SshdFacts(installed=True, source="sshd -T", settings=effective, config_files=files)
    missing = sorted(k for k in DEFAULTS if k not in settings)
    for key in missing:
        settings[key] = DEFAULTS[key]
    return SshdFacts(installed=True, source="config", settings=settings, defaults_applied=missing,
                     config_files=files)
