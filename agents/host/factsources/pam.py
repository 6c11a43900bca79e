"""Password policy: /etc/login.defs and the PAM stacks, Debian (common-*) and RPM-family (system-auth,
password-auth, written by authselect on RHEL 8+, openEuler 22.03+ and Kylin V10 SP3) layouts: pwquality/cracklib,
faillock (over faillock.conf) or the obsolete tally2, pwhistory, pam_unix hashing and nullok, su's pam_wheel, and
modules a stack names that are not installed."""

from __future__ import annotations

import os
import re

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import (
    AuthselectFacts,
    LockoutFacts,
    PamFacts,
    PamUnixFacts,
    PwhistoryFacts,
    PwqualityFacts,
)

# Debian/Ubuntu, then RHEL/CentOS/openEuler/Kylin.
PASSWORD_FILES = ("etc/pam.d/common-password", "etc/pam.d/system-auth", "etc/pam.d/password-auth")
AUTH_FILES = ("etc/pam.d/common-auth", "etc/pam.d/system-auth", "etc/pam.d/password-auth")
_PWQUALITY_KEYS = ("minlen", "dcredit", "ucredit", "lcredit", "ocredit", "minclass", "retry", "difok", "maxrepeat")
_LOCKOUT_KEYS = ("deny", "unlock_time", "fail_interval")
_HASHES = ("yescrypt", "gost_yescrypt", "sha512", "sha256", "blowfish", "bigcrypt", "md5")
# Where PAM modules live: RPM family (lib64), Debian multiarch, then the plain paths.
MODULE_DIRS = ("usr/lib64/security", "lib64/security", "usr/lib/x86_64-linux-gnu/security",
               "lib/x86_64-linux-gnu/security", "usr/lib/aarch64-linux-gnu/security", "lib/aarch64-linux-gnu/security",
               "usr/lib/loongarch64-linux-gnu/security", "usr/lib/security", "lib/security")
AUTHSELECT_LINKS = ("etc/pam.d/system-auth", "etc/pam.d/password-auth")
# "password [success=1 default=ignore] pam_unix.so obscure" — the control may be a bracketed list; a leading "-"
# tells PAM to skip the line quietly when the module is not installed.
_PAM_LINE = re.compile(r"^(-?)(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$")


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


def _stack(ctx: FactContext, files: tuple[str, ...]) -> list[tuple[str, str, str, dict[str, str], bool]]:
    """(file, kind, module path, options, optional) for each active line of the files that exist."""
    found = []
    for relative in files:
        text = ctx.read(relative, "pam")
        for line in (text or "").splitlines():
            match = _PAM_LINE.match(line.strip())
            if match is None:
                continue
            options = {}
            for token in match.group(5).split():
                key, _, value = token.partition("=")
                options[key] = value
            found.append(("/" + relative, match.group(2), match.group(4), options, match.group(1) == "-"))
    return found


def _ints(options: dict[str, str], keys: tuple[str, ...]) -> dict[str, int]:
    result = {}
    for key in keys:
        if key in options:
            value = _number(options[key])
            if isinstance(value, int):
                result[key] = value
    return result


def _conf(ctx: FactContext, main: str, drop_ins: str | None = None) -> dict[str, str]:
    """A ``key = value`` configuration file and its drop-in folder (later files win)."""
    values = _key_values(ctx.read(main, "pam"))
    if drop_ins is not None:
        for extra in sorted(ctx.path(drop_ins).glob("*.conf")):
            values.update(_key_values(ctx.read(str(extra.relative_to(ctx.root)), "pam")))
    return values


def _pwquality(ctx: FactContext, module: str, options: dict[str, str]) -> PwqualityFacts:
    conf = _conf(ctx, "etc/security/pwquality.conf", "etc/security/pwquality.conf.d") \
        if module == "pam_pwquality.so" else {}
    # Options on the PAM line override the configuration file.
    values = {**_ints(conf, _PWQUALITY_KEYS), **_ints(options, _PWQUALITY_KEYS)}
    return PwqualityFacts(enabled=True, module=module.removesuffix(".so"),
                          enforce_for_root="enforce_for_root" in options or "enforce_for_root" in conf, **values)


def _lockout(ctx: FactContext, auth: list[tuple[str, str, dict[str, str]]]) -> tuple[LockoutFacts, LockoutFacts]:
    """faillock and tally2: options on any of their lines (the first that sets a value) override faillock.conf."""
    explicit: dict[str, dict[str, int]] = {}
    flags: dict[str, bool] = {}
    for _, module, options in auth:
        if module in ("pam_faillock.so", "pam_tally2.so"):
            values = explicit.setdefault(module, {})
            for key, value in _ints(options, _LOCKOUT_KEYS).items():
                values.setdefault(key, value)
            flags[module] = flags.get(module, False) or "even_deny_root" in options
    faillock = tally2 = LockoutFacts()
    if "pam_faillock.so" in explicit:
        conf = _conf(ctx, "etc/security/faillock.conf")
        faillock = LockoutFacts(enabled=True, even_deny_root=flags["pam_faillock.so"] or "even_deny_root" in conf,
                                **{**_ints(conf, _LOCKOUT_KEYS), **explicit["pam_faillock.so"]})
    if "pam_tally2.so" in explicit:
        tally2 = LockoutFacts(enabled=True, even_deny_root=flags["pam_tally2.so"], **explicit["pam_tally2.so"])
    return faillock, tally2


