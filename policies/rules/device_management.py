"""Device rules: how administrators reach the device (Telnet/HTTP/SSH, lines, timeouts, ACLs, services)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations

MAX_IDLE_S = 15 * 60


@rule(id="YW-DEV-001", clauses=["8.1.4.1-c", "8.1.5.4-b"], severity="high", source="device",
      title="Telnet management enabled", title_zh="启用了 Telnet 远程管理",
      remediation="Disable the Telnet server (`undo telnet server enable`; IOS: `transport input ssh` on every VTY) "
                  "and administer the device over SSH only.",
      remediation_zh="关闭 Telnet 服务（`undo telnet server enable`；IOS 在所有 VTY 配置 `transport input ssh`），"
                     "仅通过 SSH 管理。",
      peers=("cis-ios:1.2.2", "huawei-vrp:mgmt.telnet", "h3c-comware:mgmt.telnet"))
def telnet_enabled(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.telnet, why="credentials cross the network in clear text")


@rule(id="YW-DEV-002", clauses=["8.1.4.1-c", "8.1.4.4-b", "8.1.5.4-b"], severity="high", source="device",
      title="Unencrypted HTTP management enabled", title_zh="启用了明文 HTTP 管理",
      remediation="Disable the HTTP server (`undo http server enable` / `undo ip http enable` / `no ip http server`); "
                  "use HTTPS or SSH if web management is needed.",
      remediation_zh="关闭 HTTP 服务（`undo http server enable` / `undo ip http enable` / `no ip http server`），"
                     "如需 Web 管理请使用 HTTPS。",
      peers=("huawei-vrp:mgmt.http", "h3c-comware:mgmt.http"))
def http_enabled(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.http)


@rule(id="YW-DEV-003", clauses=["8.1.4.1-c"], severity="medium", source="device",
      title="SSH server accepts SSHv1", title_zh="SSH 服务允许 SSHv1",
      remediation="Allow SSH version 2 only (`undo ssh server compatible-ssh1x enable`; IOS: `ip ssh version 2`).",
      remediation_zh="仅允许 SSHv2（`undo ssh server compatible-ssh1x enable`；IOS：`ip ssh version 2`）。",
      peers=("cis-ios:2.1.1.2", "huawei-vrp:mgmt.ssh-v2", "h3c-comware:mgmt.ssh-v2"))
def ssh_v1(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.ssh_v1)


@rule(id="YW-DEV-014", clauses=["8.1.4.1-b"], severity="medium", source="device",
      title="Management line without idle timeout", title_zh="管理线路未配置登录超时",
      remediation="Set an idle timeout of at most 15 minutes on console and VTY lines "
                  "(`idle-timeout 10 0` / `exec-timeout 10 0`).",
      remediation_zh="在 Console 和 VTY 线路上配置不超过 15 分钟的空闲超时"
                     "（`idle-timeout 10 0` / `exec-timeout 10 0`）。",
      peers=("cis-ios:1.2.6", "cis-ios:1.2.7", "cis-ios:1.2.8", "huawei-vrp:mgmt.idle-timeout",
             "h3c-comware:mgmt.idle-timeout"))
def idle_timeout(config: DeviceConfig) -> Iterator[Violation]:
    for line in config.lines:
        seconds = line.idle_timeout_s
        if seconds is None:
            continue  # not set: every supported vendor defaults to 10 minutes
        if seconds == 0:
            yield Violation(device_target(config, line.idle_line), f"{line.label}: idle timeout disabled (0 0)")
        elif seconds > MAX_IDLE_S:
            yield Violation(device_target(config, line.idle_line),
                            f"{line.label}: idle timeout {seconds // 60} min is longer than {MAX_IDLE_S // 60} min")


@rule(id="YW-DEV-015", clauses=["8.1.4.4-c", "8.1.5.4-b"], severity="medium", source="device",
      title="VTY lines accept logins from any address", title_zh="VTY 线路未限制管理终端地址",
      remediation="Bind an ACL that permits only the management network to every VTY line "
                  "(`acl 2001 inbound` / `access-class MGMT in`).",
      remediation_zh="在所有 VTY 线路上绑定仅允许管理网段的 ACL（`acl 2001 inbound` / `access-class MGMT in`）。",
      peers=("cis-ios:1.2.4", "cis-ios:1.2.5", "huawei-vrp:mgmt.vty-acl", "h3c-comware:mgmt.vty-acl"))
def vty_without_acl(config: DeviceConfig) -> Iterator[Violation]:
    for line in config.mgmt_lines("vty"):
        if line.protocols == ["none"]:
            continue
        if line.acl_in is None:
            yield Violation(device_target(config, line.line), f"{line.label}: no inbound ACL restricts who may log in")
        elif line.acl_in not in config.acls:
            yield Violation(device_target(config, line.line),
                            f"{line.label}: inbound ACL {line.acl_in} is not defined, so it filters nothing")


@rule(id="YW-DEV-016", clauses=["8.1.4.1-a", "8.1.4.2-a", "8.1.5.1-a"], severity="high", source="device",
      title="Management line without per-user authentication", title_zh="管理线路未使用用户级身份鉴别",
      remediation="Authenticate every console and VTY login against individual accounts: `authentication-mode aaa` "
                  "(VRP) / `authentication-mode scheme` (Comware) / `aaa new-model` or `login local` (IOS).",
      remediation_zh="Console 与 VTY 登录须按个人账号鉴别：VRP `authentication-mode aaa`，Comware "
                     "`authentication-mode scheme`，IOS `aaa new-model` 或 `login local`。",
      peers=("cis-ios:1.1.4", "huawei-vrp:mgmt.vty-aaa", "h3c-comware:mgmt.vty-aaa"))
def line_authentication(config: DeviceConfig) -> Iterator[Violation]:
    for line in config.lines:
        if line.auth == "none":
            yield Violation(device_target(config, line.auth_line or line.line),
                            f"{line.label}: no authentication at all")
        elif line.auth == "password":
            yield Violation(device_target(config, line.auth_line or line.line),
                            f"{line.label}: one shared line password, no individual accounts")
        elif line.auth is None and line.kind == "vty":
            yield Violation(device_target(config, line.line),
                            f"{line.label}: no authentication-mode set (the default is a shared line password)")


@rule(id="YW-DEV-033", clauses=["8.1.4.4-b", "8.1.4.4-a"], severity="medium", source="device",
      title="Unneeded or clear-text service enabled", title_zh="启用了不必要或明文的服务",
      remediation="Disable FTP/TFTP servers, small servers, finger and similar services; copy files with SFTP/SCP.",
      remediation_zh="关闭 FTP/TFTP 服务、small servers、finger 等不必要的服务，文件传输改用 SFTP/SCP。",
      peers=("cis-ios:2.1.5", "huawei-vrp:mgmt.unneeded-services", "h3c-comware:mgmt.unneeded-services"))
def risky_services(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.risky_services)
