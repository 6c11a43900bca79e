"""ACL entries and firewall rules as address/protocol/port ranges: what covers what, and what stays opaque."""

from __future__ import annotations

from policies.devices.acl_syntax import ios_entry, vrp_rule
from policies.devices.matching import Match, network_range, shadowing


def _w(text: str) -> list[str]:
    """An entry's words as the readers hand them over."""
    return text.split(" ")


def test_masks_wildcards_and_prefixes_read_alike() -> None:
    first, last = 0x0A010000, 0x0A01FFFF  # 10.1.0.0/16
    assert network_range("10.1.0.0", "255.255.0.0", "mask") == (first, last)
    assert network_range("10.1.0.0", "0.0.255.255", "wildcard") == (first, last)
    assert network_range("10.1.0.0", "16") == (first, last)
    assert network_range("10.1.0.0", "0.0.255.255") == (first, last)  # VRP/Comware: the form tells
    assert network_range("10.1.0.5", "0") == (0x0A010005, 0x0A010005)
    assert network_range("10.1.0.0", "0.0.255.0", "wildcard") is None  # not one range
    assert network_range("10.1.0.256") is None and network_range("host") is None


def test_earlier_entry_covers_later_by_ranges() -> None:
    broad, _ = ios_entry(_w("tcp 10.0.0.0 0.0.255.255 any"), standard=False)
    narrow, _ = ios_entry(_w("tcp host 10.0.1.5 any eq 22"), standard=False)
    other_port, logged = ios_entry(_w("udp host 10.0.1.5 any eq 53 log"), standard=False)
    assert broad.covers(narrow) and not narrow.covers(broad)
    assert not broad.covers(other_port) and logged
    assert shadowing([broad, narrow, other_port]) == {1: 0}


def test_vrp_port_ranges_join_and_unknown_options_are_opaque() -> None:
    low, _ = vrp_rule(_w("tcp destination-port range 1 100"))
    high, _ = vrp_rule(_w("tcp destination-port range 101 200"))
    middle, _ = vrp_rule(_w("tcp destination-port range 50 150"))
    joined = Match(services=low.services + high.services)
    assert joined.covers(middle) and not low.covers(middle)
    timed, _ = vrp_rule(_w("tcp destination-port eq 80 time-range work"))
    assert timed.opaque and not Match().covers(timed)  # an option not understood never yields a finding
    assert vrp_rule(_w("ip"))[0].any_any and not vrp_rule(_w("ip source 10.0.0.0 0.255.255.255"))[0].any_any
