"""Device rules: SNMP views and algorithms, NTP authentication, routing adjacencies, services left on, login and
log levels, where management traffic leaves from — the control-plane items of the CIS Cisco IOS benchmark and of
Huawei's and H3C's hardening guides."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target, evidence_violations

_WEAK_AUTH = ("md5", "hmac-md5")
_WEAK_PRIV = ("des", "des56", "3des", "3des168")
_SHA1 = ("sha", "sha1", "sha-1", "hmac-sha1")


@rule(id="YW-DEV-035", clauses=["8.1.4.2-d", "8.1.4.4-c"], severity="low", source="device",
      title="SNMP access not limited to a MIB view", title_zh="SNMP 访问未限定 MIB 视图",
      remediation="Give every community and v3 group a read view holding only the MIB trees monitoring needs "
                  "(`snmp-agent mib-view included NMS 1.3.6.1.2.1` + `read-view NMS`, "
                  "`snmp-server view …` + `read …`).",
      remediation_zh="为每个团体字与 SNMPv3 组指定仅含监控所需 MIB 子树的读视图（`read-view`/`read`）。",
      peers=("huawei-vrp:snmp.mib-view", "h3c-comware:snmp.mib-view"))
def snmp_without_view(config: DeviceConfig) -> Iterator[Violation]:
    for c in config.communities:
        if c.view is None:
            yield Violation(device_target(config, c.line), "community reaches every MIB object (no view)")
    for entry in config.snmp_v3:
        if entry.kind == "group" and entry.view is None:
            yield Violation(device_target(config, entry.line), f"SNMPv3 group {entry.name} has no read view")


@rule(id="YW-DEV-036", clauses=["8.1.4.1-c", "8.1.4.1-a"], severity="medium", source="device",
      title="SNMPv3 with MD5 or DES", title_zh="SNMPv3 使用 MD5 或 DES",
      remediation="Use SHA-2 authentication and AES privacy for every SNMPv3 user (`authentication-mode sha2-256`, "
                  "`privacy-mode aes128`/`aes256`; IOS `auth sha-2 256 … priv aes 128`).",
      remediation_zh="SNMPv3 用户使用 SHA-2 认证与 AES 加密（`authentication-mode sha2-256`、`privacy-mode aes128`）。",
      peers=("cis-ios:1.5.10", "huawei-vrp:snmp.algorithms", "h3c-comware:snmp.algorithms"))
def snmp_weak_algorithms(config: DeviceConfig) -> Iterator[Violation]:
    for entry in config.snmp_v3:
        weak = [a for a in (entry.auth, entry.priv) if a in _WEAK_AUTH or a in _WEAK_PRIV]
        if weak:
            yield Violation(device_target(config, entry.algorithm_line or entry.line),
                            f"SNMPv3 user {entry.name} uses {' and '.join(w.upper() for w in weak)}")


@rule(id="YW-DEV-037", clauses=["8.1.4.1-c"], severity="low", source="device",
      title="SNMPv3 authenticated with SHA-1", title_zh="SNMPv3 使用 SHA-1 认证",
      remediation="Move SNMPv3 users to SHA-2 authentication (`sha2-256`) when the poller supports it.",
      remediation_zh="在网管支持时将 SNMPv3 认证算法升级为 SHA-2（`sha2-256`）。",
      peers=("huawei-vrp:snmp.algorithms", "h3c-comware:snmp.algorithms"))
def snmp_sha1(config: DeviceConfig) -> Iterator[Violation]:
    for entry in config.snmp_v3:
        if entry.auth in _SHA1:
            yield Violation(device_target(config, entry.algorithm_line or entry.line),
                            f"SNMPv3 user {entry.name} authenticates with HMAC-SHA-1")


@rule(id="YW-DEV-067", clauses=["8.1.3.3-d", "8.1.2.1-a"], severity="low", source="device",
      title="SNMP traps not enabled", title_zh="未开启 SNMP Trap",
      remediation="Enable the traps the monitoring centre needs (`snmp-server enable traps snmp authentication "
                  "linkdown linkup coldstart`).",
      remediation_zh="开启监控中心所需的 Trap（`snmp-server enable traps …`）。",
      peers=("cis-ios:1.5.8",))
def traps_disabled(config: DeviceConfig) -> Iterator[Violation]:
    if config.trap_hosts and not config.traps_enabled:
        yield Violation(device_target(config, config.trap_hosts[0]),
                        "a trap receiver is set but no `snmp-server enable traps`: no trap is ever sent")


@rule(id="YW-DEV-049", clauses=["8.1.3.5-b", "8.1.4.3-b"], severity="medium", source="device",
      title="NTP without authentication", title_zh="NTP 未启用认证",
      remediation="Authenticate every NTP server: `ntp authenticate`, `ntp authentication-key 1 hmac-sha2-256 …`, "
                  "`ntp trusted-key 1`, `ntp server A key 1` (VRP/Comware: `ntp-service authentication enable`, "
                  "`authentication-keyid`, `reliable authentication-keyid`, "
                  "`unicast-server A authentication-keyid 1`).",
      remediation_zh="NTP 须启用认证：开启认证、配置密钥并设为可信，每个服务器指定密钥。",
      peers=("cis-ios:2.3.1.1", "cis-ios:2.3.1.2", "cis-ios:2.3.1.3", "cis-ios:2.3.1.4", "huawei-vrp:ntp.auth",
             "h3c-comware:ntp.auth"))
def ntp_without_auth(config: DeviceConfig) -> Iterator[Violation]:
    ntp = config.ntp
    if not ntp.servers:
        return
    if not ntp.authenticate:
        yield Violation(device_target(config, ntp.servers[0].line),
                        "NTP authentication is not enabled: a forged time source can shift every log timestamp")
        return
    for server in ntp.servers:
        if server.key is None:
            yield Violation(device_target(config, server.line), "NTP server used without a key")
        elif server.key not in ntp.keys or server.key not in ntp.trusted:
            yield Violation(device_target(config, server.line),
                            f"NTP key {server.key} is {'not defined' if server.key not in ntp.keys else 'not trusted'}")


@rule(id="YW-DEV-050", clauses=["8.1.4.4-c"], severity="low", source="device",
      title="NTP service open to any address", title_zh="NTP 服务未限制访问来源",
      remediation="Limit who may query or peer with the device's NTP service (`ntp access-group peer|serve-only "
                  "ACL`, `ntp-service access peer|server ACL`, `ntp-service peer acl …`).",
      remediation_zh="用 ACL 限制可向本设备查询或对等同步 NTP 的地址（`ntp access-group`、`ntp-service access`）。",
      peers=("huawei-vrp:ntp.acl", "h3c-comware:ntp.acl"))
def ntp_open(config: DeviceConfig) -> Iterator[Violation]:
    ntp = config.ntp
    if ntp.servers and ntp.serves and not ntp.access_acls:
        yield Violation(device_target(config, ntp.servers[0].line), "the NTP service answers any address")


@rule(id="YW-DEV-051", clauses=["8.1.3.3-a", "8.1.4.4-d"], severity="medium", source="device",
      title="Routing or gateway-redundancy protocol without authentication",
      title_zh="路由或网关冗余协议未认证",
      remediation="Authenticate every OSPF, IS-IS, BGP, RIP, EIGRP, VRRP and HSRP neighbour with a keyed hash "
                  "(HMAC-SHA-256 key chains, `ospf authentication-mode hmac-sha256`, BGP TCP-AO or `password`).",
      remediation_zh="为 OSPF、IS-IS、BGP、RIP、EIGRP、VRRP、HSRP 邻居配置密钥认证（优先 HMAC-SHA-256 / TCP-AO）。",
      peers=("cis-ios:3.3.1.1", "cis-ios:3.3.1.2", "cis-ios:3.3.1.3", "cis-ios:3.3.1.4", "cis-ios:3.3.1.5",
             "cis-ios:3.3.1.6", "cis-ios:3.3.1.7", "cis-ios:3.3.1.8", "cis-ios:3.3.1.9", "cis-ios:3.3.2.1",
             "cis-ios:3.3.2.2", "cis-ios:3.3.3.1", "cis-ios:3.3.3.2", "cis-ios:3.3.3.3", "cis-ios:3.3.3.4",
             "cis-ios:3.3.3.5", "cis-ios:3.3.4.1", "huawei-vrp:ctl.ospf-auth", "huawei-vrp:ctl.isis-auth",
             "huawei-vrp:ctl.bgp-auth", "huawei-vrp:ctl.rip-auth", "huawei-vrp:ctl.vrrp-auth",
             "h3c-comware:ctl.ospf-auth", "h3c-comware:ctl.isis-auth", "h3c-comware:ctl.bgp-auth",
             "h3c-comware:ctl.rip-auth", "h3c-comware:ctl.vrrp-auth"))
def adjacency_without_auth(config: DeviceConfig) -> Iterator[Violation]:
    for adj in config.adjacencies:
        if adj.auth in ("none", "plain"):
            how = "no authentication" if adj.auth == "none" else "a clear-text key carried in every packet"
            yield Violation(device_target(config, adj.line), f"{adj.protocol} `{adj.name}`: {how}")


@rule(id="YW-DEV-052", clauses=["8.1.4.1-c"], severity="low", source="device",
      title="Keyed MD5 protects NTP or routing", title_zh="NTP 或路由认证使用 MD5",
      remediation="Replace MD5 keys with HMAC-SHA-256 where both ends support it (`cryptographic-algorithm "
                  "hmac-sha-256`, `authentication-mode hmac-sha256`, `ntp authentication-key 1 hmac-sha2-256`).",
      remediation_zh="在两端支持时将 MD5 密钥替换为 HMAC-SHA-256。",
      peers=("huawei-vrp:ctl.weak-hash", "h3c-comware:ctl.weak-hash"))
def md5_authentication(config: DeviceConfig) -> Iterator[Violation]:
    for adj in config.adjacencies:
        if adj.auth == "md5":
            yield Violation(device_target(config, adj.line), f"{adj.protocol} `{adj.name}` authenticates with MD5")
    for key, (algorithm, line) in sorted(config.ntp.keys.items()):
        if algorithm in _WEAK_AUTH:
            yield Violation(device_target(config, line), f"NTP key {key} uses MD5")


@rule(id="YW-DEV-053", clauses=["8.1.4.4-b"], severity="medium", source="device",
      title="Unneeded service on by default", title_zh="默认开启的多余服务未关闭",
      remediation="Switch off what the platform starts unasked: `no service pad`, `no ip bootp server`, "
                  "`no ip source-route`, `no service dhcp` (unless the device relays or snoops DHCP).",
      remediation_zh="关闭平台默认开启的多余服务：`no service pad`、`no ip bootp server`、`no ip source-route`、"
                     "并确认已关闭。",
      peers=("cis-ios:2.1.3", "cis-ios:2.1.4", "cis-ios:2.1.8", "cis-ios:3.1.1"))
def default_services(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.unsafe_defaults)


@rule(id="YW-DEV-054", clauses=["8.1.4.1-b"], severity="low", source="device",
      title="Dead management sessions are not detected", title_zh="未检测失效的管理会话",
      remediation="Turn on TCP keepalives for management sessions (`service tcp-keepalives-in`, "
                  "`service tcp-keepalives-out`) so a dropped SSH session frees its line.",
      remediation_zh="开启 `service tcp-keepalives-in/out`，使中断的管理会话及时释放。",
      peers=("cis-ios:2.1.6", "cis-ios:2.1.7"))
def dead_sessions(config: DeviceConfig) -> Iterator[Violation]:
    if config.session_gaps:
        yield Violation(device_target(config, None), f"not set: {', '.join(config.session_gaps)}")


@rule(id="YW-DEV-055", clauses=["8.1.4.4-b", "8.1.3.3-a"], severity="low", source="device",
      title="Proxy ARP or directed broadcast on a routed interface", title_zh="三层接口开启代理 ARP 或定向广播",
      remediation="Turn proxy ARP and directed broadcasts off on routed interfaces (`no ip proxy-arp`, "
                  "`undo arp-proxy enable`, `undo proxy-arp enable`).",
      remediation_zh="三层接口关闭代理 ARP 与定向广播（`no ip proxy-arp`、`undo arp-proxy enable`）。",
      peers=("cis-ios:3.1.2", "huawei-vrp:fwd.proxy-arp", "h3c-comware:fwd.proxy-arp"))
def interface_options(config: DeviceConfig) -> Iterator[Violation]:
    for iface in config.interfaces:
        for ev in iface.unsafe:
            yield Violation(device_target(config, ev.line), f"{iface.name}: {ev.what}")


@rule(id="YW-DEV-056", clauses=["8.1.4.4-b", "8.1.3.1-a"], severity="low", source="device",
      title="CDP runs", title_zh="CDP 协议开启",
      remediation="Turn CDP off (`no cdp run`), or at least on every interface facing an untrusted network "
                  "(`no cdp enable`); it tells neighbours the model, software version and addresses.",
      remediation_zh="关闭 CDP（`no cdp run`），至少在面向不可信网络的接口上关闭（`no cdp enable`）。",
      peers=("cis-ios:2.1.2",))
def cdp_running(config: DeviceConfig) -> Iterator[Violation]:
    running = [i for i in config.interfaces if i.cdp and not i.shutdown]
    external = [i for i in running if i.external]
    for iface in external:
        yield Violation(device_target(config, iface.line),
                        f"{iface.name} faces an untrusted network ({iface.external}) and announces the device by CDP")
    if running and not external:
        yield Violation(device_target(config, None), f"CDP runs on {len(running)} interface(s) (no `no cdp run`)")


def _user_ports(config: DeviceConfig) -> list[str]:
    return [i.name for i in config.interfaces if i.access_port and not i.shutdown]


@rule(id="YW-DEV-057", clauses=["8.1.3.1-b", "8.1.3.3-b"], severity="low", source="device",
      title="Access ports without DHCP snooping", title_zh="接入端口未启用 DHCP Snooping",
      remediation="Enable DHCP snooping on access switches and their user VLANs, trusting only the uplinks "
                  "(`dhcp snooping enable` + per VLAN, `ip dhcp snooping` + `ip dhcp snooping vlan …`).",
      remediation_zh="接入交换机开启 DHCP Snooping（全局与用户 VLAN），仅信任上行口，防止仿冒 DHCP 服务器。",
      peers=("huawei-vrp:ctl.dhcp-snooping", "h3c-comware:ctl.dhcp-snooping"))
def no_dhcp_snooping(config: DeviceConfig) -> Iterator[Violation]:
    bare = [i.name for i in config.interfaces if i.access_port and not i.shutdown and not i.dhcp_snooping]
    if bare:
        yield Violation(device_target(config, config.dhcp_snooping.line if config.dhcp_snooping else None),
                        f"{len(bare)} of {len(_user_ports(config))} access port(s) without DHCP snooping "
                        f"(first: {bare[0]})")


@rule(id="YW-DEV-058", clauses=["8.1.3.1-b", "8.1.3.3-b"], severity="low", source="device",
      title="Access ports without ARP inspection", title_zh="接入端口未启用 ARP 检测",
      remediation="Check ARP packets against the DHCP snooping bindings on user VLANs (`arp anti-attack check "
                  "user-bind enable`, `arp detection enable`, `ip arp inspection vlan …`, RGOS `arp-check`).",
      remediation_zh="在用户 VLAN 上依据 DHCP Snooping 表检测 ARP 报文（`arp anti-attack check user-bind enable`、"
                     "`arp detection enable`、`ip arp inspection vlan`）。",
      peers=("huawei-vrp:ctl.arp", "h3c-comware:ctl.arp"))
def no_arp_inspection(config: DeviceConfig) -> Iterator[Violation]:
    bare = [i.name for i in config.interfaces if i.access_port and not i.shutdown and not i.arp_inspection]
    if bare:
        yield Violation(device_target(config, None), f"{len(bare)} of {len(_user_ports(config))} access port(s) "
                                                     f"without ARP inspection (first: {bare[0]})")


@rule(id="YW-DEV-059", clauses=["8.1.3.3-b"], severity="low", source="device",
      title="Edge ports without BPDU protection", title_zh="边缘端口未启用 BPDU 保护",
      remediation="Shut edge ports that receive BPDUs (`stp bpdu-protection`, `spanning-tree portfast bpduguard "
                  "default` or `spanning-tree bpduguard enable` per port).",
      remediation_zh="开启 BPDU 保护（`stp bpdu-protection` / `spanning-tree portfast bpduguard default`）。",
      peers=("huawei-vrp:ctl.stp-bpdu", "h3c-comware:ctl.stp-bpdu"))
def no_bpdu_protection(config: DeviceConfig) -> Iterator[Violation]:
    if config.bpdu_protection:
        return
    bare = [i for i in config.interfaces if i.edge and not i.bpdu_guard and not i.shutdown]
    if bare:
        yield Violation(device_target(config, bare[0].line), f"{len(bare)} edge port(s) accept BPDUs: a switch "
                                                             "plugged in there can take over the spanning tree")


@rule(id="YW-DEV-060", clauses=["8.1.4.3-a", "8.1.3.5-a"], severity="medium", source="device",
      title="Logins not logged", title_zh="未记录登录成功与失败",
      remediation="Log every login, failed and successful (`login on-failure log`, `login on-success log`).",
      remediation_zh="记录每次登录成功与失败（`login on-failure log`、`login on-success log`）。",
      peers=("cis-ios:2.2.8",))
def logins_not_logged(config: DeviceConfig) -> Iterator[Violation]:
    if config.missing_login_logs:
        yield Violation(device_target(config, None),
                        f"login {' and '.join(config.missing_login_logs)} events are not logged")


@rule(id="YW-DEV-061", clauses=["8.1.4.3-a", "8.1.3.5-a"], severity="medium", source="device",
      title="Log server receives too little", title_zh="发往日志服务器的级别过高",
      remediation="Send informational messages and above to the log server (`logging trap informational`, "
                  "`info-center source default channel loghost log level informational`).",
      remediation_zh="向日志服务器发送 informational 及以上级别（`logging trap informational`）。",
      peers=("cis-ios:2.2.5", "huawei-vrp:log.level", "h3c-comware:log.level"))
def log_level(config: DeviceConfig) -> Iterator[Violation]:
    yield from evidence_violations(config, *config.log_levels)


_USED_BY = {"syslog": "log_hosts", "ntp": "ntp_servers", "snmp-trap": "trap_hosts"}


@rule(id="YW-DEV-062", clauses=["8.1.5.4-a", "8.1.5.4-b"], severity="low", source="device",
      title="Management traffic not pinned to the management interface", title_zh="管理流量未绑定管理接口",
      remediation="Source syslog, NTP, AAA and trap traffic from the management loopback or VLAN interface "
                  "(`logging source-interface`, `ntp source`, `ip tacacs source-interface`, `info-center loghost "
                  "source`, `ntp-service source-interface`, `hwtacacs-server source-ip`, `nas-ip`).",
      remediation_zh="syslog、NTP、AAA、Trap 流量从管理接口发出（`logging source-interface`、`ntp source`、"
                     "`info-center loghost source`、`hwtacacs-server source-ip`）。",
      peers=("cis-ios:2.2.7", "cis-ios:2.4.2", "cis-ios:2.4.3", "huawei-vrp:log.source", "huawei-vrp:mgmt.source",
             "h3c-comware:log.source", "h3c-comware:mgmt.source"))
def unpinned_sources(config: DeviceConfig) -> Iterator[Violation]:
    bound = {s.service for s in config.sources}
    in_use = [service for service, attr in _USED_BY.items() if getattr(config, attr)]
    if config.remote_aaa:
        in_use.append("aaa")
    missing = [s for s in in_use if s not in bound]
    if missing:
        yield Violation(device_target(config, None), f"no source interface for {', '.join(missing)}: replies and "
                                                     "logs carry whichever address routing picks")
