"""One simulated device's SNMP agent: a request datagram in, the response datagram out (or nothing).

It answers like the snmpsim agents it stands in for: v1 and v2c with the profile's community, SNMPv3 with
the profile's USM user (RFC 3414: discovery and usmStats reports, authentication, AES/DES privacy, the time
window), GET / GETNEXT / GETBULK as pysnmp's command responder does them (GETBULK capped at 64 varbinds,
``noSuchInstance`` for a missing instance, ``endOfMibView`` past the end). A wrong community gets no answer at
all, as on a real agent. The BER and USM code is the poller's own (agents/snmp), the side already tested
against net-snmp and snmp_exporter; the tests walk this responder and snmpsim alike.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

from agents.sim.mibview import Clock, MibView
from agents.snmp import ber, usm

MAX_BULK_VARBINDS = 64
"""pysnmp's BulkCommandResponder.max_varbinds: a GETBULK answer carries at most this many varbinds."""
MAX_VARBIND_BYTES = 60_000
"""Room for the varbinds of one response inside a UDP datagram (headers and USM need the rest)."""
TIME_WINDOW_S = 150
USM_STATS = "1.3.6.1.6.3.15.1.1.{}.0"
UNSUPPORTED_LEVEL, NOT_IN_TIME_WINDOW, UNKNOWN_USER, UNKNOWN_ENGINE, WRONG_DIGEST, DECRYPTION_ERROR = range(1, 7)
SYS_UPTIME_BODY = ber.oid_from_text("1.3.6.1.2.1.1.3.0")
END_OF_MIB = b"\x82\x00"
NO_SUCH_INSTANCE = b"\x81\x00"
NO_SUCH_NAME = 2


@dataclass(frozen=True, repr=False)
class V3User:
    """The device's one USM user, with keys localized to its engine. Redacted ``repr``."""

    name: bytes
    keys: usm.UsmKeys

    @property
    def flags(self) -> int:
        return (usm.FLAG_AUTH if self.keys.auth_protocol else 0) | (usm.FLAG_PRIV if self.keys.priv_protocol else 0)

    def __repr__(self) -> str:
        return f"V3User({self.name!r}, {self.keys!r})"


def engine_id_for(port: int, salt: bytes) -> bytes:
    """An RFC 3411 engine ID (enterprise 8072, net-snmp's, format 'octets') unique per device and start."""
    return b"\x80\x00\x1f\x88\x04" + salt + port.to_bytes(2, "big")


def new_salt() -> bytes:
    """Fresh per simulator start: a restarted device has a new engine ID, as a restarted snmpsim has."""
    return os.urandom(6)


