"""SNMP secrets the simulated devices accept, read from the same variables the pollers use.

Convention (shared by `yunwang up`, the poller and the simulator): for profile ``v3-core`` the variables
``YUNWANG_SNMP_V3_CORE_AUTH_KEY`` / ``..._PRIV_KEY`` (v3) or ``..._COMMUNITY`` (v2c), or the same names with
``_FILE`` naming a file that holds the value. Secrets never appear in arguments, logs or the endpoints file.
"""

from __future__ import annotations

from dataclasses import dataclass

from yunwang.errors import InputError, Problem
from yunwang.secrets import env_secret
from yunwang.topology import SnmpProfile

SNMPSIM_AUTH = {"MD5": "MD5", "SHA": "SHA", "SHA-224": "SHA224", "SHA-256": "SHA256", "SHA-384": "SHA384",
                "SHA-512": "SHA512"}
SNMPSIM_PRIV = {"DES": "DES", "AES-128": "AES", "AES-192": "AES192", "AES-256": "AES256"}


def env_name(profile: str, kind: str) -> str:
    """``("v3-core", "AUTH_KEY")`` → ``YUNWANG_SNMP_V3_CORE_AUTH_KEY``."""
    return f"YUNWANG_SNMP_{profile.upper().replace('-', '_')}_{kind}"


def secret(profile: str, kind: str) -> str | None:
    return env_secret(env_name(profile, kind))


@dataclass(frozen=True)
class SimCredentials:
    """What one profile's simulated devices accept: a v3 user or a community."""

    profile: str
    version: str
    user: str = ""
    auth_proto: str = "NONE"
    auth_key: str = ""
    priv_proto: str = "NONE"
    priv_key: str = ""
    community: str = ""


def credentials_for(profiles: list[SnmpProfile], topology_file: str) -> dict[str, SimCredentials]:
    """Credentials of every profile, or one InputError naming each variable still to set."""
    out: dict[str, SimCredentials] = {}
    problems: list[Problem] = []

    def need(profile: str, kind: str, min_len: int = 1) -> str:
        value = secret(profile, kind) or ""
        name = env_name(profile, kind)
        if not value:
            problems.append(Problem(topology_file, None, f"snmp_profiles.{profile}", "",
                                    f"no secret for profile {profile!r}: set {name} (or {name}_FILE)",
                                    "export the same value the pollers use; `yunwang up` sets them for you"))
        elif any(c.isspace() for c in value):
            problems.append(Problem(topology_file, None, f"snmp_profiles.{profile}", "(hidden)",
                                    f"{name} contains whitespace", "the simulator cannot serve such a secret"))
        elif len(value) < min_len:
            problems.append(Problem(topology_file, None, f"snmp_profiles.{profile}", "(hidden)",
                                    f"{name} is shorter than {min_len} characters",
                                    "SNMPv3 keys need at least 8 characters"))
        return value

    for p in profiles:
        if p.version == "2c":
            community = need(p.name, "COMMUNITY")
            if "/" in community or community.startswith("."):
                problems.append(Problem(topology_file, None, f"snmp_profiles.{p.name}", "(hidden)",
                                        "the simulator cannot serve a community containing '/' or starting with '.'",
                                        "pick another community for simulated devices"))
            out[p.name] = SimCredentials(p.name, "2c", community=community)
            continue
        level = p.security_level or "authPriv"
        auth = need(p.name, "AUTH_KEY", 8) if level != "noAuthNoPriv" else ""
        priv = need(p.name, "PRIV_KEY", 8) if level == "authPriv" else ""
        out[p.name] = SimCredentials(
            p.name, "3", user=p.username or p.name,
            auth_proto=SNMPSIM_AUTH[p.auth_protocol or "SHA"] if auth else "NONE", auth_key=auth,
            priv_proto=SNMPSIM_PRIV[p.priv_protocol or "AES-128"] if priv else "NONE", priv_key=priv)
    if problems:
        raise InputError(problems)
    return out
