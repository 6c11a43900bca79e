"""Huawei VRP (S-series switches, AR/NE routers, USG firewalls): ``<name>`` / ``[name]`` views, ``undo``.

Error texts as VRP V200R prints them (no space after the colon for ambiguous, incomplete and too many
parameters). The command lists are in the order ``display current-configuration`` prints them.
"""

from __future__ import annotations

from agents.sim.ssh import hooks
from agents.sim.ssh.device import Dialog, Hook
from agents.sim.ssh.dialect import Command, Dialect, Layout, Mode, flag, line, merge, purge, run, section
from agents.sim.ssh.dialects.common import ACL_ADV_RULE, ACL_BASIC_RULE, display_commands
from yunwang.contracts import device_passwords as pw

ERRORS = {
    "unrecognized": "Error: Unrecognized command found at '^' position.",
    "incomplete": "Error:Incomplete command found at '^' position.",
    "ambiguous": "Error:Ambiguous command found at '^' position.",
    "wrong-parameter": "Error: Wrong parameter found at '^' position.",
    "too-many": "Error:Too many parameters found at '^' position.",
}

PASSWORD = "{form=irreversible-cipher|cipher|simple} <pw:word:1-128>"


def _system(firewall: bool) -> list[Command]:
    commands = [
        line("sysname <name:word:1-246>", undo="sysname"),
        merge("vlan batch <vlans:vlanrange...>", "vlans", hook="vlan-batch", block="vlan"),
        flag("telnet server enable", block="services"),
        flag("http server enable", block="services"),
        flag("http secure-server enable", block="services"),
        flag("ftp server enable", block="services"),
        line("clock timezone <zone:word> {add|minus} <offset:word>", undo="clock timezone"),
        line("header {kind=login|shell} information <text:text>", key=("kind",), undo="header {kind=login|shell}",
             block="header"),
        section("dot1x-access-profile name <name:word:1-31>", "dot1x-profile", sort=True,
                undo="dot1x-access-profile name <name:word:1-31>"),
        section("authentication-profile name <name:word:1-48>", "authen-profile", sort=True,
                undo="authentication-profile name <name:word:1-48>"),
        section("hwtacacs-server template <name:word:1-32>", "hwtacacs", sort=True),
        section("radius-server template <name:word:1-32>", "radius", sort=True),
        section("acl [number] <n:int:2000-2999>", "acl-basic", show="acl number {n}", sort=True,
                undo="acl [number] <n:int:2000-2999>"),
        section("acl [number] <n:int:3000-3999>", "acl-adv", show="acl number {n}", sort=True,
                undo="acl [number] <n:int:3000-3999>"),
        section("acl name <name:word:1-32> basic", "acl-basic-named", undo="acl name <name:word:1-32>"),
        section("acl name <name:word:1-32> advance", "acl-adv-named", undo="acl name <name:word:1-32>"),
        section("vlan <vlan:int:1-4094>", "vlan", hook="vlan", hide_empty=True, sort=True),
        section("aaa", "aaa", undo=None),
        flag("ntp-service authentication enable", block="ntp"),
        line("ntp-service authentication-keyid <id:int:1-4294967295> authentication-mode {alg=md5|hmac-sha256} "
             "[cipher] <key:word:1-255>", key=("id",), hook="cipher", show="ntp-service authentication-keyid {id} "
             "authentication-mode {alg} cipher {key}", undo="ntp-service authentication-keyid <id:int:1-4294967295>",
             block="ntp"),
        line("ntp-service reliable authentication-keyid <id:int:1-4294967295>", key=("id",), block="ntp"),
        line("ntp-service source-interface <if:iface>", block="ntp", undo="ntp-service source-interface"),
        line("ntp-service unicast-server <ip:ipv4> [* authentication-keyid <kid:int:1-4294967295> | "
             "source-interface <src:iface> | preference ]", key=("ip",), undo="ntp-service unicast-server <ip:ipv4>",
             block="ntp"),
        section("interface <if:iface:create>", "interface", hook="interface"),
        line("ip route-static <dst:ipv4> <mask:mask:len> <nh:ipv4> [preference <pref:int:1-255>]",
             key=("dst", "mask", "nh"), block="route"),
        section("ospf [<pid:int:1-65535>] [router-id <rid:ipv4>]", "ospf", hook="ospf", sort=True,
                undo="ospf [<pid:int:1-65535>]"),
        flag("snmp-agent", block="snmp-agent"),
        line("snmp-agent local-engineid <id:hex>", block="snmp-agent"),
        line("snmp-agent community {access=read|write} [cipher] <name:word:1-255> [* mib-view <view:word> | "
             "acl <acl:word> ]", key=("name",), hook="community", block="snmp-agent",
             undo="snmp-agent community [{access=read|write}] [cipher] <name:word:1-255>"),
        line("snmp-agent sys-info {kind=contact|location} <text:text>", key=("kind",), block="snmp-agent",
             undo="snmp-agent sys-info {kind=contact|location}"),
        Command("snmp-agent sys-info version {all|[* v1 | v2c | v3 ]}", "line", hook="snmp-version",
                block="snmp-agent"),
        line("snmp-agent group v3 <group:word:1-32> [{level=privacy|authentication|noauthentication}] "
             "[* read-view <rv:word> | write-view <wv:word> | notify-view <nv:word> | acl <acl:word> ]",
             key=("group",), block="snmp-agent", undo="snmp-agent group v3 <group:word:1-32> "
             "[{level=privacy|authentication|noauthentication}]"),
        line("snmp-agent target-host {kind=trap|inform} address udp-domain <ip:ipv4> [udp-port <port:int:1-65535>] "
             "params securityname <sn:word> [{v1|v2c|v3 [{privacy|authentication}]}]", key=("ip",),
             block="snmp-agent", undo="snmp-agent target-host {kind=trap|inform} address udp-domain <ip:ipv4> "
             "[params securityname <sn:word>]"),
        line("snmp-agent mib-view {kind=included|excluded} <view:word:1-32> <subtree:word>", key=("view", "subtree"),
             block="snmp-agent", undo="snmp-agent mib-view [{kind=included|excluded}] <view:word:1-32> "
             "[<subtree:word>]"),
        line("snmp-agent usm-user v3 <user:word:1-32>", key=("user",), group="usm", block="snmp-agent", undo=None),
        line("snmp-agent usm-user v3 <user:word:1-32> group <group:word:1-32>", key=("user",), group="usm",
             block="snmp-agent"),
        line("snmp-agent usm-user v3 <user:word:1-32> authentication-mode "
             "{alg=md5|sha|sha2-224|sha2-256|sha2-384|sha2-512} [cipher] <key:word:1-255>", key=("user",),
             group="usm", hook="cipher", block="snmp-agent", show="snmp-agent usm-user v3 {user} authentication-mode "
             "{alg} cipher {key}"),
        line("snmp-agent usm-user v3 <user:word:1-32> privacy-mode {alg=aes128|aes192|aes256|des56|3des} "
             "[cipher] <key:word:1-255>", key=("user",), group="usm", hook="cipher", block="snmp-agent",
             show="snmp-agent usm-user v3 {user} privacy-mode {alg} cipher {key}"),
        purge("snmp-agent usm-user v3 <user:word:1-32>", "usm"),
        flag("snmp-agent trap enable", block="snmp-agent"),
        flag("lldp enable", block="lldp"),
        flag("stelnet server enable", block="ssh"),
        flag("ssh server compatible-ssh1x enable", block="ssh"),
        line("ssh user <user:word>", key=("user",), group="ssh-user", block="ssh", undo=None),
        line("ssh user <user:word> authentication-type {kind=password|rsa|ecc|all|password-rsa|password-ecc}",
             key=("user",), group="ssh-user", block="ssh", undo="ssh user <user:word> authentication-type"),
        line("ssh user <user:word> service-type {kind=stelnet|sftp|all|snetconf}", key=("user",), group="ssh-user",
             block="ssh", undo="ssh user <user:word> service-type"),
        purge("ssh user <user:word>", "ssh-user"),
        line("ssh server cipher <alg:word...>", block="ssh", undo="ssh server cipher"),
        line("ssh server hmac <alg:word...>", block="ssh", undo="ssh server hmac"),
        line("ssh server key-exchange <alg:word...>", block="ssh", undo="ssh server key-exchange"),
        line("ssh server timeout <s:int:1-120>", block="ssh", undo="ssh server timeout"),
        line("ssh server authentication-retries <n:int:1-5>", block="ssh", undo="ssh server authentication-retries"),
        line("ssh server-source -i <if:iface>", block="ssh", undo="ssh server-source"),
        flag("info-center enable", shown="off", block="info-center"),
        line("info-center loghost source <if:iface>", block="info-center", undo="info-center loghost source"),
        line("info-center loghost <ip:ipv4> [* channel <ch:word> | facility <fac:word> | level <lvl:word> | "
             "transport {udp|tcp} | port <port:int:1-65535> ]", key=("ip",), block="info-center",
             undo="info-center loghost <ip:ipv4>"),
        line("info-center timestamp {kind=log|debugging|trap} {boot|date-time [* millisecond | without-timezone ]|"
             "format-date|short-date}", key=("kind",), block="info-center",
             undo="info-center timestamp {kind=log|debugging|trap}"),
        line("info-center source <mod:word> channel <ch:word> [* log level <lvl:word> | trap level <tl:word> ]",
             key=("mod", "ch"), block="info-center", undo="info-center source <mod:word> channel <ch:word>"),
        line("user-interface maximum-vty <n:int:0-21>", block="user-interface", undo="user-interface maximum-vty"),
        section("user-interface con <n:int:0-0>", "ui-con", joined=True, undo=None, block="user-interface"),
        section("user-interface vty <a:int:0-20> [<b:int:0-20>]", "ui-vty", joined=True, undo=None,
                block="user-interface"),
    ]
    if firewall:
        commands[-3:-3] = [
            section("firewall zone {zone=local|trust|untrust|dmz}", "zone", key=("zone",), undo=None),
            section("firewall zone name <zone:word:1-32> [id <id:int:4-1024>]", "zone", key=("zone",),
                    hook="zone-id", show="firewall zone name {zone} id {id}",
                    undo="firewall zone name <zone:word:1-32>"),
            section("ip service-set <name:word:1-32> type object [<id:int:0-65535>]", "service-set",
                    show="ip service-set {name} type object", undo="ip service-set <name:word:1-32>"),
            section("ip address-set <name:word:1-32> type object [<id:int:0-65535>]", "address-set",
                    show="ip address-set {name} type object", undo="ip address-set <name:word:1-32>"),
            section("security-policy", "policy-security", undo=None),
            flag("firewall defend {kind=land|smurf|fraggle|winnuke|ping-of-death|tear-drop|ip-fragment|syn-flood} "
                 "enable",
                 key=("kind",), block="firewall"),
        ]
    return commands


