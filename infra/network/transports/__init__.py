"""Implementations of :class:`infra.network.transport.Transport`: asyncssh (default) and netmiko."""
