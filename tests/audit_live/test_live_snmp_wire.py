"""The probe's exchange on its own: lost requests are resent, reflected requests are not answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

from policies.facts_snmp_wire import V2C, community_get, decode, exchange, usm_get

SYS_DESCR = "1.3.6.1.2.1.1.1.0"


class _Responder(asyncio.DatagramProtocol):
    """A tiny v2c agent on 127.0.0.1 whose reply to each datagram ``answer`` decides."""

    def __init__(self, answer: Callable[[bytes, int], bytes | None]) -> None:
        self.answer = answer
        self.seen: dict[bytes, int] = {}
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # a datagram transport (asyncio's selector one is no DatagramTransport subclass)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.seen[data] = self.seen.get(data, 0) + 1
        reply = self.answer(data, self.seen[data])
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


def _respond_public(data: bytes, _attempt: int) -> bytes | None:
    module = api.PROTOCOL_MODULES[V2C]
    request, _ = decoder.decode(data, asn1Spec=module.Message())
    if str(module.apiMessage.get_community(request)) != "public":
        return None
    response = module.apiMessage.get_response(request)
    module.apiPDU.set_varbinds(module.apiMessage.get_pdu(response), [(SYS_DESCR, module.OctetString("test agent"))])
    return bytes(encoder.encode(response))


async def _run(answer: Callable[[bytes, int], bytes | None], retries: int) -> tuple[dict[int, object], _Responder]:
    loop = asyncio.get_running_loop()
    transport, responder = await loop.create_datagram_endpoint(lambda: _Responder(answer),
                                                               local_addr=("127.0.0.1", 0))
    port = transport.get_extra_info("sockname")[1]
    try:
        requests = {1: community_get(V2C, "public", 1, SYS_DESCR), 2: community_get(V2C, "nope", 2, SYS_DESCR)}
        answers = await exchange("127.0.0.1", port, requests, 0.3, retries)
    finally:
        transport.close()
    return dict(answers), responder


def test_answers_are_matched_by_request_id() -> None:
    answers, _ = asyncio.run(_run(_respond_public, retries=0))
    assert list(answers) == [1] and getattr(answers[1], "value", None) == "test agent"


def test_lost_requests_are_resent() -> None:
    def lossy(data: bytes, attempt: int) -> bytes | None:
        return _respond_public(data, attempt) if attempt > 1 else None

    assert asyncio.run(_run(lossy, retries=0))[0] == {}
    answers, responder = asyncio.run(_run(lossy, retries=1))
    assert list(answers) == [1] and sorted(responder.seen.values()) == [2, 2]


def test_reflected_requests_are_not_answers() -> None:
    answers, _ = asyncio.run(_run(lambda data, _attempt: data, retries=0))
    assert answers == {}
    assert decode(usm_get(7, b"engine", "initial", SYS_DESCR)) is None
    assert decode(b"\x00garbage") is None
