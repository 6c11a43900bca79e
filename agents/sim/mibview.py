"""A device recording (snmprec text) held as answers ready to send: what the fast simulator serves from.

WHY: snmpsim re-reads and re-evaluates its data file for every value through pysnmp's object model (~0.5 CPU-s
per 48-port walk over SNMPv3, docs/performance.md), so a city-sized simulated fleet is bound by the simulator,
not by the poller under test. Here each record is encoded once, at load time, as the complete BER varbind it
is sent as; a GETNEXT is one bisection in a sorted list of order-preserving OID keys; only the counters that
advance (snmpsim's ``numeric`` variation) are computed per request, with snmpsim's formula, so both simulators
answer the same walk for the same recording (tests/agents_sim/test_fastsim.py compares them).
"""

from __future__ import annotations

import bisect
import contextlib
import ipaddress
import marshal
import os
import time
from dataclasses import astuple, dataclass
from pathlib import Path

from agents.snmp import ber

TAGS: dict[str, int] = {"2": ber.INTEGER, "4": ber.OCTET_STRING, "4x": ber.OCTET_STRING, "6": ber.OBJECT_IDENTIFIER,
                        "64": ber.IP_ADDRESS, "65": ber.COUNTER32, "66": ber.GAUGE32, "67": ber.TIMETICKS,
                        "70": ber.COUNTER64}
NUMERIC_TAGS = frozenset({ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIMETICKS, ber.COUNTER64})
MAX_VALUE = {ber.COUNTER64: 0xFFFFFFFFFFFFFFFF}
"""snmpsim's ``numeric`` wraps at this ``max`` (default 0xFFFFFFFF for the 32-bit types), modulo max, not 2**n."""


class RecordingError(ValueError):
    """A data file line the fast simulator cannot serve; the message names the file, line and what to do."""