INTERFACE = [
    flag("portswitch"),
    line("description <text:text:242>", undo="description"),
    flag("shutdown"),
    line("port link-type {kind=access|trunk|hybrid}", undo="port link-type"),
    line("port default vlan <vlan:int:1-4094>", undo="port default vlan [<vlan:int:1-4094>]"),
    line("port trunk pvid vlan <vlan:int:1-4094>", undo="port trunk pvid vlan"),
    merge("port trunk allow-pass vlan {<vlans:vlanrange...>|all}", "vlans", hook="trunk-vlan-1"),
    Command("undo port trunk allow-pass vlan 1", "line", undo=None),
    line("ip address <ip:ipv4> <mask:mask:len> [sub]", key=("sub",), undo="ip address [<ip:ipv4> <mask:mask:len>]"),
    line("ip address unnumbered interface <src:iface>", undo="ip address unnumbered"),
    line("traffic-filter {dir=inbound|outbound} acl {<acl:int:2000-4999>|name <name:word>}", key=("dir",),
         undo="traffic-filter {dir=inbound|outbound} [acl {<acl:int:2000-4999>|name <name:word>}]"),
    flag("dot1x enable"),
    line("authentication-profile <profile:word>", undo="authentication-profile"),
    flag("port-security enable"),
    line("port-security max-mac-num <n:int:1-4096>", undo="port-security max-mac-num"),
    line("port-security protect-action {act=protect|restrict|shutdown}", undo="port-security protect-action"),
    flag("port-security mac-address sticky"),
    flag("mac-authen"),
    flag("stp edged-port enable"),
    line("ospf authentication-mode {alg=md5|hmac-md5|hmac-sha256} <kid:int:1-255> [{cipher|plain}] <key:word:1-255>",
         hook="cipher", show="ospf authentication-mode {alg} {kid} cipher {key}", undo="ospf authentication-mode"),
    line("ospf cost <cost:int:1-65535>", undo="ospf cost"),
    line("ospf network-type {kind=p2p|broadcast|nbma|p2mp}", undo="ospf network-type"),
    Command("lldp enable", "flag", shown="off", default_on=True),
    line("service-manage {svc=http|https|ping|ssh|snmp|telnet|netconf} {act=permit|deny}", key=("svc",),
         undo="service-manage {svc=http|https|ping|ssh|snmp|telnet|netconf}"),
    flag("service-manage enable"),
]

