"""Host rules: identification and authentication (SSH logins, accounts, password policy, lockout, idle logout)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts, requires

MAX_PASSWORD_AGE_DAYS = 90
MIN_PASSWORD_LENGTH = 8
MAX_IDLE_S = 900
MIN_UNLOCK_S = 900
MIN_PASSWORD_DAYS = 1
MIN_WARN_DAYS = 7
# Accounts every distribution creates for daemons; none of them should have a login shell.
SYSTEM_ACCOUNTS = frozenset({"daemon", "bin", "sys", "games", "man", "lp", "mail", "news", "uucp", "proxy",
                             "www-data", "backup", "list", "irc", "gnats", "nobody", "ftp", "operator", "adm",
                             "postfix", "sshd", "systemd-network", "messagebus", "_apt"})


@rule(id="YW-HOST-001", clauses=["8.1.4.2-a", "8.1.5.1-a"], severity="high", source="host",
      title="SSH allows direct root login", title_zh="SSH 允许 root 直接登录",
      remediation="Set `PermitRootLogin no`; administrators log in with personal accounts and use sudo.",
      remediation_zh="设置 `PermitRootLogin no`，管理员使用个人账号登录后通过 sudo 提权。",
      peers=("cis-rhel9:5.1.20", "openeuler-sec:3.3.9"))
def ssh_root_login(facts: HostFacts) -> Iterator[Violation]:
    missing, value = facts.sshd_setting("permitrootlogin")
    if missing:
        yield missing
    elif value in ("yes", "prohibit-password", "without-password"):
        yield Violation(facts.target(), f"sshd PermitRootLogin {value}: root logs in directly, so actions cannot "
                                        "be traced to a person")


@rule(id="YW-HOST-002", clauses=["8.1.4.1-a"], severity="high", source="host",
      title="SSH accepts empty passwords", title_zh="SSH 允许空口令登录",
      remediation="Set `PermitEmptyPasswords no` in sshd_config.",
      remediation_zh="在 sshd_config 中设置 `PermitEmptyPasswords no`。",
      peers=("cis-rhel9:5.1.19",))
def ssh_empty_passwords(facts: HostFacts) -> Iterator[Violation]:
    missing, value = facts.sshd_setting("permitemptypasswords")
    if missing:
        yield missing
    elif value == "yes":
        yield Violation(facts.target(), "sshd PermitEmptyPasswords yes")


@rule(id="YW-HOST-003", clauses=["8.1.4.1-a"], severity="high", source="host",
      title="Account with an empty password", title_zh="存在空口令账号",
      remediation="Set a password on the account or lock it (`passwd -l NAME`).",
      remediation_zh="为该账号设置口令或将其锁定（`passwd -l NAME`）。",
      peers=("cis-rhel9:7.2.2", "openeuler-sec:2.2.8"))
@requires("users.empty_password")
def empty_password_accounts(facts: HostFacts) -> Iterator[Violation]:
    for name in facts.str_list("users.empty_password"):
        yield Violation(facts.target(), f"account {name} has an empty password field in /etc/shadow")


@rule(id="YW-HOST-004", clauses=["8.1.4.2-a", "8.1.4.2-c"], severity="high", source="host",
      title="Account other than root with UID 0", title_zh="存在 root 以外的 UID 0 账号",
      remediation="Give the account its own UID or remove it; only root may have UID 0.",
      remediation_zh="为该账号分配独立 UID 或删除该账号，仅 root 可使用 UID 0。",
      peers=("cis-rhel9:5.4.2.1", "openeuler-sec:2.1.4"))
@requires("users.uid0")
def extra_uid0(facts: HostFacts) -> Iterator[Violation]:
    for name in facts.str_list("users.uid0"):
        if name != "root":
            yield Violation(facts.target(), f"account {name} has UID 0 (a second, shared root)")


@rule(id="YW-HOST-005", clauses=["8.1.4.1-a"], severity="medium", source="host",
      title="Weak password quality rules", title_zh="口令复杂度要求不足",
      remediation="Enable pam_pwquality with `minlen = 8` or more and `minclass = 3` (or negative d/u/l/o credits).",
      remediation_zh="启用 pam_pwquality，设置 `minlen` 不少于 8、`minclass = 3`（或 d/u/l/o credit 为负值）。",
      peers=("cis-rhel9:5.3.2.3", "cis-rhel9:5.3.3.2.2", "cis-rhel9:5.3.3.2.3", "openeuler-sec:2.2.1"))
@requires("pam.pwquality.enabled")
def password_quality(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("pam.pwquality.enabled"):
        yield Violation(facts.target(), "no password quality module (pam_pwquality/pam_cracklib) in the PAM stack")
        return
    minlen = facts.int_or_none("pam.pwquality.minlen")
    if minlen is not None and minlen < MIN_PASSWORD_LENGTH:
        yield Violation(facts.target(), f"minimum password length {minlen} is below {MIN_PASSWORD_LENGTH}")
    minclass = facts.int_or_none("pam.pwquality.minclass") or 0
    required = sum(1 for k in ("dcredit", "ucredit", "lcredit", "ocredit")
                   if (facts.int_or_none(f"pam.pwquality.{k}") or 0) < 0)
    if max(minclass, required) < 3:
        yield Violation(facts.target(), f"passwords need only {max(minclass, required)} character classes "
                                        "(at least 3 required)")


@rule(id="YW-HOST-006", clauses=["8.1.4.1-a"], severity="medium", source="host",
      title="Passwords never expire or expire late", title_zh="口令未定期更换",
      remediation=f"Set `PASS_MAX_DAYS {MAX_PASSWORD_AGE_DAYS}` (or less) in /etc/login.defs and apply it to "
                  "existing accounts with `chage --maxdays`.",
      remediation_zh=f"在 /etc/login.defs 中设置 `PASS_MAX_DAYS {MAX_PASSWORD_AGE_DAYS}` 或更小，"
                     "并用 `chage` 应用到现有账号。",
      peers=("cis-rhel9:5.4.1.1", "openeuler-sec:2.2.7"))
@requires("login_defs")
def password_max_age(facts: HostFacts) -> Iterator[Violation]:
    days = facts.int_or_none("login_defs.PASS_MAX_DAYS")
    if days is None:
        yield Violation(facts.target(), "PASS_MAX_DAYS is not set in /etc/login.defs (passwords never expire)")
    elif days > MAX_PASSWORD_AGE_DAYS:
        yield Violation(facts.target(), f"PASS_MAX_DAYS {days} is more than {MAX_PASSWORD_AGE_DAYS} days")


@rule(id="YW-HOST-007", clauses=["8.1.4.1-b"], severity="medium", source="host",
      title="No lockout after failed logins", title_zh="未配置登录失败锁定",
      remediation="Enable pam_faillock with `deny = 5` and `unlock_time = 900` (or pam_tally2 on old systems).",
      remediation_zh="启用 pam_faillock，设置 `deny = 5`、`unlock_time = 900`（旧系统使用 pam_tally2）。",
      peers=("cis-rhel9:5.3.3.1.1", "openeuler-sec:2.3.1"))
@requires("pam.faillock.enabled")
def login_lockout(facts: HostFacts) -> Iterator[Violation]:
    missing_modules = facts.str_list("pam.missing_modules")
    for module in ("faillock", "tally2"):
        if facts.get(f"pam.{module}.enabled"):
            if f"pam_{module}.so" in missing_modules:
                yield Violation(facts.target(), f"the PAM stack names pam_{module}, which is not installed (pam_tally2 "
                                                "is gone since Linux-PAM 1.5): accounts are never locked")
                return
            deny = facts.int_or_none(f"pam.{module}.deny")
            if deny is not None and (deny == 0 or deny > 10):
                yield Violation(facts.target(), f"pam_{module} deny={deny}: accounts are not locked after a few "
                                                "failures")
            return
    yield Violation(facts.target(), "neither pam_faillock nor pam_tally2 locks accounts after failed logins")


@rule(id="YW-HOST-008", clauses=["8.1.4.1-b"], severity="medium", source="host",
      title="No automatic logout of idle sessions", title_zh="未配置登录会话超时自动退出",
      remediation=f"Set `ClientAliveInterval 300` and `ClientAliveCountMax 3` (at most {MAX_IDLE_S} s in total) in "
                  "sshd_config, and `TMOUT=900; readonly TMOUT` in /etc/profile.d.",
      remediation_zh="sshd_config 设置 `ClientAliveInterval 300`、`ClientAliveCountMax 3`，并在 /etc/profile.d 设置 "
                     "`TMOUT=900; readonly TMOUT`。",
      peers=("cis-rhel9:5.1.9", "cis-rhel9:5.4.3.2", "openeuler-sec:2.3.2"))
def idle_logout(facts: HostFacts) -> Iterator[Violation]:
    tmout = facts.int_or_none("shell.tmout")
    if tmout is not None and 0 < tmout <= MAX_IDLE_S:
        return
    missing, interval_text = facts.sshd_setting("clientaliveinterval")
    if missing:
        yield missing
        return
    if interval_text is None:
        return
    interval = int(interval_text) if interval_text.isdigit() else 0
    count = facts.int_or_none("sshd.settings.clientalivecountmax") or 3
    if interval == 0:
        yield Violation(facts.target(), "sshd ClientAliveInterval 0: idle SSH sessions are never closed")
    elif interval * count > MAX_IDLE_S:
        yield Violation(facts.target(), f"sshd closes idle sessions only after {interval * count} s "
                                        f"(ClientAliveInterval {interval} × ClientAliveCountMax {count})")


@rule(id="YW-HOST-009", clauses=["8.1.4.1-d"], severity="low", source="host",
      title="SSH login needs only one factor", title_zh="SSH 登录仅使用单一鉴别因素",
      remediation="Require two factors, e.g. `AuthenticationMethods publickey,keyboard-interactive` with an OTP PAM "
                  "module, or `publickey,password`.",
      remediation_zh="要求双因素鉴别，例如 `AuthenticationMethods publickey,keyboard-interactive` 配合 OTP PAM 模块。")
@requires("sshd.settings", unless=HostFacts.sshd_absent)
def ssh_single_factor(facts: HostFacts) -> Iterator[Violation]:
    methods = str(facts.get("sshd.settings.authenticationmethods") or "any")
    if not any("," in chain for chain in methods.split()):
        passwords = str(facts.get("sshd.settings.passwordauthentication") or "").lower() == "yes"
        factor = "a password alone" if passwords else "one factor"
        yield Violation(facts.target(), f"sshd AuthenticationMethods {methods}"
                                        f"{', PasswordAuthentication yes' if passwords else ''}: {factor} "
                                        "is enough to log in")


@rule(id="YW-HOST-010", clauses=["8.1.4.1-b"], severity="low", source="host",
      title="SSH allows many password attempts per connection", title_zh="SSH 单次连接允许过多鉴别尝试",
      remediation="Set `MaxAuthTries 4` (or fewer) in sshd_config.",
      remediation_zh="在 sshd_config 中设置 `MaxAuthTries 4` 或更小。",
      peers=("cis-rhel9:5.1.16", "openeuler-sec:3.3.15"))
def ssh_max_auth_tries(facts: HostFacts) -> Iterator[Violation]:
    missing, value = facts.sshd_setting("maxauthtries")
    if missing:
        yield missing
    elif value is not None and value.isdigit() and int(value) > 5:
        yield Violation(facts.target(), f"sshd MaxAuthTries {value}")


@rule(id="YW-HOST-011", clauses=["8.1.4.2-c"], severity="low", source="host",
      title="System account with a login shell", title_zh="系统账号可交互登录",
      remediation="Give daemon accounts `/usr/sbin/nologin` as shell and delete accounts nobody uses.",
      remediation_zh="将系统/服务账号的 shell 设为 `/usr/sbin/nologin`，删除无人使用的账号。",
      peers=("cis-rhel9:5.4.2.7",))
@requires("users.shell_users")
def system_accounts_with_shell(facts: HostFacts) -> Iterator[Violation]:
    for name in facts.str_list("users.shell_users"):
        if name in SYSTEM_ACCOUNTS:
            yield Violation(facts.target(), f"system account {name} has an interactive login shell")


@rule(id="YW-HOST-043", clauses=["8.1.4.1-b"], severity="low", source="host",
      title="Locked accounts unlock quickly or root is never locked", title_zh="锁定时间过短或 root 不受锁定",
      remediation=f"Set `unlock_time = {MIN_UNLOCK_S}` (or more; 0 waits for an administrator) and `even_deny_root` "
                  "in /etc/security/faillock.conf.",
      remediation_zh=f"在 /etc/security/faillock.conf 中设置 `unlock_time = {MIN_UNLOCK_S}` 或更大"
                     "（0 表示由管理员解锁），并启用 `even_deny_root`。",
      peers=("cis-rhel9:5.3.3.1.2", "cis-rhel9:5.3.3.1.3"))
@requires("pam.faillock.enabled")
def lockout_strength(facts: HostFacts) -> Iterator[Violation]:
    missing_modules = facts.str_list("pam.missing_modules")
    for module in ("faillock", "tally2"):
        if not facts.get(f"pam.{module}.enabled") or f"pam_{module}.so" in missing_modules:
            continue  # YW-HOST-007 reports a stack that locks nobody
        unlock = facts.int_or_none(f"pam.{module}.unlock_time")
        if unlock is not None and 0 < unlock < MIN_UNLOCK_S:
            yield Violation(facts.target(), f"pam_{module} unlock_time={unlock}: a guesser may try again after "
                                            f"{unlock} s (at least {MIN_UNLOCK_S})")
        if facts.get(f"pam.{module}.even_deny_root") is False:
            yield Violation(facts.target(), f"pam_{module} without even_deny_root: root's password may be guessed "
                                            "without limit")


@rule(id="YW-HOST-044", clauses=["8.1.4.1-a"], severity="low", source="host",
      title="Passwords may be changed again at once", title_zh="口令可被立即再次修改",
      remediation=f"Set `PASS_MIN_DAYS {MIN_PASSWORD_DAYS}` and `PASS_WARN_AGE {MIN_WARN_DAYS}` in /etc/login.defs and "
                  "apply them to existing accounts (`chage --mindays 1 --warndays 7 NAME`).",
      remediation_zh=f"在 /etc/login.defs 中设置 `PASS_MIN_DAYS {MIN_PASSWORD_DAYS}`、`PASS_WARN_AGE {MIN_WARN_DAYS}`，"
                     "并用 `chage` 应用到现有账号。",
      peers=("cis-rhel9:5.4.1.2", "cis-rhel9:5.4.1.3"))
@requires("login_defs")
def password_min_age(facts: HostFacts) -> Iterator[Violation]:
    if not facts.get("login_defs"):
        return  # no login.defs read: YW-HOST-006 reports what is missing
    min_days = facts.int_or_none("login_defs.PASS_MIN_DAYS") or 0  # shadow-utils' default when unset
    if min_days < MIN_PASSWORD_DAYS:
        yield Violation(facts.target(), f"PASS_MIN_DAYS {min_days}: a user can cycle through the remembered "
                                        "passwords in minutes and be back at the old one")
    warn = facts.int_or_none("login_defs.PASS_WARN_AGE")
    if warn is not None and warn < MIN_WARN_DAYS:
        yield Violation(facts.target(), f"PASS_WARN_AGE {warn}: users get less than {MIN_WARN_DAYS} days' notice "
                                        "before their password expires")
