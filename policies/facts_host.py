"""Host fact source: a `yunwang.host-facts/v1` document, from a file or collected live on this host.

Facts are read as plain dicts so a document from an older or newer agent still audits: a rule whose
facts are missing (section absent, or the agent recorded an error collecting it) reports "could not
determine" instead of guessing — absent evidence is not evidence of compliance. The paths rules read are
checked against the one definition of the document (yunwang.contracts.host_facts), so a rule cannot look for
a fact the agent never writes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.engine import AuditUnit, Target, Violation
from yunwang.contracts.host_facts import SCHEMA, declares
from yunwang.errors import InputError, Problem

MAX_FACTS_BYTES = 16 * 1024 * 1024
# Distributions whose id alone tells the layout family (UOS and Kylin ship both layouts under one id: not listed).
DISTRIBUTION_FAMILY = {"debian": "debian", "ubuntu": "debian", "deepin": "debian", "rhel": "rpm", "centos": "rpm",
                       "fedora": "rpm", "openeuler": "rpm", "rocky": "rpm", "almalinux": "rpm", "anolis": "rpm"}
_MISSING = object()


@dataclass
class HostFacts:
    """One host's facts with lookups that tolerate missing keys."""

    data: dict[str, Any]
    file: str | None = None

    @property
    def hostname(self) -> str:
        return str(self.data.get("hostname") or "unknown-host")

    @property
    def family(self) -> str | None:
        """'debian' or 'rpm': the agent's ``os.family``, else (a document from an older agent) told by the PAM
        files it read, else by the distribution id; None when nothing tells."""
        family = self.data.get("os", {}).get("family") if isinstance(self.data.get("os"), dict) else None
        if family in ("debian", "rpm"):
            return str(family)
        files = " ".join(str(f) for f in self.get("pam.files") or [])
        if "/common-" in files:
            return "debian"
        if "/system-auth" in files or "/password-auth" in files:
            return "rpm"
        os_id = str(self.get("os.id") or "").lower()
        return DISTRIBUTION_FAMILY.get(os_id)

    def target(self) -> Target:
        return Target(source="host", id=self.hostname, file=self.file)

    def section_error(self, section: str) -> str | None:
        """The agent's error message for a section it failed to collect, if any."""
        for err in self.data.get("errors") or []:
            if isinstance(err, dict) and err.get("source") == section:
                return str(err.get("message", "collection failed"))
        return None

    def get(self, dotted: str, default: Any = None) -> Any:
        if not declares(dotted):
            raise KeyError(f"'{dotted}' is not a fact of {SCHEMA} (yunwang.contracts.host_facts): a rule can only "
                           "read what the host agent writes")
        value: Any = self.data
        for key in dotted.split("."):
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value

    def has(self, dotted: str) -> bool:
        """True when the value exists and its section was collected without error."""
        return self.get(dotted, _MISSING) is not _MISSING and self.section_error(dotted.split(".")[0]) is None

    def unknown(self, *paths: str) -> Violation | None:
        """A "could not determine" violation naming the first missing fact, or None when all are known."""
        for path in paths:
            if not self.has(path):
                error = self.section_error(path.split(".")[0])
                why = f"the agent reported: {error}" if error else "the facts do not contain it"
                return Violation(self.target(), f"could not determine: fact '{path}' unavailable ({why})")
        return None

    def sshd_absent(self) -> bool:
        """True when the agent established that no SSH server is installed (SSH rules do not apply)."""
        return self.has("sshd.installed") and self.get("sshd.installed") is False

    def sshd_setting(self, key: str) -> tuple[Violation | None, str | None]:
        """(could-not-determine violation, lowercase value) of one effective sshd setting; both None when no SSH
        server is installed, so the SSH rules neither guess nor report anything."""
        if self.sshd_absent():
            return None, None
        missing = self.unknown(f"sshd.settings.{key}")
        if missing:
            return missing, None
        return None, str(self.get(f"sshd.settings.{key}")).lower()

    def int_or_none(self, dotted: str) -> int | None:
        value = self.get(dotted)
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def str_list(self, dotted: str) -> list[str]:
        value = self.get(dotted)
        return [str(v) for v in value] if isinstance(value, list) else []


HostCheck = Callable[[HostFacts], Iterable[Violation]]


def requires(*paths: str, unless: Callable[[HostFacts], bool] | None = None,
             ) -> Callable[[HostCheck], Callable[[HostFacts], Iterator[Violation]]]:
    """Run a host rule only on known facts: while one of ``paths`` is missing (or its section failed to collect),
    the rule yields the single "could not determine" violation of :meth:`HostFacts.unknown` instead of judging.
    ``unless`` tells when the rule does not apply at all (``HostFacts.sshd_absent``: no SSH server to judge)."""
    def wrap(check: HostCheck) -> Callable[[HostFacts], Iterator[Violation]]:
        @functools.wraps(check)
        def run(facts: HostFacts) -> Iterator[Violation]:
            if unless is not None and unless(facts):
                return
            missing = facts.unknown(*paths)
            if missing:
                yield missing
                return
            yield from check(facts)
        return run
    return wrap


def load_host_facts(path: Path) -> HostFacts:
    """Read a facts JSON file; InputError (file, line, what to do) when it is not one."""
    try:
        if path.stat().st_size > MAX_FACTS_BYTES:
            raise InputError([Problem(str(path), None, "", "", f"larger than {MAX_FACTS_BYTES} bytes",
                                      "a host facts document is a few KB; check the file")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), None, "", "", f"cannot read host facts: {exc}",
                                  "pass the JSON written by the host agent (GET /facts)")]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), exc.lineno, "", "", f"not valid JSON: {exc.msg}",
                                  "pass the JSON written by the host agent (GET /facts)")]) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, "", type(data).__name__, "host facts must be a JSON object", "")])
    schema = data.get("schema")
    if schema is not None and schema != SCHEMA:
        raise InputError([Problem(str(path), None, "schema", str(schema),
                                  f"unsupported facts schema; expected {SCHEMA}",
                                  "collect the facts again with this version of the host agent")])
    return HostFacts(data=data, file=str(path))


def collect_live() -> HostFacts:
    """Collect this host's facts through the host agent's collector."""
    try:
        from agents.host.facts import collect_facts
    except ImportError as exc:
        raise InputError([Problem("<this host>", None, "", "", "the host facts collector (agents.host.facts) is not "
                                  f"available: {exc}", "pass --facts FILE with facts collected by the host agent")]
                         ) from exc
    return HostFacts(data=collect_facts(Path("/")).to_dict(), file=None)


def host_units(facts: list[HostFacts]) -> list[AuditUnit]:
    return [AuditUnit(source="host", facts=f, platform=f.family) for f in facts]
