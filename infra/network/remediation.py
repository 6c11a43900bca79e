"""Remediation between a device's running configuration and its intent, in the vendor's own syntax.

Both sides are compared masked (every secret ``[secret]``: the running configuration masked with the family's
``secret_patterns``, the intent rendered masked), so a plan, a diff or a log never holds a secret. What is *sent*
carries real values: each line of the remediation is mapped back to the text it came from — an added line to
the intent rendered in push form, a removed line to the running configuration as the device printed it.

The same function serves the rollback of a failed apply: its "intent" is then the configuration the device had
before (printed form, stored hashes and all), so a rollback restores exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from hier_config import HConfig, HConfigChild, WorkflowRemediation, get_hconfig
from hier_config.exceptions import DuplicateChildError

from infra.network.drivers import driver_for
from infra.network.drivers.rules import Node, RulesDriver, drop_unshown, find, finish, path_of
from infra.network.secrets import mask
from yunwang.contracts.device_secrets import SECRET_SHOWN
from yunwang.topology import Vendor

MASKED = re.compile(r"\[secret(?:#\d+)?\]")
"""A masked value (``[secret#2]``: a second one that masking made look like the first)."""


class RemediationError(ValueError):
    """A configuration hier-config cannot read, or a line that cannot be sent without a secret it lacks."""


@dataclass(frozen=True)
class Change:
    """One line of a remediation: as shown (masked, indented by depth) and as sent."""

    depth: int
    shown: str
    sent: str

    @property
    def line(self) -> str:
        return " " * self.depth + self.shown


@dataclass(frozen=True)
class Remediation:
    """What to send to bring a device to its intent, and what would take it back."""

    changes: tuple[Change, ...]
    rollback: tuple[Change, ...]
    commands: tuple[str, ...] = ()
    """The lines to type in configuration mode (push form, with the section exits); empty unless asked for."""
    unshown: tuple[str, ...] = field(default=())
    """Lines the device never prints, sent with every non-empty remediation (IOS ``snmp-server user``)."""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(c.line for c in self.changes)

    @property
    def rollback_lines(self) -> tuple[str, ...]:
        return tuple(c.line for c in self.rollback)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _distinct(text: str) -> str:
    """Lines that masking made identical under one parent (two SNMP communities) told apart: ``[secret#2]``."""
    if SECRET_SHOWN not in text:
        return text
    seen: set[tuple[tuple[str, ...], str]] = set()
    parents: list[tuple[int, str]] = []
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if SECRET_SHOWN in line:
            context = tuple(p for _, p in parents)
            n = 1
            while (context, line.strip()) in seen:
                n += 1
                line = re.sub(r"\[secret(?:#\d+)?\]", f"[secret#{n}]", line, count=1)
            seen.add((context, line.strip()))
        parents.append((indent, line.strip()))
        out.append(line)
    return "\n".join(out)


def parse(driver: RulesDriver, text: str, what: str) -> HConfig:
    try:
        return driver.load(_distinct(driver.prepare(text)), prepared=True)
    except (DuplicateChildError, ValueError) as exc:
        raise RemediationError(f"{what}: cannot be read as a configuration tree: {exc}") from None


@dataclass
class _Item:
    text: str
    children: list[_Item] = field(default_factory=list)


def _outline(prepared: str) -> frozenset[object]:
    """A prepared configuration as nested sets of lines: equal outlines need no remediation (orders aside).

    Far cheaper than hier-config's tree, so a device at its intent (most devices, most of the time) is
    recognised without one."""
    root = _Item("")
    stack: list[tuple[int, _Item]] = [(-1, root)]
    for line in prepared.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        item = _Item(" ".join(stripped.split()))
        stack[-1][1].children.append(item)
        stack.append((indent, item))

    def freeze(item: _Item) -> frozenset[object]:
        return frozenset((child.text, freeze(child)) for child in item.children)
    return freeze(root)


def _lines(prepared: str) -> list[str]:
    """The lines alone, sorted: a cheap first test (most drifted devices differ here already)."""
    return sorted(" ".join(line.split()) for line in prepared.split("\n") if line.strip())


@lru_cache(maxsize=64)
def _intent_outline(driver: RulesDriver, masked_text: str) -> tuple[list[str], frozenset[object]]:
    prepared = driver.prepare(masked_text)
    return _lines(prepared), _outline(prepared)


@dataclass(frozen=True)
class _Tree:
    """A configuration's masked tree; each node knows the prepared line it came from (``facts["line"]``)."""

    masked: HConfig
    hidden: tuple[HConfigChild, ...]
    """The lines the device never prints, taken out of the tree."""


def _tree(driver: RulesDriver, masked_text: str, what: str) -> _Tree:
    masked = parse(driver, masked_text, what)
    return _Tree(masked, tuple(drop_unshown(masked, driver.RULES)))


@lru_cache(maxsize=64)
def _intent_tree(driver: RulesDriver, masked_text: str, what: str) -> _Tree:
    """The intent's tree, parsed once per text (plan and verification of a device; nothing changes a tree: the
    diff works on copies)."""
    return _tree(driver, masked_text, what)


@dataclass
class _Side:
    """One configuration, masked (for comparing) and real (for sending)."""

    masked: HConfig
    real: dict[tuple[str, ...], str]
    """Path → real text, for the lines whose masked text hides a secret (any other line is sent as shown)."""
    unshown: list[str]


def _side(driver: RulesDriver, tree: _Tree, real_text: str | None, what: str) -> _Side:
    """The real values come from the same prepared lines, unmasked: masking changes values, never lines."""
    if real_text is None:
        return _Side(tree.masked, {}, [c.text for c in tree.hidden])
    lines = driver.prepare(real_text).split("\n")

    def real(node: HConfigChild) -> str:
        at = node.facts.get("line")
        if at is None or not MASKED.search(node.text):
            return node.text
        text = " ".join(lines[at].split()) if at < len(lines) else ""
        if text.split()[:1] != node.text.split()[:1]:  # the push form may spell the secret's keyword otherwise
            raise RemediationError(f"{what}: the masked and real forms differ at {node.text!r}")
        return text

    found = {tuple(n.path()): real(n) for n in tree.masked.all_children() if MASKED.search(n.text)}
    return _Side(tree.masked, found, [real(c) for c in tree.hidden])


def _shape(node: HConfigChild) -> object:
    """A section's content, its lines' order aside (a device prints them in its own order)."""
    if not node.children:
        return node.text
    return node.text, frozenset(_shape(c) for c in node.children)


def _without_common(running: HConfig, intent: HConfig) -> tuple[HConfig, HConfig]:
    """Copies of both trees without the lines and sections they hold identically, at every depth.

    What is the same on both sides yields no remediation, so hier-config need not walk it (a device drifted by a
    few lines costs a few lines). The rules that look at siblings (purges, VLAN sets) still see the full trees.
    """
    ours, theirs = HConfig(running.driver), HConfig(intent.driver)
    _prune(running, intent, ours, theirs)
    return ours, theirs


def _prune(running: Node, intent: Node, ours: Node, theirs: Node) -> None:
    for child in intent.children:  # the intent's order: what is added goes in that order
        other = running.children.get(child.text)
        if other is None:
            theirs.add_deep_copy_of(child)
        elif _shape(child) != _shape(other):
            _prune(other, child, ours.add_shallow_copy_of(other), theirs.add_shallow_copy_of(child))
    for child in running.children:
        if child.text not in intent.children:
            ours.add_deep_copy_of(child)


def _negated_real(driver: RulesDriver, source: _Side, node: HConfigChild) -> str | None:
    """The real form of a negation: the line it negates, taken real from its side and negated the same way."""
    parent_path = path_of(node.parent)
    origin = find(source.masked, parent_path)
    if origin is None:
        return None
    for child in origin.children:
        scratch = get_hconfig(driver).add_children_deep([*parent_path, child.text])
        if scratch.negate().text == node.text:
            real = source.real.get((*parent_path, child.text))
            if real is None:
                return None
            return get_hconfig(driver).add_children_deep([*parent_path, real]).negate().text
    return None


def _changes(driver: RulesDriver, delta: HConfig, adds: _Side, removes: _Side, real: bool,
             what: str) -> Iterator[tuple[HConfigChild, Change]]:
    for node in delta.all_children_sorted():
        sent = node.text
        if real:
            negation = not node.new_in_config and node.text.startswith(driver.negation_prefix)
            if not negation:
                sent = adds.real.get(tuple(node.path()), node.text)
            elif MASKED.search(node.text):
                sent = _negated_real(driver, removes, node) or node.text
            if MASKED.search(sent):
                raise RemediationError(f"{what}: no way to send {node.text!r} without the secret it shows as "
                                       f"{SECRET_SHOWN}")
        yield node, Change(node.depth() - 1, node.text, sent)


def _commands(pairs: list[tuple[HConfigChild, Change]], driver: RulesDriver) -> list[str]:
    """The lines to type: each section entered, its lines, then left (``quit`` / ``exit``)."""
    exit_text = driver.RULES.exit_text
    opens = [re.compile(p) for p in driver.RULES.opens]
    out: list[str] = []
    open_sections: list[Node] = []
    for node, change in pairs:
        while open_sections and open_sections[-1] is not node.parent:
            open_sections.pop()
            out.append(exit_text)
        out.append(change.sent)
        if node.children:
            open_sections.append(node)
        elif node.depth() == 1 and any(p.match(node.text) for p in opens):
            out.append(exit_text)
    out.extend(exit_text for _ in open_sections)
    return out


def remediate(vendor: Vendor, running: str, intent_masked: str, intent_real: str | None = None, *,
              device: str = "device", secret_patterns: tuple[re.Pattern[str], ...] | None = None,
              rollback: bool = True) -> Remediation:
    """Remediation and (unless ``rollback`` is False) its rollback for one device.

    ``running`` is the configuration as the device printed it (volatile lines may stay: they are not
    configuration). ``intent_masked`` is the intent with secrets as ``[secret]``; ``intent_real`` the same text
    with real values (the push rendering, or a pre-apply snapshot) — without it nothing is prepared for sending.
    The intent's trees are kept for the next call with the same texts (plan, then verification, of one device).
    """
    from infra.network.render import FAMILIES

    driver = driver_for(vendor)
    patterns = FAMILIES[vendor].secret_patterns if secret_patterns is None else secret_patterns
    real = intent_real is not None
    seen, wanted = f"{device}: running configuration", f"{device}: intended configuration"
    running_masked = mask(running, patterns)
    prepared = driver.prepare(running_masked)
    lines, outline = _intent_outline(driver, intent_masked)
    if _lines(prepared) == lines and _outline(prepared) == outline:
        return Remediation((), ())  # line for line the intent: nothing to send, nothing to parse
    run = _side(driver, _tree(driver, running_masked, seen), running if real else None, seen)
    want = _side(driver, _intent_tree(driver, intent_masked, wanted), intent_real, wanted)
    ours, theirs = _without_common(run.masked, want.masked)
    flow = WorkflowRemediation(ours, theirs)
    forward = finish(flow.remediation_config, run.masked, want.masked, driver.RULES)
    pairs = list(_changes(driver, forward, want, run, real, device))
    back = []
    if rollback:
        backward = finish(flow.rollback_config, want.masked, run.masked, driver.RULES)
        back = list(_changes(driver, backward, run, want, real, device))
    commands: list[str] = []
    unshown: list[str] = []
    if real and pairs:
        commands = _commands(pairs, driver)
        unshown = [line for line in want.unshown if line not in commands]
        commands += unshown
    return Remediation(tuple(c for _, c in pairs), tuple(c for _, c in back), tuple(commands), tuple(unshown))


def rollback_commands(vendor: Vendor, current: str, snapshot: str, *, device: str = "device") -> tuple[str, ...]:
    """The lines taking a device from ``current`` back to ``snapshot`` (both as the device printed them)."""
    from infra.network.render import FAMILIES

    patterns = FAMILIES[vendor].secret_patterns
    back = remediate(vendor, current, mask(snapshot, patterns), snapshot, device=device)
    return back.commands
