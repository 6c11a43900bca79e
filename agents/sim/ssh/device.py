"""One simulated device: its configuration state, the interpreter that changes it, and its test hooks.

Commands are parsed against the current mode's grammar (then the commands every mode accepts); a command
that parses changes the configuration tree or runs a session action, anything else gets the vendor's own
error and changes nothing. Everything runs on the server's event loop, so the sessions of one device always
see one state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from agents.sim.ssh import config as cfg
from agents.sim.ssh.config import Bindings, Node
from agents.sim.ssh.dialect import Command, Dialect, Mode
from agents.sim.ssh.grammar import Match, Outcome, Token, keyword_candidates, parse, tokenize
from yunwang.contracts import device_passwords as pw


@dataclass
class Frame:
    """One level of the mode stack: the mode, the section it edits and the bindings its prompt shows."""

    mode: str
    node: Node
    bindings: Bindings = field(default_factory=dict)


@dataclass
class Dialog:
    """Questions a command asks before it acts (``save``'s ``[Y/N]``); each answer must match its pattern."""

    questions: tuple[tuple[str, str], ...]
    done: str
    action: str = "save"
    aborted: str = ""


@dataclass
class Reply:
    output: str = ""
    close: bool = False
    dialog: Dialog | None = None


@dataclass
class _Injected:
    """A test's "reject the next commands matching this" order."""

    regex: re.Pattern[str]
    left: int


class CommandError(Exception):
    """A command the device rejected, with the vendor's message (raised by the test API's ``configure``)."""


_IFACE = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d[\d/.:]*)$")
Hook = Callable[["SimDevice", "Apply"], "str | bool | None"]
ActionRunner = Callable[["SimDevice", "list[Frame]", str, Match, str], "Reply"]


@dataclass
class Apply:
    """What a hook may read and adjust before the generic effect: the command, its words and bindings."""

    frame: Frame
    command: Command
    words: list[str]
    bindings: Bindings
    negated: bool
    stack: list[Frame]


@lru_cache(maxsize=4096)
def _verify_cached(stored: str, password: str) -> bool:
    return pw.verify(stored, password)


