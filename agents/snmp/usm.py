"""SNMPv3 User-based Security Model: key localization, HMAC authentication, AES/DES privacy.

RFC 3414 (USM, password-to-key, HMAC-MD5/SHA-96), RFC 7860 (HMAC-SHA-2), RFC 3826 (AES-CFB128) and
draft-blumenthal-aes-usm (key extension for AES-192/256 with short hashes, as net-snmp and gosnmp's
"AES256" do). Hashing goes through hashlib/hmac (OpenSSL) and ciphers through ``cryptography``; one message
costs a few microseconds, where pysnmp's generic machinery costs far more.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from agents.snmp import ber

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

# auth protocol → (hashlib name, digest bytes carried in msgAuthenticationParameters)
AUTH_ALGORITHMS: dict[str, tuple[str, int]] = {
    "MD5": ("md5", 12), "SHA": ("sha1", 12), "SHA-224": ("sha224", 16), "SHA-256": ("sha256", 24),
    "SHA-384": ("sha384", 32), "SHA-512": ("sha512", 48),
}
PRIV_KEY_BYTES: dict[str, int] = {"DES": 16, "AES-128": 16, "AES-192": 24, "AES-256": 32}

FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE = 0x01, 0x02, 0x04
MAX_MESSAGE_SIZE = 65507

# usmStats report OIDs (1.3.6.1.6.3.15.1.1.N.0) → reason text.
USM_STATS = {
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.1.0"): "unsupported security level",
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.2.0"): "not in time window",
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.3.0"): "unknown user name",
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.4.0"): "unknown engine ID",
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.5.0"): "wrong digest (authentication key mismatch)",
    ber.oid_from_text("1.3.6.1.6.3.15.1.1.6.0"): "decryption error (privacy key mismatch)",
}
NOT_IN_TIME_WINDOW = ber.oid_from_text("1.3.6.1.6.3.15.1.1.2.0")
UNKNOWN_ENGINE_ID = ber.oid_from_text("1.3.6.1.6.3.15.1.1.4.0")
UNKNOWN_USER_NAME = ber.oid_from_text("1.3.6.1.6.3.15.1.1.3.0")
WRONG_DIGEST = ber.oid_from_text("1.3.6.1.6.3.15.1.1.5.0")


@lru_cache(maxsize=256)
def password_to_key(password: bytes, auth_protocol: str) -> bytes:
    """Ku: the hash of the password repeated to 1 MiB (RFC 3414 A.2). Cached: it costs ~2 ms."""
    if not password:
        raise ValueError("empty SNMPv3 password")
    name = AUTH_ALGORITHMS[auth_protocol][0]
    stretched = (password * (1048576 // len(password) + 1))[:1048576]
    return hashlib.new(name, stretched).digest()


@lru_cache(maxsize=4096)
def localize_key(password: bytes, auth_protocol: str, engine_id: bytes) -> bytes:
    """Kul = H(Ku || engineID || Ku)."""
    name = AUTH_ALGORITHMS[auth_protocol][0]
    ku = password_to_key(password, auth_protocol)
    return hashlib.new(name, ku + engine_id + ku).digest()


def extend_key(kul: bytes, size: int, auth_protocol: str) -> bytes:
    """Blumenthal key extension: append H(key so far) until ``size`` bytes are there."""
    name = AUTH_ALGORITHMS[auth_protocol][0]
    key = kul
    while len(key) < size:
        key += hashlib.new(name, key).digest()
    return key[:size]


@dataclass(frozen=True, repr=False)
class UsmKeys:
    """Localized keys for one (user, engine). Redacted ``repr``."""

    auth_protocol: str | None
    auth_key: bytes
    priv_protocol: str | None
    priv_key: bytes

    def __repr__(self) -> str:
        return f"UsmKeys(auth={self.auth_protocol}, priv={self.priv_protocol}, keys=<redacted>)"

    @property
    def digest_size(self) -> int:
        return AUTH_ALGORITHMS[self.auth_protocol][1] if self.auth_protocol else 0

    def sign(self, message: bytes) -> bytes:
        assert self.auth_protocol is not None
        name, size = AUTH_ALGORITHMS[self.auth_protocol]
        return hmac.digest(self.auth_key, message, name)[:size]


def localized_keys(auth_protocol: str | None, auth_password: bytes, priv_protocol: str | None,
                   priv_password: bytes, engine_id: bytes) -> UsmKeys:
    if auth_protocol is None:
        return UsmKeys(None, b"", None, b"")
    auth_key = localize_key(auth_password, auth_protocol, engine_id)
    priv_key = b""
    if priv_protocol is not None:
        kul = localize_key(priv_password, auth_protocol, engine_id)
        priv_key = extend_key(kul, PRIV_KEY_BYTES[priv_protocol], auth_protocol)
    return UsmKeys(auth_protocol, auth_key, priv_protocol, priv_key)


def _des_cipher(key: bytes, iv: bytes) -> Cipher[modes.CBC]:
    """CBC-DES (RFC 3414 privacy): TripleDES with three equal keys is single DES, and cryptography no longer
    offers plain DES."""
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:  # older cryptography
        from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES  # type: ignore[attr-defined,no-redef]
    return Cipher(TripleDES(key[:8] * 3), modes.CBC(iv))


class AesCfb:
    """AES-CFB128 on one reusable ECB context per key.

    ``cryptography`` costs ~50 µs to set up a cipher context (ABC checks), more than the message itself.
    CFB decryption needs E(IV), E(C0), … E(Cn-2): one ECB call over IV‖ciphertext and one XOR. Encryption is
    sequential, but requests are a few blocks long.
    """

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()

    def encrypt(self, iv: bytes, plaintext: bytes) -> bytes:
        out = bytearray()
        prev = iv
        ecb = self._ecb
        for i in range(0, len(plaintext), 16):
            chunk = plaintext[i:i + 16]
            prev = _xor(chunk, ecb.update(prev)[:len(chunk)])
            out += prev
        return bytes(out)

    def decrypt(self, iv: bytes, ciphertext: bytes) -> bytes:
        n = len(ciphertext)
        if not n:
            return b""
        blocks = (n + 15) // 16
        stream = self._ecb.update((iv + ciphertext)[: blocks * 16])
        return _xor(ciphertext, stream[:n])


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


_aes: dict[bytes, AesCfb] = {}


def _aes_for(key: bytes) -> AesCfb:
    found = _aes.get(key)
    if found is None:
        if len(_aes) > 4096:
            _aes.clear()
        found = _aes[key] = AesCfb(key)
    return found


_salt = int.from_bytes(os.urandom(8), "big")


def _next_salt() -> int:
    global _salt
    _salt = (_salt + 1) & 0xFFFFFFFFFFFFFFFF
    return _salt


def encrypt(keys: UsmKeys, boots: int, engine_time: int, plaintext: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, msgPrivacyParameters)."""
    if keys.priv_protocol == "DES":
        salt = boots.to_bytes(4, "big") + (_next_salt() & 0xFFFFFFFF).to_bytes(4, "big")
        iv = bytes(a ^ b for a, b in zip(keys.priv_key[8:16], salt, strict=True))
        padded = plaintext + b"\0" * (-len(plaintext) % 8)
        enc = _des_cipher(keys.priv_key, iv).encryptor()
        return enc.update(padded) + enc.finalize(), salt
    salt = _next_salt().to_bytes(8, "big")
    iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
    return _aes_for(keys.priv_key).encrypt(iv, plaintext), salt


