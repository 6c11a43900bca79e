"""The SNMP engine: GET, GETNEXT and GETBULK walks over asyncio UDP, v1/v2c communities and v3 USM.

Each device session has its own *connected* UDP socket: replies of one device can never fill the buffer of
another (pysnmp's single shared socket dropped replies under load), and an ICMP port-unreachable surfaces
at once as :class:`SnmpUnreachable` instead of a timeout. Retries resend the same datagram after
``timeout`` seconds; a device's total wait is bounded by ``timeout * (retries + 1)`` per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agents.snmp import ber, usm
from agents.snmp.auth import Credentials

RCVBUF_BYTES = 1 << 20
MAX_OIDS_PER_GET = 60
DEFAULT_IN_FLIGHT = 2
"""Requests one device has outstanding at once (its walks beyond that wait their turn). WHY 2: a slow agent
(snmpsim, a busy switch CPU) answers a burst in series, so more parallel walks only queue at the device and
turn into timeouts and retransmissions (3-4 did); against snmpsim 2 gave a 0.86x shorter cycle than 1, against
snmpd the same (docs/performance.md)."""


class SnmpError(Exception):
    """A failed exchange; ``reason`` is the error label of yunwang_snmp_poll_errors_total."""

    reason = "error"


class SnmpTimeout(SnmpError):
    reason = "timeout"


class SnmpAuthError(SnmpError):
    reason = "auth"


class SnmpUnreachable(SnmpError):
    reason = "unreachable"


class SnmpMalformed(SnmpError):
    reason = "malformed"


class SnmpDeviceError(SnmpError):
    """The agent answered with a non-zero error-status (tooBig, genErr, …)."""

    reason = "error_status"


ERROR_STATUS = {1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genErr", 6: "noAccess"}


@dataclass
class Target:
    """One device to talk to: address, credentials and request tuning.

    ``timeout`` and ``retries`` apply to each request; ``in_flight`` bounds the requests outstanding at the
    device at once (walks of its tables run in parallel up to that many).
    """

    host: str
    port: int
    credentials: Credentials
    timeout: float = 2.0
    retries: int = 1
    max_repetitions: int = 25
    in_flight: int = DEFAULT_IN_FLIGHT

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def parse_address(text: str, default_port: int = 161) -> tuple[str, int]:
    """"HOST", "HOST:PORT", "[v6]:PORT" or a bare IPv6 address → (host, port); ValueError says what is wrong."""
    text = text.strip()
    port: str | None = None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError("expected [IPv6 address]:PORT")
            port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host = text
    if not host:
        raise ValueError("no host")
    if port is None:
        return host, default_port
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"port {port!r} is not a number from 1 to 65535")
    return host, int(port)


@dataclass
class EngineState:
    """What v3 discovery learnt about an authoritative engine, plus keys localized to it."""

    engine_id: bytes
    boots: int
    engine_time: int
    learnt_at: float
    keys: usm.UsmKeys
    verified: bool = False  # an authenticated response has been seen: the keys are right

    def now(self) -> int:
        return min(self.engine_time + int(time.monotonic() - self.learnt_at), 2147483647)


@dataclass
class Counters:
    pdus_sent: int = 0
    retransmits: int = 0
    responses: int = 0


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Callable[[bytes], None], on_error: Callable[[Exception], None]) -> None:
        self.on_datagram = on_datagram
        self.on_error = on_error

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.on_datagram(data)

    def error_received(self, exc: Exception) -> None:
        self.on_error(exc)


_request_ids = int.from_bytes(os.urandom(3), "big")


def _next_id() -> int:
    global _request_ids
    _request_ids = (_request_ids + 1) & 0x7FFFFFFF
    return _request_ids


@dataclass
class Session:
    """An open conversation with one device. Use ``async with open_session(target) as s``."""

    target: Target
    v3_cache: dict[tuple[str, int, bytes], EngineState] = field(default_factory=dict)
    counters: Counters = field(default_factory=Counters)
    _transport: asyncio.DatagramTransport | None = None
    # key → (reply future, its retransmission timer in a 1-slot list); the timer is cancelled right here on a
    # reply, which is cheaper than a done-callback per request.
    _pending: dict[int, tuple[asyncio.Future[bytes], list[asyncio.TimerHandle]]] = field(default_factory=dict)
    _discovery: asyncio.Future[EngineState] | None = None

    async def open(self) -> Session:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Protocol(self._on_datagram, self._on_error),
                remote_addr=(self.target.host, self.target.port))
        except (OSError, UnicodeError) as exc:
            raise SnmpUnreachable(f"{self.target.address}: {exc}") from None
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # capped by net.core.rmem_max; best effort
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
        self._transport = transport
        return self

    def close(self) -> None:
        if self._discovery is not None and not self._discovery.done():
            self._discovery.cancel()
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._fail_all(SnmpError("session closed"))

    async def __aenter__(self) -> Session:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ datagram plumbing

    def _on_datagram(self, data: bytes) -> None:
        try:
            key = self._message_key(data)
        except ber.BerError as exc:
            self._fail_all(SnmpMalformed(f"{self.target.address}: malformed response: {exc}"))
            return
        entry = self._pending.pop(key, None)
        if entry is not None:
            fut, timer = entry
            for handle in timer:
                handle.cancel()
            if not fut.done():
                self.counters.responses += 1
                fut.set_result(data)

    def _message_key(self, data: bytes) -> int:
        """request-id (v1/v2c) or msgID (v3), read without decoding the rest."""
        start, stop = ber.expect(data, 0, len(data), ber.SEQUENCE)
        version, p = ber.read_int(data, start, stop)
        if version == 3:
            g, gstop = ber.expect(data, p, stop, ber.SEQUENCE)
            return ber.read_int(data, g, gstop)[0]
        _, _, p = ber.read_octets(data, p, stop)
        _, pstart, pstop = ber.read_tlv(data, p, stop)
        return ber.read_int(data, pstart, pstop)[0]

    def _on_error(self, exc: Exception) -> None:
        if isinstance(exc, ConnectionRefusedError):
            self._fail_all(SnmpUnreachable(f"{self.target.address}: port unreachable (ICMP refused)"))
        else:
            self._fail_all(SnmpUnreachable(f"{self.target.address}: {exc}"))

    def _fail_all(self, exc: SnmpError) -> None:
        pending, self._pending = self._pending, {}
        for fut, timer in pending.values():
            for handle in timer:
                handle.cancel()
            if not fut.done():
                fut.set_exception(exc)

    def _exchange(self, key: int, message: bytes) -> asyncio.Future[bytes]:
        """Send ``message`` and resend it every ``timeout`` until a reply with ``key`` or retries run out."""
        if self._transport is None:
            raise SnmpError("session is not open")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[bytes] = loop.create_future()
        handle: list[asyncio.TimerHandle] = []
        self._pending[key] = (fut, handle)
        transport, target, counters = self._transport, self.target, self.counters
        left = [target.retries]

        def on_timeout() -> None:
            if fut.done():
                return
            if left[0] > 0 and not transport.is_closing():
                left[0] -= 1
                counters.retransmits += 1
                transport.sendto(message)
                handle[0] = loop.call_later(target.timeout, on_timeout)
                return
            self._pending.pop(key, None)
            fut.set_exception(SnmpTimeout(f"{target.address}: no response after {target.retries + 1} "
                                          f"attempt(s) of {target.timeout:g}s"))

        handle.append(loop.call_later(target.timeout, on_timeout))  # before sending: sendto may fail at once
        counters.pdus_sent += 1
        transport.sendto(message)
        return fut

    # ------------------------------------------------------------ requests

    async def request(self, pdu_tag: int, varbinds: bytes, non_repeaters: int = 0, max_repetitions: int = 0
                      ) -> ber.Pdu:
        creds = self.target.credentials
        if creds.version == "3":
            return await self._request_v3(pdu_tag, varbinds, non_repeaters, max_repetitions)
        rid = _next_id()
        message = ber.encode_v2c_message(creds.community, ber.encode_pdu(pdu_tag, rid, varbinds, non_repeaters,
                                                                          max_repetitions),
                                         0 if creds.version == "1" else 1)
        data = await self._exchange(rid, message)
        try:
            _, _, pdu = ber.decode_v2c_message(data)
        except ber.BerError as exc:
            raise SnmpMalformed(f"{self.target.address}: malformed response: {exc}") from None
        return pdu

    async def _discover_once(self) -> EngineState:
        """Parallel walks of one session share a single discovery exchange."""
        if self._discovery is None or self._discovery.done():
            self._discovery = asyncio.ensure_future(self._discover())
        return await asyncio.shield(self._discovery)

    async def _discover(self) -> EngineState:
        creds = self.target.credentials
        key = (self.target.host, self.target.port, creds.username)
        msg_id = _next_id()
        probe = usm.encode_v3_message(msg_id, usm.FLAG_REPORTABLE, b"", 0, 0, b"", usm.UsmKeys(None, b"", None, b""),
                                      b"", b"", ber.encode_pdu(ber.GET, _next_id(), b""))
        data = await self._exchange(msg_id, probe)
        try:
            msg = usm.decode_v3_message(data)
        except ber.BerError as exc:
            raise SnmpMalformed(f"{self.target.address}: malformed discovery response: {exc}") from None
        if not msg.engine_id:
            raise SnmpMalformed(f"{self.target.address}: discovery response carries no engine ID")
        try:
            keys = usm.localized_keys(creds.auth_protocol, creds.auth_password, creds.priv_protocol,
                                      creds.priv_password, msg.engine_id)
        except ValueError as exc:
            raise SnmpAuthError(f"{self.target.address}: {exc}") from None
        state = EngineState(msg.engine_id, msg.boots, msg.engine_time, time.monotonic(), keys)
        self.v3_cache[key] = state
        return state

    async def _request_v3(self, pdu_tag: int, varbinds: bytes, non_repeaters: int, max_repetitions: int
                          ) -> ber.Pdu:
        creds = self.target.credentials
        key = (self.target.host, self.target.port, creds.username)
        flags = usm.FLAG_REPORTABLE | (usm.FLAG_AUTH if creds.authenticated else 0) | (
            usm.FLAG_PRIV if creds.private else 0)
        for attempt in range(3):
            cached = self.v3_cache.get(key)
            state = cached or await self._discover_once()
            msg_id = _next_id()
            pdu = ber.encode_pdu(pdu_tag, msg_id, varbinds, non_repeaters, max_repetitions)
            message = usm.encode_v3_message(msg_id, flags, state.engine_id, state.boots, state.now(), creds.username,
                                            state.keys, state.engine_id, creds.context_name, pdu)
            try:
                data = await self._exchange(msg_id, message)
            except SnmpTimeout as exc:
                if creds.private and not state.verified:
                    # net-snmp drops what it cannot decrypt (only counting usmStatsDecryptionErrors).
                    raise SnmpAuthError(f"{exc}; the engine answered discovery but not the encrypted request: "
                                        "the privacy key or protocol is probably wrong") from None
                raise
            response = self._open_v3(data, state)
            if response.tag != ber.REPORT:
                return response
            report_oid = response.varbinds[0][0] if response.varbinds else b""
            # Rediscover when boots/time or the engine changed. A restarted agent with a new engine ID may also
            # answer keys localized to the old one with "unknown user name" or "wrong digest" (snmpsim does):
            # worth one fresh discovery when the engine came from the cache, never when it was just learnt.
            stale = report_oid in (usm.NOT_IN_TIME_WINDOW, usm.UNKNOWN_ENGINE_ID) or (
                cached is not None and report_oid in (usm.UNKNOWN_USER_NAME, usm.WRONG_DIGEST))
            if stale and attempt < 2:
                self.v3_cache.pop(key, None)
                continue
            reason = usm.USM_STATS.get(report_oid, f"report {ber.oid_text(report_oid)}")
            raise SnmpAuthError(f"{self.target.address}: SNMPv3 user {creds.username.decode(errors='replace')!r} "
                                f"rejected: {reason}")
        raise SnmpAuthError(f"{self.target.address}: SNMPv3 time synchronisation failed")

    def _open_v3(self, data: bytes, state: EngineState) -> ber.Pdu:
        """Verify, decrypt and decode a v3 response."""
        creds = self.target.credentials
        try:
            msg = usm.decode_v3_message(data)
            if msg.flags & usm.FLAG_AUTH:
                if not usm.verify(state.keys, data, msg):
                    raise SnmpAuthError(f"{self.target.address}: response failed authentication "
                                        "(wrong auth key or protocol)")
            elif creds.authenticated:
                # Only unauthenticated *reports* are acceptable (e.g. usmStatsWrongDigests).
                _, _, pdu = usm.decode_scoped_pdu(msg.data)
                if pdu.tag != ber.REPORT:
                    raise SnmpAuthError(f"{self.target.address}: unauthenticated response to an authenticated "
                                        "request")
                return pdu
            scoped = msg.data
            if msg.flags & usm.FLAG_PRIV:
                scoped = usm.decrypt(state.keys, msg.boots, msg.engine_time, msg.priv_params, msg.data)
            try:
                _, _, pdu = usm.decode_scoped_pdu(scoped)
            except ber.BerError:
                if msg.flags & usm.FLAG_PRIV:
                    raise SnmpAuthError(f"{self.target.address}: cannot decrypt the response "
                                        "(wrong privacy key or protocol)") from None
                raise
            if msg.flags & usm.FLAG_AUTH:
                state.boots, state.engine_time, state.learnt_at = msg.boots, msg.engine_time, time.monotonic()
                state.verified = True
            return pdu
        except ber.BerError as exc:
            raise SnmpMalformed(f"{self.target.address}: malformed response: {exc}") from None

    # ------------------------------------------------------------ operations

    async def get(self, oids: list[bytes]) -> list[ber.Varbind]:
        """GET ``oids`` (encoded bodies), 60 per PDU; exceptions (noSuchObject…) are returned as such."""
        out: list[ber.Varbind] = []
        for i in range(0, len(oids), MAX_OIDS_PER_GET):
            chunk = oids[i:i + MAX_OIDS_PER_GET]
            pdu = await self.request(ber.GET, b"".join(ber.encode_varbind(o) for o in chunk))
            if pdu.error_status == 2 and self.target.credentials.version == "1":
                continue  # v1 noSuchName: nothing there
            if pdu.error_status:
                raise SnmpDeviceError(f"{self.target.address}: GET failed with "
                                      f"{ERROR_STATUS.get(pdu.error_status, pdu.error_status)}")
            out.extend(pdu.varbinds)
        return out

    async def walk(self, root: bytes, sink: list[ber.Varbind] | None = None, max_repetitions: int | None = None
                   ) -> list[ber.Varbind]:
        """All varbinds under ``root``, appended to ``sink`` as they arrive (so a cancelled walk keeps them).

        GETBULK with ``max_repetitions`` (v2c/v3), GETNEXT when it is 0 or the device speaks v1.
        """
        out = [] if sink is None else sink
        reps = self.target.max_repetitions if max_repetitions is None else max_repetitions
        bulk = reps > 0 and self.target.credentials.version != "1"
        current = root
        current_arcs: tuple[int, ...] = ()
        while True:
            vb = ber.encode_varbind(current)
            pdu = await (self.request(ber.GET_BULK, vb, 0, reps) if bulk else self.request(ber.GET_NEXT, vb))
            if pdu.error_status:
                if pdu.error_status == 2:  # v1 end of MIB
                    return out
                if pdu.error_status == 1 and bulk and reps > 1:  # tooBig: ask for fewer rows per PDU
                    reps //= 2
                    continue
                raise SnmpDeviceError(f"{self.target.address}: walk of {ber.oid_text(root)} failed with "
                                      f"{ERROR_STATUS.get(pdu.error_status, pdu.error_status)}")
            varbinds = pdu.varbinds
            if not varbinds:
                return out
            last, last_tag, _ = varbinds[-1]
            if last_tag != ber.END_OF_MIB_VIEW and last.startswith(root) and len(last) > len(root):
                # The usual answer: still inside the subtree at its end, hence throughout (an agent answers in
                # increasing order, and after endOfMibView there is only endOfMibView).
                out.extend(varbinds)
            else:
                for oid, tag, value in varbinds:
                    if tag == ber.END_OF_MIB_VIEW or not oid.startswith(root) or len(oid) == len(root):
                        return out
                    out.append((oid, tag, value))
            last_arcs = ber.decode_oid(last)
            if last_arcs <= current_arcs:
                raise SnmpMalformed(f"{self.target.address}: OIDs not increasing at {ber.oid_text(last)}")
            current, current_arcs = last, last_arcs


def open_session(target: Target, v3_cache: dict[tuple[str, int, bytes], EngineState] | None = None) -> Session:
    return Session(target, {} if v3_cache is None else v3_cache)
