"""A vendor family's remediation rules as data, and what turns them into a hier-config driver.

hier-config compares two trees line by line; what it cannot know is each CLI's grammar. The rules here say it in
word patterns (``*`` stands for one word; a pattern matches a line that starts with it):

* ``keyed``: a command whose value replaces the old one (``sysname X``, ``idle-timeout 10 0``). The words of the
  pattern are the command's key: a line with the same key but another value is *replaced* (no negation first,
  so a login ACL or a VTY authentication mode is never briefly absent), and a line with no counterpart is
  negated by its key alone (``undo info-center timestamp log``, Comware's ``undo name``), as the CLIs want it.
* ``replaced``: like ``keyed`` (a new value replaces the old), but negated with its whole text (the device wants
  the values: ``no switchport trunk allowed vlan 10,20``).
* ``purge``: an object spread over several lines (``local-user admin password …`` / ``… privilege level 15``):
  when the intent keeps none of its lines, one ``undo local-user admin`` removes it; otherwise each line is
  negated by its key.
* ``lists``: a line holding a set of VLANs that the device merges (VRP ``vlan batch``, ``port trunk allow-pass
  vlan``): changed by sending only the VLANs added and the VLANs removed, never "remove the whole list, add it
  again" (which would drop live VLANs for a moment, and on VRP delete their sections).
* ``builtin``: what the device has from the factory and refuses to delete (physical interfaces, the default AAA
  domain, VLAN 1): never negated. A regex on the line.
* ``early``: what other lines refer to and must exist first (VLANs, ACLs, AAA templates, logical interfaces),
  in that order: sent before everything else. ``last``: their removal, after every other change. Regexes.
* ``unshown``: lines the device takes but never prints (IOS ``snmp-server user``): left out of every comparison
  and sent with every non-empty remediation (re-sending them is harmless).

Scopes are tuples of parent patterns (``()`` for the top level, ``("interface *",)`` inside any interface).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from hier_config import HConfig, HConfigChild, MatchRule
from hier_config.models import OrderingRule
from hier_config.platforms.driver_base import HConfigDriverBase, HConfigDriverRules

Scope = tuple[str, ...]
Node = HConfig | HConfigChild
_T = TypeVar("_T")


def words_regex(pattern: str) -> str:
    """``local-user * password`` → ``^local-user \\S+ password`` (a line starting with those words)."""
    return "^" + " ".join(r"\S+" if w in ("*", "?") else re.escape(w) for w in pattern.split())


def key_regex(pattern: str) -> str:
    """The pattern as a whole-word prefix; its groups are the key's words (``?`` words are matched, not kept)."""
    parts = [r"\S+" if w == "?" else "(" + (r"\S+" if w == "*" else re.escape(w)) + ")" for w in pattern.split()]
    return " ".join(parts) + "(?= |$)"


def key_replacement(pattern: str) -> str:
    """``\\1 \\2``: the key's words, for the negation (``acl ? inbound`` → ``undo acl inbound``)."""
    kept = [w for w in pattern.split() if w != "?"]
    return " ".join(f"\\{i}" for i in range(1, len(kept) + 1))


def scope_rules(scope: Scope) -> tuple[MatchRule, ...]:
    return tuple(MatchRule(re_search=words_regex(p) + "(?= |$)") for p in scope)


@dataclass(frozen=True)
class ListLine:
    """A line carrying a VLAN set the device merges into (``vlan batch 10 20 to 30``)."""

    prefix: str
    style: str = "to"
    """``to``: ``10 20 to 30`` (VRP, Comware); ``dash``: ``10,20-30`` (IOS, RGOS)."""


@dataclass(frozen=True)
class Rules:
    negation: str
    exit_text: str
    keyed: Mapping[Scope, tuple[str, ...]] = field(default_factory=dict)
    replaced: Mapping[Scope, tuple[str, ...]] = field(default_factory=dict)
    purge: Mapping[Scope, tuple[str, ...]] = field(default_factory=dict)
    lists: Mapping[Scope, tuple[ListLine, ...]] = field(default_factory=dict)
    builtin: Mapping[Scope, tuple[str, ...]] = field(default_factory=dict)
    early: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    unshown: tuple[str, ...] = ()
    opens: tuple[str, ...] = ()
    """Top-level commands (regexes) that enter a view even when nothing is configured inside it, so a section
    exit follows them (VRP ``dot1x-access-profile name X``)."""
    dropped: tuple[str, ...] = ()
    """Lines (regexes) that are not configuration: headers, separators, the closing ``return``."""
    unordered_words: tuple[str, ...] = ()
    """Patterns of lines whose trailing keywords are a set the device may print in any order
    (``local-user admin service-type terminal ssh``): compared with the words after the pattern sorted."""


