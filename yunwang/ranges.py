"""Address ranges a caller-named target must lie in: what keeps a scrape or a discovery target from pointing at
whatever an attacker names (a cloud metadata address, another network, a host name that resolves anywhere)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_host(host: str) -> Address | None:
    """``host`` (brackets allowed) as an IP address, or None when it is a name or malformed."""
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class AddressRanges:
    """A set of networks; an IP address is admitted when it lies in one of them, a name never is."""

    def __init__(self, networks: Iterable[Network | str] = ()):
        self.networks: tuple[Network, ...] = tuple(
            n if isinstance(n, ipaddress.IPv4Network | ipaddress.IPv6Network) else ipaddress.ip_network(n, strict=False)
            for n in networks)

    def __add__(self, other: AddressRanges) -> AddressRanges:
        return AddressRanges((*self.networks, *other.networks))

    def admits(self, host: str) -> bool:
        address = parse_host(host)
        return address is not None and any(address in net for net in self.networks)

    def describe(self, limit: int = 6) -> str:
        shown = ", ".join(map(str, self.networks[:limit]))
        return shown + (f" and {len(self.networks) - limit} more" if len(self.networks) > limit else "")