class SimDevice:
    """A device's state and CLI interpreter. ``hooks`` are the dialect-specific effects named by commands."""

    def __init__(self, name: str, dialect: Dialect, ports: Sequence[str], logical: Sequence[str],
                 description: str, hooks: dict[str, Hook], actions: ActionRunner):
        self.name = name
        self.dialect = dialect
        self.ports = list(ports)
        self.logical = list(logical)
        self.description = description
        self.hooks = hooks
        self.actions = actions
        self.root = Node("")
        self.saved = Node("")
        self.changed: tuple[dt.datetime, str] | None = None
        self.fail_patterns: list[_Injected] = []
        self.latency_s = 0.0
        self.refuse_logins = False
        self._fixed = {p.lower().replace(" ", ""): p for p in [*self.ports, *self.logical]}

    # ------------------------------------------------------------------------------------------------
    # Grammar context

    def resolve_interface(self, words: Sequence[str], creatable: bool) -> tuple[int, str] | None:
        for used in (2, 1):
            if len(words) < used or (used == 2 and not (words[0].isalpha() and words[1][:1].isdigit())):
                continue
            found = self._interface_name(" ".join(words[:used]), creatable)
            if found is not None:
                return used, found
        return None

    def _interface_name(self, text: str, creatable: bool) -> str | None:
        match = _IFACE.match(text)
        if not match:
            return None
        typed, number = match.group(1).lower(), match.group(2)
        types = [(name, create) for name, aliases, create in self.dialect.interface_types
                 if typed in aliases or typed == name.lower()]
        if not types:
            types = [(name, create) for name, aliases, create in self.dialect.interface_types
                     if name.lower().startswith(typed) or any(a.startswith(typed) for a in aliases)]
        if len(types) != 1:
            return None
        type_name, may_create = types[0]
        canonical = type_name + (" " if self.dialect.space_in_names else "") + number
        if canonical.lower().replace(" ", "") in self._fixed or self._has_interface(canonical):
            return canonical
        if creatable and may_create and self._valid_logical_number(type_name, number):
            return canonical
        return None

    def _valid_logical_number(self, type_name: str, number: str) -> bool:
        if not number.isdigit():
            return False
        limit = 4094 if type_name.lower().startswith("vlan") else 1023
        low = 1 if type_name.lower().startswith("vlan") else 0
        return low <= int(number) <= limit

    def _has_interface(self, name: str) -> bool:
        return any(n.bindings.get("if") == name for n in self.root.children)

    def is_physical(self, name: str) -> bool:
        return name in self.ports

    def interface_order(self, name: str) -> tuple[object, ...]:
        for rank, (type_name, _aliases, _create) in enumerate(self.dialect.interface_types):
            if name.startswith(type_name) and name[len(type_name):].strip()[:1].isdigit():
                return (rank, cfg.natural_key(name))
        return (len(self.dialect.interface_types), cfg.natural_key(name))

    # ------------------------------------------------------------------------------------------------
    # State

    @property
    def hostname(self) -> str:
        for node in self.root.children:
            if node.command is not None and node.bindings.get("name") and node.command.pattern.startswith(
                    ("sysname", "hostname")):
                return str(node.bindings["name"])
        return self.dialect.default_hostname

    def header(self) -> list[str]:
        extra = self.dialect.extra
        lines = [str(h).format(version=extra.get("version", "")) for h in extra.get("header", [])]  # type: ignore[attr-defined]
        if self.changed is not None and extra.get("changed"):
            when, who = self.changed
            lines.append(str(extra["changed"]).format(when=when, user=who))
        return lines

    def running_config(self) -> str:
        return "\n".join(cfg.render_config(self.root, self.dialect.layout, self.header())) + "\n"

    def saved_config(self) -> str:
        return "\n".join(cfg.render_config(self.saved, self.dialect.layout, self.header())) + "\n"

    def save(self) -> None:
        self.saved = self.root.copy()

    def note_change(self, user: str) -> None:
        self.changed = (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0), user)

    # ------------------------------------------------------------------------------------------------
    # Login

    def login_frames(self, user: str) -> list[Frame]:
        """The mode stack a new session starts with (IOS: privileged exec for a level-15 user)."""
        frames = [Frame(self.dialect.login_mode, self.root)]
        privileged = self.dialect.extra.get("privileged_mode")
        if privileged and self.privilege(user) >= 15:
            frames.append(Frame(str(privileged), self.root))
        return frames

    def privilege(self, user: str) -> int:
        for node in self.root.walk():
            if node.bindings.get("user") == user and "level" in node.bindings:
                return int(str(node.bindings["level"]))
        return 15 if self.dialect.vendor == "h3c" else 1

    def check_login(self, user: str, password: str) -> bool:
        """Password authentication against the *current* configuration, as the device does it."""
        if self.refuse_logins:
            return False
        stored = self.credentials(user)
        if stored is None:
            return False
        form, value = stored
        if form in ("simple", "plain", "0"):
            return value == password
        if form in ("cipher",):
            return pw.reveal(value) == password
        if form == "7":
            return pw.reveal_type7(value) == password
        return _verify_cached(value, password)

    def credentials(self, user: str) -> tuple[str, str] | None:
        """(form, stored value) of a user allowed to log in over SSH, or None."""
        may_ssh = True
        found: tuple[str, str] | None = None
        for node in self.root.walk():
            b = node.bindings
            if b.get("user") != user:
                continue
            if "pw" in b:
                found = (str(b.get("form") or "simple"), str(b["pw"]))
            if node.command is not None and "service-type" in node.command.pattern:
                may_ssh = "ssh" in node.text.split()
            for child in node.children:  # Comware: local-user X class manage / password hash …
                if "pw" in child.bindings:
                    found = (str(child.bindings.get("form") or "simple"), str(child.bindings["pw"]))
                if child.command is not None and "service-type" in child.command.pattern:
                    may_ssh = "ssh" in child.text.split()
        return found if may_ssh else None

    # ------------------------------------------------------------------------------------------------
    # Test hooks

    def fail_next(self, pattern: str, count: int = 1) -> None:
        self.fail_patterns.append(_Injected(re.compile(pattern), count))

    def _injected_failure(self, line: str) -> bool:
        for entry in self.fail_patterns:
            if entry.left > 0 and entry.regex.search(line):
                entry.left -= 1
                self.fail_patterns = [e for e in self.fail_patterns if e.left > 0]
                return True
        return False

    # ------------------------------------------------------------------------------------------------
    # Interpreter

    def prompt(self, stack: list[Frame]) -> str:
        frame = stack[-1]
        mode = self.dialect.mode(frame.mode)
        values = {k: " ".join(v) if isinstance(v, tuple) else v for k, v in frame.bindings.items()}
        return mode.prompt.format_map(_Defaulting(values, host=self.hostname))

    def error(self, kind: str, column: int | None, prompt_width: int) -> str:
        text = self.dialect.errors[kind]  # type: ignore[index]
        if column is None or not self.dialect.caret or "^" not in text:
            return text
        return " " * (prompt_width + column) + "^\n" + text

    def execute(self, stack: list[Frame], raw: str, user: str = "") -> Reply:
        """Run one command line typed at ``stack``'s prompt; the stack is changed in place."""
        line = raw.rstrip("\r\n")
        tokens = tokenize(line)
        if not tokens:
            return Reply()
        width = len(self.prompt(stack))
        if self._injected_failure(line):
            return Reply(self.error("unrecognized", tokens[0].col, width))
        for depth in self._fallback_depths(stack):
            attempt = stack[:depth]
            reply = self._execute_in(attempt, tokens, line, user, width)
            if reply is not None:
                stack[:] = attempt
                return reply
        outcome = self._parse(stack, tokens, line)[0]
        return Reply(self._failure_text(outcome, tokens, line, width))

    def _fallback_depths(self, stack: list[Frame]) -> list[int]:
        """IOS and RGOS try a command the current sub-mode lacks in the enclosing modes, up to global config."""
        if not self.dialect.extra.get("fallback"):
            return [len(stack)]
        floor = next((n + 1 for n, f in enumerate(stack) if f.mode == self.dialect.config_mode), len(stack))
        return list(range(len(stack), floor - 1, -1))

    def _failure_text(self, outcome: Outcome, tokens: list[Token], line: str, width: int) -> str:
        kind = outcome.fail or "unrecognized"
        if kind == "ambiguous" and "{line}" in self.dialect.errors["ambiguous"]:
            return self.dialect.errors["ambiguous"].format(line=line.strip())
        column = tokens[outcome.at].col if outcome.at < len(tokens) else len(line) + 1
        return self.error(kind, column, width)

    def _parse(self, stack: list[Frame], tokens: list[Token], line: str) -> tuple[Outcome, Command | None, bool]:
        """Best reading in the current mode, then among the everywhere-commands; (outcome, command, negated)."""
        mode = self.dialect.mode(stack[-1].mode)
        tried: list[tuple[Outcome, Command | None, bool]] = []
        negated = tokens[0].text.lower() == self.dialect.negation and len(tokens) > 1
        if negated:
            rest = tokens[1:]
            found = parse(rest, line, mode.undo_patterns, self, keyword_candidates(mode.undo_index, rest[0].text))
            tried.append((_shift(found, 1), mode.undo_commands[found.index] if found.index is not None else None,
                          True))
        found = parse(tokens, line, mode.patterns, self, keyword_candidates(mode.index, tokens[0].text))
        tried.append((found, mode.set_commands[found.index] if found.index is not None else None, False))
        if mode.parent_exec:
            every = self.dialect.everywhere_mode
            found = parse(tokens, line, every.patterns, self, keyword_candidates(every.index, tokens[0].text))
            tried.append((found, every.set_commands[found.index] if found.index is not None else None, False))
        for outcome, command, neg in tried:
            if command is not None:
                return outcome, command, neg
        return max(tried, key=lambda t: (t[0].at, t[0].fail != "unrecognized"))

    def _execute_in(self, stack: list[Frame], tokens: list[Token], line: str, user: str, width: int) -> Reply | None:
        outcome, command, negated = self._parse(stack, tokens, line)
        if command is None or outcome.match is None:
            return None
        if command.kind == "exec":
            return self.actions(self, stack, command.run, outcome.match, user)
        error = self.apply(stack, command, outcome.match, negated)
        if error:
            return Reply(error)
        self.note_change(user)
        return Reply()

    def apply(self, stack: list[Frame], command: Command, match: Match, negated: bool) -> str | None:
        """Change the configuration (or the mode stack) as the command says; returns an error text or None."""
        job = Apply(stack[-1], command, list(match.words), dict(match.bindings), negated, stack)
        for name, value in command.defaults.items():
            job.bindings.setdefault(name, value)
        if command.hook:
            result = self.hooks[command.hook](self, job)
            if isinstance(result, str):
                return result
            if result is True:
                return None
        return self.generic(job)

    def text(self, job: Apply) -> str:
        if job.command.show:
            values = {k: " ".join(v) if isinstance(v, tuple) else v for k, v in job.bindings.items()}
            return re.sub(r"\s+", " ", job.command.show.format_map(_Defaulting(values))).strip()
        return " ".join(job.words)

    def generic(self, job: Apply) -> str | None:
        command, at = job.command, job.frame.node
        if job.negated:
            if command.kind == "flag":
                self._set_flag(job, on=False)
            elif command.kind == "merge":
                self._merge(job, remove=True)
            else:
                cfg.remove_lines(at, command, job.bindings)
            return None
        if command.kind == "line":
            cfg.store_line(at, command, self.text(job), job.bindings)
        elif command.kind == "flag":
            self._set_flag(job, on=True)
        elif command.kind == "merge":
            self._merge(job, remove=False)
        elif command.kind == "section":
            return self.enter(job)
        return None

    def enter(self, job: Apply, order: tuple[object, ...] = ()) -> str | None:
        command, at = job.command, job.frame.node
        text = self.text(job)
        if command.key:
            existing = at.find(command, cfg.key_of(command, job.bindings))
        else:
            existing = [c for c in at.children if c.command is command and c.text == text]
        if existing:
            node = existing[0]
        elif not command.create:
            return self.error("wrong-parameter", None, 0)
        else:
            node = Node(text, command, job.bindings, order=order)
            at.children.append(node)
        job.stack.append(Frame(command.mode, node, {**job.frame.bindings, **node.bindings}))
        return None

    def _set_flag(self, job: Apply, on: bool) -> None:
        command, at = job.command, job.frame.node
        cfg.remove_lines(at, command, cfg.key_of(command, job.bindings))
        words = " ".join(job.words)
        if on and command.shown in ("on", "both"):
            cfg.store_line(at, command, words, job.bindings)
        elif not on and command.shown in ("off", "both"):
            cfg.store_line(at, command, f"{self.dialect.negation} {words}", job.bindings)

    def flag_on(self, at: Node, command: Command) -> bool:
        lines = at.find(command)
        if not lines:
            return command.shown == "off" or (command.shown == "both" and command.default_on)
        return not lines[0].text.startswith(self.dialect.negation + " ")

    def _merge(self, job: Apply, remove: bool) -> None:
        values = job.bindings.get(job.command.list_arg, ())
        wanted = cfg.vlan_ids(values) if values else set()
        op = str(job.bindings.get("op", ""))
        if remove or op == "remove":
            self.apply_merge(job.frame.node, job.command, wanted, remove=True, everything=not values)
        else:
            replace = op != "add" and bool(self.dialect.extra.get("merge_replaces"))
            self.apply_merge(job.frame.node, job.command, wanted, remove=False, replace=replace)

    def apply_merge(self, at: Node, command: Command, ids: set[int], remove: bool, replace: bool = False,
                    everything: bool = False) -> None:
        """Add VLAN ids to (or take them from) a list line such as ``port trunk allow-pass vlan``."""
        old = at.find(command)
        current = cfg.vlan_ids(old[0].bindings.get(command.list_arg, ())) if old else set()
        result = ids if replace else current | ids
        if remove:
            result = set() if everything else current - ids
        cfg.remove_lines(at, command, {})
        if not result:
            return
        listed = cfg.format_vlans(result, self.dialect.layout.vlan_list)
        prefix = command.show or " ".join(w for w in command.pattern.split() if re.fullmatch(r"[a-z][a-z0-9-]*", w)
                                          and w not in ("add", "remove", "all"))
        cfg.store_line(at, command, f"{prefix} {listed}", {command.list_arg: (listed,)})

    def configure(self, lines: Sequence[str], user: str = "drift") -> list[str]:
        """Type ``lines`` in configuration mode as another administrator would; raises on the first rejection."""
        stack = self.login_frames(self.dialect.extra.get("drift_user", user))  # type: ignore[arg-type]
        stack.append(Frame(self.dialect.config_mode, self.root))
        outputs = []
        for text in lines:
            if self.dialect.extra.get("privileged_mode") and len(stack) < 2:
                raise CommandError(f"{self.name}: left configuration mode before {text!r}")
            reply = self.execute(stack, text, user)
            if any(reply.output.strip().startswith(p) for p in ("Error", "%")) or "\n%" in reply.output or (
                    "\nError" in reply.output):
                raise CommandError(f"{self.name}: {text!r} rejected:\n{reply.output}")
            outputs.append(reply.output)
        return outputs


class _Defaulting(dict[str, object]):
    """Format values that are missing read as empty (optional arguments left out)."""

    def __missing__(self, key: str) -> str:
        return ""


def _shift(outcome: Outcome, by: int) -> Outcome:
    return Outcome(outcome.index, outcome.match, outcome.fail, outcome.at + by)


def mode_of(dialect: Dialect, name: str) -> Mode:
    return dialect.mode(name)