def hier_rules(rules: Rules, base: HConfigDriverRules | None = None) -> HConfigDriverRules:
    """hier-config's rule lists extended with the order of additions and removals (``early`` / ``last``).

    The keyed commands are not handed to hier-config as rules: with a hundred of them its lineage matching costs
    tens of milliseconds per device; :class:`RulesDriver` answers them from compiled tables instead.
    """
    prefix = rules.negation + " "
    ordering = [OrderingRule(match_rules=(MatchRule(re_search=f"^{p}"),), weight=-1000 + 10 * i)
                for i, p in enumerate(rules.early)]
    ordering += [OrderingRule(match_rules=(MatchRule(re_search=f"^{re.escape(prefix)}{p}"),), weight=500)
                 for p in rules.last]
    kept = base or HConfigDriverRules()
    return kept.model_copy(update={"ordering": [*kept.ordering, *ordering]})


@dataclass(frozen=True)
class _Keyed:
    scope: tuple[re.Pattern[str], ...]
    key: re.Pattern[str]
    by_key: bool
    """Negated by its key alone (``keyed``), or by its whole text (``replaced``)."""


def _compile_keyed(rules: Rules) -> dict[int, list[_Keyed]]:
    by_depth: dict[int, list[_Keyed]] = {}
    for table, by_key in ((rules.keyed, True), (rules.replaced, False)):
        for scope, patterns in table.items():
            compiled = tuple(re.compile(words_regex(p) + "(?= |$)") for p in scope)
            for pattern in patterns:
                by_depth.setdefault(len(scope), []).append(_Keyed(compiled, re.compile("^" + key_regex(pattern)),
                                                                  by_key))
    return by_depth


class RulesDriver(HConfigDriverBase):
    """A hier-config driver whose behaviour comes from a :class:`Rules` table (subclasses set ``RULES``).

    ``prepare`` turns a configuration as the device prints it into what hier-config can nest: non-configuration
    lines dropped, set-like keyword lists sorted, and whatever the family adds (:meth:`reshape`). Keyed commands
    are answered here (:meth:`idempotent_for`, :meth:`swap_negation`) from tables compiled once per driver.
    """

    RULES: Rules

    def __init__(self) -> None:
        super().__init__()
        self._keyed = _compile_keyed(self.RULES)

    @property
    def negation_prefix(self) -> str:
        return self.RULES.negation + " "

    def sectional_exit(self, config: HConfigChild) -> str | None:
        return self.RULES.exit_text if config.children else None

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return HConfigDriverRules()

    def command_key(self, child: HConfigChild) -> tuple[_Keyed, tuple[str, ...]] | None:
        """The keyed rule a line falls under and its key (``local-user * password`` → ``(admin,)``…)."""
        text = child.text
        if text.startswith(self.negation_prefix):
            return None
        parents = list(child.parent.path()) if isinstance(child.parent, HConfigChild) else []
        for rule in self._keyed.get(len(parents), ()):
            if all(p.match(t) for p, t in zip(rule.scope, parents, strict=True)):
                m = rule.key.match(text)
                if m:
                    return rule, m.groups()
        return None

    def idempotent_for(self, config: HConfigChild, other_children: Iterable[HConfigChild]) -> HConfigChild | None:
        found = self.command_key(config)
        if found is None:
            return super().idempotent_for(config, other_children)
        for other in other_children:
            if other.text != config.text and self.command_key(other) == found:
                return other
        return None

    def swap_negation(self, child: HConfigChild) -> HConfigChild:
        found = self.command_key(child)
        if found is None or not found[0].by_key:
            return super().swap_negation(child)
        child.text = self.negation_prefix + " ".join(found[1])
        return child

    def reshape(self, lines: list[str]) -> list[str]:
        """Family-specific layout fixes (Comware's global indent); the default keeps the lines."""
        return lines

    def prepare(self, text: str) -> str:
        lines = []
        dropped = self._dropped
        unordered = self._unordered
        for raw in self.reshape(text.split("\n")):
            line = raw.rstrip()
            if not line or dropped.match(line):
                continue
            for pattern in unordered:
                m = pattern.match(line)
                if m:
                    line = f"{m.group(1)} {' '.join(sorted(m.group(2).split()))}"
                    break
            lines.append(line)
        return "\n".join(lines) + "\n"

    @cached_property
    def _dropped(self) -> re.Pattern[str]:
        """One pattern for every line that is not configuration: ours and hier-config's per-line removals."""
        stock = [r.search for r in self.rules.per_line_sub if r.replace == ""]
        return re.compile("|".join(f"(?:{p})" for p in (*self.RULES.dropped, *stock)) or "(?!)")

    @cached_property
    def _indent_adjust(self) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
        return [(re.compile(r.start_expression), re.compile(r.end_expression)) for r in self.rules.indent_adjust]

    @cached_property
    def _unordered(self) -> list[re.Pattern[str]]:
        return [re.compile(rf"^(\s*{words_regex(p)[1:]}) (.+)$") for p in self.RULES.unordered_words]

    def load(self, text: str, *, prepared: bool = False) -> HConfig:
        """The configuration as a hier-config tree, built in one pass over the prepared lines.

        Same tree as ``hier_config.get_hconfig`` for what devices print, at a fraction of the cost (hier-config
        runs every per-line rule as a separate regex substitution on every line: most of a diff's time).
        """
        for sub in self.rules.full_text_sub:
            text = re.sub(sub.search, sub.replace, text)
        root = HConfig(self)
        stack: list[tuple[int, Node]] = [(-1, root)]
        adjust, ends = 0, list[re.Pattern[str]]()
        lines = (text if prepared else self.prepare(text)).split("\n")
        adjusting = self._indent_adjust
        at = 0
        while at < len(lines):
            raw = lines[at]
            index = at
            at += 1
            stripped = raw.strip()
            if not stripped:
                continue
            if stripped.startswith("banner "):
                stripped, at = _banner(stripped, lines, at)
            indent = len(raw) - len(raw.lstrip()) + adjust
            line = stripped if "\n" in stripped else " ".join(stripped.split())
            while stack[-1][0] >= indent:
                stack.pop()
            node = stack[-1][1].add_child(line)
            node.real_indent_level = indent
            node.facts["line"] = index  # the prepared line it came from (real values are read from there)
            stack.append((indent, node))
            for start, end in adjusting:
                if start.search(line):
                    adjust += 1
                    ends.append(end)
                    break
            if ends and ends[0].search(line):
                adjust -= 1
                ends.pop(0)
        for callback in self.rules.post_load_callbacks:
            callback(root)
        return root