AAA = [
    section("authentication-scheme <name:word:1-32>", "aaa-authen", sort=True),
    section("authorization-scheme <name:word:1-32>", "aaa-author", sort=True),
    section("accounting-scheme <name:word:1-32>", "aaa-accounting", sort=True),
    line("local-aaa-user wrong-password retry-interval <interval:int:5-1440> retry-time <times:int:3-65535> "
         "block-time <block:int:5-1440>", undo="local-aaa-user wrong-password [retry-interval <interval:int:5-1440> "
         "retry-time <times:int:3-65535> block-time <block:int:5-1440>]"),
    section("recording-scheme <name:word:1-32>", "aaa-recording", sort=True),
    line("cmd recording-scheme <name:word:1-32>", undo="cmd recording-scheme"),
    section("domain <name:word:1-64>", "aaa-domain", sort=True),
    line(f"local-user <user:word:1-64> password {PASSWORD}", key=("user",), group="local-user", hook="password",
         undo="local-user <user:word:1-64> password"),
    line("local-user <user:word:1-64> privilege level <level:int:0-15>", key=("user",), group="local-user",
         undo="local-user <user:word:1-64> privilege level"),
    line("local-user <user:word:1-64> service-type [* telnet | ssh | terminal | http | ftp | snmp | api ]",
         key=("user",), group="local-user", undo="local-user <user:word:1-64> service-type"),
    line("local-user <user:word:1-64> state {state=active|block}", key=("user",), group="local-user",
         undo="local-user <user:word:1-64> state"),
    purge("local-user <user:word:1-64>", "local-user"),
]

