"""Device rules: logging, remote syslog, timestamps and time synchronisation."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations


@rule(id="YW-DEV-010", clauses=["8.1.3.5-c", "8.1.5.4-d", "8.1.3.5-a"], severity="medium", source="device",
      title="No remote syslog server", title_zh="未配置远程日志服务器",
      remediation="Send logs to the central log servers (`info-center loghost 10.10.99.50` / `logging host …`).",
      remediation_zh="将日志发送到集中日志服务器（`info-center loghost …` / `logging host …`）。",
      peers=("cis-ios:2.2.4", "huawei-vrp:log.loghost", "h3c-comware:log.loghost"))
def no_remote_syslog(config: DeviceConfig) -> Iterator[Violation]:
    if not config.log_hosts:
        yield Violation(device_target(config, None), "logs stay on the device only and are lost when its buffer "
                                                     "wraps or it reboots")


@rule(id="YW-DEV-011", clauses=["8.1.3.5-a", "8.1.4.3-a"], severity="high", source="device",
      title="Logging disabled", title_zh="关闭了日志功能",
      remediation="Re-enable logging (`info-center enable` / `logging on`).",
      remediation_zh="重新开启日志功能（`info-center enable` / `logging on`）。",
      peers=("cis-ios:2.2.1", "huawei-vrp:log.info-center", "h3c-comware:log.info-center"))
def logging_disabled(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, config.logging_disabled)


@rule(id="YW-DEV-012", clauses=["8.1.3.5-b", "8.1.4.3-b"], severity="low", source="device",
      title="Log entries without date and time", title_zh="日志未记录日期时间",
      remediation="Stamp logs with date and time (`info-center timestamp log date` / "
                  "`service timestamps log datetime msec localtime`).",
      remediation_zh="日志须带日期时间戳（`info-center timestamp log date` / `service timestamps log datetime`）。",
      peers=("cis-ios:2.2.6", "huawei-vrp:log.timestamp", "h3c-comware:log.timestamp"))
def log_timestamps(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, config.timestamps_bad)


@rule(id="YW-DEV-013", clauses=["8.1.3.5-b", "8.1.4.3-b"], severity="medium", source="device",
      title="No NTP server", title_zh="未配置 NTP 时间同步",
      remediation="Synchronise the clock with the project's NTP servers (`ntp-service unicast-server …` / "
                  "`ntp server …`) so log times line up across devices.",
      remediation_zh="配置 NTP 服务器（`ntp-service unicast-server …` / `ntp server …`），保证各设备日志时间一致。",
      peers=("cis-ios:2.3.2", "huawei-vrp:ntp.server", "h3c-comware:ntp.server"))
def no_ntp(config: DeviceConfig) -> Iterator[Violation]:
    if not config.ntp_servers:
        yield Violation(device_target(config, None), "no NTP server: audit record times cannot be trusted")