def _banner(first: str, lines: list[str], at: int) -> tuple[str, int]:
    """A banner whose delimiter (``^C``, ``%``…) closes on a later line is one line of the tree."""
    words = first.split(maxsplit=2)
    if len(words) < 3:
        return first, at
    body = words[2]
    delimiter = body[:2] if body.startswith("^") else body[:1]
    if body.count(delimiter) >= 2 or (len(body) > len(delimiter) and body.endswith(delimiter)):
        return first, at
    out = [first]
    while at < len(lines):
        out.append(lines[at])
        at += 1
        if delimiter in lines[at - 1]:
            break
    return "\n".join(out), at


def in_scope(node: Node, scope: Scope) -> bool:
    """Whether ``node`` (a parent in the tree) sits exactly at ``scope``."""
    path = list(node.path()) if isinstance(node, HConfigChild) else []
    return len(path) == len(scope) and all(re.match(words_regex(p) + "(?= |$)", t)
                                           for p, t in zip(scope, path, strict=True))


def parents(root: HConfig) -> list[Node]:
    """The root and every section of a tree (the places rules are scoped to)."""
    return [root, *(c for c in root.all_children() if c.children)]


def find(root: HConfig, path: Iterable[str]) -> Node | None:
    """The node of another tree at the same path, or None."""
    node: Node = root
    for text in path:
        found = node.children.get(text)
        if found is None:
            return None
        node = found
    return node


def path_of(node: Node) -> tuple[str, ...]:
    return tuple(node.path()) if isinstance(node, HConfigChild) else ()


def _scoped(rules: Mapping[Scope, tuple[_T, ...]], node: Node) -> list[_T]:
    return [item for scope, items in rules.items() if in_scope(node, scope) for item in items]


def _is_negation(child: HConfigChild, prefix: str) -> bool:
    """A line hier-config negated (its own additions are marked new in config)."""
    return not child.new_in_config and child.text.startswith(prefix)


