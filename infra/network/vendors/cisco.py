"""Cisco IOS / IOS XE: ISR and ASR routers, Catalyst switches."""

from __future__ import annotations

import re

from infra.network.family import ROUTERS, SWITCHES, Family, ModelLine
from yunwang.topology import Vendor

FAMILY = Family(
    vendor=Vendor.CISCO, name="Cisco IOS", template="cisco_ios.j2",
    lines=(ModelLine(re.compile(r"^(ISR|ASR|C8\d{3})"), ROUTERS, "ISR/ASR/Catalyst 8000 router"),
           ModelLine(re.compile(r"^(C9\d{3}|WS-C)"), SWITCHES, "Catalyst switch")),
    secret_patterns=(
        re.compile(r"(\bpassword [07] )(?!\[secret\])\S+", re.M),
        re.compile(r"(^snmp-server community )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bsecret \d )(?!\[secret\])\S+", re.M),
        re.compile(r"(^\s*key \d )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bkey-string \d )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bauthentication-key \d+ \S+ )(?!\[secret\])\S+", re.M),
        re.compile(r"(\b(?:auth (?:md5|sha|sha-2 \d+)|priv (?:aes \d+|3des|des)) )(?!\[secret\])\S+", re.M),
    ),
    words={"auth": {"MD5": "md5", "SHA": "sha", "SHA-224": "sha-2 256", "SHA-256": "sha-2 256",
                    "SHA-384": "sha-2 384", "SHA-512": "sha-2 512"},
           "priv": {"AES-128": "aes 128", "AES-192": "aes 192", "AES-256": "aes 256", "DES": "des"},
           "aaa": {"tacacs": "tacacs+", "radius": "radius"}},
)
