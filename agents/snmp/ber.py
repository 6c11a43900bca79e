"""Lean BER for SNMP: just the types SNMP uses, decoded straight from the datagram.

Why not pysnmp/pyasn1: their object model costs ~70 µs of CPU per value. Here a varbind becomes one
``(oid_bytes, tag, value)`` tuple: OIDs stay in their encoded form (a column's encoded OID is a byte prefix
of its instances' OIDs, so prefix tests and index lookups need no decoding) and values are plain
``int``/``bytes``/``None``.
"""

from __future__ import annotations

# Universal and SNMP application tags (RFC 2578, RFC 3416).
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82

# PDU tags.
GET = 0xA0
GET_NEXT = 0xA1
RESPONSE = 0xA2
SET = 0xA3
GET_BULK = 0xA5
REPORT = 0xA8

UNSIGNED_TAGS = frozenset({COUNTER32, GAUGE32, TIMETICKS, COUNTER64})
EXCEPTION_TAGS = frozenset({NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW})

Varbind = tuple[bytes, int, "int | bytes | None"]


class BerError(ValueError):
    """The datagram is not valid BER/SNMP (truncated, wrong tag, bad length)."""


# ---------------------------------------------------------------- encoding

def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    return bytes((tag,)) + encode_length(n) + content


def encode_integer(value: int, tag: int = INTEGER) -> bytes:
    """Two's-complement INTEGER (or an unsigned application type when ``tag`` says so)."""
    if tag in UNSIGNED_TAGS:
        body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # leading 0 keeps it positive
    else:
        body = value.to_bytes((value + (value < 0)).bit_length() // 8 + 1, "big", signed=True)
    return tlv(tag, body)


def encode_oid_body(arcs: tuple[int, ...] | list[int]) -> bytes:
    if len(arcs) < 2:
        raise ValueError(f"an OID needs at least two arcs: {arcs!r}")
    return encode_subids((arcs[0] * 40 + arcs[1], *arcs[2:]))


def oid_from_text(text: str) -> bytes:
    """Encoded body of a dotted numeric OID ("1.3.6.1.2.1.1.3.0" or with a leading dot)."""
    try:
        arcs = tuple(int(p) for p in text.strip().lstrip(".").split("."))
    except ValueError:
        raise ValueError(f"not a numeric OID: {text!r} (MIB names are not compiled; write e.g. 1.3.6.1.2.1.1.3)")\
            from None
    if any(a < 0 for a in arcs) or arcs[0] > 2:
        raise ValueError(f"not a valid OID: {text!r}")
    return encode_oid_body(arcs)


def encode_varbind(oid_body: bytes, tag: int = NULL, value: int | bytes | None = None) -> bytes:
    if tag == NULL or tag in EXCEPTION_TAGS:
        val = bytes((tag, 0))
    elif tag in UNSIGNED_TAGS or tag == INTEGER:
        assert isinstance(value, int)
        val = encode_integer(value, tag)
    else:
        assert isinstance(value, bytes)
        val = tlv(tag, value)
    return tlv(SEQUENCE, tlv(OBJECT_IDENTIFIER, oid_body) + val)


def encode_pdu(pdu_tag: int, request_id: int, varbinds: bytes, err_or_nonrep: int = 0,
               idx_or_maxrep: int = 0) -> bytes:
    """A PDU; ``varbinds`` is the concatenation of :func:`encode_varbind` results."""
    return tlv(pdu_tag, encode_integer(request_id) + encode_integer(err_or_nonrep)
               + encode_integer(idx_or_maxrep) + tlv(SEQUENCE, varbinds))


def encode_v2c_message(community: bytes, pdu: bytes, version: int = 1) -> bytes:
    return tlv(SEQUENCE, encode_integer(version) + tlv(OCTET_STRING, community) + pdu)


# ---------------------------------------------------------------- decoding

def read_tlv(buf: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``pos``; raises BerError when it overruns ``end``."""
    if pos + 2 > end:
        raise BerError(f"truncated at byte {pos}")
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > end:
            raise BerError(f"bad length at byte {pos - 1}")
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    stop = pos + n
    if stop > end:
        raise BerError(f"truncated: length {n} at byte {pos} overruns the datagram")
    return tag, pos, stop


def expect(buf: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    got, start, stop = read_tlv(buf, pos, end)
    if got != tag:
        raise BerError(f"expected tag 0x{tag:02x} at byte {pos}, found 0x{got:02x}")
    return start, stop


def read_int(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    """(value, next position) of the INTEGER at ``pos``."""
    start, stop = expect(buf, pos, end, INTEGER)
    return int.from_bytes(buf[start:stop], "big", signed=True), stop


def read_octets(buf: bytes, pos: int, end: int) -> tuple[bytes, int, int]:
    """(value, content start, next position) of the OCTET STRING at ``pos``."""
    start, stop = expect(buf, pos, end, OCTET_STRING)
    return buf[start:stop], start, stop


def decode_varbinds(buf: bytes, pos: int, end: int) -> list[Varbind]:
    """The varbind list between ``pos`` and ``end``: the hot path, hence inlined short-form lengths."""
    out: list[Varbind] = []
    append = out.append
    from_bytes = int.from_bytes
    unsigned = UNSIGNED_TAGS
    try:
        while pos < end:
            if buf[pos] != SEQUENCE:
                raise BerError(f"expected a varbind at byte {pos}")
            n = buf[pos + 1]
            if n & 0x80:
                _, pos, vb_end = read_tlv(buf, pos, end)
            else:
                pos += 2
                vb_end = pos + n
            if buf[pos] != OBJECT_IDENTIFIER:
                raise BerError(f"expected an OID at byte {pos}")
            n = buf[pos + 1]
            if n & 0x80:
                _, start, pos = read_tlv(buf, pos, vb_end)
            else:
                start = pos + 2
                pos = start + n
            oid = buf[start:pos]
            tag = buf[pos]
            n = buf[pos + 1]
            if n & 0x80:
                _, start, pos = read_tlv(buf, pos, vb_end)
            else:
                start = pos + 2
                pos = start + n
            if pos != vb_end or vb_end > end:
                raise BerError(f"varbind ending at byte {vb_end} is malformed")
            if tag in unsigned:
                append((oid, tag, from_bytes(buf[start:pos], "big")))
            elif tag == INTEGER:
                append((oid, tag, from_bytes(buf[start:pos], "big", signed=True)))
            elif tag == NULL or tag >= NO_SUCH_OBJECT:
                append((oid, tag, None))
            else:
                append((oid, tag, buf[start:pos]))
    except IndexError:
        raise BerError("truncated varbind list") from None
    return out


class Pdu:
    """A decoded PDU. ``__slots__`` because one is made per datagram."""

    __slots__ = ("error_index", "error_status", "request_id", "tag", "varbinds")

    def __init__(self, tag: int, request_id: int, error_status: int, error_index: int,
                 varbinds: list[Varbind]) -> None:
        self.tag = tag
        self.request_id = request_id
        self.error_status = error_status
        self.error_index = error_index
        self.varbinds = varbinds


def decode_pdu(buf: bytes, pos: int, end: int) -> Pdu:
    tag, start, stop = read_tlv(buf, pos, end)
    if tag not in (GET, GET_NEXT, RESPONSE, SET, GET_BULK, REPORT):
        raise BerError(f"unexpected PDU type 0x{tag:02x}")
    rid, p = read_int(buf, start, stop)
    err, p = read_int(buf, p, stop)
    idx, p = read_int(buf, p, stop)
    vstart, vstop = expect(buf, p, stop, SEQUENCE)
    return Pdu(tag, rid, err, idx, decode_varbinds(buf, vstart, vstop))


def decode_v2c_message(buf: bytes) -> tuple[int, bytes, Pdu]:
    """(version, community, pdu) of a v1/v2c datagram."""
    start, stop = expect(buf, 0, len(buf), SEQUENCE)
    version, p = read_int(buf, start, stop)
    community, _, p = read_octets(buf, p, stop)
    return version, community, decode_pdu(buf, p, stop)


# ---------------------------------------------------------------- OID helpers

def decode_oid(body: bytes) -> tuple[int, ...]:
    """Arcs of an encoded OID body."""
    if not body:
        return ()
    subids = decode_subids(body)
    top = min(subids[0] // 40, 2)
    return (top, subids[0] - 40 * top, *subids[1:])


def decode_subids(body: bytes) -> tuple[int, ...]:
    """Sub-identifiers of an OID *suffix* (an index): no first-two-arcs packing."""
    if body.isascii():
        return tuple(body)
    arcs: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return tuple(arcs)


def encode_subids(arcs: tuple[int, ...] | list[int]) -> bytes:
    """Encoding of an OID suffix (an index), the inverse of :func:`decode_subids`."""
    out = bytearray()
    for arc in arcs:
        if arc < 0x80:
            out.append(arc)
            continue
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def oid_text(body: bytes) -> str:
    return ".".join(map(str, decode_oid(body)))
