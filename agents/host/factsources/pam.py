"""Password policy: /etc/login.defs and the PAM stacks (pwquality/cracklib, faillock, tally2), Debian and RHEL."""

from __future__ import annotations

import re

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import LockoutFacts, PamFacts, PwqualityFacts

# Debian/Ubuntu, then RHEL/CentOS/openEuler/Kylin.
PASSWORD_FILES = ("etc/pam.d/common-password", "etc/pam.d/system-auth", "etc/pam.d/password-auth")
AUTH_FILES = ("etc/pam.d/common-auth", "etc/pam.d/system-auth", "etc/pam.d/password-auth")
_PWQUALITY_KEYS = ("minlen", "dcredit", "ucredit", "lcredit", "ocredit", "minclass", "retry")
# "password [success=1 default=ignore] pam_unix.so obscure" — the control may be a bracketed list.
_PAM_LINE = re.compile(r"^-?(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$")


def _number(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value


@fact_source("login_defs")
def login_defs(ctx: FactContext) -> dict[str, int | str]:
    """Every KEY VALUE of /etc/login.defs; numbers as integers (PASS_MAX_DAYS, PASS_MIN_LEN, UMASK stays text)."""
    text = ctx.read("etc/login.defs", "login_defs")
    values: dict[str, int | str] = {}
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#"):
            values[parts[0]] = parts[1] if parts[0] == "UMASK" else _number(parts[1])
    return values


def _key_values(text: str | None) -> dict[str, str]:
    """``key = value`` files (pwquality.conf, faillock.conf); bare keys (``even_deny_root``) map to ""."""
    values: dict[str, str] = {}
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _module_lines(ctx: FactContext, files: tuple[str, ...], kind: str) -> list[tuple[str, str, dict[str, str]]]:
    """(file, module, options) for each active line of ``kind`` (password/auth) in the first files that exist."""
    found = []
    for relative in files:
        text = ctx.read(relative, "pam")
        for line in (text or "").splitlines():
            match = _PAM_LINE.match(line.strip())
            if match is None or match.group(1) != kind:
                continue
            options = {}
            for token in match.group(4).split():
                key, _, value = token.partition("=")
                options[key] = value
            found.append(("/" + relative, match.group(3).rsplit("/", 1)[-1], options))
    return found


def _ints(options: dict[str, str], keys: tuple[str, ...]) -> dict[str, int]:
    result = {}
    for key in keys:
        if key in options:
            value = _number(options[key])
            if isinstance(value, int):
                result[key] = value
    return result


@fact_source("pam")
def pam_facts(ctx: FactContext) -> PamFacts:
    files = dict.fromkeys(f for f in (*PASSWORD_FILES, *AUTH_FILES) if ctx.path(f).is_file())
    facts = PamFacts(files=["/" + f for f in files])
    for _, module, options in _module_lines(ctx, PASSWORD_FILES, "password"):
        if module in ("pam_pwquality.so", "pam_cracklib.so") and not facts.pwquality.enabled:
            conf = _key_values(ctx.read("etc/security/pwquality.conf", "pam")) if module == "pam_pwquality.so" else {}
            if module == "pam_pwquality.so":
                for extra in sorted(ctx.path("etc/security/pwquality.conf.d").glob("*.conf")):
                    conf.update(_key_values(ctx.read(str(extra.relative_to(ctx.root)), "pam")))
            # Options on the PAM line override the configuration file.
            values = {**_ints(conf, _PWQUALITY_KEYS), **_ints(options, _PWQUALITY_KEYS)}
            facts.pwquality = PwqualityFacts(enabled=True, module=module.removesuffix(".so"), **values)
    # Options on any pam_faillock/pam_tally2 line (the first one that sets a value) override faillock.conf.
    lockout: dict[str, dict[str, int]] = {}
    for _, module, options in _module_lines(ctx, AUTH_FILES, "auth"):
        if module in ("pam_faillock.so", "pam_tally2.so"):
            explicit = lockout.setdefault(module, {})
            for key, value in _ints(options, ("deny", "unlock_time")).items():
                explicit.setdefault(key, value)
    if "pam_faillock.so" in lockout:
        limits = _ints(_key_values(ctx.read("etc/security/faillock.conf", "pam")), ("deny", "unlock_time"))
        facts.faillock = LockoutFacts(enabled=True, **{**limits, **lockout["pam_faillock.so"]})
    if "pam_tally2.so" in lockout:
        facts.tally2 = LockoutFacts(enabled=True, **lockout["pam_tally2.so"])
    return facts