MODES_COMMON: dict[str, tuple[str, list[Command]]] = {
    "interface": ("[{host}-{if}]", INTERFACE),
    "aaa": ("[{host}-aaa]", AAA),
    "aaa-authen": ("[{host}-aaa-authen-{name}]", [
        line("authentication-mode [* hwtacacs | radius | local | none ]", undo="authentication-mode")]),
    "aaa-author": ("[{host}-aaa-author-{name}]", [
        line("authorization-mode [* hwtacacs | if-authenticated | local | none ]", undo="authorization-mode"),
        line("authorization-cmd <level:int:0-15> hwtacacs [local]", key=("level",),
             undo="authorization-cmd <level:int:0-15>")]),
    "aaa-accounting": ("[{host}-aaa-accounting-{name}]", [
        line("accounting-mode {mode=hwtacacs|radius|none}", undo="accounting-mode"),
        line("accounting start-fail {online|offline}", undo="accounting start-fail")]),
    "aaa-recording": ("[{host}-aaa-recording-{name}]", [
        line("recording-mode hwtacacs <tmpl:word>", undo="recording-mode")]),
    "dot1x-profile": ("[{host}-dot1x-access-profile-{name}]", []),
    "authen-profile": ("[{host}-authen-profile-{name}]", [
        line("dot1x-access-profile <profile:word>", undo="dot1x-access-profile"),
        line("access-domain <domain:word> [force]", undo="access-domain")]),
    "aaa-domain": ("[{host}-aaa-domain-{name}]", [
        line("authentication-scheme <scheme:word>", undo="authentication-scheme"),
        line("authorization-scheme <scheme:word>", undo="authorization-scheme"),
        line("accounting-scheme <scheme:word>", undo="accounting-scheme"),
        line("hwtacacs-server <tmpl:word>", undo="hwtacacs-server"),
        line("radius-server <tmpl:word>", undo="radius-server")]),
    "hwtacacs": ("[{host}-hwtacacs-{name}]", [
        line("hwtacacs-server {kind=authentication|authorization|accounting} <ip:ipv4> [<port:int:1-65535>] "
             "[secondary]", key=("kind", "secondary"), undo="hwtacacs-server {kind=authentication|authorization|"
             "accounting} [<ip:ipv4> [<port:int:1-65535>]] [secondary]"),
        line("hwtacacs-server source-ip <ip:ipv4>", undo="hwtacacs-server source-ip"),
        line("hwtacacs-server shared-key [cipher] <key:word:1-255>", hook="cipher",
             show="hwtacacs-server shared-key cipher {key}", undo="hwtacacs-server shared-key")]),
    "radius": ("[{host}-radius-{name}]", [
        line("radius-server shared-key [cipher] <key:word:1-255>", hook="cipher",
             show="radius-server shared-key cipher {key}", undo="radius-server shared-key"),
        line("radius-server {kind=authentication|accounting} <ip:ipv4> <port:int:1-65535> [weight <w:int:0-100>]",
             key=("kind", "ip"), undo="radius-server {kind=authentication|accounting} [<ip:ipv4> "
             "[<port:int:1-65535>]]")]),
    "acl-basic": ("[{host}-acl-basic-{n}]", [line("description <text:text:127>", undo="description"),
                                            ACL_BASIC_RULE]),
    "acl-adv": ("[{host}-acl-adv-{n}]", [line("description <text:text:127>", undo="description"), ACL_ADV_RULE]),
    "acl-basic-named": ("[{host}-acl-basic-{name}]", [ACL_BASIC_RULE]),
    "acl-adv-named": ("[{host}-acl-adv-{name}]", [ACL_ADV_RULE]),
    "vlan": ("[{host}-vlan{vlan}]", [line("name <name:word:1-31>", undo="name"),
                                      line("description <text:text:80>", undo="description")]),
    "ospf": ("[{host}-ospf-{pid}]", [
        line("silent-interface {<if:iface>|all}", key=("if",), undo="silent-interface {<if:iface>|all}"),
        line("import-route {proto=direct|static|rip|bgp}", key=("proto",)),
        section("area <area:ospf-area>", "ospf-area", hook="ospf-area", sort=True)]),
    "ospf-area": ("[{host}-ospf-{pid}-area-{area}]", [
        line("authentication-mode {alg=md5|hmac-md5|hmac-sha256|simple} [<kid:int:1-255>] [{cipher|plain}] "
             "<key:word:1-255>", hook="cipher", show="authentication-mode {alg} {kid} cipher {key}",
             defaults={"kid": "1"}, undo="authentication-mode"),
        line("network <ip:ipv4> <wild:wildcard>", key=("ip", "wild"))]),
    "ui-con": ("[{host}-ui-console{n}]", []),
    "ui-vty": ("[{host}-ui-vty{a}-{b}]", []),
}

