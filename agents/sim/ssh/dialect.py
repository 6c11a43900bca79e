"""What a dialect module declares: modes with their commands, prompts, error texts and display layout.

A dialect is data: the command list of each mode is the grammar the device accepts *and* the order in which
``display current-configuration`` prints what those commands configured, so one list says both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from agents.sim.ssh.grammar import FailKind, Seq, compile_pattern, leading_keywords

Kind = Literal["line", "section", "flag", "exec", "merge", "purge"]
Transform = Callable[[dict[str, "str | tuple[str, ...]"]], "dict[str, str | tuple[str, ...]] | str"]
"""Rewrites a command's bindings before it is stored (hash a password…), or returns an error message."""


@dataclass
class Command:
    """One command of a mode.

    ``line``: stored as typed (canonically); a line of the same ``group`` with equal ``key`` bindings is replaced.
    ``section``: stored with children; entering it pushes ``mode``. ``flag``: on/off, ``shown`` says which state
    is printed (``on``: ``X``; ``off``: ``undo X``; ``both``). ``merge``: a list argument (``list_arg``) whose
    values are added to the line already there. ``exec``: runs the session action ``run`` and stores nothing.
    """

    pattern: str
    kind: Kind = "line"
    key: tuple[str, ...] = ()
    undo: str | None = ""
    """Pattern accepted after ``undo``/``no``: ``""`` the command itself or any prefix of it down to its leading
    keywords; ``None`` cannot be negated; otherwise its own pattern (Comware's ``undo name`` takes no name)."""
    mode: str = ""
    group: str = ""
    show: str = ""
    """Display template over the bindings when the device prints it differently from how it is typed."""
    sort: bool = False
    shown: Literal["on", "off", "both"] = "on"
    default_on: bool = False
    run: str = ""
    create: bool = True
    list_arg: str = ""
    block: str = ""
    """Top-level lines with the same block print together between separators (default: the first keyword)."""
    joined: bool = False
    """Sections of this command print without a separator between them (``user-interface con 0`` / ``vty``)."""
    transform: Transform | None = None
    hook: str = ""
    """A device action run after the command's own effect (VRP ``vlan 10`` also joins ``vlan batch``)."""
    defaults: dict[str, str] = field(default_factory=dict)
    """Values of optional arguments the device fills in (VRP ``idle-timeout 10`` is shown as ``idle-timeout 10 0``)."""
    hide_empty: bool = False
    """An empty section is not printed (VRP ``vlan 10`` without a name)."""
    hidden: bool = False
    """Kept but never printed (IOS ``snmp-server user``: the keys live outside the running configuration)."""
    rank: int = 0

    @cached_property
    def seq(self) -> Seq:
        return compile_pattern(self.pattern)

    @cached_property
    def undo_seq(self) -> Seq | None:
        if self.undo is None:
            return None
        return compile_pattern(self.undo) if self.undo else self.seq

    @property
    def group_id(self) -> str:
        return self.group or self.pattern

    @cached_property
    def block_id(self) -> str:
        return self.block or self.pattern.split()[0]

    @cached_property
    def first_word(self) -> str:
        words = leading_keywords(self.seq)
        return words[0] if words else ""


def line(pattern: str, **kw: object) -> Command:
    return Command(pattern, "line", **kw)  # type: ignore[arg-type]


def section(pattern: str, mode: str, **kw: object) -> Command:
    return Command(pattern, "section", mode=mode, **kw)  # type: ignore[arg-type]


def flag(pattern: str, **kw: object) -> Command:
    return Command(pattern, "flag", **kw)  # type: ignore[arg-type]


def merge(pattern: str, list_arg: str, **kw: object) -> Command:
    return Command(pattern, "merge", list_arg=list_arg, **kw)  # type: ignore[arg-type]


def run(pattern: str, action: str, **kw: object) -> Command:
    return Command(pattern, "exec", run=action, undo=None, **kw)  # type: ignore[arg-type]


def purge(pattern: str, group: str) -> Command:
    return Command(pattern, "purge", group=group, undo=pattern)


@dataclass
class Mode:
    """A view of the CLI; ``prompt`` is formatted with the device name (``host``) and the section's bindings."""

    name: str
    prompt: str
    commands: list[Command]
    parent_exec: bool = True
    """The dialect's everywhere-commands (display, quit, return…) are accepted here too."""

    def __post_init__(self) -> None:
        for rank, command in enumerate(self.commands):
            command.rank = rank

    @cached_property
    def set_commands(self) -> list[Command]:
        return [c for c in self.commands if c.kind != "purge"]

    @cached_property
    def patterns(self) -> list[Seq]:
        return [c.seq for c in self.set_commands]

    @cached_property
    def undo_commands(self) -> list[Command]:
        return [c for c in self.commands if c.undo_seq is not None]

    @cached_property
    def undo_patterns(self) -> list[Seq]:
        return [c.undo_seq for c in self.undo_commands if c.undo_seq is not None]

    @cached_property
    def index(self) -> dict[str, list[int]]:
        return _first_word_index(self.set_commands)

    @cached_property
    def undo_index(self) -> dict[str, list[int]]:
        return _first_word_index(self.undo_commands, undo=True)


def _first_word_index(commands: list[Command], undo: bool = False) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for n, command in enumerate(commands):
        seq = command.undo_seq if undo else command.seq
        words = leading_keywords(seq) if seq is not None else ()
        out.setdefault(words[0] if words else "", []).append(n)
    return out


ErrorStyle = Literal["vrp", "comware", "ios"]


@dataclass(frozen=True)
class Layout:
    """How ``display current-configuration`` / ``show running-config`` is laid out."""

    separator: str
    """``#`` (VRP, Comware) or ``!`` (IOS, RGOS)."""
    end: str
    """``return`` or ``end``."""
    global_indent: str = ""
    """Comware prints global commands indented by one space between separators."""
    header: tuple[str, ...] = ()
    vlan_list: Literal["to", "dash"] = "to"
    """VLAN lists: ``10 20 30 to 40`` (VRP, Comware) or ``10,20,30-40`` (IOS, RGOS)."""


@dataclass
class Dialect:
    """One vendor CLI: its modes (the first is where a login lands), errors and layout."""

    name: str
    vendor: str
    modes: dict[str, Mode]
    everywhere: list[Command]
    """Commands accepted in every mode (display/show, quit, return…); ``enable_modes`` limits privileged ones."""
    layout: Layout
    errors: dict[FailKind, str]
    negation: str
    """``undo`` or ``no``."""
    login_mode: str
    config_mode: str
    caret: bool = True
    """Whether errors print a caret line (IOS prints none for an incomplete command)."""
    banner: str = ""
    interface_types: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    """(canonical type name, accepted abbreviations, may be created by ``interface``) in display order."""
    space_in_names: bool = False
    """RGOS names interfaces ``GigabitEthernet 0/1``."""
    default_hostname: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def mode(self, name: str) -> Mode:
        return self.modes[name]

    @cached_property
    def everywhere_mode(self) -> Mode:
        return Mode("*", "", self.everywhere)
