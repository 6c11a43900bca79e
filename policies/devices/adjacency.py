"""How strongly a routing or gateway-redundancy protocol authenticates, from the algorithm word a vendor writes.

Every vendor names the same few schemes differently (`message-digest`, `md5`, `hmac-md5`, `simple`, `text`,
`cipher`, `hmac-sha256`, `hmac-sha-256`, `sha-256`, `keychain`); the rules compare one scale: none < plain (the
key travels in the packet) < md5 (keyed MD5, forgeable with today's hardware) < strong (SHA-2 HMAC, TCP-AO).
"""

from __future__ import annotations

from policies.devices.model import AuthStrength

_ORDER: tuple[AuthStrength, ...] = ("none", "plain", "md5", "strong")


def auth_strength(word: str) -> AuthStrength:
    """The strength an algorithm or mode word stands for (unknown words count as keyed MD5, the common default)."""
    lowered = word.lower().replace("_", "-")
    if lowered in ("null", "none"):
        return "none"
    if lowered in ("simple", "text", "plain", "cleartext"):
        return "plain"
    if "sha" in lowered and "sha-1" not in lowered and lowered not in ("sha", "sha1", "hmac-sha1", "hmac-sha-1"):
        return "strong"
    return "md5"


def weakest(strengths: list[AuthStrength]) -> AuthStrength:
    """The weakest of several (none when there are none)."""
    return min(strengths, key=_ORDER.index) if strengths else "none"
