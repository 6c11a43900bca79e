"""Control-plane rules as data: the entries of ``policies/data/k8s_settings.yaml``, judged by one generic check.

Most CIS Kubernetes checks read one setting of one component and compare it with a value. kube-bench writes them
as YAML (``id``, ``text``, ``audit``, ``tests: {test_items: [{flag, compare: {op, value}}]}``, ``remediation``);
our table does the same with our rule's metadata (id, MLPS clauses, severity, bilingual title and remediation, peer
checks) and its tests (:class:`FlagTest`, :class:`AllSet`). A rule module calls :func:`register` with its own name
and each entry of its section becomes an ordinary registered rule of that module, so reports, waivers and the rule
tables see no difference from a hand-written rule. A test names what is *bad* (``op``), so an entry reads as the
findings it can produce.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from policies.engine import rule
from policies.k8s_control_plane import COMPONENTS, Component, as_int, each, kubelet_setting, listed, truthy
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
    check.__doc__ = f"Rule {entry.id}: the tests of its entry in policies/data/k8s_settings.yaml."
    return check


def register(module: str) -> None:
    """Register every entry of ``module``'s section of the table as a k8s rule of ``module`` (the rule tables name
    the module a rule lives in)."""
    for entry in table(module.rsplit(".", 1)[-1]):
        rule(id=entry.id, clauses=entry.clauses, severity=entry.severity, source="k8s", title=entry.title,
             title_zh=entry.title_zh, remediation=entry.remediation, remediation_zh=entry.remediation_zh,
             peers=entry.peers)(each(*entry.components)(_named(entry, module)))


TABLE = Path(__file__).resolve().parent / "data" / "k8s_settings.yaml"


class TableError(ValueError):
    """The settings table is malformed; the message names the file, the entry and what to fix."""


@functools.cache
def _load() -> Any:
    import yaml

    return yaml.load(TABLE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def table(section: str) -> tuple[FlagRule, ...]:
    """The entries of one section (a rule module's short name) of ``policies/data/k8s_settings.yaml``."""
    return entries(_load(), section, TABLE.name)


_RULE_KEYS = frozenset({"id", "name", "components", "severity", "clauses", "peers", "title", "title_zh",
                        "remediation", "remediation_zh", "tests"})
_TEST_KEYS = frozenset({"flag", "op", "value", "field", "config_default", "flag_default", "only", "message"})
_ALL_SET_KEYS = frozenset({"all_set", "join", "message"})


def entries(data: Any, section: str, name: str) -> tuple[FlagRule, ...]:
    """The validated entries of ``section`` of a parsed table (``name`` is the file, for messages)."""
    if not isinstance(data, dict):
        raise TableError(f"{name}: expected a mapping of rule module name to a list of entries")
    found = data.get(section)
    if not isinstance(found, list) or not found:
        raise TableError(f"{name}: no list of entries under '{section}:' (the section a rule module registers)")
    return tuple(_entry(item, f"{name}: {section}[{i}]") for i, item in enumerate(found))


def _entry(item: Any, where: str) -> FlagRule:
    if not isinstance(item, dict):
        raise TableError(f"{where}: an entry is a mapping with keys {', '.join(sorted(_RULE_KEYS))}")
    where = f"{where} ({item.get('id', 'no id')})"
    _keys(item, _RULE_KEYS, _RULE_KEYS - {"peers"}, where)
    components = _strings(item["components"], f"{where} components")
    unknown = sorted(set(components) - COMPONENTS)
    if unknown:
        raise TableError(f"{where}: unknown component {', '.join(unknown)} (one of {', '.join(sorted(COMPONENTS))})")
    tests = item["tests"]
    if not isinstance(tests, list) or not tests:
        raise TableError(f"{where}: tests must be a non-empty list")
    return FlagRule(id=_text(item, "id", where), name=_text(item, "name", where), components=components,
                    tests=tuple(_test(t, f"{where} tests[{j}]") for j, t in enumerate(tests)),
                    clauses=_strings(item["clauses"], f"{where} clauses"),
                    severity=cast(Severity, _text(item, "severity", where)), title=_text(item, "title", where),
                    title_zh=_text(item, "title_zh", where), remediation=_text(item, "remediation", where),
                    remediation_zh=_text(item, "remediation_zh", where),
                    peers=_strings(item.get("peers", []), f"{where} peers"))


def _test(item: Any, where: str) -> FlagTest | AllSet:
    if isinstance(item, dict) and "all_set" in item:
        _keys(item, _ALL_SET_KEYS, {"all_set", "message"}, where)
        return AllSet(_strings(item["all_set"], f"{where} all_set"), _text(item, "message", where),
                      join=str(item.get("join", ", ")))
    if not isinstance(item, dict):
        raise TableError(f"{where}: a test is a mapping (flag, op, message … or all_set, message)")
    _keys(item, _TEST_KEYS, {"flag", "op", "message"}, where)
    op = _text(item, "op", where)
    if op not in BAD:
        raise TableError(f"{where}: op '{op}' is not one of {', '.join(BAD)}")
    return FlagTest(_text(item, "flag", where), cast(Op, op), _text(item, "message", where), value=item.get("value"),
                    field=item.get("field"), config_default=item.get("config_default"),
                    flag_default=item.get("flag_default"), only=_strings(item.get("only", []), f"{where} only"))


def _keys(item: dict[str, Any], allowed: frozenset[str], required: set[str] | frozenset[str], where: str) -> None:
    extra, missing = sorted(set(item) - allowed), sorted(set(required) - set(item))
    if extra or missing:
        raise TableError(f"{where}: " + "; ".join(
            ([f"unknown key {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})"] if extra else [])
            + ([f"missing {', '.join(missing)}"] if missing else [])))


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise TableError(f"{where}: {key} must be a non-empty string, not {value!r}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TableError(f"{where}: expected a list of non-empty strings, not {value!r}")
    return tuple(value)