@dataclass
class DeviceAgent:
    """The agent of one simulated device."""

    view: MibView
    clock: Clock
    engine_id: bytes
    community: bytes | None = None
    """v1/v2c community the device answers (None: a v3-only device)."""
    user: V3User | None = None
    boots: int = 1
    stats: dict[int, int] = field(default_factory=dict)
    """usmStats counters by their last OID arc (what the reports carry)."""

    def answer(self, datagram: bytes) -> bytes | None:
        """The response to ``datagram``, or None when a real agent would stay silent."""
        try:
            start, stop = ber.expect(datagram, 0, len(datagram), ber.SEQUENCE)
            version, _ = ber.read_int(datagram, start, stop)
            if version == 3:
                return self._answer_v3(datagram)
            if version in (0, 1):
                return self._answer_community(datagram)
        except (ber.BerError, ValueError, IndexError):
            return None
        return None

    # ------------------------------------------------------------------ v1 / v2c
    def _answer_community(self, datagram: bytes) -> bytes | None:
        version, community, pdu = ber.decode_v2c_message(datagram)
        if self.community is None or community != self.community:
            return None
        if version == 0 and pdu.tag == ber.GET_BULK:
            return None
        body = self._operate(pdu, version == 0)
        return None if body is None else ber.encode_v2c_message(community, body, version)

    # ------------------------------------------------------------------ SNMPv3
    def _answer_v3(self, datagram: bytes) -> bytes | None:
        msg = usm.decode_v3_message(datagram)
        reportable = bool(msg.flags & usm.FLAG_REPORTABLE)
        if msg.engine_id != self.engine_id:
            return self._report(msg, UNKNOWN_ENGINE, None, reportable)
        user = self.user
        if user is None or msg.user != user.name:
            return self._report(msg, UNKNOWN_USER, None, reportable)
        level = msg.flags & (usm.FLAG_AUTH | usm.FLAG_PRIV)
        if level != user.flags:  # the user is configured at one security level: anything else is unsupported
            return self._report(msg, UNSUPPORTED_LEVEL, None, reportable)
        if level & usm.FLAG_AUTH:
            if not usm.verify(user.keys, datagram, msg):
                return self._report(msg, WRONG_DIGEST, None, reportable)
            now = self._engine_time()
            if msg.boots != self.boots or abs(msg.engine_time - now) > TIME_WINDOW_S:
                return self._report(msg, NOT_IN_TIME_WINDOW, user, reportable)
        scoped = msg.data
        if level & usm.FLAG_PRIV:
            try:
                scoped = usm.decrypt(user.keys, msg.boots, msg.engine_time, msg.priv_params, msg.data)
                context_engine, context_name, pdu = usm.decode_scoped_pdu(scoped)
            except (ber.BerError, ValueError):
                return self._report(msg, DECRYPTION_ERROR, None, reportable)
        else:
            context_engine, context_name, pdu = usm.decode_scoped_pdu(scoped)
        body = self._operate(pdu, False)
        if body is None:
            return None
        return usm.encode_v3_message(msg.msg_id, level, self.engine_id, self.boots, self._engine_time(), user.name,
                                     user.keys, context_engine or self.engine_id, context_name, body)

    def _engine_time(self) -> int:
        return min(int(self.clock.elapsed()), 2147483647)

    def _report(self, msg: usm.V3Message, which: int, user: V3User | None, reportable: bool) -> bytes | None:
        """A usmStats report (RFC 3414 3.2): unauthenticated, except "not in time window" which is signed."""
        if not reportable:
            return None
        count = self.stats[which] = self.stats.get(which, 0) + 1
        request_id = 0
        if not msg.flags & usm.FLAG_PRIV:
            with contextlib.suppress(ber.BerError):
                request_id = usm.decode_scoped_pdu(msg.data)[2].request_id
        varbind = ber.encode_varbind(ber.oid_from_text(USM_STATS.format(which)), ber.COUNTER32, count)
        pdu = ber.encode_pdu(ber.REPORT, request_id, varbind)
        flags = usm.FLAG_AUTH if user is not None else 0
        keys = user.keys if user is not None else usm.UsmKeys(None, b"", None, b"")
        return usm.encode_v3_message(msg.msg_id, flags, self.engine_id, self.boots, self._engine_time(),
                                     user.name if user is not None else msg.user, keys, self.engine_id, b"", pdu)

    # ------------------------------------------------------------------ operations
    def _operate(self, pdu: ber.Pdu, v1: bool) -> bytes | None:
        """The RESPONSE PDU for a GET, GETNEXT or GETBULK (anything else goes unanswered)."""
        view, elapsed = self.view, self.clock.elapsed()
        requested = [oid for oid, _, _ in pdu.varbinds]
        out: list[bytes] = []
        if pdu.tag == ber.GET:
            for index, oid in enumerate(requested):
                position = view.exact(oid)
                if position is None:
                    if v1:
                        return self._v1_error(pdu, index)
                    out.append(_exception(oid, NO_SUCH_INSTANCE))
                else:
                    out.append(view.varbind(position, elapsed))
        elif pdu.tag == ber.GET_NEXT:
            for index, oid in enumerate(requested):
                position = view.after(oid)
                if position is None:
                    if v1:
                        return self._v1_error(pdu, index)
                    out.append(_exception(oid, END_OF_MIB))
                else:
                    out.append(view.varbind(position, elapsed))
        elif pdu.tag == ber.GET_BULK:
            out = self._bulk(requested, max(pdu.error_status, 0), max(pdu.error_index, 0), elapsed)
        else:
            return None
        return ber.encode_pdu(ber.RESPONSE, pdu.request_id, b"".join(out))

    def _bulk(self, requested: list[bytes], non_repeaters: int, max_repetitions: int, elapsed: float) -> list[bytes]:
        """RFC 3416 4.2.3 as pysnmp does it: the non-repeaters once, then up to M rows of the repeaters."""
        view = self.view
        n = min(non_repeaters, len(requested))
        r = len(requested) - n
        m = min(max_repetitions, MAX_BULK_VARBINDS // r) if r else 0
        out: list[bytes] = []
        size = 0

        def next_of(oid: bytes) -> tuple[bytes, bytes]:
            position = view.after(oid)
            if position is None:
                return oid, _exception(oid, END_OF_MIB)
            return view.body(position), view.varbind(position, elapsed)

        for oid in requested[:n]:
            out.append(next_of(oid)[1])
        cursor = requested[n:]
        for _ in range(m):
            row = [next_of(oid) for oid in cursor]
            row_size = sum(len(vb) for _, vb in row)
            if out and size + row_size > MAX_VARBIND_BYTES:
                break
            out.extend(vb for _, vb in row)
            size += row_size
            cursor = [oid for oid, _ in row]
        return out

    def _v1_error(self, pdu: ber.Pdu, index: int) -> bytes:
        echoed = b"".join(ber.encode_varbind(oid, tag, value) for oid, tag, value in pdu.varbinds)
        return ber.encode_pdu(ber.RESPONSE, pdu.request_id, echoed, NO_SUCH_NAME, index + 1)


def _exception(oid: bytes, value: bytes) -> bytes:
    return ber.tlv(ber.SEQUENCE, ber.tlv(ber.OBJECT_IDENTIFIER, oid) + value)
