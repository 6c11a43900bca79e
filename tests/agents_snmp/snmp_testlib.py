"""Helpers of the SNMP tests: a real net-snmp snmpd on 127.0.0.1 (v2c community + v3 users), snmpbulkwalk.

(A module of its own, not conftest: a dependency ships a top-level ``tests`` package that shadows ours.)
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents.snmp import ber
from agents.snmp.auth import Credentials

_ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("yunwang_tests_root", _ROOT_CONFTEST)
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
need_binary = _root.need_binary  # re-exported for the tests
free_port = _root.free_port

COMMUNITY = "yw-test-community"
USERS = {  # name: (auth protocol, auth password, priv protocol, priv password)
    "ywsha": ("SHA", "auth-pass-sha-1", "AES-128", "priv-pass-aes-1"),
    "ywsha256": ("SHA-256", "auth-pass-sha-256", "AES-256", "priv-pass-aes-256"),
    "ywmd5des": ("MD5", "auth-pass-md5", "DES", "priv-pass-des"),  # legacy devices still use these
}
AUTH_ONLY_PASSWORD = "auth-only-pass-256"
NETSNMP_PROTO = {"SHA": "SHA", "SHA-256": "SHA-256", "AES-128": "AES", "AES-256": "AES-256", "MD5": "MD5",
                 "DES": "DES"}


@dataclass
class Snmpd:
    port: int
    address: str
    config: Path

    def v2c(self, community: str = COMMUNITY) -> Credentials:
        return Credentials("test-v2c", "2c", community.encode())

    def v3(self, user: str, auth_password: str | None = None, priv_password: str | None = None) -> Credentials:
        auth, apw, priv, ppw = USERS[user]
        return Credentials(f"test-{user}", "3", b"", user.encode(), "authPriv", auth,
                           (auth_password or apw).encode(), priv, (priv_password or ppw).encode())


def _ready(port: int, deadline: float) -> bool:
    probe = ber.encode_v2c_message(COMMUNITY.encode(), ber.encode_pdu(
        ber.GET, 1, ber.encode_varbind(ber.oid_from_text("1.3.6.1.2.1.1.3.0"))))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        while time.monotonic() < deadline:
            s.sendto(probe, ("127.0.0.1", port))
            try:
                s.recv(65535)
                return True
            except OSError:
                time.sleep(0.1)
    return False


def start_snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    binary = need_binary("snmpd", "snmpd")
    folder = tmp_path_factory.mktemp("snmpd")
    port = free_port(socket.SOCK_DGRAM)
    lines = [f"rocommunity {COMMUNITY} 127.0.0.1", "sysName yw-test-device", "sysLocation 六安 test rack",
             "sysContact noc@example.org"]
    for user, (auth, apw, priv, ppw) in USERS.items():
        lines += [f"createUser {user} {NETSNMP_PROTO[auth]} {apw} {NETSNMP_PROTO[priv]} {ppw}", f"rouser {user} priv"]
    lines += [f"createUser ywauthonly SHA-256 {AUTH_ONLY_PASSWORD}", "rouser ywauthonly auth",
              "createUser ywnoauth", "rouser ywnoauth noauth"]
    config = folder / "snmpd.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(folder / "persist")}
    proc = subprocess.Popen([binary, "-f", "-Lf", str(folder / "snmpd.log"), "-C", "-c", str(config),
                             "-p", str(folder / "snmpd.pid"), f"udp:127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _ready(port, time.monotonic() + 10):
            log = (folder / "snmpd.log").read_text(errors="replace") if (folder / "snmpd.log").exists() else ""
            pytest.fail(f"snmpd did not answer on 127.0.0.1:{port}: {log[-500:]}")
        yield Snmpd(port, f"127.0.0.1:{port}", config)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def snmpbulkwalk(snmpd: Snmpd, root: str) -> dict[str, str]:
    """``snmpbulkwalk -On -Oe -Ot -Ox`` of ``root``: numeric OIDs, enums/timeticks as numbers, strings as hex."""
    binary = need_binary("snmpbulkwalk", "snmp")
    out = subprocess.run([binary, "-v2c", "-c", COMMUNITY, "-On", "-Oe", "-Ot", "-Ox", "-Cr25", snmpd.address, root],
                         env={**os.environ, "MIBS": ""}, capture_output=True, text=True, timeout=20, check=True)
    values: dict[str, str] = {}
    for line in out.stdout.splitlines():
        if " = " in line:
            key, _, value = line.partition(" = ")
            values[key.strip().lstrip(".")] = value.strip()
        elif values:  # continuation of a long hex string
            last = next(reversed(values))
            values[last] += " " + line.strip()
    return values
