"""SNMP probe messages built from pysnmp's protocol types, exchanged on one connected UDP socket per target.

Why not pysnmp's high-level API for this: every distinct (community, target) pair costs a ~33 ms write into
its local configuration datastore and its timers tick coarsely, so 45 guesses on 3 targets took 12 s of
which most was CPU (measured). Guessing needs no local state: a request per guess, sent at once, matched
to replies by request id, answers in one timeout. One socket per target also keeps the replies of many
targets from overflowing one shared receive buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api
from pysnmp.proto.api import verdec
from pysnmp.proto.mpmod.rfc3412 import SNMPv3Message
from pysnmp.proto.secmod.rfc3414.service import UsmSecurityParameters

V1, V2C = api.SNMP_VERSION_1, api.SNMP_VERSION_2C
_V2 = api.PROTOCOL_MODULES[V2C]
# USM report counters (RFC 3414): which one comes back tells why a v3 request was refused.
UNKNOWN_ENGINE_ID = "1.3.6.1.6.3.15.1.1.4.0"
UNKNOWN_USER = "1.3.6.1.6.3.15.1.1.3.0"
UNSUPPORTED_LEVEL = "1.3.6.1.6.3.15.1.1.1.0"


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
    module = api.PROTOCOL_MODULES[version]
    pdu = module.GetRequestPDU()
    module.apiPDU.set_defaults(pdu)
    module.apiPDU.set_request_id(pdu, request_id)
    module.apiPDU.set_varbinds(pdu, [(oid, module.Null(""))])
    message = module.Message()
    module.apiMessage.set_defaults(message)
    module.apiMessage.set_community(message, community)
    module.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def usm_get(msg_id: int, engine_id: bytes, user: str, oid: str | None) -> bytes:
    """A reportable noAuthNoPriv v3 GET; with an empty engine id and no OID it is engine discovery."""
    usm = UsmSecurityParameters()
    usm["msgAuthoritativeEngineId"] = engine_id
    usm["msgAuthoritativeEngineBoots"] = 0
    usm["msgAuthoritativeEngineTime"] = 0
    usm["msgUserName"] = user
    usm["msgAuthenticationParameters"] = b""
    usm["msgPrivacyParameters"] = b""
    pdu = _V2.GetRequestPDU()
    _V2.apiPDU.set_defaults(pdu)
    _V2.apiPDU.set_request_id(pdu, msg_id)
    _V2.apiPDU.set_varbinds(pdu, [(oid, _V2.Null(""))] if oid else [])
    message = SNMPv3Message()
    message["msgVersion"] = 3
    header = message["msgGlobalData"]
    header["msgID"] = msg_id
    header["msgMaxSize"] = 65507
    header["msgFlags"] = b"\x04"  # reportable, no auth, no priv
    header["msgSecurityModel"] = 3
    message["msgSecurityParameters"] = encoder.encode(usm)
    scoped = message["msgData"]["plaintext"]
    scoped["contextEngineId"] = engine_id
    scoped["contextName"] = b""
    scoped["data"]["get-request"] = pdu
    return bytes(encoder.encode(message))


def _first_value(pdu: object) -> tuple[str | None, str | None]:
    """(oid, value) of the first varbind."""
    varbinds = _V2.apiPDU.get_varbinds(pdu)
    if not varbinds:
        return None, None
    oid, value = varbinds[0]
    return str(oid), value.prettyPrint()


def decode(data: bytes) -> Reply | None:
    """Parse an answer; None for anything that is not a well-formed response or report."""
    try:
        version = int(verdec.decode_message_version(data))
        if version in (V1, V2C):
            module = api.PROTOCOL_MODULES[version]
            message, _ = decoder.decode(data, asn1Spec=module.Message())
            pdu = module.apiMessage.get_pdu(message)
            if pdu.tagSet != module.GetResponsePDU.tagSet:
                return None  # e.g. our own request reflected by an echo service: not an answer
            _oid, value = _first_value(pdu)
            return Reply(int(module.apiPDU.get_request_id(pdu)), error_status=int(module.apiPDU.get_error_status(pdu)),
                         value=value)
        message, _ = decoder.decode(data, asn1Spec=SNMPv3Message())
        usm, _ = decoder.decode(bytes(message["msgSecurityParameters"]), asn1Spec=UsmSecurityParameters())
        engine_id = bytes(usm["msgAuthoritativeEngineId"])
        msg_id = int(message["msgGlobalData"]["msgID"])
        if message["msgData"].getName() != "plaintext":
            return Reply(msg_id, engine_id=engine_id)
        pdus = message["msgData"]["plaintext"]["data"]
        pdu = pdus.getComponent()
        oid, value = _first_value(pdu)
        if pdus.getName() == "report":
            return Reply(msg_id, report=oid, engine_id=engine_id)
        if pdus.getName() != "response":
            return None
        return Reply(msg_id, error_status=int(_V2.apiPDU.get_error_status(pdu)), value=value, engine_id=engine_id)
    except (PyAsn1Error, ValueError, KeyError, TypeError, IndexError):
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
