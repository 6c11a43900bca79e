"""SNMP probe messages, exchanged on one connected UDP socket per target.

Messages are built and read with the SNMP agent's own lean codec (agents.snmp.ber/usm): guessing needs no
local SNMP engine state, so a request per guess is sent at once and replies are matched by request id,
answering in one timeout. (pysnmp's high-level API wrote every distinct (community, target) pair into its
configuration datastore, ~33 ms each: 45 guesses on 3 targets took 12 s; its protocol types alone cost
~0.2 s of imports.) One socket per target also keeps the replies of many targets from overflowing one
shared receive buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from agents.snmp import ber, usm

V1, V2C = 0, 1  # the version field of v1 and v2c messages
# USM report counters (RFC 3414): which one comes back tells why a v3 request was refused.
UNKNOWN_ENGINE_ID = "1.3.6.1.6.3.15.1.1.4.0"
UNKNOWN_USER = "1.3.6.1.6.3.15.1.1.3.0"
UNSUPPORTED_LEVEL = "1.3.6.1.6.3.15.1.1.1.0"
_NO_KEYS = usm.UsmKeys(None, b"", None, b"")


@dataclass(frozen=True)
class Reply:
    """The parts of an answer the probe needs."""

    request_id: int  # request-id (v1/v2c) or msgID (v3)
    report: str | None = None  # OID of the USM counter in a v3 report
    error_status: int = 0
    value: str | None = None  # first varbind's value of a response
    engine_id: bytes = b""


@functools.lru_cache(maxsize=8192)
def community_get(version: int, community: str, request_id: int, oid: str) -> bytes:
    """A v1/v2c GET of ``oid``; cached, because every target gets the same guesses under the same ids."""
    pdu = ber.encode_pdu(ber.GET, request_id, ber.encode_varbind(ber.oid_from_text(oid)))
    return ber.encode_v2c_message(community.encode(), pdu, version)


def usm_get(msg_id: int, engine_id: bytes, user: str, oid: str | None) -> bytes:
    """A reportable noAuthNoPriv v3 GET; with an empty engine id and no OID it is engine discovery."""
    varbinds = ber.encode_varbind(ber.oid_from_text(oid)) if oid else b""
    return usm.encode_v3_message(msg_id, usm.FLAG_REPORTABLE, engine_id, 0, 0, user.encode(), _NO_KEYS, engine_id,
                                 b"", ber.encode_pdu(ber.GET, msg_id, varbinds))


def _first(pdu: ber.Pdu) -> tuple[str | None, str | None]:
    """(oid, value as text) of the first varbind; exceptions such as noSuchObject have no value."""
    if not pdu.varbinds:
        return None, None
    oid, tag, value = pdu.varbinds[0]
    text: str | None
    if isinstance(value, bytes):
        text = ber.oid_text(value) if tag == ber.OBJECT_IDENTIFIER else value.decode("utf-8", "replace")
    else:
        text = None if value is None else str(value)
    return ber.oid_text(oid), text


def decode(data: bytes) -> Reply | None:
    """Parse an answer; None for anything that is not a well-formed response or report."""
    try:
        start, stop = ber.expect(data, 0, len(data), ber.SEQUENCE)
        version, _ = ber.read_int(data, start, stop)
        if version in (V1, V2C):
            _, _, pdu = ber.decode_v2c_message(data)
            if pdu.tag != ber.RESPONSE:
                return None  # e.g. our own request reflected by an echo service: not an answer
            return Reply(pdu.request_id, error_status=pdu.error_status, value=_first(pdu)[1])
        message = usm.decode_v3_message(data)
        if message.flags & usm.FLAG_PRIV:
            return Reply(message.msg_id, engine_id=message.engine_id)
        _, _, pdu = usm.decode_scoped_pdu(message.data)
        oid, value = _first(pdu)
        if pdu.tag == ber.REPORT:
            return Reply(message.msg_id, report=oid, engine_id=message.engine_id)
        if pdu.tag != ber.RESPONSE:
            return None
        return Reply(message.msg_id, error_status=pdu.error_status, value=value, engine_id=message.engine_id)
    except (ValueError, IndexError):  # ber.BerError is a ValueError
        return None


class _Collector(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.replies.put_nowait(data)

    def error_received(self, exc: Exception) -> None:  # ICMP port unreachable: keep waiting for the timeout
        pass


async def exchange(host: str, port: int, requests: Mapping[int, bytes], timeout_s: float,
                   retries: int) -> dict[int, Reply]:
    """Send every request, resend the unanswered ``retries`` times, return replies by request id."""
    loop = asyncio.get_running_loop()
    transport, collector = await loop.create_datagram_endpoint(_Collector, remote_addr=(host, port))
    answers: dict[int, Reply] = {}
    try:
        for _attempt in range(retries + 1):
            for request_id, wire in requests.items():
                if request_id not in answers:
                    transport.sendto(wire)
            deadline = loop.time() + timeout_s
            while len(answers) < len(requests) and (left := deadline - loop.time()) > 0:
                with contextlib.suppress(TimeoutError):
                    reply = decode(await asyncio.wait_for(collector.replies.get(), left))
                    if reply is not None and reply.request_id in requests:
                        answers.setdefault(reply.request_id, reply)
            if len(answers) == len(requests):
                break
    finally:
        transport.close()
    return answers