def drop_builtins(delta: HConfig, rules: Rules) -> None:
    prefix = rules.negation + " "
    for node in parents(delta):
        patterns = [re.compile(p) for p in _scoped(rules.builtin, node)]
        for child in list(node.children):
            if _is_negation(child, prefix) and any(p.match(child.text[len(prefix):]) for p in patterns):
                child.delete()


def purge_objects(delta: HConfig, intent: HConfig, rules: Rules) -> None:
    """Negations of every line of one object → one negation of the object, when the intent keeps none of it."""
    prefix = rules.negation + " "
    for node in parents(delta):
        target = find(intent, path_of(node))
        for pattern in _scoped(rules.purge, node):
            key = re.compile(f"({words_regex(pattern)[1:]})(?= |$)")
            groups: dict[str, list[HConfigChild]] = {}
            for child in node.children:
                m = key.match(child.text[len(prefix):]) if _is_negation(child, prefix) else None
                if m:
                    groups.setdefault(m.group(1), []).append(child)
            for name, members in groups.items():
                kept = target is not None and any(re.match(re.escape(name) + "(?= |$)", c.text)
                                                  for c in target.children)
                if kept:
                    continue
                members[0].text = prefix + name
                for extra in members[1:]:
                    extra.delete()


def vlan_ids(text: str) -> set[int]:
    """``10 20 to 30`` or ``10,20-30`` → {10, 20, …, 30}."""
    words = text.replace(",", " ").replace("-", " to ").split()
    out: set[int] = set()
    i = 0
    while i < len(words):
        if i + 2 < len(words) and words[i + 1] == "to":
            out.update(range(int(words[i]), int(words[i + 2]) + 1))
            i += 3
        else:
            out.add(int(words[i]))
            i += 1
    return out


def format_vlans(ids: set[int], style: str) -> str:
    ordered = sorted(ids)
    runs: list[tuple[int, int]] = []
    for vid in ordered:
        if runs and vid == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], vid)
        else:
            runs.append((vid, vid))
    if style == "dash":
        return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
    return " ".join(str(a) if a == b else f"{a} to {b}" for a, b in runs)


def _list_values(node: Node | None, prefix: str) -> set[int]:
    if node is None:
        return set()
    for child in node.children:
        if child.text.startswith(prefix + " "):
            try:
                return vlan_ids(child.text[len(prefix) + 1:])
            except ValueError:
                return set()
    return set()


def delta_lists(delta: HConfig, running: HConfig, intent: HConfig, rules: Rules) -> None:
    """Set lines changed by what was added and what was removed, never by re-sending the whole set."""
    neg = rules.negation + " "
    for node in parents(delta):
        for item in _scoped(rules.lists, node):
            start = item.prefix + " "
            removal = [c for c in node.children if _is_negation(c, neg) and c.text[len(neg):].startswith(start)]
            addition = [c for c in node.children if c.new_in_config and c.text.startswith(start)]
            if not removal or not addition:
                continue
            path = path_of(node)
            before, after = _list_values(find(running, path), item.prefix), _list_values(find(intent, path),
                                                                                        item.prefix)
            gone, new = before - after, after - before
            for child, ids, head in ((removal[0], gone, neg + item.prefix), (addition[0], new, item.prefix)):
                if ids:
                    child.text = f"{head} {format_vlans(ids, item.style)}"
                else:
                    child.delete()


def dedupe(delta: HConfig) -> None:
    for node in parents(delta):
        seen: set[str] = set()
        for child in list(node.children):
            if child.text in seen:
                child.delete()
            seen.add(child.text)


def drop_unshown(tree: HConfig, rules: Rules) -> list[HConfigChild]:
    """Take the lines the device never prints out of a tree (top level); returns them."""
    patterns = [re.compile(words_regex(p) + "(?= |$)") for p in rules.unshown]
    taken = [c for c in tree.children if any(p.match(c.text) for p in patterns)]
    for child in taken:
        child.delete()
    return taken


def finish(delta: HConfig, running: HConfig, intent: HConfig, rules: Rules) -> HConfig:
    """What hier-config's tree diff cannot express, applied to its remediation (see the module docstring)."""
    containers = parents(delta)[1:]
    drop_builtins(delta, rules)
    purge_objects(delta, intent, rules)
    delta_lists(delta, running, intent, rules)
    dedupe(delta)
    neg = rules.negation + " "
    for node in containers[::-1]:  # sections emptied above (children before their parents)
        if isinstance(node, HConfigChild) and not node.children and not node.new_in_config and \
                not node.text.startswith(neg):
            node.delete()
    return delta
