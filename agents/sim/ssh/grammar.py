"""Command patterns of a simulated CLI, written as data and matched the way the vendors' parsers match them.

Pattern language (one string per command):

- ``keyword`` — a literal keyword; the user may type any prefix of it that no other keyword shares;
- ``<name:type>`` — an argument checked by its type (``int:1-4094``, ``ipv4``, ``iface``…, see :data:`TYPES`);
  ``<name:type...>`` takes one or more; ``<name:text>`` takes the rest of the line as typed;
- ``{a|b c|d}`` — one of the alternatives (each a sequence); ``{name=a|b}`` also binds the chosen keyword;
- ``[ ... ]`` — optional; ``[* a X | b | c Y ]`` — any of the alternatives, each at most once, in any order
  (the device prints them in the order written here).

A match yields the canonical text (keywords spelled out, interfaces and masks normalised) and the bindings of
the named parts; a failure yields the token where parsing stopped and why, which the dialect turns into its own
error message (``Error: Unrecognized command found at '^' position.`` …).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

# ---------------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    text: str
    col: int


_TOKEN = re.compile(r"\S+")


def tokenize(line: str) -> list[Token]:
    return [Token(m.group(0), m.start()) for m in _TOKEN.finditer(line)]


# ---------------------------------------------------------------------------------------------------
# Argument types


class GrammarContext(Protocol):
    """What argument checks need to know about the device (which interfaces exist or may be created)."""

    def resolve_interface(self, words: Sequence[str], creatable: bool) -> tuple[int, str] | None:
        """(tokens used, canonical name) of the interface named at the start of ``words``, or None."""
        ...


ArgMatcher = Callable[[Sequence[Token], int, str, GrammarContext], "tuple[int, str] | None"]
"""(tokens, index, raw line, context) → (tokens consumed, canonical value) or None when the value is wrong."""


def _int_type(spec: str) -> ArgMatcher:
    low, _, high = spec.partition("-")
    lo, hi = int(low or 0), int(high or 2**32 - 1)

    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = tokens[i].text
        if text.isdigit() and lo <= int(text) <= hi:
            return 1, str(int(text))
        return None
    return match


def _word_type(spec: str) -> ArgMatcher:
    low, _, high = spec.partition("-")
    lo, hi = int(low or 1), int(high or 253)

    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = tokens[i].text
        return (1, text) if lo <= len(text) <= hi else None
    return match


def _pattern_type(regex: str) -> Callable[[str], ArgMatcher]:
    compiled = re.compile(regex)

    def make(_spec: str) -> ArgMatcher:
        def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
            return (1, tokens[i].text) if compiled.fullmatch(tokens[i].text) else None
        return match
    return make


def _text_type(spec: str) -> ArgMatcher:
    limit = int(spec) if spec else 242

    def match(tokens: Sequence[Token], i: int, line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = line[tokens[i].col:].rstrip()
        return (len(tokens) - i, text) if len(text) <= limit else None
    return match


def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def _ipv4_type(_spec: str) -> ArgMatcher:
    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        address = _ipv4(tokens[i].text)
        return (1, str(address)) if address is not None else None
    return match


def _mask_type(spec: str) -> ArgMatcher:
    """A contiguous dotted mask; ``mask:len`` also takes a prefix length (VRP ``ip address 10.0.0.1 24``)."""
    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = tokens[i].text
        if spec == "len" and text.isdigit() and 0 <= int(text) <= 32:
            return 1, str(ipaddress.IPv4Network(f"0.0.0.0/{text}").netmask)
        address = _ipv4(text)
        if address is None:
            return None
        bits = f"{int(address):032b}"
        return (1, str(address)) if "01" not in bits else None
    return match


def _wildcard_type(_spec: str) -> ArgMatcher:
    """An ACL wildcard (``0.0.0.255``); VRP and Comware also take ``0`` for a single host."""
    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = tokens[i].text
        if text == "0":
            return 1, "0"
        address = _ipv4(text)
        return (1, str(address)) if address is not None else None
    return match


def _iface_type(spec: str) -> ArgMatcher:
    creatable = spec == "create"

    def match(tokens: Sequence[Token], i: int, _line: str, ctx: GrammarContext) -> tuple[int, str] | None:
        return ctx.resolve_interface([t.text for t in tokens[i:i + 2]], creatable)
    return match


def _vlan_range_type(_spec: str) -> ArgMatcher:
    """VRP/Comware VLAN lists: ``10`` or ``30 to 40`` (one item; ``<v:vlanrange...>`` takes several)."""
    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        low = tokens[i].text
        if not (low.isdigit() and 1 <= int(low) <= 4094):
            return None
        if i + 2 < len(tokens) and tokens[i + 1].text.lower() == "to":
            high = tokens[i + 2].text
            if high.isdigit() and int(low) <= int(high) <= 4094:
                return 3, f"{int(low)} to {int(high)}"
            return None
        return 1, str(int(low))
    return match


_DASH_LIST = re.compile(r"\d+(-\d+)?(,\d+(-\d+)?)*")


def _vlan_list_type(_spec: str) -> ArgMatcher:
    """IOS/RGOS VLAN lists: ``10,20,30-40``."""
    def match(tokens: Sequence[Token], i: int, _line: str, _ctx: GrammarContext) -> tuple[int, str] | None:
        text = tokens[i].text
        if not _DASH_LIST.fullmatch(text):
            return None
        for part in text.split(","):
            low, _, high = part.partition("-")
            if not (1 <= int(low) <= 4094 and (not high or int(low) <= int(high) <= 4094)):
                return None
        return 1, text
    return match


TYPES: dict[str, Callable[[str], ArgMatcher]] = {
    "vlanrange": _vlan_range_type,
    "vlanlist": _vlan_list_type,
    "int": _int_type,
    "word": _word_type,
    "text": _text_type,
    "ipv4": _ipv4_type,
    "mask": _mask_type,
    "wildcard": _wildcard_type,
    "iface": _iface_type,
    "ospf-area": _pattern_type(r"\d+|\d+\.\d+\.\d+\.\d+"),
    "port": _pattern_type(r"\d{1,5}|[a-z][a-z0-9-]*"),
    "hex": _pattern_type(r"[0-9A-Fa-f]+"),
}


# ---------------------------------------------------------------------------------------------------
# Pattern elements


@dataclass(frozen=True)
class Kw:
    word: str


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str
    check: ArgMatcher = field(compare=False, repr=False)
    repeat: bool = False


@dataclass(frozen=True)
class Alt:
    name: str | None
    options: tuple[tuple[Element, ...], ...]


@dataclass(frozen=True)
class Opt:
    body: tuple[Element, ...]


@dataclass(frozen=True)
class AnyOrder:
    options: tuple[tuple[Element, ...], ...]


Element = Kw | Arg | Alt | Opt | AnyOrder
Seq = tuple[Element, ...]


class PatternError(ValueError):
    """A command pattern in a dialect module is malformed (a bug in the dialect's data)."""


_PATTERN_TOKEN = re.compile(r"<[^>]+>|\[\*|[\[\]{}|]|[^\s\[\]{}|<>]+")


def compile_pattern(pattern: str) -> Seq:
    """Parse the pattern language into elements."""
    tokens = _PATTERN_TOKEN.findall(pattern)
    seq, end = _parse_seq(tokens, 0, pattern)
    if end != len(tokens):
        raise PatternError(f"unbalanced pattern: {pattern!r}")
    return seq


def _parse_seq(tokens: list[str], i: int, pattern: str) -> tuple[Seq, int]:
    out: list[Element] = []
    while i < len(tokens) and tokens[i] not in ("]", "}", "|"):
        tok = tokens[i]
        if tok == "[":
            body, i = _parse_seq(tokens, i + 1, pattern)
            out.append(Opt(body))
            i = _expect(tokens, i, "]", pattern)
        elif tok == "[*":
            options, i = _parse_options(tokens, i + 1, "]", pattern)
            out.append(AnyOrder(options))
        elif tok == "{":
            name = None
            first = tokens[i + 1] if i + 1 < len(tokens) else ""
            if "=" in first:
                name, _, rest = first.partition("=")
                tokens = [*tokens[:i + 1], rest, *tokens[i + 2:]]
            options, i = _parse_options(tokens, i + 1, "}", pattern)
            out.append(Alt(name, options))
        elif tok.startswith("<"):
            inner = tok[1:-1]
            repeat = inner.endswith("...")
            name, _, kind = inner.removesuffix("...").partition(":")
            type_name, _, spec = kind.partition(":")
            if type_name not in TYPES:
                raise PatternError(f"unknown argument type {type_name!r} in {pattern!r}")
            out.append(Arg(name, kind, TYPES[type_name](spec), repeat))
            i += 1
        else:
            out.append(Kw(tok))
            i += 1
    return tuple(out), i


def _parse_options(tokens: list[str], i: int, close: str, pattern: str) -> tuple[tuple[Seq, ...], int]:
    options: list[Seq] = []
    while True:
        seq, i = _parse_seq(tokens, i, pattern)
        options.append(seq)
        if i < len(tokens) and tokens[i] == "|":
            i += 1
            continue
        return tuple(options), _expect(tokens, i, close, pattern)


def _expect(tokens: list[str], i: int, want: str, pattern: str) -> int:
    if i >= len(tokens) or tokens[i] != want:
        raise PatternError(f"expected {want!r} in {pattern!r}")
    return i + 1


def leading_keywords(seq: Seq) -> tuple[str, ...]:
    """The literal keywords a pattern starts with (its name, as far as the command index is concerned)."""
    words: list[str] = []
    for element in seq:
        if not isinstance(element, Kw):
            break
        words.append(element.word)
    return tuple(words)


# ---------------------------------------------------------------------------------------------------
# Matching

FailKind = Literal["incomplete", "unrecognized", "wrong-parameter", "too-many", "ambiguous"]


@dataclass(frozen=True)
class Match:
    """One complete parse of a command line."""

    words: tuple[str, ...]
    bindings: dict[str, str | tuple[str, ...]]
    exact: int
    """Keywords typed in full: the tie-breaker between readings (``vlan`` over ``vlan-interface``)."""

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Failure:
    """Where the furthest reading of the line stopped, and why."""

    index: int = -1
    kinds: set[str] = field(default_factory=set)

    def note(self, index: int, kind: str) -> None:
        if index > self.index:
            self.index, self.kinds = index, {kind}
        elif index == self.index:
            self.kinds.add(kind)

    def verdict(self, token_count: int) -> FailKind:
        if self.index >= token_count:
            return "incomplete"
        for kind in ("wrong-parameter", "too-many", "ambiguous"):
            if kind in self.kinds:
                return kind  # type: ignore[return-value]
        return "unrecognized"


@dataclass(frozen=True)
class _State:
    i: int
    words: tuple[str, ...]
    bindings: tuple[tuple[str, str | tuple[str, ...]], ...]
    exact: int


def _keyword(word: str, token: str) -> int:
    """2 for an exact match, 1 for an abbreviation, 0 for no match (keywords are case-insensitive)."""
    token, lowered = token.lower(), word.lower()
    if token == lowered:
        return 2
    return 1 if lowered.startswith(token) else 0


def _match_seq(seq: Seq, k: int, tokens: Sequence[Token], line: str, st: _State, ctx: GrammarContext,
               fail: Failure) -> Iterator[_State]:
    if k == len(seq):
        yield st
        return
    for after in _match_element(seq[k], tokens, line, st, ctx, fail):
        yield from _match_seq(seq, k + 1, tokens, line, after, ctx, fail)


def _match_element(element: Element, tokens: Sequence[Token], line: str, st: _State, ctx: GrammarContext,
                   fail: Failure) -> Iterator[_State]:
    if isinstance(element, Kw):
        if st.i >= len(tokens):
            fail.note(st.i, "keyword")
            return
        hit = _keyword(element.word, tokens[st.i].text)
        if not hit:
            fail.note(st.i, "keyword")
            return
        yield _State(st.i + 1, (*st.words, element.word), st.bindings, st.exact + (hit == 2))
    elif isinstance(element, Arg):
        yield from _match_arg(element, tokens, line, st, ctx, fail)
    elif isinstance(element, Alt):
        for option in element.options:
            for after in _match_seq(option, 0, tokens, line, st, ctx, fail):
                if element.name:
                    chosen = " ".join(after.words[len(st.words):])
                    after = _State(after.i, after.words, (*after.bindings, (element.name, chosen)), after.exact)
                yield after
    elif isinstance(element, Opt):
        yield from _match_seq(element.body, 0, tokens, line, st, ctx, fail)
        yield st
    else:
        yield from _match_any_order(element, tokens, line, st, ctx, fail)


def _match_arg(arg: Arg, tokens: Sequence[Token], line: str, st: _State, ctx: GrammarContext,
               fail: Failure) -> Iterator[_State]:
    """One value, or (``...``) every run of one or more values: the elements after it take the rest."""
    if st.i >= len(tokens):
        fail.note(st.i, "keyword")
        return
    values: list[str] = []
    i = st.i
    while i < len(tokens):
        got = arg.check(tokens, i, line, ctx)
        if got is None:
            fail.note(i, "wrong-parameter")
            return
        used, value = got
        values.append(value)
        i += used
        if not arg.repeat:
            yield _State(i, (*st.words, value), (*st.bindings, (arg.name, value)), st.exact)
            return
        yield _State(i, (*st.words, *values), (*st.bindings, (arg.name, tuple(values))), st.exact)


def _match_any_order(element: AnyOrder, tokens: Sequence[Token], line: str, st: _State, ctx: GrammarContext,
                     fail: Failure) -> Iterator[_State]:
    """Each option at most once, any order; the words come out in the order the options are declared."""
    def extend(state: _State, used: tuple[int, ...], parts: dict[int, tuple[str, ...]]) -> Iterator[_State]:
        words = tuple(w for n in sorted(parts) for w in parts[n])
        yield _State(state.i, (*st.words, *words), state.bindings, state.exact)
        for n, option in enumerate(element.options):
            if n in used:
                continue
            base = _State(state.i, (), state.bindings, state.exact)
            for after in _match_seq(option, 0, tokens, line, base, ctx, fail):
                if after.i > state.i:
                    yield from extend(after, (*used, n), {**parts, n: after.words})
    yield from extend(st, (), {})


@dataclass(frozen=True)
class Outcome:
    """The result of parsing one line against a set of patterns: the chosen pattern and match, or a failure."""

    index: int | None
    match: Match | None
    fail: FailKind | None = None
    at: int = 0
    """Token index of the failure (``len(tokens)`` when the line ended too early)."""


def parse(tokens: Sequence[Token], line: str, patterns: Sequence[Seq], ctx: GrammarContext,
          candidates: Sequence[int] | None = None) -> Outcome:
    """Match the line against ``patterns`` (or the given subset); the best complete reading wins."""
    fail = Failure()
    best: list[tuple[int, Match]] = []
    for index in (range(len(patterns)) if candidates is None else candidates):
        start = _State(0, (), (), 0)
        for end in _match_seq(patterns[index], 0, tokens, line, start, ctx, fail):
            if end.i < len(tokens):
                fail.note(end.i, "too-many")
                continue
            best.append((index, Match(end.words, dict(end.bindings), end.exact)))
    if not best:
        if not tokens:
            return Outcome(None, None, "incomplete", 0)
        if fail.index < 0:  # no pattern even starts with this word
            return Outcome(None, None, "unrecognized", 0)
        return Outcome(None, None, fail.verdict(len(tokens)), min(fail.index, len(tokens)))
    top = max(m.exact for _, m in best)
    winners = {(i, m.text): (i, m) for i, m in best if m.exact == top}
    if len({text for _, text in winners}) > 1:
        return Outcome(None, None, "ambiguous", _first_difference(len(tokens), [m for _, m in winners.values()]))
    index, match = next(iter(winners.values()))
    return Outcome(index, match)


def _first_difference(token_count: int, readings: Sequence[Match]) -> int:
    """The token where two readings first differ (where the vendor puts the caret for an ambiguous command)."""
    for n in range(token_count):
        if len({m.words[n] if n < len(m.words) else "" for m in readings}) > 1:
            return n
    return 0


def keyword_candidates(index: dict[str, list[int]], first: str) -> list[int]:
    """Patterns whose first keyword the token could abbreviate (the index maps first keywords to patterns)."""
    token = first.lower()
    found: list[int] = []
    for word, indices in index.items():
        if word.lower().startswith(token) or word == "":
            found.extend(indices)
    return sorted(set(found))
