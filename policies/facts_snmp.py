"""Live SNMP fact source: probe targets for well-known communities and SNMPv3 noAuthNoPriv access.

Every (version, community) guess of a target is sent at once and matched to replies by request id: a wrong
community gets no answer at all, so probing one after another would cost a full timeout per guess. v3 users
are tried after engine discovery, in a second round. Targets run concurrently, a bounded number at a time,
each on its own socket (policies.facts_snmp_wire).

Community values from a communities file are secrets: facts and findings name them by file entry only.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policies.engine import AuditError, AuditUnit, Target
from yunwang.errors import InputError, Problem

# Factory defaults and the guesses every scanner tries first; reporting these by name is safe.
WELL_KNOWN_COMMUNITIES: tuple[str, ...] = (
    "public", "private", "community", "snmp", "snmpd", "manager", "monitor", "admin", "cisco", "huawei", "h3c",
    "default", "read", "write", "secret", "test",
)
# USM user names that devices ship with or that administrators commonly create.
COMMON_V3_USERS: tuple[str, ...] = (
    "initial", "public", "private", "admin", "snmp", "snmpuser", "monitor", "nms", "readonly", "template", "user",
)
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
DEFAULT_PORT = 161
UNREACHABLE = "no answer to any SNMP probe"


@dataclass(frozen=True)
class Guess:
    """A community to try; ``label`` is what reports show (the value only when it is well known)."""

    value: str
    label: str
    well_known: bool


@dataclass(frozen=True)
class CommunityHit:
    version: str  # "v1" or "v2c"
    guess: Guess


@dataclass
class SnmpProbe:
    """What one target answered."""

    target: str
    host: str
    port: int
    reachable: bool = False
    communities: list[CommunityHit] = field(default_factory=list)
    v3_responds: bool = False
    v3_noauth_users: list[str] = field(default_factory=list)
    sys_descr: str | None = None

    def target_ref(self) -> Target:
        return Target(source="snmp", id=self.target)


@dataclass(frozen=True)
class ProbeSettings:
    timeout_s: float = 1.0
    retries: int = 0
    concurrency: int = 64  # targets probed at once
    v3_users: tuple[str, ...] = COMMON_V3_USERS


def parse_target(text: str) -> tuple[str, int]:
    """HOST[:PORT] or [IPv6]:PORT → (host, port); InputError on a malformed target."""
    host, port = text, DEFAULT_PORT
    if text.startswith("["):
        end = text.find("]")
        host, rest = text[1:end], text[end + 1:]
        if end < 0 or (rest and not rest.startswith(":")):
            raise _bad_target(text, "expected [IPv6]:PORT")
        port_text = rest[1:] if rest else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        port_text = ""
        if ":" in text:
            try:
                ipaddress.IPv6Address(text)
            except ValueError as exc:
                raise _bad_target(text, "expected HOST[:PORT]") from exc
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _bad_target(text, "port must be a number from 1 to 65535")
        port = int(port_text)
    if not host:
        raise _bad_target(text, "host is empty")
    return host, port


def _bad_target(text: str, why: str) -> InputError:
    return InputError([Problem("<command line>", None, "TARGET", text, f"bad SNMP target: {why}",
                               "write HOST, HOST:PORT or [IPv6]:PORT")])


def _lines(path: Path, what: str, hint: str) -> list[tuple[int, str]]:
    """(line number, text) of the non-blank, non-comment lines of a list file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), None, "", "", f"cannot read the {what}: {exc}", hint)]) from exc
    return [(n, raw.strip()) for n, raw in enumerate(lines, start=1) if raw.strip() and not raw.strip().startswith("#")]


def read_target_file(path: Path) -> list[str]:
    """Targets listed one per line; a malformed one is an input error naming its line."""
    targets = []
    for number, text in _lines(path, "targets file", "one HOST[:PORT] per line, '#' starts a comment"):
        try:
            parse_target(text)
        except InputError as exc:
            raise InputError([Problem(str(path), number, "", text, p.message, p.hint) for p in exc.problems]) from exc
        targets.append(text)
    return targets


