"""Device rules: local accounts, how their passwords are stored, lockout, banner, central AAA."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations

# Factory or vendor-documented default administrator names.
DEFAULT_ACCOUNTS = frozenset({"admin", "administrator", "cisco", "huawei", "h3c", "root", "manager", "guest",
                              "test", "user", "super", "enable_user"})


@rule(id="YW-DEV-007", clauses=["8.1.4.1-a"], severity="high", source="device",
      title="Password stored in clear or reversibly", title_zh="口令以明文或可逆方式保存",
      remediation="Store passwords one-way: `password irreversible-cipher` (VRP), `password hash` (Comware), "
                  "`secret 9`/`enable secret` (IOS); on IOS also turn on `service password-encryption`.",
      remediation_zh="口令须不可逆保存：VRP `password irreversible-cipher`，Comware `password hash`，"
                     "IOS `secret 9`/`enable secret`；IOS 另需开启 `service password-encryption`。",
      peers=("cis-ios:1.4.2", "cis-ios:1.4.3", "huawei-vrp:acct.password-storage", "h3c-comware:acct.password-storage"))
def plaintext_passwords(config: DeviceConfig) -> Iterator[Violation]:
    for user in config.users:
        if user.password == "plain":
            yield Violation(device_target(config, user.password_line),
                            f"account {user.name}: password stored in clear text")
        elif user.password == "weak":
            yield Violation(device_target(config, user.password_line),
                            f"account {user.name}: password stored as IOS type 7, which anyone can decode")
    if config.password_encryption_missing:
        yield Violation(device_target(config, None),
                        "`service password-encryption` is off while clear-text password lines exist")


@rule(id="YW-DEV-008", clauses=["8.1.4.2-b"], severity="medium", source="device",
      title="Default administrator account name in use", title_zh="使用默认管理员账号名",
      remediation="Create named administrator accounts and delete or rename the factory accounts.",
      remediation_zh="为管理员建立个人账号，删除或重命名出厂默认账号。",
      peers=("huawei-vrp:acct.default-names", "h3c-comware:acct.default-names"))
def default_accounts(config: DeviceConfig) -> Iterator[Violation]:
    for user in config.users:
        if user.name.lower() in DEFAULT_ACCOUNTS and user.manages_device:
            yield Violation(device_target(config, user.line), f"account {user.name} is a factory-default name")


@rule(id="YW-DEV-009", clauses=["8.1.4.1-a"], severity="high", source="device",
      title="Local account without a password", title_zh="本地账号未设置口令",
      remediation="Give every local administrator account a strong password or remove it.",
      remediation_zh="为每个本地管理账号设置强口令，或删除该账号。",
      peers=("huawei-vrp:acct.no-password", "h3c-comware:acct.no-password"))
def users_without_password(config: DeviceConfig) -> Iterator[Violation]:
    for user in config.users:
        if user.password == "none" and user.manages_device:
            yield Violation(device_target(config, user.line), f"account {user.name} has no password")


@rule(id="YW-DEV-017", clauses=["8.1.4.1-b"], severity="medium", source="device",
      title="No lockout after failed logins", title_zh="未配置登录失败锁定",
      remediation="Lock accounts after repeated failures: `local-aaa-user wrong-password retry-interval 5 retry-time 5 "
                  "block-time 30` (VRP), `password-control login-attempt 5 exceed lock-time 30` (Comware), "
                  "`login block-for` / `aaa local authentication attempts max-fail 5` (IOS).",
      remediation_zh="配置登录失败锁定：VRP `local-aaa-user wrong-password …`，Comware "
                     "`password-control login-attempt 5 exceed lock-time 30`，IOS `login block-for` 或 "
                     "`aaa local authentication attempts max-fail 5`。",
      peers=("cis-ios:1.6.1", "huawei-vrp:acct.lockout", "h3c-comware:acct.lockout"))
def no_lockout(config: DeviceConfig) -> Iterator[Violation]:
    if config.lockout_disabled is not None:
        yield from evidence_violations(config, config.lockout_disabled)
    elif config.lockout is None:
        yield Violation(device_target(config, None), "no failed-login lockout is configured")


@rule(id="YW-DEV-018", clauses=["8.1.4.1-a"], severity="low", source="device",
      title="No login warning banner", title_zh="未配置登录警示信息",
      remediation="Configure a login banner stating that access is restricted and monitored "
                  "(`header login information` / `header motd` / `banner login`).",
      remediation_zh="配置登录警示信息，声明仅限授权访问且操作被记录。",
      peers=("cis-ios:1.3.2", "cis-ios:1.3.3", "huawei-vrp:acct.banner", "h3c-comware:acct.banner"))
def no_banner(config: DeviceConfig) -> Iterator[Violation]:
    if config.banner is None:
        yield Violation(device_target(config, None), "no login or MOTD banner")


@rule(id="YW-DEV-019", clauses=["8.1.5.1-a", "8.1.3.5-b"], severity="low", source="device",
      title="No central AAA with command accounting", title_zh="未使用集中 AAA 认证与命令审计",
      remediation="Authenticate administrators against HWTACACS/TACACS+ or RADIUS and send command accounting "
                  "there, keeping a local account only as fallback.",
      remediation_zh="管理员认证接入 HWTACACS/TACACS+ 或 RADIUS 并开启命令计费审计，本地账号仅作备用。",
      peers=("huawei-vrp:acct.central-aaa", "h3c-comware:acct.central-aaa"))
def no_central_aaa(config: DeviceConfig) -> Iterator[Violation]:
    if not config.remote_aaa:
        yield Violation(device_target(config, None), "no TACACS+/HWTACACS or RADIUS server configured")
    elif not config.accounting:
        yield Violation(device_target(config, None), "AAA server configured but no accounting of sessions/commands")
