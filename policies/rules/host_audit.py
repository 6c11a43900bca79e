"""Host rules: security audit (auditd, its rules and their protection), time sync, log forwarding."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts, requires

# Files whose changes an audit trail must show (accounts, groups, privileges).
WATCHED_FILES = ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/sudoers")


@rule(id="YW-HOST-012", clauses=["8.1.4.3-a"], severity="high", source="host",
      title="auditd not running", title_zh="未运行审计服务 auditd",
      remediation="Install auditd and enable it at boot (`systemctl enable --now auditd`).",
      remediation_zh="安装 auditd 并设为开机启动（`systemctl enable --now auditd`）。",
      peers=("cis-rhel9:6.3.1.1", "cis-rhel9:6.3.1.4", "openeuler-sec:4.1.1"))
@requires("auditd.installed", "auditd.running")
def auditd_running(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("auditd.installed"):
        yield Violation(facts.target(), "auditd is not installed: user actions and security events go unrecorded")
    elif not facts.get("auditd.running"):
        yield Violation(facts.target(), "auditd is installed but not running")


@rule(id="YW-HOST-013", clauses=["8.1.4.3-a", "8.1.4.3-b"], severity="medium", source="host",
      title="Audit rules missing", title_zh="审计规则缺失",
      remediation="Load audit rules that watch identity files and privileged commands "
                  "(e.g. `-w /etc/shadow -p wa -k identity`, `-w /etc/sudoers -p wa -k scope`).",
      remediation_zh="加载审计规则，监控身份文件与特权命令（如 `-w /etc/shadow -p wa -k identity`）。",
      peers=("cis-rhel9:6.3.3.1", "cis-rhel9:6.3.3.8", "openeuler-sec:4.1.4", "openeuler-sec:4.1.13"))
@requires("auditd.rules")
def audit_rules(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("auditd.installed"):
        return  # YW-HOST-012 reports the missing daemon
    rules = facts.str_list("auditd.rules")
    if not [r for r in rules if not r.startswith(("-D", "-b", "-f", "-e", "--backlog"))]:
        yield Violation(facts.target(), "no audit rules are loaded: auditd records almost nothing")
        return
    unwatched = [f for f in WATCHED_FILES if not any(f in r for r in rules)]
    if unwatched:
        yield Violation(facts.target(), f"no audit rule watches {', '.join(unwatched)}")


@rule(id="YW-HOST-014", clauses=["8.1.4.3-d"], severity="low", source="host",
      title="Audit configuration can be changed at run time", title_zh="审计配置可被运行时修改",
      remediation="End the audit rules with `-e 2` so they cannot be changed or auditing stopped without a reboot.",
      remediation_zh="在审计规则末尾加入 `-e 2`，使审计规则在重启前不可修改、审计不可停止。",
      peers=("cis-rhel9:6.3.3.20",))
@requires("auditd.rules")
def audit_immutable(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("auditd.installed") and "-e 2" not in [r.strip() for r in facts.str_list("auditd.rules")]:
        yield Violation(facts.target(), "audit rules are not locked (`-e 2`): root can silently switch auditing off")


@rule(id="YW-HOST-015", clauses=["8.1.4.3-b"], severity="medium", source="host",
      title="Clock not synchronised", title_zh="未进行时间同步",
      remediation="Run chrony or systemd-timesyncd against the project's NTP servers.",
      remediation_zh="运行 chrony 或 systemd-timesyncd，并与项目 NTP 服务器同步。",
      peers=("cis-rhel9:2.3.1",))
@requires("time_sync.running")
def time_sync(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("time_sync.running"):
        yield Violation(facts.target(), "no time synchronisation service is running: audit record times drift")
    elif facts.get("time_sync.synchronized") is False:
        yield Violation(facts.target(), f"{facts.get('time_sync.service') or 'time sync'} runs but the clock is not "
                                        "synchronised")


@rule(id="YW-HOST-016", clauses=["8.1.4.3-c", "8.1.5.4-d"], severity="medium", source="host",
      title="Logs not forwarded to a log server", title_zh="日志未转发至日志服务器",
      remediation="Forward logs to the central log servers (rsyslog `*.* @@10.10.99.50:514` or journald upload).",
      remediation_zh="将日志转发到集中日志服务器（rsyslog `*.* @@10.10.99.50:514` 或 journald 上传）。",
      peers=("cis-rhel9:6.2.3.6", "openeuler-sec:4.2.8"))
@requires("syslog.running", "syslog.remote")
def remote_syslog(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("syslog.running"):
        yield Violation(facts.target(), "no syslog daemon is running")
    elif not facts.get("syslog.remote"):
        yield Violation(facts.target(), "logs stay on this host only: deleting or overwriting them erases the trail")
