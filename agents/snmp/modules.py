"""SNMP modules as data: snmp_exporter's generated ``snmp.yml`` format, compiled for a fast hot path.

A module says which subtrees to walk (``walk``), which scalars to GET (``get``) and how varbinds become
metrics (``metrics``: name, oid, type, indexes, lookups, enum_values). The built-in modules live in
``agents/snmp/modules/*.yaml``; any snmp_exporter ≥0.23 ``snmp.yml`` (``modules:`` + ``auths:``) or 0.21
(top-level modules) can be loaded too. Compiling turns dotted OIDs into encoded bytes once, so matching a
varbind to its metric is a dict lookup on a byte prefix.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.snmp import ber
from agents.snmp.errors import UnknownModuleError
from yunwang.errors import InputError, Problem
from yunwang.lru import LruDict

log = logging.getLogger("yunwang.agent.snmp")

BUILTIN_DIR = Path(__file__).resolve().parent / "modules"

NUMERIC_TYPES = frozenset({"gauge", "counter", "Float", "Double", "Integer", "Integer32", "Unsigned32",
                           "Counter32", "Counter64", "Gauge32", "TimeTicks"})
STRING_TYPES = frozenset({"DisplayString", "OctetString", "PhysAddress48", "IpAddr", "InetAddress",
                          "InetAddressIPv4", "InetAddressIPv6", "DateAndTime", "Bits"})
ENUM_TYPES = frozenset({"EnumAsInfo", "EnumAsStateSet"})
INDEX_TYPES = frozenset({"gauge", "Integer", "Integer32", "Unsigned32", "counter", "DisplayString", "OctetString",
                         "PhysAddress48", "IpAddr", "InetAddressIPv4", "InetAddressIPv6"})


@dataclass(frozen=True)
class IndexDef:
    labelname: str
    type: str
    fixed_size: int = 0
    implied: bool = False


@dataclass(frozen=True)
class LookupDef:
    labels: tuple[str, ...]
    labelname: str
    oid: bytes
    type: str


_LABEL_PLANS: dict[tuple[tuple[IndexDef, ...], tuple[LookupDef, ...]], int] = {}


@dataclass
class MetricDef:
    name: str
    oid: bytes
    type: str
    help: str
    indexes: tuple[IndexDef, ...] = ()
    lookups: tuple[LookupDef, ...] = ()
    enum_values: dict[int, str] = field(default_factory=dict)
    scale: float | None = None
    offset: float | None = None

    label_plan: int = 0

    def __post_init__(self) -> None:
        # Metrics with the same indexes and lookups share label strings per row (built once per row).
        self.label_plan = _LABEL_PLANS.setdefault((self.indexes, self.lookups), len(_LABEL_PLANS))

    @property
    def prom_type(self) -> str:
        return "counter" if self.type == "counter" else "gauge"


@dataclass
class Module:
    name: str
    walk: tuple[bytes, ...]
    get: tuple[bytes, ...]
    metrics: tuple[MetricDef, ...]
    max_repetitions: int = 25
    retries: int | None = None
    timeout: float | None = None


def parse_duration(value: Any) -> float:
    """"5s", "500ms", "1m" or a number of seconds."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    for suffix, factor in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(text[: -len(suffix)]) * factor
    raise ValueError(f"not a duration: {value!r} (e.g. 5s, 500ms)")


class _Ctx:
    """Where we are in a document, for error messages that point at the key."""

    def __init__(self, file: str, doc: Any = None) -> None:
        self.file = file
        self.doc = doc

    def fail(self, path: tuple[Any, ...], value: Any, message: str, hint: str) -> InputError:
        line = self.doc.line_of(path) if self.doc is not None else None
        return InputError([Problem(self.file, line, ".".join(map(str, path)), str(value)[:80], message, hint)])

    def oid(self, path: tuple[Any, ...], value: Any) -> bytes:
        try:
            return ber.oid_from_text(str(value))
        except ValueError as exc:
            raise self.fail(path, value, str(exc), "write numeric OIDs such as 1.3.6.1.2.1.2.2.1.10") from None


