"""Why a scrape cannot even start: the request or inventory entry names a module, auth or target that is wrong.

One family of errors for both modes, so neither catches broad exceptions: exporter mode answers them with a
400 (as snmp_exporter does for ``Unknown module 'x'``), poller mode reports them at the inventory entry to fix.
"""

from __future__ import annotations

from collections.abc import Iterable


class ScrapeConfigError(Exception):
    """A scrape's configuration is unusable. ``field`` is the inventory key at fault (``address``, ``auth``,
    ``modules``), ``value`` the offending value, ``hint`` what to do about it."""

    def __init__(self, field: str, value: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.message = message
        self.hint = hint

    def explain(self) -> str:
        """The message with its hint, for a 400 answer or a log line."""
        return f"{self.message} — {self.hint}" if self.hint else self.message


class UnknownModuleError(ScrapeConfigError, LookupError):
    """A module name that no built-in module or ``--modules`` file defines."""

    def __init__(self, names: Iterable[str], known: Iterable[str]) -> None:
        self.names = tuple(names)
        self.known = tuple(sorted(known))
        quoted = ", ".join(repr(n) for n in self.names)
        super().__init__("modules", self.names[0] if self.names else "",
                         f"unknown module{'s' if len(self.names) > 1 else ''} {quoted}; "
                         f"known: {', '.join(self.known) or 'none'}",
                         "use a known module, or load the snmp.yml that defines it with --modules FILE")


class UnknownAuth(ScrapeConfigError, LookupError):
    """An auth name that no auths file, built-in or topology profile defines."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.known = tuple(sorted(known))
        super().__init__("auth", name, f"unknown auth {name!r}; known: {', '.join(self.known) or 'none'}",
                         "define it in the --auths file or as an snmp_profiles entry of the stack")


class BadTarget(ScrapeConfigError, ValueError):
    """An address that is not HOST, HOST:PORT or [IPv6]:PORT."""

    def __init__(self, address: str, why: str) -> None:
        super().__init__("address", address, f"bad target {address!r}: {why}",
                         "use HOST or HOST:PORT, e.g. 10.0.0.1:161")