def order_key(body: bytes) -> bytes:
    """A byte string that sorts like the OID whose BER body is ``body`` (BER bytes do not: 16383 is 0xFF 0x7F and
    sorts after 16384, 0x81 0x80 0x00). Sub-identifiers below 128 are one byte in both forms, so the common key
    is the body itself; a larger one becomes a length byte (0x80 | n) and its n big-endian bytes."""
    if body.isascii():
        return body
    out = bytearray()
    for subid in ber.decode_subids(body):
        if subid < 0x80:
            out.append(subid)
        else:
            raw = subid.to_bytes((subid.bit_length() + 7) // 8, "big")
            out.append(0x80 | len(raw))
            out += raw
    return bytes(out)


@dataclass(frozen=True, slots=True)
class Numeric:
    """snmpsim's ``numeric`` variation: ``initial + rate * seconds since start``, wrapped modulo ``max``."""

    oid_tlv: bytes
    tag: int
    initial: float
    rate: float
    minimum: float
    maximum: float
    wrap: bool

    def varbind(self, elapsed: float) -> bytes:
        value = self.initial + elapsed * self.rate
        if value < self.minimum:
            value = self.minimum
        elif value > self.maximum:
            value = (value % self.maximum + self.minimum) if self.wrap else self.maximum
        return ber.tlv(ber.SEQUENCE, self.oid_tlv + ber.encode_integer(int(value), self.tag))


CACHE_VERSION = 1
CACHE_SUFFIX = ".view"
"""A parsed recording is kept next to it (marshal: plain bytes, lists and numbers, no code), so a restart loads a
city's recordings in a second instead of parsing them again (~25 µs a line)."""

_shared_keys: dict[bytes, bytes] = {}
"""Every recording of a fleet has the same OIDs (ifInOctets.1 …): one bytes object per OID for the process."""


class MibView:
    """One recording: sorted OID keys, their encoded varbinds, and the advancing counters among them."""

    __slots__ = ("bodies", "keys", "numeric", "source", "varbinds")

    def __init__(self, source: str) -> None:
        self.source = source
        self.keys: list[bytes] = []
        self.bodies: dict[int, bytes] = {}
        """Position → OID body, only where it differs from the key (a sub-identifier ≥ 128)."""
        self.varbinds: list[bytes | None] = []
        self.numeric: dict[int, Numeric] = {}

    @classmethod
    def parse(cls, text: str, source: str = "recording") -> MibView:
        view = cls(source)
        rows: list[tuple[bytes, bytes, bytes | Numeric]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                rows.append(_parse_line(line))
            except (ValueError, KeyError) as exc:
                raise RecordingError(f"{source}, line {number}: {exc} in {line[:80]!r}: the fast simulator serves "
                                     "the tags 2, 4, 4x, 6, 64, 65, 66, 67, 70 and the variation 'numeric'; use "
                                     "`--engine snmpsim` for other recordings") from None
        rows.sort(key=lambda row: row[0])
        shared = _shared_keys
        for position, (key, body, answer) in enumerate(rows):
            if position and key == view.keys[-1]:
                raise RecordingError(f"{source}: OID {ber.oid_text(body)} is recorded twice")
            view.keys.append(shared.setdefault(key, key))
            if body != key:
                view.bodies[position] = body
            if isinstance(answer, Numeric):
                view.numeric[position] = answer
                view.varbinds.append(None)
            else:
                view.varbinds.append(answer)
        return view

    @classmethod
    def load(cls, path: Path) -> MibView:
        """The view of the recording at ``path``, from its cache when the cache matches the file."""
        stat = path.stat()
        stamp = (CACHE_VERSION, stat.st_size, stat.st_mtime_ns)
        cache = path.with_name(path.name + CACHE_SUFFIX)
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            found = marshal.loads(cache.read_bytes())
            if found[0] == stamp:
                return cls._from_plain(found[1], str(path))
        view = cls.parse(path.read_text(encoding="utf-8"), str(path))
        with contextlib.suppress(OSError):  # a read-only data folder: parse again next time
            tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((stamp, view._plain())))  # type: ignore[arg-type]
            tmp.replace(cache)
        return view

    def _plain(self) -> tuple[object, ...]:
        return (self.keys, self.bodies, self.varbinds, {k: astuple(v) for k, v in self.numeric.items()})

    @classmethod
    def _from_plain(cls, plain: tuple[object, ...], source: str) -> MibView:
        keys, bodies, varbinds, numeric = plain
        view = cls(source)
        shared = _shared_keys
        view.keys = [shared.setdefault(k, k) for k in keys]  # type: ignore[attr-defined]
        view.bodies, view.varbinds = bodies, varbinds  # type: ignore[assignment]
        view.numeric = {k: Numeric(*v) for k, v in numeric.items()}  # type: ignore[attr-defined]
        return view

    def __len__(self) -> int:
        return len(self.keys)

    def varbind(self, position: int, elapsed: float) -> bytes:
        found = self.varbinds[position]
        return found if found is not None else self.numeric[position].varbind(elapsed)

    def body(self, position: int) -> bytes:
        return self.bodies.get(position, self.keys[position])

    def exact(self, body: bytes) -> int | None:
        """Position of the OID ``body``, or None when it is not recorded."""
        key = order_key(body)
        position = bisect.bisect_left(self.keys, key)
        return position if position < len(self.keys) and self.keys[position] == key else None

    def after(self, body: bytes) -> int | None:
        """Position of the first OID after ``body`` (GETNEXT), or None at the end of the view."""
        position = bisect.bisect_right(self.keys, order_key(body))
        return position if position < len(self.keys) else None


def _parse_line(line: str) -> tuple[bytes, bytes, bytes | Numeric]:
    """(order key, OID body, encoded varbind or counter spec) of one ``OID|TAG[:variation]|VALUE`` line."""
    oid_text, tag_text, value = line.split("|", 2)
    body = ber.oid_from_text(oid_text)
    tag_name, _, variation = tag_text.partition(":")
    tag = TAGS[tag_name]
    oid_tlv = ber.tlv(ber.OBJECT_IDENTIFIER, body)
    if variation:
        if variation != "numeric" or tag not in NUMERIC_TAGS:
            raise ValueError(f"variation {variation!r} on tag {tag_name}")
        settings = dict(part.split("=", 1) for part in value.split(",") if part)
        unknown = set(settings) - {"initial", "rate", "min", "max", "wrap"}
        if unknown:
            raise ValueError(f"numeric settings {sorted(unknown)}")
        minimum = float(settings.get("min", 0))
        return order_key(body), body, Numeric(
            oid_tlv, tag, float(settings.get("initial", minimum)), float(settings.get("rate", 1)), minimum,
            float(settings.get("max", MAX_VALUE.get(tag, 0xFFFFFFFF))), "wrap" in settings)
    if tag in NUMERIC_TAGS:
        encoded = ber.encode_integer(int(value), tag)
    elif tag_name == "4x":
        encoded = ber.tlv(tag, bytes.fromhex(value))
    elif tag == ber.OBJECT_IDENTIFIER:
        encoded = ber.tlv(tag, ber.oid_from_text(value))
    elif tag == ber.IP_ADDRESS:
        encoded = ber.tlv(tag, ipaddress.IPv4Address(value).packed)
    else:
        encoded = ber.tlv(tag, value.encode("latin-1"))
    return order_key(body), body, ber.tlv(ber.SEQUENCE, oid_tlv + encoded)


class Clock:
    """Seconds since the simulator started: what every ``numeric`` value and sysUpTime advance with."""

    def __init__(self, started: float | None = None) -> None:
        self.started = time.time() if started is None else started

    def elapsed(self) -> float:
        return time.time() - self.started
