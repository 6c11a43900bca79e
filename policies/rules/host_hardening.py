"""Host rules: access control depth (umask, link protection, MAC), who may reach sshd, patches, HIDS, malware."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts, requires

HIDS_PROCESSES = frozenset({"wazuh-agentd", "wazuh-syscheckd", "ossec-agentd", "ossec-syscheckd", "falco",
                            "osqueryd", "samhain", "auditbeat", "elastic-agent", "tetragon", "hids_agent"})
ANTIMALWARE_PROCESSES = frozenset({"clamd", "clamonacc", "freshclam", "esets_daemon", "wdavdaemon", "sophos-spl",
                                   "savd", "falcon-sensor", "edr_agent", "kesl", "sav-protect"})
_WILDCARD = ("0.0.0.0", "::", "*", "[::]")


def _process_names(facts: HostFacts) -> set[str]:
    return set(facts.str_list("services.running")) | set(facts.str_list("services.enabled"))


@rule(id="YW-HOST-023", clauses=["8.1.4.2-f"], severity="low", source="host",
      title="Loose default file permissions or link protection", title_zh="文件默认权限或链接保护过宽",
      remediation="Set `UMASK 027` in /etc/login.defs and `fs.protected_hardlinks = 1`, `fs.protected_symlinks = 1`, "
                  "`kernel.yama.ptrace_scope = 1`.",
      remediation_zh="在 /etc/login.defs 设置 `UMASK 027`，并设置 fs.protected_hardlinks/symlinks = 1、"
                     "kernel.yama.ptrace_scope = 1。",
      peers=("cis-rhel9:1.5.2", "cis-rhel9:5.4.3.3", "openeuler-sec:1.1.5", "openeuler-sec:1.1.16",
             "openeuler-sec:3.5.22"))
@requires("login_defs", "sysctl")
def file_access_defaults(facts: HostFacts) -> Iterator[Violation]:
    umask = str(facts.get("login_defs.UMASK") or "022")
    try:
        loose = int(umask, 8) & 0o027 != 0o027
    except ValueError:
        loose = True
    if loose:
        yield Violation(facts.target(), f"UMASK {umask}: new files are readable by other users (want 027)")
    for key in ("fs.protected_hardlinks", "fs.protected_symlinks", "kernel.yama.ptrace_scope"):
        value = facts.get("sysctl", {}).get(key)
        if value is not None and str(value) == "0":
            yield Violation(facts.target(), f"{key} = 0: one user's processes can reach another's files or memory")


@rule(id="YW-HOST-024", clauses=["8.1.4.2-g"], severity="low", source="host",
      title="No mandatory access control enforcing", title_zh="未启用强制访问控制",
      remediation="Run SELinux in enforcing mode or AppArmor with profiles for network-facing services.",
      remediation_zh="以 enforcing 模式运行 SELinux，或为对外服务启用 AppArmor 配置文件。",
      peers=("cis-rhel9:1.3.1.4", "cis-rhel9:1.3.1.5", "openeuler-sec:2.4.2", "openeuler-sec:2.4.3"))
@requires("mac")
def mandatory_access_control(facts: HostFacts) -> Iterator[Violation]:
    selinux = str(facts.get("mac.selinux") or "").lower()
    apparmor = facts.get("mac.apparmor")
    if selinux != "enforcing" and apparmor not in (True, "enabled", "enforcing"):
        yield Violation(facts.target(), f"SELinux {selinux or 'absent'}, AppArmor {apparmor or 'off'}")
    configured = facts.get("mac.selinux_config")
    if selinux == "enforcing" and configured is not None and str(configured).lower() != "enforcing":
        yield Violation(facts.target(), f"SELinux enforces now but /etc/selinux/config says SELINUX={configured}: "
                                        "the next boot drops it")


@rule(id="YW-HOST-025", clauses=["8.1.4.4-c"], severity="low", source="host",
      title="SSH reachable by any user from any address", title_zh="SSH 未限制登录用户或来源地址",
      remediation="Restrict SSH with `AllowGroups` (e.g. the administrators' group) and listen on the management "
                  "address only, or filter port 22 on the host firewall.",
      remediation_zh="用 `AllowGroups` 限定可登录用户组，并仅在管理地址监听或在主机防火墙限制 22 端口来源。",
      peers=("cis-rhel9:5.1.7", "openeuler-sec:3.3.22"))
@requires("sshd.settings", "listening", unless=HostFacts.sshd_absent)
def ssh_unrestricted(facts: HostFacts) -> Iterator[Violation]:
    settings = facts.get("sshd.settings") or {}
    if any(settings.get(k) for k in ("allowusers", "allowgroups")):
        return
    wildcard = [s for s in facts.get("listening") or [] if isinstance(s, dict) and s.get("process") == "sshd"
                and str(s.get("address")) in _WILDCARD]
    if wildcard:
        yield Violation(facts.target(), "sshd listens on every address and has no AllowUsers/AllowGroups")


@rule(id="YW-HOST-026", clauses=["8.1.4.4-e"], severity="medium", source="host",
      title="Security updates pending", title_zh="存在未安装的安全更新",
      remediation="Test and install the pending security updates (`apt-get upgrade` / `dnf upgrade --security`).",
      remediation_zh="测试后安装待装的安全更新（`apt-get upgrade` / `dnf upgrade --security`）。",
      peers=("cis-rhel9:1.2.2.1",))
@requires("updates.security_pending")
def pending_updates(facts: HostFacts) -> Iterator[Violation]:
    pending = facts.int_or_none("updates.security_pending") or 0
    if pending > 0:
        yield Violation(facts.target(), f"{pending} security update(s) not installed")


@rule(id="YW-HOST-027", clauses=["8.1.4.4-f"], severity="low", source="host",
      title="No host intrusion detection running", title_zh="未运行主机入侵检测",
      remediation="Run a host intrusion detection agent (Wazuh/OSSEC, Falco, osquery) that alerts the security "
                  "management centre.",
      remediation_zh="运行主机入侵检测代理（Wazuh/OSSEC、Falco、osquery），告警接入安全管理中心。")
@requires("services.running")
def no_hids(facts: HostFacts) -> Iterator[Violation]:
    if not _process_names(facts) & HIDS_PROCESSES:
        yield Violation(facts.target(), "no known HIDS process (Wazuh/OSSEC, Falco, osquery, …) is running")


@rule(id="YW-HOST-028", clauses=["8.1.4.5-a", "8.2.4.3-c"], severity="low", source="host",
      title="No anti-malware protection running", title_zh="未运行恶意代码防范软件",
      remediation="Run anti-malware with current signatures (e.g. ClamAV clamd + freshclam) or an EDR agent.",
      remediation_zh="运行签名库保持更新的恶意代码防范软件（如 ClamAV）或 EDR 代理。")
@requires("services.running")
def no_antimalware(facts: HostFacts) -> Iterator[Violation]:
    if not _process_names(facts) & ANTIMALWARE_PROCESSES:
        yield Violation(facts.target(), "no known anti-malware or EDR process is running")