USER_INTERFACE = [
    line("acl [ipv6] {<acl:int:2000-3999>|name <name:word>} {dir=inbound|outbound}", key=("dir",),
         undo="acl [ipv6] [{<acl:int:2000-3999>|name <name:word>}] {dir=inbound|outbound}"),
    line("authentication-mode {mode=aaa|password|none}", undo="authentication-mode"),
    line("set authentication password cipher <pw:word:1-128>", hook="cipher", undo="set authentication password"),
    line("user privilege level <level:int:0-15>", undo="user privilege level"),
    line("idle-timeout <min:int:0-35791> [<sec:int:0-59>]", defaults={"sec": "0"}, show="idle-timeout {min} {sec}",
         undo="idle-timeout"),
    line("history-command max-size <n:int:0-256>", undo="history-command max-size"),
    line("protocol inbound {proto=all|ssh|telnet}", undo="protocol inbound"),
    line("screen-length <n:int:0-512>", undo="screen-length"),
]

FIREWALL_MODES: dict[str, tuple[str, list[Command]]] = {
    "zone": ("[{host}-zone-{zone}]", [
        line("set priority <prio:int:1-100>", undo="set priority"),
        line("add interface <if:iface>", key=("if",), undo="add interface <if:iface>", hook="zone-interface"),
        line("description <text:text:242>", undo="description")]),
    "policy-security": ("[{host}-policy-security]", [
        line("default action {act=permit|deny}", undo="default action"),
        section("rule name <rule:word:1-256>", "policy-security-rule", undo="rule name <rule:word:1-256>"),
        line("default policy logging", undo="default policy logging")]),
    "policy-security-rule": ("[{host}-policy-security-rule-{rule}]", [
        line("description <text:text:127>", undo="description"),
        line("source-zone <zone:word>", key=("zone",)),
        line("destination-zone <zone:word>", key=("zone",)),
        line("source-address {<ip:ipv4> [mask] <mask:mask:len>|address-set <set:word>}", key=("ip", "mask", "set"),
             hook="address"),
        line("destination-address {<ip:ipv4> [mask] <mask:mask:len>|address-set <set:word>}",
             key=("ip", "mask", "set"), hook="address"),
        line("service {protocol {proto=tcp|udp} destination-port <p:int:1-65535> [to <p2:int:1-65535>]|<svc:word>}",
             key=("proto", "p", "p2", "svc")),
        line("action {act=permit|deny}", undo="action"),
        flag("policy logging"),
        flag("session logging"),
        flag("disable")]),
    "service-set": ("[{host}-object-service-set-{name}]", [
        line("service [<n:int:0-65535>] protocol {proto=tcp|udp|icmp} [source-port <sp:int:0-65535> "
             "[to <sp2:int:0-65535>]] [destination-port <p:int:0-65535> [to <p2:int:0-65535>]]", key=("n",),
             hook="service-id", undo="service <n:int:0-65535>"),
        line("description <text:text:127>", undo="description")]),
    "address-set": ("[{host}-object-address-set-{name}]", [
        line("address [<n:int:0-4095>] <ip:ipv4> {mask <mask:mask:len>|0}", key=("n",), hook="service-id",
             undo="address <n:int:0-4095>"),
        line("description <text:text:127>", undo="description")]),
}

