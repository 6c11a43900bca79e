"""The insecure factory configuration a simulated device starts from, typed through its own CLI.

What a device looks like after commissioning and before anyone hardened it: its name, every port up in VLAN 1,
Telnet and HTTP on, SSHv1 compatibility, SNMPv2c community ``public``, a local ``admin`` with a simple password,
no lockout, no idle timeout, no syslog or NTP, LLDP as the vendor ships it — plus the system administrator
account the device tools log in with. Typing it through the dialect's own grammar keeps it parseable by the
same device: what ``display current-configuration`` shows can be typed back.
"""

from __future__ import annotations

from collections.abc import Callable

from agents.sim.ssh.accounts import LoginAccount
from yunwang.contracts import device_passwords as pw
from yunwang.hardware import port_name
from yunwang.topology import Device, DeviceRole

SWITCH_ROLES = frozenset({DeviceRole.ACCESS, DeviceRole.AGGREGATION, DeviceRole.CORE})
FactoryConfig = Callable[[Device, LoginAccount], list[str]]


def _ports(device: Device) -> list[str]:
    return [port_name(device, i) for i in range(1, device.interfaces + 1)]


def vrp(device: Device, account: LoginAccount) -> list[str]:
    switch = device.role in SWITCH_ROLES
    firewall = device.role == DeviceRole.FIREWALL
    out = [f"sysname {device.name}", "telnet server enable", "http server enable", "stelnet server enable",
           "ssh server compatible-ssh1x enable", "info-center timestamp log boot", "snmp-agent",
           "snmp-agent community read public", "snmp-agent sys-info version all"]
    if switch:
        out.append("lldp enable")
    out += ["aaa", "authentication-scheme default", "quit", "authorization-scheme default", "quit",
            "accounting-scheme default", "quit", "domain default", "quit", "domain default_admin", "quit",
            "local-user admin password simple Admin@123", "local-user admin privilege level 15",
            "local-user admin service-type telnet terminal ssh http",
            f"local-user {account.name} password irreversible-cipher {pw.vrp_irreversible(account.password)}",
            f"local-user {account.name} privilege level 15", f"local-user {account.name} service-type terminal ssh",
            "quit"]
    if switch:
        out += ["interface Vlanif1", f"ip address {device.mgmt} 255.255.255.0", "quit"]
    else:
        out += ["interface LoopBack0", f"ip address {device.mgmt} 255.255.255.255", "quit"]
    for port in [*_ports(device), "NULL0"]:
        out += [f"interface {port}", "quit"]
    if firewall:
        for zone, priority in (("local", 100), ("trust", 85), ("untrust", 5), ("dmz", 50)):
            out += [f"firewall zone {zone}", f"set priority {priority}", "quit"]
        out += ["security-policy", "default action permit", "quit"]
    out += ["user-interface con 0", "authentication-mode password", "set authentication password cipher Admin@123",
            "quit", "user-interface vty 0 4", "authentication-mode aaa", "user privilege level 15", "idle-timeout 0 0",
            "protocol inbound all", "quit"]
    return out


def comware(device: Device, account: LoginAccount) -> list[str]:
    out = [f"sysname {device.name}", "telnet server enable", "ip http enable", "ssh server enable",
           "ssh server compatible-ssh1x enable", "lldp global enable", "snmp-agent",
           "snmp-agent community read public", "snmp-agent sys-info version all", "vlan 1", "quit",
           "interface Vlan-interface1", f"ip address {device.mgmt} 255.255.255.0", "quit"]
    for port in _ports(device):
        out += [f"interface {port}", "port link-mode bridge", "quit"]
    out += ["line vty 0 63", "authentication-mode scheme", "user-role network-admin", "idle-timeout 0 0",
            "protocol inbound all", "quit", "domain system", "quit",
            "local-user admin class manage", "password simple admin", "service-type ssh telnet terminal http https",
            "authorization-attribute user-role network-admin", "quit",
            f"local-user {account.name} class manage", f"password hash {pw.comware_hash(account.password)}",
            "service-type ssh terminal", "authorization-attribute user-role network-admin", "quit"]
    return out


def ios(device: Device, account: LoginAccount) -> list[str]:
    out = [f"hostname {device.name}", "no service password-encryption", "no aaa new-model",
           "username admin privilege 15 password 0 admin",
           f"username {account.name} privilege 15 secret 9 {pw.ios_type9(account.password)}",
           "ip http server", "ip http secure-server", "interface Loopback0",
           f"ip address {device.mgmt} 255.255.255.255", "exit"]
    for port in _ports(device):
        out += [f"interface {port}", "no ip address", "exit"]
    out += ["snmp-server community public RO", "line con 0", "exit", "line vty 0 4", "login local",
            "transport input all", "exec-timeout 0 0", "exit"]
    return out


def rgos(device: Device, account: LoginAccount) -> list[str]:
    out = [f"hostname {device.name}", "no service password-encryption", "no aaa new-model",
           "enable service telnet-server", "enable service web-server",
           "enable service ssh-server", "username admin password 0 admin",
           f"username {account.name} privilege 15 secret 5 {pw.md5_crypt(account.password)}"]
    for port in _ports(device):
        out += [f"interface {port}", "exit"]
    out += ["interface VLAN 1", f"ip address {device.mgmt} 255.255.255.0", "exit",
            "snmp-server community public ro", "line con 0", "exit", "line vty 0 4", "login local",
            "transport input all", "exec-timeout 0 0", "exit"]
    return out
