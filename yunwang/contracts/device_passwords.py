"""The stored forms of device passwords: what a rendered configuration holds and what a device checks a login with.

One definition shared by whatever renders ``local-user … irreversible-cipher``/``password hash``/``secret``
lines and by the simulated devices that must let that user log in afterwards, so a pushed configuration never
locks the tools out. Cisco IOS types 8 and 9 and the MD5-crypt of ``secret 5`` are the real algorithms; the
VRP (``$1a$…$``) and Comware (``$h$6$…``) one-way forms keep the vendors' prefixes around a PBKDF2-SHA256
digest (their own derivations are not public). Reversible forms (VRP ``%^%#…%^%#``, Comware ``$c$3$…``, IOS
type 7) hide a value from a casual reader only, as on the devices: they are not a protection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_CRYPT = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TO_CRYPT = str.maketrans(_STD, _CRYPT)
_PBKDF2_ROUNDS = 20000
_SCRYPT = {"n": 16384, "r": 1, "p": 1}


def _crypt64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=").translate(_TO_CRYPT)


def new_salt(length: int = 14) -> str:
    return "".join(secrets.choice(_CRYPT) for _ in range(length))


def ios_type8(password: str, salt: str | None = None) -> str:
    """``$8$`` + salt + ``$`` + PBKDF2-SHA256 (20,000 rounds), Cisco's base64 alphabet."""
    salt = salt or new_salt()
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS, 32)
    return f"$8${salt}${_crypt64(digest)}"


def ios_type9(password: str, salt: str | None = None) -> str:
    """``$9$`` + salt + ``$`` + scrypt (N=16384, r=1, p=1), Cisco's base64 alphabet."""
    salt = salt or new_salt()
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), dklen=32, **_SCRYPT)
    return f"$9${salt}${_crypt64(digest)}"


def md5_crypt(password: str, salt: str | None = None) -> str:
    """The ``$1$`` MD5-crypt of IOS/RGOS ``secret 5`` (FreeBSD's algorithm)."""
    salt = (salt or new_salt(8))[:8]
    pw, sb = password.encode(), salt.encode()
    alt = hashlib.md5(pw + sb + pw).digest()
    ctx = pw + b"$1$" + sb
    for left in range(len(pw), 0, -16):
        ctx += alt[:min(16, left)]
    n = len(pw)
    while n:
        ctx += b"\0" if n & 1 else pw[:1]
        n >>= 1
    final = hashlib.md5(ctx).digest()
    for i in range(1000):
        step = (pw if i & 1 else final) + (sb if i % 3 else b"") + (pw if i % 7 else b"") + (final if i & 1 else pw)
        final = hashlib.md5(step).digest()

    def to64(value: int, count: int) -> str:
        out = ""
        for _ in range(count):
            out += _CRYPT[value & 0x3F]
            value >>= 6
        return out
    f = final
    text = "".join(to64((f[a] << 16) | (f[b] << 8) | f[c], 4)
                   for a, b, c in ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5))) + to64(f[11], 2)
    return f"$1${salt}${text}"


def _pbkdf2_form(prefix: str, password: str, salt: str | None, closing: str) -> str:
    salt = salt or new_salt(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS, 32)
    return f"{prefix}{salt}${base64.b64encode(digest).decode()}{closing}"


def vrp_irreversible(password: str, salt: str | None = None) -> str:
    """VRP ``irreversible-cipher`` form: ``$1a$<salt>$<digest>$``."""
    return _pbkdf2_form("$1a$", password, salt, "$")


def comware_hash(password: str, salt: str | None = None) -> str:
    """Comware ``password hash`` form: ``$h$6$<salt>$<digest>``."""
    return _pbkdf2_form("$h$6$", password, salt, "")


_KEY = hashlib.sha256(b"yunwang reversible device cipher").digest()


def _xor(data: bytes) -> bytes:
    return bytes(b ^ _KEY[i % len(_KEY)] for i, b in enumerate(data))


def vrp_cipher(value: str) -> str:
    """VRP reversible ``cipher`` form ``%^%#…%^%#`` (deterministic: the same value always reads the same)."""
    return "%^%#" + base64.b64encode(_xor(value.encode())).decode() + "%^%#"


def comware_cipher(value: str) -> str:
    """Comware reversible ``cipher`` form ``$c$3$…``."""
    return "$c$3$" + base64.b64encode(_xor(value.encode())).decode()


_IOS7 = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def ios_type7(value: str, seed: int = 2) -> str:
    return f"{seed:02d}" + "".join(f"{ord(ch) ^ _IOS7[(seed + i) % len(_IOS7)]:02X}" for i, ch in enumerate(value))


def reveal(stored: str) -> str | None:
    """The clear text of a reversible form, or None when ``stored`` is not one."""
    try:
        if stored.startswith("%^%#") and stored.endswith("%^%#") and len(stored) >= 8:
            return _xor(base64.b64decode(stored[4:-4])).decode()
        if stored.startswith("$c$3$"):
            return _xor(base64.b64decode(stored[5:])).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def reveal_type7(stored: str) -> str | None:
    try:
        seed = int(stored[:2])
        pairs = [int(stored[i:i + 2], 16) for i in range(2, len(stored), 2)]
    except ValueError:
        return None
    return "".join(chr(b ^ _IOS7[(seed + i) % len(_IOS7)]) for i, b in enumerate(pairs))


def is_one_way(stored: str) -> bool:
    return stored.startswith(("$1a$", "$h$6$", "$8$", "$9$", "$1$"))


def verify(stored: str, password: str) -> bool:
    """Whether ``password`` matches a stored one-way form (any of the above)."""
    if stored.startswith("$1a$") and stored.endswith("$"):
        salt = stored[4:].split("$", 1)[0]
        candidate = vrp_irreversible(password, salt)
    elif stored.startswith("$h$6$"):
        candidate = comware_hash(password, stored[5:].split("$", 1)[0])
    elif stored.startswith("$8$"):
        candidate = ios_type8(password, stored[3:].split("$", 1)[0])
    elif stored.startswith("$9$"):
        candidate = ios_type9(password, stored[3:].split("$", 1)[0])
    elif stored.startswith("$1$"):
        candidate = md5_crypt(password, stored[3:].split("$", 1)[0])
    else:
        return False
    return hmac.compare_digest(candidate, stored)
