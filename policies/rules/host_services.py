"""Host rules: intrusion prevention by reduction (clear-text services, packages, services, crypto, sysctls)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts, requires

# (protocol, port) → service that sends credentials in clear text.
CLEARTEXT_PORTS = {("tcp", 21): "FTP", ("tcp", 23): "Telnet", ("tcp", 512): "rexec", ("tcp", 513): "rlogin",
                   ("tcp", 514): "rsh", ("udp", 69): "TFTP"}
UNNEEDED_SERVICES = frozenset({"avahi-daemon", "cups", "cupsd", "cups-browsed", "rpcbind", "nfs-server", "smbd",
                               "nmbd", "bluetooth", "xinetd", "inetd", "ypbind", "ypserv", "isc-dhcp-server",
                               "dhcpd", "telnet", "rsh", "rlogin", "rexec", "tftp", "vsftpd"})
WEAK_CRYPTO = re.compile(r"(-cbc\b|arcfour|3des|blowfish|cast128|hmac-md5|-96\b|hmac-sha1\b|umac-64|"
                         r"diffie-hellman-group1-|diffie-hellman-group14-sha1|group-exchange-sha1)")
# sysctl → (accepted values, why it matters)
SYSCTL_EXPECTED: dict[str, tuple[tuple[str, ...], str]] = {
    "net.ipv4.conf.all.accept_redirects": (("0",), "ICMP redirects can reroute traffic"),
    "net.ipv4.conf.default.accept_redirects": (("0",), "ICMP redirects can reroute traffic"),
    "net.ipv6.conf.all.accept_redirects": (("0",), "ICMPv6 redirects can reroute traffic"),
    "net.ipv4.conf.all.send_redirects": (("0",), "a host should not act as a router"),
    "net.ipv4.conf.all.accept_source_route": (("0",), "source routing bypasses filtering"),
    "net.ipv4.conf.default.accept_source_route": (("0",), "source routing bypasses filtering"),
    "net.ipv4.tcp_syncookies": (("1",), "SYN floods exhaust the connection table"),
    "net.ipv4.icmp_echo_ignore_broadcasts": (("1",), "smurf amplification"),
    "net.ipv4.conf.all.rp_filter": (("1", "2"), "spoofed source addresses are accepted"),
    "kernel.randomize_va_space": (("2",), "full address-space randomisation is off"),
    "fs.suid_dumpable": (("0",), "set-uid programs may dump memory holding secrets"),
    "net.ipv4.conf.all.secure_redirects": (("0",), "redirects from the gateways are still followed"),
    "kernel.kptr_restrict": (("1", "2"), "kernel addresses leak to unprivileged users"),
}
# Settings that decide what the kernel logs and who may read its log: weaker than the above, judged apart (low).
SYSCTL_LOGGING: dict[str, tuple[tuple[str, ...], str]] = {
    "net.ipv4.conf.all.log_martians": (("1",), "packets with impossible source addresses go unlogged"),
    "net.ipv4.icmp_ignore_bogus_error_responses": (("1",), "bogus ICMP error replies fill the log"),
    "kernel.dmesg_restrict": (("1",), "unprivileged users read the kernel log (addresses, device details)"),
}


def _loopback(address: str) -> bool:
    return address.startswith(("127.", "::1", "[::1]")) or address == "localhost"


@rule(id="YW-HOST-017", clauses=["8.1.4.1-c", "8.1.4.4-b"], severity="high", source="host",
      title="Clear-text remote access service listening", title_zh="开放了明文远程访问服务",
      remediation="Stop and remove Telnet, FTP, TFTP and r-services; use SSH/SFTP.",
      remediation_zh="停止并卸载 Telnet、FTP、TFTP 及 r 系列服务，改用 SSH/SFTP。",
      peers=("cis-rhel9:2.1.7", "cis-rhel9:2.1.15", "cis-rhel9:2.1.16"))
@requires("listening")
def cleartext_listeners(facts: HostFacts) -> Iterator[Violation]:
    for sock in facts.get("listening") or []:
        if not isinstance(sock, dict):
            continue
        key = (str(sock.get("proto", "")).lower().rstrip("6"), int(sock.get("port") or 0))
        name = CLEARTEXT_PORTS.get(key)
        address = str(sock.get("address", ""))
        if name and not _loopback(address):
            process = sock.get("process") or "unknown process"
            yield Violation(facts.target(), f"{name} listening on {address}:{key[1]}/{key[0]} ({process})")


@rule(id="YW-HOST-018", clauses=["8.1.4.4-a"], severity="medium", source="host",
      title="Insecure legacy package installed", title_zh="安装了不安全的遗留软件包",
      remediation="Remove packages the host does not need (telnetd, rsh, tftp, xinetd, NIS, talk, FTP).",
      remediation_zh="卸载主机不需要的软件包（telnetd、rsh、tftp、xinetd、NIS、talk、FTP）。",
      peers=("cis-rhel9:2.1.10", "cis-rhel9:2.1.19", "cis-rhel9:2.2.1", "cis-rhel9:2.2.3", "cis-rhel9:2.2.4",
             "openeuler-sec:1.2.1", "openeuler-sec:1.2.2", "openeuler-sec:1.2.3", "openeuler-sec:1.2.12",
             "openeuler-sec:1.2.13"))
@requires("packages")
def insecure_packages(facts: HostFacts) -> Iterator[Violation]:
    packages = facts.get("packages") or {}
    for name in sorted(k for k, installed in packages.items() if installed is True):
        yield Violation(facts.target(), f"package {name} is installed")


@rule(id="YW-HOST-019", clauses=["8.1.4.4-b"], severity="low", source="host",
      title="Unneeded service enabled or running", title_zh="启用了不必要的服务",
      remediation="Disable services the host's role does not need (`systemctl disable --now NAME`).",
      remediation_zh="关闭与主机角色无关的服务（`systemctl disable --now NAME`）。",
      peers=("cis-rhel9:2.1.2", "cis-rhel9:2.1.3", "cis-rhel9:2.1.6", "cis-rhel9:2.1.9", "cis-rhel9:2.1.11",
             "cis-rhel9:2.1.12", "cis-rhel9:3.1.3", "openeuler-sec:1.2.22", "openeuler-sec:1.2.23",
             "openeuler-sec:1.2.24"))
@requires("services")
def unneeded_services(facts: HostFacts) -> Iterator[Violation]:
    names = {s.removesuffix(".service").removesuffix(".socket")
             for s in facts.str_list("services.enabled") + facts.str_list("services.running")}
    for name in sorted(names & UNNEEDED_SERVICES):
        yield Violation(facts.target(), f"service {name} is enabled or running")


@rule(id="YW-HOST-020", clauses=["8.1.4.1-c"], severity="medium", source="host",
      title="SSH allows weak ciphers, MACs or key exchange", title_zh="SSH 允许弱加密算法",
      remediation="Allow only modern algorithms, e.g. `Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
                  "aes256-ctr` and `MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com`.",
      remediation_zh="仅允许现代算法（AES-GCM/CTR、ChaCha20，SHA-2 MAC），禁用 CBC、3DES、MD5、SHA-1。",
      peers=("cis-rhel9:5.1.4", "cis-rhel9:5.1.5", "cis-rhel9:5.1.6", "openeuler-sec:3.3.3", "openeuler-sec:3.3.6",
             "openeuler-sec:3.3.7"))
@requires("sshd.settings.ciphers", unless=HostFacts.sshd_absent)
def ssh_weak_crypto(facts: HostFacts) -> Iterator[Violation]:
    for key in ("ciphers", "macs", "kexalgorithms"):
        weak = [a for a in str(facts.get(f"sshd.settings.{key}") or "").split(",") if WEAK_CRYPTO.search(a)]
        if weak:
            yield Violation(facts.target(), f"sshd {key}: {', '.join(weak)}")


@rule(id="YW-HOST-021", clauses=["8.1.4.4-b"], severity="medium", source="host",
      title="Risky kernel network or memory setting", title_zh="内核安全参数配置不当",
      remediation="Set the listed sysctls in /etc/sysctl.d/ (e.g. `net.ipv4.conf.all.accept_redirects = 0`).",
      remediation_zh="在 /etc/sysctl.d/ 中修正所列内核参数（如 `net.ipv4.conf.all.accept_redirects = 0`）。",
      peers=("cis-rhel9:1.5.1", "cis-rhel9:3.3.2", "cis-rhel9:3.3.4", "cis-rhel9:3.3.5", "cis-rhel9:3.3.7",
             "cis-rhel9:3.3.8", "cis-rhel9:3.3.10", "cis-rhel9:3.3.6", "openeuler-sec:3.5.20",
             "openeuler-sec:3.5.3", "openeuler-sec:3.5.6",
             "openeuler-sec:3.5.7", "openeuler-sec:3.5.8", "openeuler-sec:3.5.11", "openeuler-sec:3.5.13",
             "openeuler-sec:3.5.14"))
@requires("sysctl")
def risky_sysctls(facts: HostFacts) -> Iterator[Violation]:
    yield from _sysctl_violations(facts, SYSCTL_EXPECTED)


def _sysctl_violations(facts: HostFacts, expected: dict[str, tuple[tuple[str, ...], str]]) -> Iterator[Violation]:
    """One violation per collected sysctl outside its accepted values (a sysctl not collected is not judged)."""
    values = facts.get("sysctl") or {}
    for key, (accepted, why) in expected.items():
        value = values.get(key)
        if value is not None and str(value) not in accepted:
            yield Violation(facts.target(), f"{key} = {value} (want {' or '.join(accepted)}): {why}")


@rule(id="YW-HOST-045", clauses=["8.1.4.3-a", "8.1.4.4-b"], severity="low", source="host",
      title="Kernel logs too little or lets anyone read its log", title_zh="内核日志记录不足或日志可被任意读取",
      remediation="Set `net.ipv4.conf.all.log_martians = 1`, `net.ipv4.icmp_ignore_bogus_error_responses = 1` and "
                  "`kernel.dmesg_restrict = 1` in /etc/sysctl.d/.",
      remediation_zh="在 /etc/sysctl.d/ 中设置 `net.ipv4.conf.all.log_martians = 1`、"
                     "`net.ipv4.icmp_ignore_bogus_error_responses = 1`、`kernel.dmesg_restrict = 1`。",
      peers=("cis-rhel9:3.3.3", "cis-rhel9:3.3.9", "openeuler-sec:3.5.2", "openeuler-sec:3.5.10",
             "openeuler-sec:3.5.15"))
@requires("sysctl")
def kernel_logging(facts: HostFacts) -> Iterator[Violation]:
    yield from _sysctl_violations(facts, SYSCTL_LOGGING)


@rule(id="YW-HOST-022", clauses=["8.1.4.4-b"], severity="low", source="host",
      title="SSH X11 forwarding enabled", title_zh="SSH 开启了 X11 转发",
      remediation="Set `X11Forwarding no` in sshd_config.",
      remediation_zh="在 sshd_config 中设置 `X11Forwarding no`。",
      peers=("openeuler-sec:3.3.14",))
def ssh_x11_forwarding(facts: HostFacts) -> Iterator[Violation]:
    missing, value = facts.sshd_setting("x11forwarding")
    if missing:
        yield missing
    elif value == "yes":
        yield Violation(facts.target(), "sshd X11Forwarding yes")
