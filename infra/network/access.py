"""Which devices the net commands reach and how: addresses, the login account, trusted host keys, a transport.

Addresses are the devices' management addresses on port 22, or the entries of an endpoints file
(``--endpoints``, ``{device: "HOST:PORT"}`` as ``yunwang sim`` writes it for simulated devices). The login
account is the MLPS system administrator (its name from the topology, its password from
``YUNWANG_DEVICE_SYSTEM_PASSWORD`` or ``…_FILE``). Host keys are checked against a known_hosts file; with
``trust_simulator`` the simulator's own key (``ssh_host_ed25519_key`` beside the endpoints file) is trusted for
exactly the endpoints in that file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from infra.network.transport import (
    Credentials,
    HostKeys,
    Target,
    Timeouts,
    Transport,
    TransportKind,
)
from yunwang.contracts.device_access import DEFAULT_ADMIN_NAMES, LOGIN_ROLE, SSH_PORT, password_env
from yunwang.errors import InputError, Problem
from yunwang.secrets import require_secret
from yunwang.topology import Device, Topology

SIM_HOST_KEY_FILE = "ssh_host_ed25519_key"


@dataclass(frozen=True)
class Access:
    """Everything needed to open a session with any selected device."""

    targets: dict[str, Target]
    credentials: Credentials
    host_keys: HostKeys
    timeouts: Timeouts
    kind: TransportKind = "asyncssh"

    def open(self, device: str) -> Transport:
        return open_transport(self.kind, self.targets[device], self.credentials, self.host_keys, self.timeouts)


def open_transport(kind: TransportKind, target: Target, credentials: Credentials, host_keys: HostKeys,
                   timeouts: Timeouts) -> Transport:
    if kind == "netmiko":
        from infra.network.transports.netmiko_transport import NetmikoTransport
        return NetmikoTransport(target, credentials, host_keys, timeouts)
    from infra.network.transports.asyncssh_transport import AsyncsshTransport
    return AsyncsshTransport(target, credentials, host_keys, timeouts)


def parse_endpoint(value: str, file: Path, device: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError([Problem(str(file), None, device, value, "not a HOST:PORT endpoint",
                                  'write it as "127.0.0.1:12200"')])
    return host, int(port)


def login_credentials(topo: Topology) -> Credentials:
    """The system administrator's name (topology) and password (environment or file, never an argument)."""
    names = topo.device_management.admins if topo.device_management is not None else {}
    name = names.get(LOGIN_ROLE, DEFAULT_ADMIN_NAMES[LOGIN_ROLE])
    return Credentials(name, require_secret(password_env(LOGIN_ROLE), "password for the devices' system administrator"))


def targets_for(devices: Sequence[Device], endpoints: dict[str, str] | None, endpoints_file: Path | None) -> dict[
        str, Target]:
    out: dict[str, Target] = {}
    missing = []
    for device in devices:
        if endpoints is not None:
            value = endpoints.get(device.name)
            if value is None:
                missing.append(device.name)
                continue
            assert endpoints_file is not None
            host, port = parse_endpoint(value, endpoints_file, device.name)
        else:
            host, port = str(device.mgmt), SSH_PORT
        out[device.name] = Target(device.name, device.vendor, host, port)
    if missing:
        raise InputError([Problem(str(endpoints_file), None, "", name, "device has no endpoint in this file",
                                  "use the endpoints file of the same stack (yunwang sim --stack …)")
                          for name in missing])
    return out


def simulator_host_keys(endpoints_file: Path, targets: Sequence[Target]) -> HostKeys:
    """Trust the simulator's key, read from its state folder, for exactly the simulated endpoints."""
    import asyncssh

    key_file = endpoints_file.parent / SIM_HOST_KEY_FILE
    try:
        key = asyncssh.read_private_key(str(key_file))
    except (OSError, asyncssh.KeyImportError) as exc:
        raise InputError([Problem(str(key_file), None, "", "", f"cannot read the simulator's host key: {exc}",
                                  "start `yunwang sim` (it writes the key beside the endpoints file)")]) from None
    public = key.export_public_key().decode("ascii").strip()
    return HostKeys.trusting(public, [(t.host, t.port) for t in targets])


def build_access(topo: Topology, devices: Sequence[Device], *, endpoints_file: Path | None = None,
                 known_hosts: Path | None = None, trust_simulator: bool = False, kind: TransportKind = "asyncssh",
                 timeouts: Timeouts | None = None) -> Access:
    from yunwang.inventory import load_endpoints

    endpoints = load_endpoints(endpoints_file) if endpoints_file is not None else None
    targets = targets_for(devices, endpoints, endpoints_file)
    if trust_simulator:
        if endpoints_file is None:
            raise InputError([Problem("--trust-simulator", None, "", "", "the simulator's key is trusted only for "
                                      "simulated devices", "give their endpoints file with --endpoints")])
        host_keys = simulator_host_keys(endpoints_file, list(targets.values()))
    elif known_hosts is not None:
        if not known_hosts.is_file():
            raise InputError([Problem(str(known_hosts), None, "", "", "known_hosts file not found",
                                      "point --known-hosts at an OpenSSH known_hosts file")])
        host_keys = HostKeys(known_hosts)
    else:
        host_keys = HostKeys.default()
    return Access(targets, login_credentials(topo), host_keys, timeouts or Timeouts(), kind)
