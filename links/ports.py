"""Port identity: one canonical form for the many ways vendors spell an interface name.

Huawei VRP reports ``GigabitEthernet0/0/1`` (short ``GE0/0/1``) and ``XGigabitEthernet0/0/1`` for 10GE; H3C
Comware ``Ten-GigabitEthernet1/0/1`` (short ``XGE1/0/1``); Cisco IOS advertises the short ``Gi0/0/0`` as its
LLDP port id and ``GigabitEthernet0/0/0`` as ifDescr; Ruijie RGOS writes ``GigabitEthernet 0/1`` with a space
and ``Gi0/1`` as ifName. All of them name the same thing: a speed family and a slot/port number. Comparing
the canonical forms (``GE0/0/1``, ``10GE1/0/1``) matches them; :func:`spelling_note` says in words why two
different strings were taken for the same port. The names a declared port *should* have come from
``yunwang.hardware`` (one definition of each model's port names).
"""

from __future__ import annotations

import re
from functools import lru_cache

FAMILIES: dict[str, tuple[str, ...]] = {
    "100GE": ("hundredgigabitethernet", "hundredgige", "100ge", "hge", "hu"),
    "40GE": ("fortygigabitethernet", "fortygige", "40ge", "fge", "fo"),
    "25GE": ("twentyfivegigabitethernet", "twenty-fivegige", "twentyfivegige", "25ge", "wge", "twe"),
    "10GE": ("ten-gigabitethernet", "tengigabitethernet", "xgigabitethernet", "tengige", "xge", "tge", "te"),
    "GE": ("gigabitethernet", "gige", "gig", "ge", "gi"),
    "FE": ("fastethernet", "fa", "fe"),
    "ETH": ("ethernet", "eth", "et"),
    "LAG": ("eth-trunk", "port-channel", "bridge-aggregation", "aggregateport", "bagg", "po", "ag"),
    "VLAN": ("vlan-interface", "vlanif", "vlan", "vl"),
    "INLOOP": ("inloopback",),
    "LO": ("loopback", "lo"),
    "MGMT": ("m-gigabitethernet", "meth", "mgmteth", "mgmt", "mge"),
    "NULL": ("null",),
}
"""Canonical family → every spelling of its type prefix (lower case, spaces removed)."""

_ALIASES: dict[str, str] = {alias: family for family, aliases in FAMILIES.items() for alias in aliases}
_SPLIT = re.compile(r"^(\d*[a-z][a-z\-]*?)(\d[\d/:.\-]*)$")
_NOISE = re.compile(r"\s+|interface$")


@lru_cache(maxsize=1 << 16)  # a city repeats the same few hundred port names thousands of times
def canonical(name: str) -> str:
    """The canonical form of an interface name (``Gi0/1`` and ``GigabitEthernet 0/1`` → ``GE0/1``).

    A name that is not *type + number* (a MAC address, a free-text description) comes back lower-cased with
    spaces removed, so two spellings of it still compare equal and nothing else does.
    """
    text = _NOISE.sub("", name.strip().lower())
    match = _SPLIT.match(text)
    if match is None:
        return text
    prefix, number = match.groups()
    family = _ALIASES.get(prefix)
    return f"{family}{number}" if family else f"{prefix}{number}"


def same_port(a: str, b: str) -> bool:
    return bool(a) and bool(b) and canonical(a) == canonical(b)


def spelling_note(reported: str, known: str) -> str:
    """Why ``reported`` was taken for ``known`` (empty when they are spelt the same)."""
    if reported == known:
        return ""
    if reported.replace(" ", "").lower() == known.replace(" ", "").lower():
        return f"'{reported}' is {known} spelt with other spacing or case"
    if len(reported) < len(known):
        return f"'{reported}' is the short form of {known}"
    return f"'{reported}' is another spelling of {known}"


def mac_text(value: str) -> str:
    """A MAC address in one form (``00e0fc112233``) whatever its separators or case; '' when it is none."""
    digits = re.sub(r"[^0-9a-f]", "", value.lower().removeprefix("0x"))
    return digits if len(digits) == 12 else ""
