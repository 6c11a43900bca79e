"""Huawei VRP: S-series switches, USG firewalls (``security-policy``), AR and NE routers."""

from __future__ import annotations

import re

from infra.network.family import FIREWALLS, ROUTERS, SWITCHES, Family, ModelLine
from infra.network.secrets import keyword_patterns
from yunwang.topology import Vendor

FAMILY = Family(
    vendor=Vendor.HUAWEI, name="Huawei VRP", template="huawei_vrp.j2",
    lines=(ModelLine(re.compile(r"^S\d"), SWITCHES, "S-series switch"),
           ModelLine(re.compile(r"^USG"), FIREWALLS, "USG firewall"),
           ModelLine(re.compile(r"^(AR|NE)\d"), ROUTERS, "AR/NE router")),
    secret_patterns=(
        # factory and hand-made forms a running configuration may hold: clear passwords and SNMP communities
        re.compile(r"(\bpassword simple )(?!\[secret\])\S+", re.M),
        re.compile(r"(\bsnmp-agent community (?:read|write) )(?!cipher\b|\[secret\])\S+", re.M),
        *keyword_patterns("irreversible-cipher"),
        # `ssh server cipher aes256_ctr …` lists algorithms; every other `cipher` is followed by a stored secret.
        re.compile(r"(?<!ssh server )(?<!ssh client )(\bcipher )(?!\[secret\])\S+", re.M),
    ),
    words={"auth": {"MD5": "md5", "SHA": "sha", "SHA-224": "sha2-224", "SHA-256": "sha2-256",
                    "SHA-384": "sha2-384", "SHA-512": "sha2-512"},
           "priv": {"AES-128": "aes128", "AES-192": "aes192", "AES-256": "aes256", "DES": "des56"},
           "aaa": {"tacacs": "hwtacacs", "radius": "radius"},
           "vendor_view": "1.3.6.1.4.1.2011"},
)
