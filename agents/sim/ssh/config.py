"""A simulated device's configuration: a tree of lines, changed the way the vendor's parser changes it.

Each line remembers the command that made it and its bindings, so ``undo``/``no`` finds what to remove by
meaning (``undo snmp-agent community public`` removes ``snmp-agent community read cipher …`` of that name),
a repeated command replaces its line, and the display order follows the dialect's command lists.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from agents.sim.ssh.dialect import Command, Layout

Bindings = dict[str, "str | tuple[str, ...]"]
_counter = itertools.count()
_NUMBERS = re.compile(r"(\d+)")


@dataclass
class Node:
    """One configuration line; sections have children."""

    text: str
    command: Command | None = None
    bindings: Bindings = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    seq: int = field(default_factory=lambda: next(_counter))
    order: tuple[object, ...] = ()
    """Sort key among lines of its command when the dialect orders them (interfaces by type, then number)."""

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, command: Command, bindings: Bindings | None = None) -> list[Node]:
        """Children made by ``command`` whose bindings agree with every given one."""
        wanted = bindings or {}
        return [c for c in self.children if c.command is command
                and all(c.bindings.get(k) == v for k, v in wanted.items())]

    def copy(self) -> Node:
        return Node(self.text, self.command, dict(self.bindings), [c.copy() for c in self.children], self.seq,
                    self.order)


def key_of(command: Command, bindings: Bindings) -> Bindings:
    return {k: bindings.get(k, "") for k in command.key}


def store_line(at: Node, command: Command, text: str, bindings: Bindings) -> Node:
    """Add a line, replacing the one of the same command and key (``sysname``, ``ip address``, ``rule 5``)."""
    key = key_of(command, bindings)
    old = at.find(command, key)
    node = Node(text, command, bindings)
    if old:
        node.seq = old[0].seq  # a replaced line keeps its place
        for stale in old:
            at.children.remove(stale)
    at.children.append(node)
    return node


def remove_lines(at: Node, command: Command, bindings: Bindings) -> int:
    """Remove the lines (or sections) ``undo``/``no`` names; returns how many went."""
    if command.kind == "purge":
        gone = [c for c in at.children if c.command is not None and c.command.group_id == command.group_id
                and all(c.bindings.get(k) == v for k, v in bindings.items())]
    else:
        gone = at.find(command, bindings)
    for node in gone:
        at.children.remove(node)
    return len(gone)


def natural_key(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in _NUMBERS.split(text))


def ordered(children: list[Node]) -> list[Node]:
    """Children in the vendor's display order: by command (dialect order), then by name or by insertion.

    Lines of one group print together per key (every ``local-user admin …`` line, then the next user's), at the
    place of the group's first command.
    """
    group_rank: dict[str, int] = {}
    first_seen: dict[tuple[str, tuple[object, ...]], int] = {}
    for node in children:
        command = node.command
        if command is not None and command.group:
            group_rank[command.group] = min(group_rank.get(command.group, command.rank), command.rank)
            ident = (command.group, tuple(node.bindings.get(k) for k in command.key))
            first_seen[ident] = min(first_seen.get(ident, node.seq), node.seq)

    def key(node: Node) -> tuple[object, ...]:
        command = node.command
        if command is None:
            return (-1, (), 0, node.seq)
        if command.group:
            ident = (command.group, tuple(node.bindings.get(k) for k in command.key))
            return (group_rank[command.group], (first_seen[ident],), command.rank, node.seq)
        by_name = node.order or (natural_key(node.text) if command.sort else ())
        return (command.rank, by_name, 0, node.seq)
    return sorted(children, key=key)


def _visible(node: Node) -> bool:
    command = node.command
    return not (command is not None and (command.hidden or (command.hide_empty and not node.children)))


def render_children(node: Node, depth: int, out: list[str]) -> None:
    for child in ordered(node.children):
        if _visible(child):
            out.append(" " * depth + child.text)
            render_children(child, depth + 1, out)


def render_config(root: Node, layout: Layout, header: list[str]) -> list[str]:
    """The whole configuration in the vendor's layout: separators between blocks, one per section."""
    out = list(header)
    previous: object = None
    for node in ordered(root.children):
        if not _visible(node):
            continue
        command = node.command
        if command is not None and command.kind == "section":
            if not (command.joined and previous == ("joined", command.block_id)):
                out.append(layout.separator)
            out.append(node.text)
            render_children(node, 1, out)
            previous = ("joined", command.block_id) if command.joined else node
        else:
            block = command.block_id if command is not None else node.text
            if block != previous:
                out.append(layout.separator)
            out.append(layout.global_indent + node.text)
            previous = block
    out += [layout.separator, layout.end]
    return out


def render_section(node: Node, layout: Layout) -> list[str]:
    """One section as ``display current-configuration interface X`` prints it."""
    out = [layout.separator, node.text]
    render_children(node, 1, out)
    return [*out, layout.separator, layout.end]


def vlan_ids(values: tuple[str, ...] | str) -> set[int]:
    """``("10", "20 to 30")`` or ``"10,20-30"`` → the VLAN ids."""
    text = " ".join(values) if isinstance(values, tuple) else values
    words = text.replace(",", " ").split()
    out: set[int] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if "-" in word:
            low, high = word.split("-", 1)
            out.update(range(int(low), int(high) + 1))
        elif i + 2 < len(words) and words[i + 1] == "to":
            out.update(range(int(word), int(words[i + 2]) + 1))
            i += 2
        else:
            out.add(int(word))
        i += 1
    return out


def format_vlans(ids: set[int], style: str) -> str:
    """Ranges as the vendor prints them: ``10 20 30 to 40`` or ``10,20,30-40``."""
    runs: list[tuple[int, int]] = []
    for vid in sorted(ids):
        if runs and vid == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], vid)
        else:
            runs.append((vid, vid))
    if style == "dash":
        return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
    return " ".join(str(a) if a == b else (f"{a} {b}" if b == a + 1 else f"{a} to {b}") for a, b in runs)
