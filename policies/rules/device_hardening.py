"""Device rules: how administrators get in (SSH algorithms, keys and limits, password policy, privilege levels, login
services, privileged mode, AUX port, web server) — the management-plane items of the CIS Cisco IOS benchmark and
of Huawei's and H3C's hardening guides."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import TOP_LEVEL, DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations

MIN_KEY_BITS = 2048
MAX_SSH_TIMEOUT_S = 60
MAX_SSH_RETRIES = 3
MIN_PASSWORD_LENGTH = 8
MIN_PASSWORD_CLASSES = 2
MAX_PASSWORD_AGE_DAYS = 90

# Name fragments a vendor may print for algorithms broken or too weak for administration traffic.
_WEAK = {
    "ssh-cipher": ("cbc", "3des", "des", "arcfour", "rc4", "blowfish", "cast128", "none"),
    "ssh-kex": ("group1-", "group1", "group-exchange-sha1", "group14-sha1", "gex-sha1"),
    "ssh-hostkey": ("dss", "dsa"),
    "tls-cipher": ("rc4", "des", "3des", "null", "export", "md5", "anon"),
}
_WEAK_MACS = ("md5", "umac-64", "ripemd")
_WEAK_TLS = frozenset({"ssl3", "sslv3", "tls1.0", "tlsv1.0", "tls1.1", "tlsv1.1", "tlsv1", "tls1"})


def _weak(kind: str, name: str) -> bool:
    if kind == "tls-version":
        return name in _WEAK_TLS
    if kind == "ssh-mac":
        return any(w in name for w in _WEAK_MACS) or name.endswith(("sha1", "sha1-96", "sha-1"))
    return any(w in name for w in _WEAK.get(kind, ()))


@rule(id="YW-DEV-038", clauses=["8.1.4.1-c", "8.1.5.4-b"], severity="medium", source="device",
      title="Weak SSH or TLS algorithms offered", title_zh="SSH/TLS 使用弱算法",
      remediation="Offer only AES-CTR/GCM or ChaCha20 ciphers, SHA-2 MACs, ECDH or DH group 14+ with SHA-2 and "
                  "TLS 1.2 or later (`ssh server cipher aes256_ctr aes128_ctr`, `ssh2 algorithm cipher aes256-ctr`, "
                  "`ip ssh server algorithm encryption aes256-ctr`).",
      remediation_zh="仅启用 AES-CTR/GCM 或 ChaCha20 加密、SHA-2 完整性算法、ECDH 或 DH group14 以上（SHA-2）密钥交换，"
                     "TLS 1.2 及以上（如 `ssh server cipher aes256_ctr aes128_ctr`）。",
      peers=("huawei-vrp:mgmt.ssh-algorithms", "huawei-vrp:mgmt.tls", "h3c-comware:mgmt.ssh-algorithms",
             "h3c-comware:mgmt.tls"))
def weak_algorithms(config: DeviceConfig) -> Iterator[Violation]:
    for offered in config.ssh_algorithms:
        weak = [n for n in offered.names if _weak(offered.kind, n)]
        if weak:
            yield Violation(device_target(config, offered.line), f"{offered.kind} list offers {', '.join(weak)}")


@rule(id="YW-DEV-039", clauses=["8.1.4.1-c"], severity="medium", source="device",
      title="Key or Diffie-Hellman group shorter than 2048 bits", title_zh="密钥或 DH 组长度不足 2048 位",
      remediation="Generate RSA host keys of at least 2048 bits (`crypto key generate rsa modulus 2048`, "
                  "`rsa local-key-pair create` with 2048+) and require DH groups of 2048 bits or more "
                  "(`ip ssh dh min size 2048`, `ssh server dh-exchange min-len 2048`).",
      remediation_zh="RSA 主机密钥不少于 2048 位，DH 组不少于 2048 位（`ip ssh dh min size 2048`、"
                     "`ssh server dh-exchange min-len 2048`）。",
      peers=("cis-ios:2.1.1.1.3", "huawei-vrp:mgmt.ssh-key-length", "h3c-comware:mgmt.ssh-key-length"))
def short_keys(config: DeviceConfig) -> Iterator[Violation]:
    for key in config.key_sizes:
        if key.bits < MIN_KEY_BITS:
            yield Violation(device_target(config, key.line), f"{key.what} of {key.bits} bits")


@rule(id="YW-DEV-040", clauses=["8.1.4.1-b"], severity="low", source="device",
      title="SSH login timeout or retries too lax", title_zh="SSH 登录超时或重试次数过大",
      remediation="Allow at most 60 s and 3 attempts for an SSH login (`ip ssh time-out 60`, "
                  "`ip ssh authentication-retries 3`, `ssh server timeout 60`, `ssh server authentication-retries 3`).",
      remediation_zh="SSH 登录等待不超过 60 秒、认证重试不超过 3 次（`ip ssh time-out 60`、`ssh server timeout 60`）。",
      peers=("cis-ios:2.1.1.1.4", "cis-ios:2.1.1.1.5", "huawei-vrp:mgmt.ssh-timeout-retries",
             "h3c-comware:mgmt.ssh-timeout-retries"))
def ssh_limits(config: DeviceConfig) -> Iterator[Violation]:
    timeout, retries = config.ssh_timeout, config.ssh_retries
    if timeout is not None and timeout.value > MAX_SSH_TIMEOUT_S:
        how = "" if timeout.line else " (the platform default)"
        yield Violation(device_target(config, timeout.line),
                        f"an unauthenticated SSH connection may wait {timeout.value} s{how}")
    if retries is not None and retries.value > MAX_SSH_RETRIES:
        yield Violation(device_target(config, retries.line), f"{retries.value} SSH authentication attempts allowed")


@rule(id="YW-DEV-041", clauses=["8.1.4.1-a"], severity="medium", source="device",
      title="No password complexity or ageing policy", title_zh="未配置口令复杂度与定期更换策略",
      remediation="Require at least 8 characters of 2+ character classes and a change every 90 days: `password-control "
                  "enable` + `password-control composition type-number 3` (Comware); `local-aaa-user password policy "
                  "administrator` + `password expire 90` (VRP); `aaa common-criteria policy` (IOS); "
                  "`password policy strong` + `password policy life-cycle 90` (RGOS).",
      remediation_zh="口令至少 8 位、含 2 类以上字符并每 90 天更换：Comware `password-control composition "
                     "type-number 3`，VRP `local-aaa-user password policy administrator` 下 `password expire 90`，"
                     "IOS `aaa common-criteria policy`，RGOS `password policy strong`、"
                     "`password policy life-cycle 90`。",
      peers=("huawei-vrp:acct.password-complexity", "huawei-vrp:acct.password-expiry",
             "h3c-comware:acct.password-complexity", "h3c-comware:acct.password-expiry"))
def password_policy(config: DeviceConfig) -> Iterator[Violation]:
    if not config.admins():
        return
    policy = config.password_policy
    if policy is None:
        yield Violation(device_target(config, None), "no password policy: local passwords need neither complexity "
                                                     "nor periodic change")
        return
    if policy.complexity_disabled is not None:
        yield from evidence_violations(config, policy.complexity_disabled)
    gaps = []
    if policy.min_length is None or policy.min_length < MIN_PASSWORD_LENGTH:
        gaps.append(f"minimum length {policy.min_length or 'unset'} (< {MIN_PASSWORD_LENGTH})")
    if policy.complexity_disabled is None and (policy.min_classes or 1) < MIN_PASSWORD_CLASSES:
        gaps.append(f"{policy.min_classes or 1} character class required (< {MIN_PASSWORD_CLASSES})")
    if not policy.max_age_days or policy.max_age_days > MAX_PASSWORD_AGE_DAYS:
        gaps.append("passwords never expire" if not policy.max_age_days else
                    f"passwords expire after {policy.max_age_days} days (> {MAX_PASSWORD_AGE_DAYS})")
    if gaps:
        yield Violation(device_target(config, policy.line), f"password policy: {'; '.join(gaps)}")


@rule(id="YW-DEV-042", clauses=["8.1.4.2-d"], severity="medium", source="device",
      title="Every administrator has the top privilege level", title_zh="所有管理员均为最高权限，未做权限分离",
      remediation="Give each administrator only the level the role needs (system 15, security 10, audit 1 or read "
                  "only) — `username X privilege 1`, `local-user X privilege level 3`, "
                  "`authorization-attribute user-role network-operator`.",
      remediation_zh="按角色授予最小权限（系统管理员 15、安全管理员 10、审计管理员 1/只读），实现三权分立。",
      peers=("cis-ios:1.2.1", "huawei-vrp:acct.privilege", "h3c-comware:acct.privilege"))
def no_privilege_separation(config: DeviceConfig) -> Iterator[Violation]:
    leveled = [u for u in config.admins() if u.level is not None]
    if leveled and all(u.level == TOP_LEVEL for u in leveled):
        names = ", ".join(u.name for u in leveled)
        yield Violation(device_target(config, leveled[0].line),
                        f"all {len(leveled)} local administrator account(s) ({names}) have level {TOP_LEVEL}")


_CLEAR_SERVICES = frozenset({"telnet", "ftp", "http", "web"})


@rule(id="YW-DEV-043", clauses=["8.1.4.1-c", "8.1.4.2-a"], severity="medium", source="device",
      title="Administrator may log in over a clear-text service", title_zh="管理账号允许明文协议登录",
      remediation="Limit each local administrator's access types to SSH, the console and HTTPS "
                  "(`local-user X service-type terminal ssh`, `service-type ssh terminal https`).",
      remediation_zh="本地管理账号的接入类型仅限 SSH、Console 与 HTTPS（`service-type terminal ssh`）。",
      peers=("huawei-vrp:acct.service-type", "h3c-comware:acct.service-type"))
def clear_login_services(config: DeviceConfig) -> Iterator[Violation]:
    for user in config.admins():
        clear = sorted(_CLEAR_SERVICES.intersection(user.services or ()))
        if clear:
            yield Violation(device_target(config, user.services_line or user.line),
                            f"account {user.name} may log in over {', '.join(clear)}")


@rule(id="YW-DEV-044", clauses=["8.1.4.1-a", "8.1.4.2-d"], severity="medium", source="device",
      title="Privileged mode not protected", title_zh="特权模式未受保护",
      remediation="Protect `enable` with AAA (`aaa authentication enable default group … enable`) or a hashed "
                  "secret (`enable algorithm-type scrypt secret …`), never `enable password`.",
      remediation_zh="特权模式须经 AAA 认证（`aaa authentication enable default group …`）或使用哈希保存的 "
                     "`enable secret`，不得使用 `enable password`。",
      peers=("cis-ios:1.4.1", "cis-ios:1.1.3"))
def privileged_mode(config: DeviceConfig) -> Iterator[Violation]:
    if config.enable_guard == "none":
        yield Violation(device_target(config, None), "no enable secret and no AAA for `enable`: anyone at the "
                                                     "console reaches privileged mode without a password")
    elif config.enable_guard == "password":
        yield Violation(device_target(config, config.enable_line),
                        "`enable password` guards privileged mode (reversible; use `enable secret` or AAA)")


@rule(id="YW-DEV-045", clauses=["8.1.4.4-b", "8.1.4.1-a"], severity="low", source="device",
      title="AUX port gives a shell", title_zh="AUX 口可登录",
      remediation="Close the auxiliary port: `line aux 0` with `no exec` and `transport input none`.",
      remediation_zh="关闭 AUX 口登录：`line aux 0` 下配置 `no exec` 与 `transport input none`。",
      peers=("cis-ios:1.2.3", "cis-ios:1.2.9"))
def aux_port(config: DeviceConfig) -> Iterator[Violation]:
    for mgmt in config.mgmt_lines("aux"):
        if mgmt.exec_enabled is None:
            continue  # VRP/Comware AUX lines authenticate like the console (YW-DEV-016)
        gaps = []
        if mgmt.exec_enabled:
            gaps.append("`no exec` not set")
        if mgmt.protocols != ["none"]:
            gaps.append("`transport input none` not set")
        if gaps:
            yield Violation(device_target(config, mgmt.line), f"{mgmt.label}: {', '.join(gaps)}")


@rule(id="YW-DEV-046", clauses=["8.1.4.1-a", "8.1.4.2-a"], severity="medium", source="device",
      title="Web management logs in with a shared password", title_zh="Web 管理使用共享口令登录",
      remediation="Authenticate web administrators individually (`ip http authentication aaa` or `local`), or turn "
                  "the web server off.",
      remediation_zh="Web 管理按个人账号认证（`ip http authentication aaa|local`），或关闭 Web 服务。",
      peers=("cis-ios:1.1.5",))
def web_shared_password(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, config.web_auth)


@rule(id="YW-DEV-047", clauses=["8.1.4.1-b"], severity="low", source="device",
      title="Web management sessions not limited", title_zh="Web 管理会话未限制",
      remediation="Limit concurrent web sessions and idle time: `ip http max-connections 2`, "
                  "`ip http timeout-policy idle 600 life 86400 requests 10000`.",
      remediation_zh="限制 Web 并发会话与空闲时间（`ip http max-connections 2`、`ip http timeout-policy idle 600`）。",
      peers=("cis-ios:1.2.10", "cis-ios:1.2.11"))
def web_limits(config: DeviceConfig) -> Iterator[Violation]:
    if config.web_limits:
        yield Violation(device_target(config, None), f"web server on without {', '.join(config.web_limits)}")


@rule(id="YW-DEV-048", clauses=["8.1.5.1-a", "8.1.4.3-a"], severity="low", source="device",
      title="AAA leaves logins or commands unaccounted", title_zh="AAA 未覆盖登录认证与命令审计",
      remediation="With `aaa new-model`, authenticate logins and `enable` through AAA and account exec sessions, "
                  "level-15 commands, outbound connections and system events (`aaa accounting exec|commands 15|"
                  "connection|system default start-stop group …`).",
      remediation_zh="开启 `aaa new-model`，登录与 enable 经 AAA 认证，"
                     "并对 exec 会话、15 级命令、外连与系统事件计费审计。",
      peers=("cis-ios:1.1.1", "cis-ios:1.1.2", "cis-ios:1.1.6", "cis-ios:1.1.7", "cis-ios:1.1.8", "cis-ios:1.1.9",
             "cis-ios:1.1.10"))
def aaa_gaps(config: DeviceConfig) -> Iterator[Violation]:
    if config.aaa_gaps:
        yield Violation(device_target(config, None), f"AAA missing: {', '.join(config.aaa_gaps)}")
