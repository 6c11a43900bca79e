"""H3C Comware 7 switches (global commands one space in, between ``#`` separators, as Comware prints them)."""

from __future__ import annotations

import re

from infra.network.family import SWITCHES, Family, ModelLine
from infra.network.secrets import keyword_patterns
from yunwang.topology import Vendor

FAMILY = Family(
    vendor=Vendor.H3C, name="H3C Comware 7", template="h3c_comware.j2",
    lines=(ModelLine(re.compile(r"^S\d"), SWITCHES, "S-series switch"),),
    secret_patterns=(
        re.compile(r"(\bpassword simple )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bsnmp-agent community (?:read|write) (?:simple )?)(?!cipher\b|simple\b|\[secret\])\S+",
                   re.M),
        *keyword_patterns("hash"),
        # `usm-user v3 … cipher authentication-mode sha256 <key>`: there the keyword names the form, not a value.
        re.compile(r"(\bcipher )(?!authentication-mode\b|\[secret\])\S+", re.M),
        re.compile(r"(\b(?:authentication|privacy)-mode \S+ )(?!cipher\b|simple\b|\[secret\])\S+", re.M),
    ),
    words={"auth": {"MD5": "md5", "SHA": "sha", "SHA-224": "sha224", "SHA-256": "sha256", "SHA-384": "sha384",
                    "SHA-512": "sha512"},
           "priv": {"AES-128": "aes128", "AES-192": "aes192", "AES-256": "aes256", "DES": "des56"},
           "roles": {"system": "network-admin", "security": "level-10", "audit": "security-audit"},
           "vendor_view": "1.3.6.1.4.1.25506"},
)