def _pwhistory(ctx: FactContext, password: list[tuple[str, str, dict[str, str]]]) -> PwhistoryFacts:
    """pam_pwhistory (line options over /etc/security/pwhistory.conf, Linux-PAM 1.5.3+) or pam_unix remember=."""
    for _, module, options in password:
        if module == "pam_pwhistory.so":
            conf = _ints(_conf(ctx, "etc/security/pwhistory.conf"), ("remember",))
            remember = _ints(options, ("remember",)).get("remember", conf.get("remember", 10))  # PAM's default: 10
            return PwhistoryFacts(enabled=True, remember=remember)
    for _, module, options in password:
        if module == "pam_unix.so" and "remember" in options:
            kept = _ints(options, ("remember",)).get("remember")
            return PwhistoryFacts(enabled=bool(kept), remember=kept)
    return PwhistoryFacts()


def _unix(ctx: FactContext, lines: list[tuple[str, str, str, dict[str, str], bool]]) -> PamUnixFacts:
    facts = PamUnixFacts()
    for _, kind, module, options, _ in lines:
        if module.rsplit("/", 1)[-1] != "pam_unix.so":
            continue
        facts.nullok = facts.nullok or ("nullok" in options and kind in ("auth", "password"))
        if kind == "password" and facts.hash is None:
            facts.hash = next((h for h in _HASHES if h in options), None)
    if facts.hash is None:
        method = login_defs(ctx).get("ENCRYPT_METHOD")
        facts.hash = str(method).lower() if method is not None else None
    return facts


def _authselect(ctx: FactContext) -> AuthselectFacts:
    """The selected profile and features (/etc/authselect/authselect.conf) and whether the PAM files are still
    authselect's links into /etc/authselect."""
    facts = AuthselectFacts(installed=ctx.exists("usr/bin/authselect", "bin/authselect"))
    lines = [line.strip() for line in (ctx.read("etc/authselect/authselect.conf", "pam") or "").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    if lines:
        facts.profile, facts.features = lines[0], lines[1:]
    links = []
    for relative in AUTHSELECT_LINKS:
        try:
            links.append(os.readlink(ctx.path(relative)))
        except OSError:
            links.append("")
    facts.managed = all(target.lstrip("/").startswith(("etc/authselect/", "../authselect/")) for target in links)
    return facts


def _missing_modules(ctx: FactContext, lines: list[tuple[str, str, str, dict[str, str], bool]]) -> list[str]:
    """Modules named by required lines that no module folder holds; nothing when no folder with pam_unix.so is
    found (a tree without the modules proves nothing)."""
    folders = [ctx.path(d) for d in MODULE_DIRS if ctx.path(d).joinpath("pam_unix.so").exists()]
    if not folders:
        return []
    missing = set()
    for _, _, module, _, optional in lines:
        if optional or not module.endswith(".so"):
            continue
        found = ctx.path(module).exists() if module.startswith("/") else any((f / module).exists() for f in folders)
        if not found:
            missing.add(module.rsplit("/", 1)[-1])
    return sorted(missing)


@fact_source("pam")
def pam_facts(ctx: FactContext) -> PamFacts:
    files = tuple(dict.fromkeys(f for f in (*PASSWORD_FILES, *AUTH_FILES) if ctx.resolve(f).is_file()))
    facts = PamFacts(files=["/" + f for f in files])
    lines = _stack(ctx, files)
    password = [(f, m.rsplit("/", 1)[-1], o) for f, kind, m, o, _ in lines if kind == "password"]
    auth = [(f, m.rsplit("/", 1)[-1], o) for f, kind, m, o, _ in lines if kind == "auth"]
    quality = next(((m, o) for _, m, o in password if m in ("pam_pwquality.so", "pam_cracklib.so")), None)
    if quality is not None:
        facts.pwquality = _pwquality(ctx, *quality)
    facts.faillock, facts.tally2 = _lockout(ctx, auth)
    facts.pwhistory = _pwhistory(ctx, password)
    facts.unix = _unix(ctx, lines)
    facts.authselect = _authselect(ctx)
    su = _stack(ctx, ("etc/pam.d/su",)) if ctx.resolve("etc/pam.d/su").is_file() else None
    if su is not None:
        facts.su_wheel = any(kind == "auth" and m.rsplit("/", 1)[-1] == "pam_wheel.so" for _, kind, m, _, _ in su)
    facts.missing_modules = _missing_modules(ctx, lines + (su or []))
    return facts
