"""Control-plane rules as data: one table entry per rule, judged by one generic check.

Most CIS Kubernetes checks read one setting of one component and compare it with a value. kube-bench writes them
as YAML (``id``, ``text``, ``audit``, ``tests: {test_items: [{flag, compare: {op, value}}]}``, ``remediation``);
here a :class:`FlagRule` carries our rule's metadata (id, MLPS clauses, severity, bilingual title and remediation,
peer checks) and its :class:`FlagTest` items, and :func:`register` turns each entry into an ordinary registered rule
of the module that lists it, so reports, the rule tables and waivers see no difference from a hand-written rule.
A test names what is *bad* (``op``), so a table reads as the list of findings it can produce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from policies.engine import rule
from policies.k8s_control_plane import Component, as_int, each, kubelet_setting, listed, truthy
from yunwang.contracts.audit import Severity

Op = Literal["unset", "set", "not_false", "not_true", "false", "true", "eq", "has", "nonzero", "not_positive"]

BAD: dict[str, Callable[[Any, Any], bool]] = {
    "unset": lambda value, _: not value,
    "set": lambda value, _: bool(value),
    "not_false": lambda value, _: truthy(value) is not False,
    "not_true": lambda value, _: truthy(value) is not True,
    "false": lambda value, _: truthy(value) is False,
    "true": lambda value, _: truthy(value) is True,
    "eq": lambda value, want: str(value) == want,
    "has": lambda value, want: want in listed(value),
    "nonzero": lambda value, _: as_int(value) != 0,
    "not_positive": lambda value, _: (as_int(value) or -1) <= 0,
}
"""When a setting's value is a finding, by ``op`` (``want`` is the test's ``value``). Booleans are read like the
components read them (``truthy``): an absent or unparsable flag is neither true nor false."""


@dataclass(frozen=True)
class FlagTest:
    """One setting compared with what is bad; ``message`` may name the value as ``{value}`` and the flag as
    ``{flag}``.

    Without ``field`` the setting is a command-line flag (absent: None). With ``field`` (a dotted
    KubeletConfiguration path) it is resolved as the kubelet does (flag, file field or ``config_default``,
    ``flag_default`` for a flags-only kubelet); a kubelet whose --config file the audit was not given is not judged.
    ``only`` limits the test to some of the rule's components."""

    flag: str
    op: Op
    message: str
    value: Any = None
    field: str | None = None
    config_default: Any = None
    flag_default: Any = None
    only: tuple[str, ...] = ()

    def problems(self, comp: Component) -> Iterator[str]:
        if self.only and comp.name not in self.only:
            return
        if self.field is None:
            value = comp.flag(self.flag)
        else:
            value = kubelet_setting(comp, self.flag, tuple(self.field.split(".")), self.config_default,
                                    self.flag_default)
            if value is None:
                return
        if BAD[self.op](value, self.value):
            yield self.message.format(value=value, flag=self.flag)


@dataclass(frozen=True)
class AllSet:
    """Flags that must all be set (and non-empty); ``message`` names the missing ones as ``{missing}``, joined
    with ``join`` (``--tls-cert-file, --client-ca-file not set``)."""

    flags: tuple[str, ...]
    message: str
    join: str = ", "

    def problems(self, comp: Component) -> Iterator[str]:
        missing = [f"--{f}" for f in self.flags if not comp.flag(f)]
        if missing:
            yield self.message.format(missing=self.join.join(missing))


@dataclass(frozen=True)
class FlagRule:
    """A rule whose check is its tests, run in order on every component of ``components``."""

    id: str
    name: str
    """The check's function name (as a hand-written rule's would be)."""
    components: tuple[str, ...]
    tests: tuple[FlagTest | AllSet, ...]
    clauses: tuple[str, ...]
    severity: Severity
    title: str
    title_zh: str
    remediation: str
    remediation_zh: str
    peers: tuple[str, ...] = ()

    def problems(self, comp: Component) -> Iterator[str]:
        for test in self.tests:
            yield from test.problems(comp)


def _named(entry: FlagRule, module: str) -> Callable[[Component], Iterator[str]]:
    """The entry's tests as a check function named like a hand-written one of ``module``."""
    def check(comp: Component) -> Iterator[str]:
        yield from entry.problems(comp)

    check.__name__ = check.__qualname__ = entry.name
    check.__module__ = module
    check.__doc__ = f"Rule {entry.id}: the tests of its table entry in {module}."
    return check


def register(rules: tuple[FlagRule, ...], module: str) -> None:
    """Register every entry as a k8s rule of ``module`` (the rule tables name the module a rule lives in)."""
    for entry in rules:
        rule(id=entry.id, clauses=entry.clauses, severity=entry.severity, source="k8s", title=entry.title,
             title_zh=entry.title_zh, remediation=entry.remediation, remediation_zh=entry.remediation_zh,
             peers=entry.peers)(each(*entry.components)(_named(entry, module)))
