"""Ruijie RGOS switches (IOS-like; interface names carry a space: ``GigabitEthernet 0/1``)."""

from __future__ import annotations

import re

from infra.network.family import SWITCHES, Family, ModelLine
from yunwang.topology import Vendor

FAMILY = Family(
    vendor=Vendor.RUIJIE, name="Ruijie RGOS", template="ruijie_rgos.j2",
    lines=(ModelLine(re.compile(r"^RG-S\d"), SWITCHES, "RG-S switch"),),
    secret_patterns=(
        re.compile(r"(\bpassword [07] )(?!\[secret\])\S+", re.M),
        re.compile(r"(^snmp-server community )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bsecret \d )(?!\[secret\])\S+", re.M),
        re.compile(r"((?<!-)\bkey \d )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bauthentication-key \d+ \S+ )(?!\[secret\])\S+", re.M),
        re.compile(r"(\b(?:auth (?:md5|sha\d*)|priv (?:aes\d+|des\d*)) )(?!\[secret\])\S+", re.M),
    ),
    words={"auth": {"MD5": "md5", "SHA": "sha", "SHA-224": "sha224", "SHA-256": "sha256", "SHA-384": "sha384",
                    "SHA-512": "sha512"},
           "priv": {"AES-128": "aes128", "AES-192": "aes192", "AES-256": "aes256", "DES": "des56"},
           "aaa": {"tacacs": "tacacs+", "radius": "radius"}},
)
