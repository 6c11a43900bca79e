"""A scriptable SNMPv2c agent on 127.0.0.1 for failure cases snmpd cannot produce on demand.

It serves a dict of OID → (tag, value) with GET/GETNEXT/GETBULK semantics and can be told to be slow,
to answer with truncated datagrams, or to stop answering after some requests. It records how many requests
each source (one poller session = one UDP socket) had outstanding at once, and the most over all sources.
"""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass, field

from agents.snmp import ber

Table = dict[tuple[int, ...], tuple[int, int | bytes | None]]


def oid(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.strip(".").split("."))


@dataclass
class FakeAgent(asyncio.DatagramProtocol):
    values: Table
    community: bytes = b"public"
    delay: float = 0.0
    truncate: bool = False
    answer_first: int | None = None  # after this many requests, stop answering
    slow_from: int | None = None  # from this request on, wait ``delay``
    too_big_above: int | None = None  # answer tooBig to GETBULKs asking for more repetitions than this
    requests: int = 0
    outstanding: dict[tuple[str, int], int] = field(default_factory=dict)
    max_outstanding: dict[tuple[str, int], int] = field(default_factory=dict)  # per source address
    max_total_outstanding: int = 0
    transport: asyncio.DatagramTransport | None = field(default=None, repr=False)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.requests += 1
        if self.answer_first is not None and self.requests > self.answer_first:
            return
        _, community, pdu = ber.decode_v2c_message(data)
        if community != self.community:
            return
        reply = self.respond(pdu)
        if self.truncate:
            reply = reply[: len(reply) // 2]
        wait = self.delay if self.slow_from is None or self.requests >= self.slow_from else 0.0
        now = self.outstanding[addr] = self.outstanding.get(addr, 0) + 1
        self.max_outstanding[addr] = max(self.max_outstanding.get(addr, 0), now)
        self.max_total_outstanding = max(self.max_total_outstanding, sum(self.outstanding.values()))
        if wait:
            asyncio.get_running_loop().call_later(wait, self._send, reply, addr)
        else:
            self._send(reply, addr)

    def _send(self, reply: bytes, addr: tuple[str, int]) -> None:
        self.outstanding[addr] -= 1
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(reply, addr)

    def respond(self, pdu: ber.Pdu) -> bytes:
        keys = sorted(self.values)
        out: list[bytes] = []

        def after(arcs: tuple[int, ...]) -> tuple[int, ...] | None:
            i = bisect.bisect_right(keys, arcs)
            return keys[i] if i < len(keys) else None

        def vb(arcs: tuple[int, ...] | None, asked: tuple[int, ...]) -> bytes:
            if arcs is None:
                return ber.encode_varbind(ber.encode_oid_body(asked), ber.END_OF_MIB_VIEW)
            tag, value = self.values[arcs]
            return ber.encode_varbind(ber.encode_oid_body(arcs), tag, value)

        asked = [ber.decode_oid(o) for o, _, _ in pdu.varbinds]
        if pdu.tag == ber.GET:
            for a in asked:
                if a in self.values:
                    out.append(vb(a, a))
                else:
                    out.append(ber.encode_varbind(ber.encode_oid_body(a), ber.NO_SUCH_INSTANCE))
        elif pdu.tag == ber.GET_NEXT:
            out = [vb(after(a), a) for a in asked]
        elif pdu.tag == ber.GET_BULK and self.too_big_above is not None and pdu.error_index > self.too_big_above:
            return ber.encode_v2c_message(self.community, ber.encode_pdu(
                ber.RESPONSE, pdu.request_id, b"".join(ber.encode_varbind(ber.encode_oid_body(a)) for a in asked), 1))
        elif pdu.tag == ber.GET_BULK:
            current = asked[0]
            for _ in range(max(pdu.error_index, 1)):
                nxt = after(current)
                out.append(vb(nxt, current))
                if nxt is None:
                    break
                current = nxt
        return ber.encode_v2c_message(self.community, ber.encode_pdu(ber.RESPONSE, pdu.request_id, b"".join(out)))


async def start_fake(values: Table, **kw: object) -> FakeAgent:
    loop = asyncio.get_running_loop()
    agent = FakeAgent(values, **kw)  # type: ignore[arg-type]
    await loop.create_datagram_endpoint(lambda: agent, local_addr=("127.0.0.1", 0))
    return agent


def if_table(rows: dict[int, dict[int, tuple[int, int | bytes]]]) -> Table:
    """ifTable/ifXTable entries: {ifIndex: {column OID suffix as 2.2.1.N or 31.1.1.1.N key: (tag, value)}}."""
    table: Table = {}
    for index, cols in rows.items():
        for column, tv in cols.items():
            table[(*oid("1.3.6.1.2.1"), *_col(column), index)] = tv
    return table


def _col(column: int) -> tuple[int, ...]:
    # columns 1..22: ifTable; 101..119: ifXTable column (N-100)
    return (2, 2, 1, column) if column <= 22 else (31, 1, 1, 1, column - 100)