def load_guesses(communities_file: Path | None) -> list[Guess]:
    """Well-known communities plus one entry per non-comment line of the communities file."""
    guesses = [Guess(c, c, True) for c in WELL_KNOWN_COMMUNITIES]
    if communities_file is None:
        return guesses
    known = set(WELL_KNOWN_COMMUNITIES)
    for number, value in _lines(communities_file, "communities file",
                                "one community per line, UTF-8 text, '#' starts a comment"):
        if value not in known:
            guesses.append(Guess(value, f"entry on line {number} of {communities_file.name}", False))
            known.add(value)
    return guesses


async def _probe(target: str, guesses: Sequence[Guess], settings: ProbeSettings,
                 bound: asyncio.Semaphore) -> SnmpProbe:
    """Communities (v1 and v2c) and v3 engine discovery in one round, then the v3 users in a second."""
    from policies.facts_snmp_wire import V1, V2C, community_get, exchange, usm_get

    host, port = parse_target(target)
    probe = SnmpProbe(target=target, host=host, port=port)
    jobs: dict[int, tuple[str, Guess]] = {}
    requests: dict[int, bytes] = {}
    for guess in guesses:
        for name, wire_version in (("v1", V1), ("v2c", V2C)):
            request_id = len(requests) + 1
            jobs[request_id] = (name, guess)
            requests[request_id] = community_get(wire_version, guess.value, request_id, SYS_DESCR)
    discovery = len(requests) + 1
    requests[discovery] = usm_get(discovery, b"", "", None)
    async with bound:
        answers = await exchange(host, port, requests, settings.timeout_s, settings.retries)
        probe.reachable = bool(answers)
        for request_id, (version, guess) in jobs.items():
            reply = answers.get(request_id)
            if reply is not None:  # agents drop wrong communities silently: any answer means it was accepted
                probe.communities.append(CommunityHit(version, guess))
                probe.sys_descr = probe.sys_descr or reply.value
        engine = answers.get(discovery)
        if engine is None or not engine.engine_id:
            return probe
        probe.v3_responds = True
        users = {1000 + i: user for i, user in enumerate(settings.v3_users)}
        replies = await exchange(host, port, {i: usm_get(i, engine.engine_id, u, SYS_DESCR) for i, u in users.items()},
                                 settings.timeout_s, settings.retries)
    for request_id, user in users.items():
        reply = replies.get(request_id)
        if reply is not None and reply.report is None and reply.error_status == 0:
            probe.v3_noauth_users.append(user)
            probe.sys_descr = probe.sys_descr or reply.value
    return probe


async def probe_targets(targets: Sequence[str], guesses: Sequence[Guess],
                        settings: ProbeSettings = ProbeSettings()) -> tuple[list[SnmpProbe], list[AuditError]]:
    """Probe every target concurrently; a target that answers nothing becomes an error entry."""
    for target in targets:
        parse_target(target)  # reject malformed targets before sending anything
    bound = asyncio.Semaphore(settings.concurrency)
    outcomes = await asyncio.gather(*(_probe(t, guesses, settings, bound) for t in targets), return_exceptions=True)
    probes: list[SnmpProbe] = []
    errors: list[AuditError] = []
    for target, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            errors.append(AuditError(target, None, f"SNMP probe failed: {outcome}"))
        elif not outcome.reachable:
            tries = f" × {settings.retries + 1} tries" if settings.retries else ""
            errors.append(AuditError(target, None, f"{UNREACHABLE} within {settings.timeout_s:g} s{tries}: "
                                     "unreachable, filtered, overloaded, or answering only credentials not tried"))
        else:
            probes.append(outcome)
    return probes, errors


def probe_units(probes: Sequence[SnmpProbe]) -> list[AuditUnit]:
    return [AuditUnit(source="snmp", facts=p) for p in probes]
