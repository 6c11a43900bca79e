"""SNMP credentials: an auth name → community or v3 user, from env/files, the topology or an auths YAML.

Secrets come from ``YUNWANG_SNMP_<PROFILE>_{COMMUNITY,AUTH_KEY,PRIV_KEY}`` (or the same with ``_FILE``), or
from an snmp_exporter (≥0.23) ``auths:`` file; never from command-line arguments. ``repr()`` of a
:class:`Credentials` never shows them, so they cannot leak through logs or tracebacks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.snmp.errors import UnknownAuth
from yunwang.errors import InputError, Problem
from yunwang.secrets import env_secret

AUTH_ALIASES = {"MD5": "MD5", "SHA": "SHA", "SHA1": "SHA", "SHA-1": "SHA", "SHA224": "SHA-224", "SHA-224": "SHA-224",
                "SHA256": "SHA-256", "SHA-256": "SHA-256", "SHA384": "SHA-384", "SHA-384": "SHA-384",
                "SHA512": "SHA-512", "SHA-512": "SHA-512"}
PRIV_ALIASES = {"DES": "DES", "AES": "AES-128", "AES128": "AES-128", "AES-128": "AES-128", "AES192": "AES-192",
                "AES-192": "AES-192", "AES256": "AES-256", "AES-256": "AES-256"}
LEVELS = ("noAuthNoPriv", "authNoPriv", "authPriv")


@dataclass(frozen=True, repr=False)
class Credentials:
    """How to authenticate to one device. Secrets are bytes and are redacted from ``repr``."""

    name: str
    version: str = "2c"  # "1", "2c" or "3"
    community: bytes = field(default=b"public")
    username: bytes = b""
    security_level: str = "noAuthNoPriv"
    auth_protocol: str | None = None
    auth_password: bytes = b""
    priv_protocol: str | None = None
    priv_password: bytes = b""
    context_name: bytes = b""

    def __repr__(self) -> str:
        if self.version != "3":
            return f"Credentials({self.name!r}, v{self.version}, community=<redacted>)"
        return (f"Credentials({self.name!r}, v3, user={self.username.decode(errors='replace')!r}, "
                f"{self.security_level}, auth={self.auth_protocol}, priv={self.priv_protocol}, keys=<redacted>)")

    __str__ = __repr__

    @property
    def authenticated(self) -> bool:
        return self.version == "3" and self.security_level != "noAuthNoPriv"

    @property
    def private(self) -> bool:
        return self.version == "3" and self.security_level == "authPriv"


BUILTIN_AUTHS: dict[str, Credentials] = {"public_v2": Credentials("public_v2", "2c", b"public")}


def env_prefix(profile: str) -> str:
    return "YUNWANG_SNMP_" + profile.upper().replace("-", "_").replace(".", "_")


def secret_from_env(name: str, env: Mapping[str, str]) -> bytes | None:
    """``$NAME`` or the content of the file named by ``$NAME_FILE``, as bytes for the USM key derivation."""
    value = env_secret(name, env)
    return None if value is None else value.encode()


def _problem(file: str, path: str, value: str, message: str, hint: str) -> InputError:
    return InputError([Problem(file, None, path, value, message, hint)])


def _required_secret(prefix: str, suffix: str, what: str, profile: str, env: Mapping[str, str]) -> bytes:
    """``$PREFIX_SUFFIX`` (or its ``_FILE``), or an error naming both variables to set."""
    name = f"{prefix}_{suffix}"
    value = secret_from_env(name, env)
    if value is None:
        raise _problem("environment", name, "", f"no {what} for SNMP profile {profile!r}",
                       f"set {name} or {name}_FILE")
    return value


def credentials_from_profile(profile: Any, env: Mapping[str, str] | None = None) -> Credentials:
    """Credentials for a topology ``SnmpProfile`` (version, user, protocols) with secrets from ``env``."""
    env = os.environ if env is None else env
    prefix = env_prefix(profile.name)
    if profile.version == "2c":
        return Credentials(profile.name, "2c", _required_secret(prefix, "COMMUNITY", "community", profile.name, env))
    level = profile.security_level or "authPriv"
    auth_pw = (_required_secret(prefix, "AUTH_KEY", "auth key", profile.name, env)
               if level != "noAuthNoPriv" else b"")
    priv_pw = _required_secret(prefix, "PRIV_KEY", "privacy key", profile.name, env) if level == "authPriv" else b""
    return Credentials(profile.name, "3", b"", (profile.username or "").encode(), level,
                       AUTH_ALIASES.get(profile.auth_protocol or "") if level != "noAuthNoPriv" else None,
                       auth_pw, PRIV_ALIASES.get(profile.priv_protocol or "") if level == "authPriv" else None,
                       priv_pw)


def _auth_entry(name: str, entry: Any, file: str) -> Credentials:
    """One entry of an snmp_exporter ``auths:`` section, with snmp_exporter's defaults."""
    where = f"auths.{name}"
    if not isinstance(entry, dict):
        raise _problem(file, where, str(entry)[:40], "an auth must be a mapping", "see snmp_exporter's auths format")
    known = {"community", "security_level", "username", "password", "auth_protocol", "priv_protocol",
             "priv_password", "version", "context_name"}
    for key in entry:
        if key not in known:
            raise _problem(file, f"{where}.{key}", "", "unknown key", f"known keys: {', '.join(sorted(known))}")
    version = str(entry.get("version", 2))
    if version not in ("1", "2", "3"):
        raise _problem(file, f"{where}.version", version, "SNMP version must be 1, 2 or 3", "use 2 for v2c")
    if version != "3":
        return Credentials(name, "1" if version == "1" else "2c", str(entry.get("community", "public")).encode())
    level = str(entry.get("security_level", "noAuthNoPriv"))
    if level not in LEVELS:
        raise _problem(file, f"{where}.security_level", level, "unknown security level", ", ".join(LEVELS))
    auth = str(entry.get("auth_protocol", "MD5")).upper()
    priv = str(entry.get("priv_protocol", "DES")).upper()
    if auth not in AUTH_ALIASES:
        raise _problem(file, f"{where}.auth_protocol", auth, "unknown auth protocol", ", ".join(sorted(AUTH_ALIASES)))
    if priv not in PRIV_ALIASES:
        raise _problem(file, f"{where}.priv_protocol", priv, "unknown privacy protocol",
                       ", ".join(sorted(PRIV_ALIASES)))
    if not entry.get("username"):
        raise _problem(file, f"{where}.username", "", "SNMPv3 needs a username", "add 'username'")
    if level != "noAuthNoPriv" and not entry.get("password"):
        raise _problem(file, f"{where}.password", "", f"{level} needs a password", "add 'password'")
    if level == "authPriv" and not entry.get("priv_password"):
        raise _problem(file, f"{where}.priv_password", "", "authPriv needs a priv_password", "add 'priv_password'")
    return Credentials(name, "3", b"", str(entry["username"]).encode(), level,
                       AUTH_ALIASES[auth] if level != "noAuthNoPriv" else None,
                       str(entry.get("password", "")).encode(),
                       PRIV_ALIASES[priv] if level == "authPriv" else None,
                       str(entry.get("priv_password", "")).encode(), str(entry.get("context_name", "")).encode())


