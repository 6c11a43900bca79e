"""Host security facts from a fixture filesystem tree (Debian and RHEL layouts) and from this host."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from agents.host.facts import collect_facts
from monitor.schemas import HostFacts as MonitorFacts
from yunwang.contracts.host_facts import SCHEMA

from .conftest import write_tree

TOP_LEVEL = {"schema", "hostname", "collected_at", "os", "sshd", "login_defs", "pam", "auditd", "time_sync",
             "listening", "services", "sysctl", "users", "packages", "syslog", "errors",
             "mac", "shell", "updates",  # additions the host rules read
             "package_db", "firewall", "crypto_policy"}  # RPM-family additions

DEBIAN = {
    "etc/hostname": "gov-web-01\n",
    "etc/os-release": 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    "proc/sys/kernel/osrelease": "6.1.0-18-amd64\n",
    "etc/ssh/sshd_config": """# hardened by the provincial baseline
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin yes
Port 22
Port 2222
PasswordAuthentication=no
MaxAuthTries 4
Ciphers aes256-gcm@openssh.com,aes128-ctr
Match User backup
    PasswordAuthentication yes
    MaxAuthTries 10
""",
    "etc/ssh/sshd_config.d/10-hardening.conf": "PermitRootLogin no\nClientAliveInterval 300\n",
    "etc/login.defs": "# comment\nPASS_MAX_DAYS\t90\nPASS_MIN_DAYS 1\nPASS_MIN_LEN 8\nPASS_WARN_AGE 7\nUMASK 027\n"
                      "ENCRYPT_METHOD SHA512\n",
    "etc/pam.d/common-password": "# here are the per-package modules\n"
                                 "password\trequisite\t\t\tpam_pwquality.so retry=3 minlen=12\n"
                                 "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok yescrypt\n"
                                 "password\trequisite\t\t\tpam_deny.so\n",
    "etc/security/pwquality.conf": "minlen = 8\ndcredit = -1\nucredit=-1\n# lcredit = -1\nocredit = -1\n"
                                   "minclass = 3\n",
    "etc/pam.d/common-auth": "auth required pam_faillock.so preauth silent deny=5\n"
                             "auth [success=1 default=ignore] pam_unix.so nullok\n"
                             "auth [default=die] pam_faillock.so authfail\n",
    "etc/security/faillock.conf": "deny = 3\nunlock_time = 900\neven_deny_root\n",
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n"
                  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\n"
                  "alice:x:1000:1000::/home/alice:/bin/bash\nbroken-line\n",
    "etc/shadow": "root:$6$abc$def:19000:0:99999:7:::\nalice::19000:0:99999:7:::\ndaemon:*:19000::::::\n"
                  "locked:!:19000::::::\n",
    "var/lib/dpkg/status": "Package: telnetd\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.17-44\n\n"
                           "Package: rsh-server\nStatus: deinstall ok config-files\nVersion: 0.17-24\n\n"
                           "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\n"
                           "Version: 1:9.2p1-2+deb12u6\n\n"
                           "Package: tzdata\nStatus: install ok installed\nArchitecture: all\n"
                           "Version: 2024a-0+deb12u1\n",
    "etc/profile": "PATH=/usr/bin\n",
    "etc/profile.d/tmout.sh": "TMOUT=1800\nreadonly TMOUT=900\nexport TMOUT\n",
    "etc/selinux/config": "SELINUX=disabled\n",
    "sys/module/apparmor/parameters/enabled": "Y\n",
    "etc/rsyslog.conf": "*.info;mail.none /var/log/messages\n# *.* @old-server\n",
    "etc/rsyslog.d/50-remote.conf": "*.* @@logs.luan.gov.cn:514\n",
    "etc/audit/rules.d/audit.rules": "-D\n-w /etc/passwd -p wa -k identity\n# comment\n",
    "sbin/auditd": "",
    "usr/sbin/chronyd": "",
    "etc/systemd/system/multi-user.target.wants/ssh.service": "",
    "etc/systemd/system/multi-user.target.wants/rsyslog.service": "",
    "proc/100/comm": "sshd\n",
    "proc/101/comm": "rsyslogd\n",
    "proc/102/comm": "chronyd\n",
    "proc/net/tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234\n"
                    "   1: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 999\n",
    "proc/net/tcp6": "  sl  local_address                         remote_address                        st tx_queue "
                     "rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                     "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A "
                     "00000000:00000000 00:00000000 00000000     0        0 1235\n",
    "proc/net/udp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                    "   0: 0100007F:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000   0   0 4321\n",
    "proc/sys/net/ipv4/ip_forward": "0\n",
    "proc/sys/net/ipv4/conf/all/accept_redirects": "0\n",
    "proc/sys/kernel/randomize_va_space": "2\n",
}


SECURITY_LIST = ("Package: openssh-server\nVersion: 1:9.2p1-2+deb12u9\nArchitecture: amd64\n\n"
                 "Package: telnetd\nVersion: 0.17-44\nArchitecture: amd64\n\n"
                 "Package: tzdata\nVersion: 2025b-0+deb12u1\nArchitecture: all\n\n"
                 "Package: rsh-server\nVersion: 0.17-25\nArchitecture: amd64\n\n"
                 "Package: not-installed\nVersion: 9\nArchitecture: amd64\n")


@pytest.fixture
def debian_root(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "debian", DEBIAN)
    lists = root / "var/lib/apt/lists"
    lists.mkdir(parents=True)
    (lists / "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.gz").write_bytes(
        gzip.compress(SECURITY_LIST.encode()))
    (root / "proc/100/fd").mkdir()
    os.symlink("socket:[1234]", root / "proc/100/fd/3")
    os.symlink("socket:[1235]", root / "proc/100/fd/4")
    os.symlink("/dev/null", root / "proc/100/fd/0")
    return root


def test_document_shape_is_the_contract(debian_root: Path) -> None:
    doc = json.loads(collect_facts(debian_root).to_json())
    assert set(doc) == TOP_LEVEL
    assert doc["schema"] == SCHEMA == "yunwang.host-facts/v1"
    assert doc["hostname"] == "gov-web-01"
    assert doc["collected_at"].endswith("Z")
    assert doc["os"] == {"id": "debian", "version": "12", "kernel": "6.1.0-18-amd64",
                         "pretty_name": "Debian GNU/Linux 12 (bookworm)", "id_like": [], "family": "debian"}
    # The monitor accepts it as it is, and stores exactly what was sent.
    assert MonitorFacts.model_validate(doc).model_dump(mode="json", by_alias=True) == doc


def test_sshd_config_with_include_first_value_wins_and_match_ignored(debian_root: Path) -> None:
    sshd = collect_facts(debian_root).sshd
    assert sshd.installed and sshd.source == "config"
    assert sshd.settings["permitrootlogin"] == "no"  # from the Include, which comes first
    assert sshd.settings["passwordauthentication"] == "no"  # Match block does not leak into global settings
    assert sshd.settings["maxauthtries"] == "4"
    assert sshd.settings["clientaliveinterval"] == "300"
    assert sshd.settings["port"] == "22,2222"
    assert sshd.settings["ciphers"] == "aes256-gcm@openssh.com,aes128-ctr"
    assert sshd.settings["x11forwarding"] == "no" and "x11forwarding" in sshd.defaults_applied
    assert "permitrootlogin" not in sshd.defaults_applied
    assert sshd.config_files == ["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-hardening.conf"]


def test_login_defs_and_debian_pam(debian_root: Path) -> None:
    facts = collect_facts(debian_root)
    assert {k: facts.login_defs[k] for k in ("PASS_MAX_DAYS", "PASS_MIN_DAYS", "PASS_MIN_LEN", "PASS_WARN_AGE")} == {
        "PASS_MAX_DAYS": 90, "PASS_MIN_DAYS": 1, "PASS_MIN_LEN": 8, "PASS_WARN_AGE": 7}
    assert facts.login_defs["UMASK"] == "027"
    pw = facts.pam.pwquality
    assert pw.enabled and pw.module == "pam_pwquality"
    assert (pw.minlen, pw.dcredit, pw.ucredit, pw.lcredit, pw.ocredit, pw.minclass, pw.retry) == (
        12, -1, -1, None, -1, 3, 3)  # minlen on the PAM line overrides pwquality.conf
    assert asdict(facts.pam.faillock) == {"enabled": True, "deny": 5, "unlock_time": 900, "fail_interval": None,
                                          "even_deny_root": True}  # the flag from faillock.conf
    assert not facts.pam.tally2.enabled
    assert asdict(facts.pam.unix) == {"hash": "yescrypt", "nullok": True}


def test_rhel_system_auth_with_cracklib_and_tally2(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "rhel", {
        "etc/pam.d/system-auth": "auth        required      pam_tally2.so deny=3 unlock_time=600 onerr=fail\n"
                                 "auth        sufficient    pam_unix.so try_first_pass\n"
                                 "password    requisite     pam_cracklib.so try_first_pass retry=3 minlen=10 "
                                 "dcredit=-1 ucredit=-1 lcredit=-1 ocredit=-1\n"
                                 "-password   optional      pam_gnome_keyring.so\n",
        "etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
    })
    pam = collect_facts(root).pam
    assert pam.pwquality.enabled and pam.pwquality.module == "pam_cracklib"
    assert (pam.pwquality.minlen, pam.pwquality.lcredit, pam.pwquality.retry) == (10, -1, 3)
    assert asdict(pam.tally2) == {"enabled": True, "deny": 3, "unlock_time": 600, "fail_interval": None,
                                  "even_deny_root": False}
    assert not pam.faillock.enabled
    assert pam.files == ["/etc/pam.d/system-auth"]


def test_accounts_from_passwd_and_shadow(debian_root: Path) -> None:
    facts = collect_facts(debian_root)
    assert facts.users.uid0 == ["root", "toor"]
    assert facts.users.shell_users == ["root", "toor", "alice"]
    assert facts.users.empty_password == ["alice"]
    assert {"source": "passwd", "message": "/etc/passwd line 6: expected 7 fields, got 1"} in [
        asdict(e) for e in facts.errors]


def test_unreadable_shadow_is_an_error_not_a_crash(debian_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read_text = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "shadow":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    facts = collect_facts(debian_root)
    assert {"source": "shadow", "message": "permission denied: etc/shadow"} in [asdict(e) for e in facts.errors]
    assert facts.users.empty_password == []
    assert facts.users.uid0 == ["root", "toor"]  # the rest still collected


def test_daemons_network_services_packages_sysctl(debian_root: Path) -> None:
    facts = collect_facts(debian_root)
    assert asdict(facts.auditd) == {"installed": True, "running": False,
                                    "rules": ["-D", "-w /etc/passwd -p wa -k identity"], "config": {},
                                    "boot_audit": None}
    assert facts.time_sync.service == "chrony" and facts.time_sync.running
    assert facts.time_sync.synchronized is None  # not the live system: no adjtimex
    assert facts.syslog.running and facts.syslog.service == "rsyslog"
    assert facts.syslog.remote and facts.syslog.remote_targets == ["logs.luan.gov.cn:514"]
    listening = [asdict(s) for s in facts.listening]
    assert {"proto": "tcp", "address": "0.0.0.0", "port": 22, "process": "sshd", "pid": 100} in listening
    assert {"proto": "tcp", "address": "::", "port": 22, "process": "sshd", "pid": 100} in listening
    assert {"proto": "udp", "address": "127.0.0.1", "port": 514, "process": None, "pid": None} in listening
    assert all(s["port"] != 8080 for s in listening)  # an established connection is not listening
    assert facts.services.enabled == ["rsyslog", "ssh"]
    assert facts.services.running == ["chronyd", "rsyslogd", "sshd"]
    assert facts.packages["telnetd"] is True and facts.packages["rsh-server"] is False
    assert facts.packages["ftp"] is False
    assert facts.sysctl == {"net.ipv4.ip_forward": "0", "net.ipv4.conf.all.accept_redirects": "0",
                            "kernel.randomize_va_space": "2"}


def test_empty_root_gives_defaults_and_explains(tmp_path: Path) -> None:
    facts = collect_facts(tmp_path)
    assert not facts.sshd.installed and facts.sshd.settings == {}
    assert facts.login_defs == {} and not facts.pam.pwquality.enabled
    assert [e.source for e in facts.errors] == ["packages", "updates"]
    assert "security_pending" not in json.loads(facts.to_json())["updates"]  # unknown is absent, not zero


def test_this_host_and_the_child_process_entry_point() -> None:
    facts = collect_facts()
    assert facts.os.kernel == os.uname().release
    assert facts.users.uid0 and "root" in facts.users.uid0
    done = subprocess.run([sys.executable, "-m", "agents.host.factsources"], capture_output=True, text=True,
                          timeout=120, check=True)
    doc = json.loads(done.stdout)
    assert set(doc) == TOP_LEVEL and doc["hostname"] == facts.hostname


def test_mac_shell_and_pending_security_updates(debian_root: Path) -> None:
    facts = collect_facts(debian_root)
    assert asdict(facts.mac) == {"selinux": "disabled", "apparmor": "enabled", "selinux_config": "disabled",
                                 "selinux_policy": None}
    assert asdict(facts.shell) == {"tmout": 900, "files": ["/etc/profile.d/tmout.sh"]}
    assert facts.updates.security_pending == 2 and facts.updates.packages == ["openssh-server", "tzdata"]


@pytest.mark.parametrize(("a", "b", "sign"), [
    ("1.0", "1.0", 0), ("1.0", "1.1", -1), ("1.10", "1.9", 1), ("1:1.0", "2.0", 1), ("1.0~rc1", "1.0", -1),
    ("1.0-1", "1.0-1+deb12u1", -1), ("9.2p1-2+deb12u9", "9.2p1-2+deb12u10", -1), ("1.0a", "1.0", 1),
    ("2.30-1", "2.3-1", 1), ("1.0+b1", "1.0", 1), ("0.17-44", "0.17-44", 0),
])
def test_debian_version_order(a: str, b: str, sign: int) -> None:
    from agents.host.factsources.updates import compare_versions

    result = compare_versions(a, b)
    assert (result > 0) - (result < 0) == sign
