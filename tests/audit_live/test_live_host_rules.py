"""Every host rule passes on hardened facts, fails on one changed fact, and says "could not determine" when the
fact it needs is missing or its collection failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from live_helpers import HOSTS, host_facts, host_violations

from policies.engine import REGISTRY, load_rules, rules_for
from policies.facts_host import load_host_facts
from yunwang.errors import InputError


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


# (rule id, fact to change, value that breaks the rule, fact the rule cannot do without)
CASES: list[tuple[str, str, Any, str]] = [
    ("YW-HOST-001", "sshd.settings.permitrootlogin", "prohibit-password", "sshd.settings.permitrootlogin"),
    ("YW-HOST-002", "sshd.settings.permitemptypasswords", "yes", "sshd.settings.permitemptypasswords"),
    ("YW-HOST-003", "users.empty_password", ["guest"], "users.empty_password"),
    ("YW-HOST-004", "users.uid0", ["root", "toor"], "users.uid0"),
    ("YW-HOST-005", "pam.pwquality.minlen", 6, "pam.pwquality.enabled"),
    ("YW-HOST-005", "pam.pwquality", {"enabled": True, "minlen": 12, "minclass": 2, "dcredit": -1},
     "pam.pwquality.enabled"),
    ("YW-HOST-005", "pam.pwquality.enabled", False, "pam.pwquality.enabled"),
    ("YW-HOST-006", "login_defs.PASS_MAX_DAYS", 99999, "login_defs"),
    ("YW-HOST-007", "pam.faillock.enabled", False, "pam.faillock.enabled"),
    ("YW-HOST-007", "pam.faillock.deny", 0, "pam.faillock.enabled"),
    ("YW-HOST-008", "sshd.settings.clientaliveinterval", "0", "sshd.settings.clientaliveinterval"),
    ("YW-HOST-008", "sshd.settings.clientaliveinterval", "600", "sshd.settings.clientaliveinterval"),
    ("YW-HOST-009", "sshd.settings.authenticationmethods", "any", "sshd.settings"),
    ("YW-HOST-010", "sshd.settings.maxauthtries", "6", "sshd.settings.maxauthtries"),
    ("YW-HOST-011", "users.shell_users", ["root", "games"], "users.shell_users"),
    ("YW-HOST-012", "auditd.running", False, "auditd.running"),
    ("YW-HOST-012", "auditd.installed", False, "auditd.installed"),
    ("YW-HOST-013", "auditd.rules", ["-D", "-b 8192"], "auditd.rules"),
    ("YW-HOST-013", "auditd.rules", ["-w /etc/passwd -p wa"], "auditd.rules"),
    ("YW-HOST-014", "auditd.rules", ["-w /etc/shadow -p wa"], "auditd.rules"),
    ("YW-HOST-015", "time_sync.running", False, "time_sync.running"),
    ("YW-HOST-015", "time_sync.synchronized", False, "time_sync.running"),
    ("YW-HOST-016", "syslog.remote", False, "syslog.remote"),
    ("YW-HOST-016", "syslog.running", False, "syslog.running"),
    ("YW-HOST-017", "listening", [{"proto": "tcp6", "address": "::", "port": 23, "process": "inetd"}], "listening"),
    ("YW-HOST-018", "packages.telnetd", True, "packages"),
    ("YW-HOST-019", "services.enabled", ["avahi-daemon"], "services"),
    ("YW-HOST-020", "sshd.settings.ciphers", "aes128-ctr,aes128-cbc", "sshd.settings.ciphers"),
    ("YW-HOST-020", "sshd.settings.macs", "hmac-md5", "sshd.settings.ciphers"),
    ("YW-HOST-021", "sysctl.net.ipv4.tcp_syncookies", "0", "sysctl"),
    ("YW-HOST-022", "sshd.settings.x11forwarding", "yes", "sshd.settings.x11forwarding"),
    ("YW-HOST-023", "login_defs.UMASK", "022", "login_defs"),
    ("YW-HOST-024", "mac.apparmor", False, "mac"),
    ("YW-HOST-025", "sshd.settings.allowgroups", "", "sshd.settings"),
    ("YW-HOST-026", "updates.security_pending", 4, "updates.security_pending"),
    ("YW-HOST-027", "services.running", ["sshd", "clamd"], "services.running"),
    ("YW-HOST-028", "services.running", ["sshd", "wazuh-agentd"], "services.running"),
    ("YW-HOST-029", "firewall.active", False, "firewall.active"),
    ("YW-HOST-029", "firewall.service", None, "firewall.active"),
    ("YW-HOST-030", "firewall", {"service": "firewalld", "active": True, "default_zone": "public", "zones": [
        {"name": "public", "target": "ACCEPT", "services": ["ssh"], "interfaces": ["eth0"], "sources": []}]},
     "firewall.service"),
    ("YW-HOST-030", "firewall", {"service": "firewalld", "active": True, "default_zone": "public", "zones": [
        {"name": "public", "target": "default", "services": ["ssh", "telnet"], "interfaces": [], "sources": []}]},
     "firewall.service"),
    ("YW-HOST-031", "pam.authselect", {"installed": True, "profile": "sssd", "features": ["with-pwhistory"],
                                       "managed": True}, "pam.authselect.installed"),
    ("YW-HOST-031", "pam.authselect", {"installed": True, "profile": "sssd", "features": ["with-faillock"],
                                       "managed": False}, "pam.authselect.installed"),
    ("YW-HOST-032", "pam.pwhistory.enabled", False, "pam.pwhistory.enabled"),
    ("YW-HOST-032", "pam.pwhistory.remember", 3, "pam.pwhistory.enabled"),
    ("YW-HOST-033", "pam.unix.hash", "md5", "pam.unix.hash"),
    ("YW-HOST-034", "pam.unix.nullok", True, "pam.unix.nullok"),
    ("YW-HOST-035", "pam.su_wheel", False, "pam"),
    ("YW-HOST-036", "auditd.config.max_log_file_action", "rotate", "auditd.config"),
    ("YW-HOST-036", "auditd.config.disk_full_action", "suspend", "auditd.config"),
    ("YW-HOST-036", "auditd.config.space_left_action", "syslog", "auditd.config"),
    ("YW-HOST-037", "auditd.boot_audit", False, "auditd.installed"),
    ("YW-HOST-038", "crypto_policy.policy", "LEGACY", "crypto_policy.policy"),
    ("YW-HOST-038", "crypto_policy.policy", "DEFAULT:SHA1", "crypto_policy.policy"),
    ("YW-HOST-039", "package_db.gpgcheck", False, "package_db.gpgcheck"),
    ("YW-HOST-039", "package_db.repos_without_gpgcheck", ["everything (openEuler.repo)"], "package_db.gpgcheck"),
    ("YW-HOST-040", "sshd.settings.hostbasedauthentication", "yes", "sshd.settings"),
    ("YW-HOST-040", "sshd.settings.ignorerhosts", "no", "sshd.settings"),
    ("YW-HOST-040", "sshd.settings.permituserenvironment", "yes", "sshd.settings"),
    ("YW-HOST-040", "sshd.settings.usepam", "no", "sshd.settings"),
    ("YW-HOST-041", "sshd.settings.logingracetime", "120", "sshd.settings"),
    ("YW-HOST-041", "sshd.settings.logingracetime", "0", "sshd.settings"),
    ("YW-HOST-041", "sshd.settings.maxstartups", "10:30:100", "sshd.settings"),
    ("YW-HOST-041", "sshd.settings.maxsessions", "64", "sshd.settings"),
    ("YW-HOST-041", "sshd.settings.loglevel", "QUIET", "sshd.settings"),
    ("YW-HOST-042", "sshd.settings.allowtcpforwarding", "yes", "sshd.settings"),
    ("YW-HOST-042", "sshd.settings.allowtcpforwarding", "local", "sshd.settings"),
    ("YW-HOST-043", "pam.faillock.unlock_time", 60, "pam.faillock.enabled"),
    ("YW-HOST-043", "pam.faillock.even_deny_root", False, "pam.faillock.enabled"),
    ("YW-HOST-044", "login_defs.PASS_MIN_DAYS", 0, "login_defs"),
    ("YW-HOST-044", "login_defs.PASS_WARN_AGE", 3, "login_defs"),
    ("YW-HOST-045", "sysctl.net.ipv4.conf.all.log_martians", "0", "sysctl"),
    ("YW-HOST-045", "sysctl.kernel.dmesg_restrict", "0", "sysctl"),
]


def test_hardened_host_passes_every_rule() -> None:
    load_rules()
    data = host_facts("hardened")
    assert {r.id: host_violations(r.id, data) for r in rules_for("host")} == {r.id: [] for r in rules_for("host")}


@pytest.mark.parametrize(("rule_id", "path", "value", "needed"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_rule_fails_on_the_changed_fact(rule_id: str, path: str, value: Any, needed: str) -> None:
    data = host_facts("hardened")
    if rule_id == "YW-HOST-025":  # unrestricted sshd also needs a wildcard listener
        data["listening"][0]["address"] = "0.0.0.0"
    if path.startswith("sysctl."):
        data["sysctl"][path.removeprefix("sysctl.")] = value
    else:
        _set(data, path, value)
    violations = host_violations(rule_id, data)
    assert violations and all(not v.message.startswith("could not determine") for v in violations)
    assert violations[0].target.id == "la-city-app-01" and violations[0].target.file == "facts.json"


@pytest.mark.parametrize(("rule_id", "needed"), sorted({(c[0], c[3]) for c in CASES}))
def test_missing_fact_is_reported_not_guessed(rule_id: str, needed: str) -> None:
    data = host_facts("hardened")
    *parents, last = needed.split(".")
    node = data
    for key in parents:
        node = node[key]
    del node[last]
    (violation,) = host_violations(rule_id, data)
    assert violation.message.startswith("could not determine") and needed in violation.message


def test_collection_error_makes_the_section_unknown() -> None:
    data = host_facts("hardened")
    data["errors"] = [{"source": "pam", "message": "PermissionError: /etc/pam.d/common-auth"}]
    (violation,) = host_violations("YW-HOST-007", data)
    assert "could not determine" in violation.message and "PermissionError" in violation.message


def test_ssh_rules_do_not_apply_without_sshd() -> None:
    data = host_facts("insecure")
    data["sshd"] = {"installed": False, "settings": {}}
    ssh_rules = ("YW-HOST-001", "YW-HOST-002", "YW-HOST-008", "YW-HOST-009", "YW-HOST-010", "YW-HOST-020",
                 "YW-HOST-022", "YW-HOST-025", "YW-HOST-040", "YW-HOST-041", "YW-HOST-042")
    assert {r: host_violations(r, data) for r in ssh_rules} == {r: [] for r in ssh_rules}


def test_every_host_rule_has_a_failing_case() -> None:
    load_rules()
    assert {r.id for r in rules_for("host")} == {c[0] for c in CASES}
    # The Debian insecure host and the domestic (RPM-family) insecure hosts together break every rule.
    examples = Path(__file__).resolve().parents[2] / "examples" / "hosts"
    insecure = [host_facts("insecure"), *(json.loads(p.read_text(encoding="utf-8"))
                                         for p in sorted(examples.glob("*-insecure.facts.json")))]
    assert len(insecure) == 4
    unbroken = [r.id for r in rules_for("host") if not any(host_violations(r.id, data) for data in insecure)]
    assert unbroken == []
    assert REGISTRY["YW-HOST-001"].severity == "high"


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"schema": "other/v9", "hostname": "h"}', "unsupported facts schema"),
])
def test_bad_facts_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "facts.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_host_facts(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_unreadable_facts_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read host facts"):
        load_host_facts(tmp_path / "absent.json")


def test_fixture_files_load() -> None:
    facts = load_host_facts(HOSTS / "insecure.json")
    assert facts.hostname == "la-ja-legacy-07" and json.loads((HOSTS / "insecure.json").read_text())["users"]


@pytest.mark.parametrize("service", ["chrony", "chronyd", "systemd-timesyncd", "ntpd"])
def test_time_sync_takes_the_service_name_as_reported(service: str) -> None:
    # The host agent reports chrony's package name, other collectors its daemon's (chronyd): both are fine.
    data = host_facts("hardened")
    data["time_sync"]["service"] = service
    assert host_violations("YW-HOST-015", data) == []
    data["time_sync"]["synchronized"] = False
    (violation,) = host_violations("YW-HOST-015", data)
    assert violation.message.startswith(f"{service} runs but the clock is not synchronised")


@pytest.mark.parametrize(("settings", "judged"), [
    ({"logingracetime": "2m"}, True), ({"logingracetime": "1m"}, False), ({"logingracetime": "0"}, True),
    ({"maxstartups": "10:30:60"}, False), ({"maxstartups": "5"}, False), ({"maxstartups": "20:30:60"}, True),
    ({"disableforwarding": "yes", "allowtcpforwarding": "yes"}, False),
])
def test_ssh_limits_read_sshds_own_formats(settings: dict[str, str], judged: bool) -> None:
    data = host_facts("hardened")
    data["sshd"]["settings"].update(settings)
    found = host_violations("YW-HOST-041", data) + host_violations("YW-HOST-042", data)
    assert bool(found) is judged, found


def test_settings_an_older_agent_did_not_write_are_not_judged() -> None:
    data = host_facts("hardened")  # its sshd -T settings lack LoginGraceTime, MaxStartups, UsePAM …
    assert not {"logingracetime", "maxstartups", "usepam", "allowtcpforwarding"} & set(data["sshd"]["settings"])
    assert [v for r in ("YW-HOST-040", "YW-HOST-041", "YW-HOST-042") for v in host_violations(r, data)] == []


def test_selinux_enforcing_now_but_not_after_a_reboot() -> None:
    data = host_facts("hardened")
    data["mac"].update({"selinux": "enforcing", "apparmor": False, "selinux_config": "enforcing"})
    assert host_violations("YW-HOST-024", data) == []
    data["mac"]["selinux_config"] = "permissive"
    (violation,) = host_violations("YW-HOST-024", data)
    assert "SELINUX=permissive" in violation.message and "next boot" in violation.message


@pytest.mark.parametrize("module", ["tally2", "faillock"])
def test_lockout_module_named_but_not_installed(module: str) -> None:
    data = host_facts("hardened")
    data["pam"]["faillock"]["enabled"] = module == "faillock"
    data["pam"]["tally2"] = {"enabled": module == "tally2", "deny": 5, "unlock_time": 900}
    assert host_violations("YW-HOST-007", data) == []
    data["pam"]["missing_modules"] = [f"pam_{module}.so"]
    (violation,) = host_violations("YW-HOST-007", data)
    assert f"names pam_{module}, which is not installed" in violation.message
    assert host_violations("YW-HOST-043", data) == []  # nothing to judge about a module that never runs
