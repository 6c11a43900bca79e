"""Host rules that read the RPM-family facts (and their Debian counterparts where both exist): host firewall,
authselect, password history and hashing, su, audit log retention and boot auditing, crypto policy, package
signatures. Rules that only make sense on one layout family say so with ``platforms``."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts, requires

MIN_PASSWORD_HISTORY = 5
STRONG_HASHES = frozenset({"sha512", "yescrypt", "gost_yescrypt"})
# Zone targets that let everything in, and firewalld services that carry credentials in clear text.
OPEN_TARGETS = frozenset({"accept"})
CLEARTEXT_SERVICES = frozenset({"telnet", "ftp", "tftp", "rsh", "rlogin", "rexec", "vnc-server", "snmp"})
# auditd.conf values that keep the trail when its disk fills or its files rotate.
KEEP_LOGS = frozenset({"keep_logs"})
DISK_FULL_SAFE = frozenset({"halt", "single"})


@rule(id="YW-HOST-029", clauses=["8.1.4.4-c", "8.1.4.4-b"], severity="medium", source="host",
      title="No host firewall filtering", title_zh="未启用主机防火墙",
      remediation="Enable the distribution's firewall and allow only the management and service ports: "
                  "`systemctl enable --now firewalld` (openEuler, Kylin, UOS Server) or `ufw enable` / nftables "
                  "(Debian family).",
      remediation_zh="启用主机防火墙，仅放行管理与业务端口：`systemctl enable --now firewalld`"
                     "（openEuler、麒麟、统信服务器版），Debian 系使用 `ufw enable` 或 nftables。",
      peers=("openeuler-sec:3.2.1", "openeuler-sec:3.2.5",
             "openeuler-sec:3.2.11"))
@requires("firewall.active")
def host_firewall(facts: HostFacts) -> Iterator[Violation]:
    service = facts.get("firewall.service")
    if not service:
        yield Violation(facts.target(), "no host firewall (firewalld, nftables, iptables, ufw) is installed")
    elif facts.get("firewall.active") is False:
        yield Violation(facts.target(), f"{service} is installed but not filtering (not running or not enabled)")


@rule(id="YW-HOST-030", clauses=["8.1.4.4-b", "8.1.4.4-c"], severity="medium", source="host",
      title="Firewall zone lets everything or clear-text services in", title_zh="防火墙区域放行全部流量或明文服务",
      remediation="Give the default zone and the interface zones the target `default` (or DROP) and remove "
                  "clear-text services: `firewall-cmd --permanent --zone=public --set-target=default`, "
                  "`firewall-cmd --permanent --zone=public --remove-service=telnet`.",
      remediation_zh="默认区域与接口所在区域的 target 设为 default（或 DROP），并移除明文服务："
                     "`firewall-cmd --permanent --zone=public --remove-service=telnet`。",
      peers=("cis-rhel9:4.2.1", "openeuler-sec:3.2.2", "openeuler-sec:3.2.3", "openeuler-sec:3.2.4"))
@requires("firewall.service")
def firewall_zones(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("firewall.service") != "firewalld":
        return
    default = facts.get("firewall.default_zone")
    for zone in facts.get("firewall.zones") or []:
        if not isinstance(zone, dict):
            continue
        name = zone.get("name")
        bound = "default zone" if name == default else "zone bound to " + ", ".join(
            [*zone.get("interfaces", []), *zone.get("sources", [])])
        if str(zone.get("target", "")).lower() in OPEN_TARGETS or name == "trusted":
            yield Violation(facts.target(), f"firewalld {bound} {name} accepts every connection")
        cleartext = sorted(set(zone.get("services") or []) & CLEARTEXT_SERVICES)
        if cleartext:
            yield Violation(facts.target(), f"firewalld {bound} {name} allows clear-text services: "
                                            f"{', '.join(cleartext)}")


@rule(id="YW-HOST-031", clauses=["8.1.4.1-a", "8.1.4.1-b"], severity="low", source="host", platforms=("rpm",),
      title="PAM hardening not in the authselect profile", title_zh="PAM 加固未写入 authselect 配置",
      remediation="Select the profile with its features so `authselect apply-changes` keeps them: "
                  "`authselect select sssd with-faillock with-pwhistory --force` (or a custom profile), then "
                  "set the limits in faillock.conf and pwquality.conf.",
      remediation_zh="通过 authselect 启用加固特性，避免 `authselect apply-changes` 覆盖：`authselect select sssd "
                     "with-faillock with-pwhistory --force`（或自定义 profile），"
                     "再在 faillock.conf、pwquality.conf 设置阈值。",
      peers=("cis-rhel9:5.3.2.1", "cis-rhel9:5.3.2.2", "cis-rhel9:5.3.2.4"))
@requires("pam.authselect.installed")
def authselect_profile(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("pam.authselect.installed") or not facts.get("pam.authselect.profile"):
        return  # not managed by authselect: the PAM files themselves are the configuration
    features = set(facts.str_list("pam.authselect.features"))
    if not facts.get("pam.authselect.managed"):
        yield Violation(facts.target(), f"authselect profile {facts.get('pam.authselect.profile')} is selected but "
                                        "system-auth/password-auth are edited copies: `authselect apply-changes` or "
                                        "an update replaces them")
    elif "with-faillock" not in features:
        yield Violation(facts.target(), f"authselect profile {facts.get('pam.authselect.profile')} lacks "
                                        "with-faillock: failed logins never lock an account")


@rule(id="YW-HOST-032", clauses=["8.1.4.1-a"], severity="low", source="host",
      title="Old passwords can be reused", title_zh="允许重复使用近期口令",
      remediation=f"Add `password requisite pam_pwhistory.so remember={MIN_PASSWORD_HISTORY} use_authtok "
                  "enforce_for_root` to system-auth/password-auth (authselect feature with-pwhistory) or "
                  "common-password.",
      remediation_zh=f"在 system-auth/password-auth（authselect 特性 with-pwhistory）或 common-password 中加入 "
                     f"`pam_pwhistory.so remember={MIN_PASSWORD_HISTORY} use_authtok enforce_for_root`。",
      peers=("cis-rhel9:5.3.3.3.1", "openeuler-sec:2.2.2"))
@requires("pam.pwhistory.enabled")
def password_history(facts: HostFacts) -> Iterator[Violation]:
    remember = facts.int_or_none("pam.pwhistory.remember")
    if not facts.get("pam.pwhistory.enabled"):
        yield Violation(facts.target(), "no pam_pwhistory (nor pam_unix remember=): a changed password may be the "
                                        "old one again")
    elif remember is not None and remember < MIN_PASSWORD_HISTORY:
        yield Violation(facts.target(), f"passwords remembered: {remember} (at least {MIN_PASSWORD_HISTORY})")


@rule(id="YW-HOST-033", clauses=["8.1.4.8-b"], severity="medium", source="host",
      title="Passwords stored with a weak hash", title_zh="口令以弱算法存储",
      remediation="Hash passwords with SHA-512 or yescrypt: `ENCRYPT_METHOD SHA512` in /etc/login.defs and `sha512` "
                  "on the pam_unix password line; then have users change their passwords.",
      remediation_zh="口令使用 SHA-512 或 yescrypt 散列：/etc/login.defs 设置 `ENCRYPT_METHOD SHA512`，"
                     "pam_unix 密码行使用 `sha512`，随后让用户更换口令。",
      peers=("cis-rhel9:5.3.3.4.3", "cis-rhel9:5.4.1.4", "openeuler-sec:2.2.5"))
@requires("pam.unix.hash")
def password_hash(facts: HostFacts) -> Iterator[Violation]:
    algorithm = str(facts.get("pam.unix.hash") or "").lower()
    if algorithm and algorithm not in STRONG_HASHES:
        yield Violation(facts.target(), f"new passwords are hashed with {algorithm} (want sha512 or yescrypt)")


@rule(id="YW-HOST-034", clauses=["8.1.4.1-a"], severity="low", source="host",
      title="PAM accepts empty passwords", title_zh="PAM 允许空口令",
      remediation="Remove `nullok` from the pam_unix lines (authselect: `authselect enable-feature without-nullok`).",
      remediation_zh="删除 pam_unix 行中的 `nullok`（authselect：`authselect enable-feature without-nullok`）。",
      peers=("cis-rhel9:5.3.3.4.1", "openeuler-sec:2.2.8"))
@requires("pam.unix.nullok")
def pam_nullok(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("pam.unix.nullok"):
        yield Violation(facts.target(), "pam_unix nullok: an account whose password field is empty logs in "
                                        "without one")


@rule(id="YW-HOST-035", clauses=["8.1.4.2-d"], severity="low", source="host",
      title="Any user may try su to root", title_zh="未限制 su 的使用者",
      remediation="Uncomment `auth required pam_wheel.so use_uid` in /etc/pam.d/su and put administrators in the "
                  "wheel group.",
      remediation_zh="在 /etc/pam.d/su 中启用 `auth required pam_wheel.so use_uid`，仅 wheel 组成员可 su。",
      peers=("openeuler-sec:2.4.4",))
@requires("pam")
def su_restricted(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("pam.su_wheel") is False:
        yield Violation(facts.target(), "/etc/pam.d/su has no pam_wheel: every user may try root's password")


@rule(id="YW-HOST-036", clauses=["8.1.4.3-c"], severity="low", source="host",
      title="Audit logs may be overwritten or lost when the disk fills", title_zh="审计日志可能被覆盖或在磁盘满时丢失",
      remediation="In /etc/audit/auditd.conf set `max_log_file_action = keep_logs`, `space_left_action = email` "
                  "(or exec) and `disk_full_action = halt` or `single`, and forward the records to the log server.",
      remediation_zh="在 /etc/audit/auditd.conf 设置 `max_log_file_action = keep_logs`、`space_left_action = email`、"
                     "`disk_full_action = halt` 或 `single`，并将审计记录转发到日志服务器。",
      peers=("cis-rhel9:6.3.2.2", "cis-rhel9:6.3.2.3", "cis-rhel9:6.3.2.4", "openeuler-sec:4.1.12"))
@requires("auditd.config")
def audit_log_retention(facts: HostFacts) -> Iterator[Violation]:
    config = facts.get("auditd.config") or {}
    if not facts.get("auditd.installed") or not config:
        return  # YW-HOST-012 reports a missing daemon; no auditd.conf: nothing to judge
    action = config.get("max_log_file_action", "rotate")
    if action not in KEEP_LOGS:
        yield Violation(facts.target(), f"max_log_file_action = {action}: the oldest audit files are deleted "
                                        f"once {config.get('num_logs', '5')} are kept")
    if config.get("disk_full_action", "suspend") not in DISK_FULL_SAFE:
        yield Violation(facts.target(), f"disk_full_action = {config.get('disk_full_action', 'suspend')}: "
                                        "auditing stops silently when the disk is full")
    if config.get("space_left_action", "syslog") in ("ignore", "syslog", "rotate"):
        yield Violation(facts.target(), f"space_left_action = {config.get('space_left_action', 'syslog')}: "
                                        "nobody is alerted before the audit disk fills")


@rule(id="YW-HOST-037", clauses=["8.1.4.3-a"], severity="low", source="host",
      title="Processes started before auditd are not audited", title_zh="审计服务启动前的进程未被审计",
      remediation="Add `audit=1 audit_backlog_limit=8192` to the kernel command line (`grubby --update-kernel ALL "
                  "--args 'audit=1 audit_backlog_limit=8192'`) and reboot.",
      remediation_zh="在内核启动参数中加入 `audit=1 audit_backlog_limit=8192`"
                     "（`grubby --update-kernel ALL --args …`）并重启。",
      peers=("cis-rhel9:6.3.1.2", "openeuler-sec:4.1.8"))
@requires("auditd.installed")
def boot_auditing(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("auditd.installed") and facts.get("auditd.boot_audit") is False:
        yield Violation(facts.target(), "the kernel was booted without audit=1: whatever runs before auditd starts "
                                        "leaves no audit record")


@rule(id="YW-HOST-038", clauses=["8.1.4.1-c", "8.1.4.8-a"], severity="medium", source="host", platforms=("rpm",),
      title="System-wide crypto policy allows legacy algorithms", title_zh="系统加密策略允许过时算法",
      remediation="Set the DEFAULT (or FUTURE) policy: `update-crypto-policies --set DEFAULT`, then restart "
                  "the services; use a sub-policy for a single legacy peer rather than LEGACY for the whole host.",
      remediation_zh="设置 DEFAULT（或 FUTURE）策略：`update-crypto-policies --set DEFAULT` 并重启服务；"
                     "个别旧系统用子策略，不要整机使用 LEGACY。",
      peers=("cis-rhel9:1.6.1", "openeuler-sec:2.6.2"))
@requires("crypto_policy.policy")
def crypto_policy(facts: HostFacts) -> Iterator[Violation]:
    policy = str(facts.get("crypto_policy.policy") or "")
    if policy.split(":", 1)[0] == "LEGACY" or ":SHA1" in policy:
        yield Violation(facts.target(), f"crypto policy {policy}: TLS 1.0/1.1, SHA-1 signatures and short keys are "
                                        "accepted by OpenSSL, GnuTLS and OpenSSH")


@rule(id="YW-HOST-039", clauses=["8.1.4.4-e"], severity="medium", source="host", platforms=("rpm",),
      title="Packages installed without signature check", title_zh="软件包安装未校验签名",
      remediation="Set `gpgcheck=1` in /etc/dnf/dnf.conf and in every repository of /etc/yum.repos.d, with the "
                  "distribution's key imported (`rpm --import /etc/pki/rpm-gpg/RPM-GPG-KEY-openEuler`).",
      remediation_zh="在 /etc/dnf/dnf.conf 及 /etc/yum.repos.d 的每个仓库中设置 `gpgcheck=1`，并导入发行版签名公钥。",
      peers=("cis-rhel9:1.2.1.2", "openeuler-sec:1.2.6"))
@requires("package_db.gpgcheck")
def package_signatures(facts: HostFacts) -> Iterator[Violation]:
    if facts.get("package_db.gpgcheck") is False:
        yield Violation(facts.target(), "gpgcheck=0 in the dnf/yum [main] section: unsigned or tampered packages "
                                        "install without a warning")
    for repo in facts.str_list("package_db.repos_without_gpgcheck"):
        yield Violation(facts.target(), f"repository {repo} installs packages without checking their signature")