def _compile_metric(ctx: _Ctx, path: tuple[Any, ...], raw: Any) -> MetricDef:
    if not isinstance(raw, dict) or "name" not in raw or "oid" not in raw:
        raise ctx.fail(path, raw, "a metric needs 'name' and 'oid'", "see snmp_exporter's snmp.yml format")
    mtype = str(raw.get("type", "gauge"))
    if mtype not in NUMERIC_TYPES | STRING_TYPES | ENUM_TYPES:
        raise ctx.fail((*path, "type"), mtype, "unsupported metric type",
                       f"one of {', '.join(sorted(NUMERIC_TYPES | STRING_TYPES | ENUM_TYPES))}")
    indexes = []
    for i, idx in enumerate(raw.get("indexes") or ()):
        itype = str(idx.get("type", "gauge"))
        if itype not in INDEX_TYPES:
            raise ctx.fail((*path, "indexes", i, "type"), itype, "unsupported index type",
                           f"one of {', '.join(sorted(INDEX_TYPES))}")
        indexes.append(IndexDef(str(idx["labelname"]), itype, int(idx.get("fixed_size", 0) or 0),
                                bool(idx.get("implied", False))))
    names = {i.labelname for i in indexes}
    lookups = []
    for i, lk in enumerate(raw.get("lookups") or ()):
        labels = tuple(str(x) for x in (lk.get("labels") or ()))
        missing = [x for x in labels if x not in names]
        if missing:
            raise ctx.fail((*path, "lookups", i, "labels"), ",".join(missing), "lookup refers to unknown index labels",
                           f"indexes of this metric: {', '.join(sorted(names)) or 'none'}")
        lookups.append(LookupDef(labels, str(lk["labelname"]), ctx.oid((*path, "lookups", i, "oid"), lk["oid"]),
                                 str(lk.get("type", "DisplayString"))))
    if raw.get("regex_extracts"):
        log.warning("%s: %s: regex_extracts are not supported; the metric is exported without them",
                    ctx.file, raw["name"])
    enums = {int(k): str(v) for k, v in (raw.get("enum_values") or {}).items()}
    scale = raw.get("scale")
    offset = raw.get("offset")
    return MetricDef(str(raw["name"]), ctx.oid((*path, "oid"), raw["oid"]), mtype, str(raw.get("help", "")),
                     tuple(indexes), tuple(lookups), enums, None if scale is None else float(scale),
                     None if offset is None else float(offset))


def compile_module(name: str, raw: Any, ctx: _Ctx, path: tuple[Any, ...]) -> Module:
    if not isinstance(raw, dict):
        raise ctx.fail(path, raw, "a module must be a mapping", "with walk/get/metrics")
    walk = tuple(ctx.oid((*path, "walk", i), o) for i, o in enumerate(raw.get("walk") or ()))
    get = tuple(ctx.oid((*path, "get", i), o) for i, o in enumerate(raw.get("get") or ()))
    metrics = tuple(_compile_metric(ctx, (*path, "metrics", i), m) for i, m in enumerate(raw.get("metrics") or ()))
    params = raw.get("walk_params") or raw
    try:
        timeout = parse_duration(params["timeout"]) if "timeout" in params else None
    except ValueError as exc:
        raise ctx.fail((*path, "timeout"), params.get("timeout"), str(exc), "e.g. timeout: 5s") from None
    return Module(name, walk, get, metrics, int(params.get("max_repetitions", 25)),
                  int(params["retries"]) if "retries" in params else None, timeout)


def parse_modules(data: Any, ctx: _Ctx) -> dict[str, Module]:
    """Modules of an snmp.yml document: ≥0.23 (``modules:`` key) or 0.21 (modules at the top level)."""
    if not isinstance(data, dict):
        raise ctx.fail((), "", "expected a mapping", "use snmp_exporter's snmp.yml format")
    base: tuple[str, ...] = ()
    if "modules" in data:
        section, base = data["modules"] or {}, ("modules",)
    else:
        section = {k: v for k, v in data.items() if k != "auths"}
    return {str(n): compile_module(str(n), m, ctx, (*base, n)) for n, m in section.items()}


