"""Collect the host security facts document (``yunwang.contracts.host_facts``) from a filesystem tree.

Served at GET /facts and pushed to the monitor. ``collect_facts(root)`` reads a whole filesystem tree (``/`` in
production, a fixture tree in tests); anything unreadable is recorded in ``errors`` and never raises. Programs
(``sshd -T``) and live kernel state (adjtimex) are only consulted when ``root`` is ``/``.
"""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

from agents.host.factsources import readers
from agents.host.factsources.context import FactContext
from yunwang.contracts.host_facts import SECTIONS, FactError, HostFacts


def _hostname(root: Path, live: bool) -> str:
    if live:
        return socket.gethostname()
    for candidate in (root / "etc/hostname", root / "proc/sys/kernel/hostname"):
        try:
            name = candidate.read_text().strip()
        except OSError:
            continue
        if name:
            return name
    return "unknown"


def collect_facts(root: Path = Path("/")) -> HostFacts:
    """Every section, in document order, from its registered reader; a section that fails adds an entry to
    ``errors`` and keeps its defaults."""
    ctx = FactContext(root)
    facts = HostFacts(hostname=_hostname(ctx.root, ctx.live),
                      collected_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"))
    found = readers()
    for section in SECTIONS:
        read = found.get(section)
        if read is None:
            ctx.error(section, "no fact reader registered for this section")
            continue
        try:
            setattr(facts, section, read(ctx))
        except Exception as exc:  # one broken source never costs the others
            ctx.error(section, f"{type(exc).__name__}: {exc}")
    facts.errors = [FactError(source=s, message=m) for s, m in ctx.errors]
    return facts
