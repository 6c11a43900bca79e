"""The snmprec data-file format of snmpsim: ``OID|TAG|VALUE`` lines in ascending OID order.

WHY a module of its own: recordings are generated, validated in tests and read back by the benchmark, and
all three must agree on types, escaping and ordering (snmpsim answers GETNEXT by bisecting the file, so an
out-of-order line silently hides part of a table).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

TAG_INTEGER = "2"
TAG_OCTETS = "4"
TAG_OCTETS_HEX = "4x"
TAG_OID = "6"
TAG_IPADDRESS = "64"
TAG_COUNTER32 = "65"
TAG_GAUGE32 = "66"
TAG_TIMETICKS = "67"
TAG_COUNTER64 = "70"

BASE_TAGS = frozenset({TAG_INTEGER, TAG_OCTETS, TAG_OCTETS_HEX, TAG_OID, TAG_IPADDRESS, TAG_COUNTER32,
                       TAG_GAUGE32, TAG_TIMETICKS, TAG_COUNTER64})
NUMERIC_TAGS = frozenset({TAG_INTEGER, TAG_COUNTER32, TAG_GAUGE32, TAG_TIMETICKS, TAG_COUNTER64})
MAX_UNSIGNED = {TAG_COUNTER32: 2**32 - 1, TAG_GAUGE32: 2**32 - 1, TAG_TIMETICKS: 2**32 - 1,
                TAG_COUNTER64: 2**64 - 1}

Oid = tuple[int, ...]


def oid(text: str) -> Oid:
    """``"1.3.6.1"`` → ``(1, 3, 6, 1)``."""
    return tuple(int(part) for part in text.strip(".").split("."))


@dataclass(frozen=True, order=True)
class Record:
    """One managed object. ``variation`` names an snmpsim variation module (e.g. ``numeric``)."""

    oid: Oid
    tag: str
    value: str
    variation: str = ""

    def line(self) -> str:
        tag = f"{self.tag}:{self.variation}" if self.variation else self.tag
        return f"{'.'.join(map(str, self.oid))}|{tag}|{self.value}"


def text_value(text: str) -> tuple[str, str]:
    """(tag, value) for a display string: hex when it is not plain printable ASCII (Chinese, '|', CR/LF)."""
    if text.isascii() and text.isprintable() and "|" not in text:
        return TAG_OCTETS, text
    return TAG_OCTETS_HEX, text.encode("utf-8").hex()


def octets(row: Oid, text: str) -> Record:
    tag, value = text_value(text)
    return Record(row, tag, value)


def counter(row: Oid, tag: str, initial: int, rate_per_s: float) -> Record:
    """A counter that advances ``rate_per_s`` per second from ``initial`` and wraps like the real one."""
    if rate_per_s <= 0:
        return Record(row, tag, str(initial))
    return Record(row, tag, f"initial={initial},rate={rate_per_s:.3f},wrap=1", "numeric")


def _by_oid(record: Record) -> Oid:
    return record.oid


def render(records: list[Record]) -> str:
    """The file text, sorted by OID; duplicate OIDs are a bug in the generator."""
    ordered = sorted(records, key=_by_oid)
    for before, after in pairwise(ordered):
        if before.oid == after.oid:
            raise ValueError(f"duplicate OID {'.'.join(map(str, after.oid))} in recording")
    return "".join(r.line() + "\n" for r in ordered)


class SnmprecError(ValueError):
    """A line of a data file that snmpsim would reject or mis-serve."""


def parse(text: str, name: str = "<snmprec>") -> list[Record]:
    """Parse and check a data file: syntax, known types, value ranges and strictly ascending OIDs."""
    records: list[Record] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3:
            raise SnmprecError(f"{name}:{number}: expected OID|TAG|VALUE, got {line[:80]!r}")
        oid_text, tag_text, value = parts
        try:
            row = oid(oid_text)
        except ValueError:
            raise SnmprecError(f"{name}:{number}: bad OID {oid_text!r}") from None
        tag, _, variation = tag_text.partition(":")
        if tag not in BASE_TAGS:
            raise SnmprecError(f"{name}:{number}: unknown type tag {tag!r}")
        if not variation:
            _check_value(tag, value, f"{name}:{number}")
        record = Record(row, tag, value, variation)
        if records and records[-1].oid >= row:
            raise SnmprecError(f"{name}:{number}: OID {oid_text} is not after {records[-1].line().split('|')[0]}")
        records.append(record)
    return records


def _check_value(tag: str, value: str, where: str) -> None:
    if tag in NUMERIC_TAGS:
        try:
            number = int(value)
        except ValueError:
            raise SnmprecError(f"{where}: {value!r} is not an integer") from None
        low, high = (-(2**31), 2**31 - 1) if tag == TAG_INTEGER else (0, MAX_UNSIGNED[tag])
        if not low <= number <= high:
            raise SnmprecError(f"{where}: {number} is out of range for type {tag}")
    elif tag == TAG_OCTETS_HEX:
        try:
            bytes.fromhex(value)
        except ValueError:
            raise SnmprecError(f"{where}: {value!r} is not hex") from None
    elif tag == TAG_OID:
        try:
            oid(value)
        except ValueError:
            raise SnmprecError(f"{where}: {value!r} is not an OID") from None


def decoded_text(record: Record) -> str:
    """The display string a string-typed record serves."""
    return bytes.fromhex(record.value).decode("utf-8") if record.tag == TAG_OCTETS_HEX else record.value