USER = [
    run("system-view", "system-view"),
    run("screen-length <n:int:0-512> temporary", "screen-length"),
    run("undo screen-length temporary", "screen-length"),
]


def dialect(firewall: bool = False) -> Dialect:
    modes: dict[str, Mode] = {
        "user": Mode("user", "<{host}>", USER),
        "system": Mode("system", "[{host}]", _system(firewall)),
    }
    table = {**MODES_COMMON, **(FIREWALL_MODES if firewall else {})}
    for name, (prompt, commands) in table.items():
        if name in ("ui-con", "ui-vty"):
            commands = [_copy(c) for c in USER_INTERFACE]
        modes[name] = Mode(name, prompt, commands)
    everywhere = [
        *display_commands("display", "current-configuration", "saved-configuration"),
        run("quit", "quit"),
        run("return", "return"),
        run("save [<file:word>]", "save"),
    ]
    return Dialect(
        name="vrp-usg" if firewall else "vrp", vendor="huawei", modes=modes, everywhere=everywhere,
        layout=Layout(separator="#", end="return", vlan_list="to"), errors=ERRORS,  # type: ignore[arg-type]
        negation="undo", login_mode="user", config_mode="system", default_hostname="HUAWEI",
        banner="Info: The max number of VTY users is 10, and the number\n      of current VTY users on line is 1.",
        interface_types=(("Vlanif", ("vlanif",), True), ("MEth", ("meth",), False),
                         ("Eth-Trunk", ("eth-trunk",), True), ("GigabitEthernet", ("ge", "gigabitethernet"), False),
                         ("XGigabitEthernet", ("xge", "xgigabitethernet"), False), ("NULL", ("null",), False),
                         ("LoopBack", ("loopback",), True), ("InLoopBack", ("inloopback",), False)),
        extra={
            "header": ["!Software Version {version}"], "version": "V200R021C10SPC600",
            "changed": "!Last configuration was updated at {when:%Y-%m-%d %H:%M:%S}+08:00 by {user}",
            "config_greeting": "Enter system view, return user view with Ctrl+Z.",
            "terminal_reply": "Info: The configuration takes effect on the current user terminal interface only.",
            "save": Dialog((("The current configuration will be written to the device.\n"
                             "Are you sure to continue?[Y/N]", r"(?i)y(es)?"),),
                           "Now saving the current configuration to the slot 0.\n"
                           "Save the configuration successfully."),
        },
    )


HOOKS: dict[str, Hook] = {
    "cipher": hooks.reversible(pw.vrp_cipher),
    "community": hooks.reversible(pw.vrp_cipher),
    "password": hooks.password_forms({"irreversible-cipher": ("irreversible-cipher", pw.vrp_irreversible),
                                      "cipher": ("cipher", pw.vrp_cipher), "simple": ("simple", None)}),
    "acl-rule": hooks.acl_rule(first=5, step=5),
    "service-id": hooks.entry_number,
    "interface": hooks.interface,
    "trunk-vlan-1": hooks.trunk_default_vlan("undo port trunk allow-pass vlan 1"),
    "vlan": hooks.vlan_section("vlan batch <vlans:vlanrange...>"),
    "vlan-batch": hooks.vlan_batch("vlan <vlan:int:1-4094>"),
    "ospf": hooks.ospf,
    "ospf-area": hooks.ospf_area,
    "snmp-version": hooks.snmp_versions,
    "address": hooks.address_mask,
    "zone-id": hooks.zone_id,
    "zone-interface": hooks.zone_interface,
}


def _copy(command: Command) -> Command:
    """Each mode owns its command objects (a command's rank is its place in its own mode)."""
    return Command(**{k: v for k, v in command.__dict__.items() if k not in ("seq", "undo_seq", "block_id",
                                                                               "first_word")})