def parse_auths(data: Any, file: str) -> dict[str, Credentials]:
    """The ``auths:`` section of an snmp_exporter config document (other top-level keys are ignored)."""
    if not isinstance(data, dict) or not isinstance(data.get("auths", {}), dict):
        raise _problem(file, "auths", "", "expected a mapping with an 'auths:' mapping",
                       "use snmp_exporter's format: auths: {name: {community: ...}}")
    return {str(name): _auth_entry(str(name), entry, file) for name, entry in (data.get("auths") or {}).items()}


def load_auths(path: Path) -> dict[str, Credentials]:
    from yunwang.yamlsource import load_yaml

    doc = load_yaml(path)
    try:
        return parse_auths(doc.data, str(path))
    except InputError as exc:  # add line numbers now that we know the document
        raise InputError([Problem(p.file, doc.line_of(tuple(p.path.split("."))) if p.path else None, p.path,
                                  p.value, p.message, p.hint) for p in exc.problems]) from None


@dataclass
class AuthResolver:
    """Auth name → credentials: an auths file first, then the built-ins, then topology profiles (+ env)."""

    auths: dict[str, Credentials] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] | None = field(default=None, repr=False)  # may be os.environ: never printed
    _cache: dict[str, Credentials] = field(default_factory=dict, repr=False)

    def resolve(self, name: str) -> Credentials:
        if name in self._cache:
            return self._cache[name]
        if name in self.auths:
            creds = self.auths[name]
        elif name in BUILTIN_AUTHS:
            creds = BUILTIN_AUTHS[name]
        elif name in self.profiles:
            creds = credentials_from_profile(self.profiles[name], self.env)
        else:
            raise UnknownAuth(name, {*self.auths, *BUILTIN_AUTHS, *self.profiles})
        self._cache[name] = creds
        return creds

    def timing(self, name: str) -> tuple[float | None, int | None]:
        """(timeout seconds, retries) a topology profile asks for, else (None, None)."""
        profile = self.profiles.get(name)
        if profile is None:
            return None, None
        return float(profile.timeout_s), int(profile.retries)