def decrypt(keys: UsmKeys, boots: int, engine_time: int, salt: bytes, ciphertext: bytes) -> bytes:
    if len(salt) != 8:
        raise ber.BerError(f"privacy parameters must be 8 bytes, got {len(salt)}")
    if keys.priv_protocol == "DES":
        iv = bytes(a ^ b for a, b in zip(keys.priv_key[8:16], salt, strict=True))
        dec = _des_cipher(keys.priv_key, iv).decryptor()
        return dec.update(ciphertext[: len(ciphertext) - len(ciphertext) % 8]) + dec.finalize()
    iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
    return _aes_for(keys.priv_key).decrypt(iv, ciphertext)


@lru_cache(maxsize=4096)
def _fixed_parts(flags: int, engine_id: bytes, user: bytes, digest_size: int, context_engine_id: bytes,
                 context_name: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """The parts of a request that stay the same for one user at one engine, encoded once: the header after
    msgID, msgAuthoritativeEngineID, the user name with the zeroed digest, the ScopedPDU's context."""
    T, OS = ber.tlv, ber.OCTET_STRING
    header_tail = ber.encode_integer(MAX_MESSAGE_SIZE) + T(OS, bytes((flags,))) + ber.encode_integer(3)
    return (header_tail, T(OS, engine_id), T(OS, user) + T(OS, b"\0" * digest_size),
            T(OS, context_engine_id) + T(OS, context_name))


VERSION_3 = ber.encode_integer(3)


def encode_v3_message(msg_id: int, flags: int, engine_id: bytes, boots: int, engine_time: int, user: bytes,
                      keys: UsmKeys, context_engine_id: bytes, context_name: bytes, pdu: bytes) -> bytes:
    """A complete, signed and (with FLAG_PRIV) encrypted SNMPv3 message."""
    T, S, OS = ber.tlv, ber.SEQUENCE, ber.OCTET_STRING
    digest_size = keys.digest_size if flags & FLAG_AUTH else 0
    header_tail, engine, user_and_digest, context = _fixed_parts(flags, engine_id, user, digest_size,
                                                                 context_engine_id, context_name)
    scoped = T(S, context + pdu)
    if flags & FLAG_PRIV:
        ciphertext, priv_params = encrypt(keys, boots, engine_time, scoped)
        msg_data = T(OS, ciphertext)
    else:
        priv_params, msg_data = b"", scoped
    before_user = engine + ber.encode_integer(boots) + ber.encode_integer(engine_time)
    usm_inner = before_user + user_and_digest + T(OS, priv_params)
    usm_seq = T(S, usm_inner)
    sec_params = T(OS, usm_seq)
    head = VERSION_3 + T(S, ber.encode_integer(msg_id) + header_tail)
    body = head + sec_params + msg_data
    message = T(S, body)
    if not digest_size:
        return message
    # the digest's place: every enclosing header, what precedes it in the USM sequence, its own 2-byte header
    offset = (len(message) - len(body) + len(head) + len(sec_params) - len(usm_inner)
              + len(before_user) + len(user_and_digest) - digest_size)
    return message[:offset] + keys.sign(message) + message[offset + digest_size:]


@dataclass
class V3Message:
    """The parts of a received SNMPv3 message the engine needs."""

    msg_id: int
    flags: int
    engine_id: bytes
    boots: int
    engine_time: int
    user: bytes
    auth_params: bytes
    auth_offset: int
    priv_params: bytes
    data: bytes  # ScopedPDU BER, or the ciphertext when FLAG_PRIV


def decode_v3_message(buf: bytes) -> V3Message:
    """Split a v3 datagram; raises BerError on anything malformed."""
    end = len(buf)
    start, stop = ber.expect(buf, 0, end, ber.SEQUENCE)
    version, p = ber.read_int(buf, start, stop)
    if version != 3:
        raise ber.BerError(f"expected SNMPv3, got version {version}")
    gstart, gstop = ber.expect(buf, p, stop, ber.SEQUENCE)
    msg_id, q = ber.read_int(buf, gstart, gstop)
    _max_size, q = ber.read_int(buf, q, gstop)
    flags_raw, _, q = ber.read_octets(buf, q, gstop)
    model, q = ber.read_int(buf, q, gstop)
    if model != 3 or len(flags_raw) != 1:
        raise ber.BerError(f"unsupported security model {model}")
    _, sp_start, p = ber.read_octets(buf, gstop, stop)
    ustart, ustop = ber.expect(buf, sp_start, p, ber.SEQUENCE)
    engine_id, _, q = ber.read_octets(buf, ustart, ustop)
    boots, q = ber.read_int(buf, q, ustop)
    engine_time, q = ber.read_int(buf, q, ustop)
    user, _, q = ber.read_octets(buf, q, ustop)
    auth_params, auth_offset, q = ber.read_octets(buf, q, ustop)
    priv_params, _, q = ber.read_octets(buf, q, ustop)
    flags = flags_raw[0]
    if flags & FLAG_PRIV:
        data, _, _ = ber.read_octets(buf, p, stop)
    else:
        data = buf[p:stop]
    return V3Message(msg_id, flags, engine_id, boots, engine_time, user, auth_params, auth_offset,
                     priv_params, data)


def verify(keys: UsmKeys, buf: bytes, msg: V3Message) -> bool:
    n = len(msg.auth_params)
    if n != keys.digest_size:
        return False
    zeroed = buf[:msg.auth_offset] + b"\0" * n + buf[msg.auth_offset + n:]
    return hmac.compare_digest(keys.sign(zeroed), msg.auth_params)


def decode_scoped_pdu(data: bytes) -> tuple[bytes, bytes, ber.Pdu]:
    """(contextEngineID, contextName, pdu) of a plaintext ScopedPDU."""
    start, stop = ber.expect(data, 0, len(data), ber.SEQUENCE)
    ctx_engine, _, p = ber.read_octets(data, start, stop)
    ctx_name, _, p = ber.read_octets(data, p, stop)
    return ctx_engine, ctx_name, ber.decode_pdu(data, p, stop)
