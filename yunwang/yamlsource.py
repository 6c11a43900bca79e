"""YAML loading that remembers where every value came from.

Users fix bad input faster when an error names the file, the line and the key path, so documents are
composed into nodes (C loader when available) and converted by hand while recording each path's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from yunwang.errors import InputError, Problem

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """Render a key path the way users write it: ``devices[3].region``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document root)"


@dataclass
class SourceDoc:
    """A parsed YAML document plus the line (1-based) of every key path in it."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path`` or, failing that, of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_NULL = "tag:yaml.org,2002:null"


def _scalar(node: yaml.ScalarNode, constructor: yaml.constructor.SafeConstructor) -> Any:
    if node.tag in (_TAG_INT, _TAG_FLOAT, _TAG_BOOL, _TAG_NULL):
        return constructor.construct_object(node)
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    return constructor.construct_object(node)


def _convert(
    node: yaml.Node,
    path: KeyPath,
    doc: SourceDoc,
    problems: list[Problem],
    constructor: yaml.constructor.SafeConstructor,
) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, constructor) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                problems.append(
                    Problem(doc.file, key_node.start_mark.line + 1, format_path(path),
                            repr(key), "mapping keys must be plain strings", "quote the key")
                )
                continue
            key = str(key)
            if key in out:
                problems.append(
                    Problem(doc.file, key_node.start_mark.line + 1, format_path((*path, key)), key,
                            "duplicate key in the same mapping", "remove or rename one of them")
                )
            out[key] = _convert(value_node, (*path, key), doc, problems, constructor)
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), doc, problems, constructor) for i, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, constructor)


def load_yaml(path: Path) -> SourceDoc:
    """Load one YAML document with line tracking; raise :class:`InputError` on any failure."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, None, "", name, "file not found",
                                  "check the path, or create the file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, None, "", name, f"cannot read file: {exc}",
                                  "check permissions and that it is UTF-8 text")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> SourceDoc:
    """Parse YAML text named ``name`` (used in messages)."""
    doc = SourceDoc(name, None)
    problems: list[Problem] = []
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(name, line, "", "", f"YAML syntax error: {exc.problem or exc}",
                                  "fix the YAML syntax at that line")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, None, "", "", f"YAML error: {exc}", "fix the YAML")]) from None
    if node is None:
        raise InputError([Problem(name, 1, "", "", "the file is empty", "add the document's content")])
    constructor = yaml.constructor.SafeConstructor()
    try:
        doc.data = _convert(node, (), doc, problems, constructor)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise InputError([Problem(name, mark.line + 1 if mark else None, "", "",
                                  f"unsupported YAML value: {exc.problem}",
                                  "use plain scalars, lists and mappings")]) from None
    if problems:
        raise InputError(problems)
    return doc