def load_module_file(path: Path) -> dict[str, Module]:
    """Modules of one snmp.yml. libyaml first (~10× faster); on a problem, re-read with line tracking."""
    import yaml

    from yunwang.yamlsource import load_yaml

    try:
        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return parse_modules(data, _Ctx(str(path)))
    except (InputError, yaml.YAMLError):
        doc = load_yaml(path)  # raises a located InputError for YAML syntax errors
        return parse_modules(doc.data, _Ctx(str(path), doc))
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", "", f"cannot read module file: {exc.strerror}",
                                  "check the path given to --modules")]) from None


_builtin: dict[str, Module] | None = None


def builtin_modules() -> dict[str, Module]:
    """The modules shipped in agents/snmp/modules (system, if_mib, host_resources, entity, lldp, …)."""
    global _builtin
    if _builtin is None:
        found: dict[str, Module] = {}
        for path in sorted(BUILTIN_DIR.glob("*.yaml")):
            found.update(load_module_file(path))
        _builtin = found
    return _builtin


def load_modules(extra: list[Path] | None = None) -> dict[str, Module]:
    """Built-in modules, overridden/extended by the modules of ``extra`` snmp.yml files."""
    modules = dict(builtin_modules())
    for path in extra or ():
        modules.update(load_module_file(path))
    return modules


@dataclass
class Plan:
    """Several modules merged for one device: roots deduplicated, metrics indexed by encoded OID."""

    names: tuple[str, ...]
    walk: tuple[bytes, ...]
    get: tuple[bytes, ...]
    by_oid: dict[bytes, MetricDef]
    prefix_lengths: tuple[int, ...]
    max_repetitions: int
    retries: int | None
    timeout: float | None

    has_lookups: bool = False
    nested: bool = False  # a metric OID lies under another's: every varbind needs the longest-prefix search

    def __post_init__(self) -> None:
        oids = list(self.by_oid)
        self.has_lookups = any(m.lookups for m in self.by_oid.values())
        self.nested = any(a != b and b.startswith(a) for a in oids for b in oids)


# Keyed by id() of the modules dict; the entry holds the dict itself, so that id cannot be reused by another dict
# while the entry lives (a recycled id would hand out a plan built from other modules). Bounded: `module=` lists
# come from whoever calls /snmp, and every distinct list (order, repeats) would otherwise stay forever.
PLAN_CACHE_SIZE = 256
_plans: LruDict[tuple[tuple[str, ...], int], tuple[dict[str, Module], Plan]] = LruDict(PLAN_CACHE_SIZE)


def plan_for(names: tuple[str, ...] | list[str], modules: dict[str, Module]) -> Plan:
    """The merged plan of modules ``names`` (cached: the same few combinations recur across a fleet).

    Raises :class:`UnknownModuleError` naming the unknown modules and the known ones.
    """
    key = (tuple(names), id(modules))
    cached = _plans.get(key)
    if cached is not None and cached[0] is modules:
        return cached[1]
    unknown = [n for n in names if n not in modules]
    if unknown:
        raise UnknownModuleError(unknown, modules)
    chosen = [modules[n] for n in names]
    roots = sorted({r for m in chosen for r in m.walk}, key=ber.decode_oid)
    walk = tuple(r for r in roots if not any(r != o and r.startswith(o) for o in roots))
    get = tuple(dict.fromkeys(g for m in chosen for g in m.get if not any(g.startswith(w) for w in walk)))
    by_oid: dict[bytes, MetricDef] = {}
    for m in chosen:
        for metric in m.metrics:
            by_oid.setdefault(metric.oid, metric)
    plan = Plan(tuple(names), walk, get, by_oid, tuple(sorted({len(o) for o in by_oid}, reverse=True)),
                min(m.max_repetitions for m in chosen) if chosen else 25,
                max((m.retries for m in chosen if m.retries is not None), default=None),
                max((m.timeout for m in chosen if m.timeout is not None), default=None))
    _plans[key] = (modules, plan)
    return plan
