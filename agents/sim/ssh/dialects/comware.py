"""H3C Comware 7 (S-series switches, SecPath firewalls): ``<name>`` / ``[name]`` views, ``undo``, ``save force``.

Global commands print indented by one space between ``#`` separators; errors start with ``%``. Negations take
no value where Comware refuses one (``undo name`` in a VLAN, ``undo description``).
"""

from __future__ import annotations

from agents.sim.ssh import hooks
from agents.sim.ssh.device import Dialog, Hook
from agents.sim.ssh.dialect import Command, Dialect, Layout, Mode, flag, line, merge, run, section
from agents.sim.ssh.dialects.common import ACL_ADV_RULE, ACL_BASIC_RULE, display_commands
from yunwang.contracts import device_passwords as pw

ERRORS = {
    "unrecognized": "% Unrecognized command found at '^' position.",
    "incomplete": "% Incomplete command found at '^' position.",
    "ambiguous": "% Ambiguous command found at '^' position.",
    "wrong-parameter": "% Wrong parameter found at '^' position.",
    "too-many": "% Too many parameters found at '^' position.",
}


def _system(firewall: bool) -> list[Command]:
    commands = [
        line("sysname <name:word:1-64>", undo="sysname", block="sysname"),
        flag("telnet server enable", block="telnet"),
        flag("password-control enable", block="password-control"),
        line("password-control length <n:int:4-32>", block="password-control", undo="password-control length"),
        line("password-control composition type-number <n:int:1-4> [type-length <len:int:1-63>]",
             block="password-control", undo="password-control composition"),
        line("password-control login-attempt <n:int:2-10> exceed {lock|lock-time <t:int:1-360>|unlock}",
             block="password-control", undo="password-control login-attempt"),
        line("password-control aging <days:int:1-365>", block="password-control", undo="password-control aging"),
        flag("lldp global enable", block="lldp"),
        section("vlan <vlan:int:1-4094>", "vlan", sort=True, hook="vlan"),
        Command("vlan <vlans:vlanrange...>", "line", hook="vlan-range", block="vlan"),
        section("interface <if:iface:create>", "interface", hook="interface"),
        line("ip route-static <dst:ipv4> <mask:mask:len> <nh:ipv4>", key=("dst", "mask", "nh"), block="route"),
        section("ospf [<pid:int:1-65535>] [router-id <rid:ipv4>]", "ospf", hook="ospf", key=("pid",),
                undo="ospf [<pid:int:1-65535>]"),
        section("line class {cls=aux|console|vty}", "line-class", joined=False, undo=None),
        section("line {kind=aux|con|vty} <a:int:0-63> [<b:int:0-63>]", "line", undo=None),
        line("info-center source <mod:word> {ch=loghost|console|monitor|logbuffer|logfile|trapbuffer} "
             "level <lvl:word>", key=("mod", "ch"), block="info-center",
             undo="info-center source <mod:word> {ch=loghost|console|monitor|logbuffer|logfile|trapbuffer}"),
        line("info-center loghost source <if:iface>", block="info-center", undo="info-center loghost source"),
        line("info-center loghost <ip:ipv4> [* port <port:int:1-65535> | facility <fac:word> ]", key=("ip",),
             block="info-center", undo="info-center loghost <ip:ipv4>"),
        line("info-center timestamp {kind=loghost|debugging|trap|log} {boot|date|iso|none|no-year-date}",
             key=("kind",), block="info-center", undo="info-center timestamp {kind=loghost|debugging|trap|log}"),
        flag("info-center enable", shown="off", block="info-center"),
        flag("snmp-agent", block="snmp-agent"),
        line("snmp-agent local-engineid <id:hex>", block="snmp-agent"),
        line("snmp-agent community {access=read|write} [{simple|cipher}] <name:word:1-255> "
             "[* mib-view <view:word> | acl <acl:word> ]", key=("name",), hook="community", block="snmp-agent",
             undo="snmp-agent community [{access=read|write}] [{simple|cipher}] <name:word:1-255>"),
        line("snmp-agent sys-info {kind=contact|location} <text:text>", key=("kind",), block="snmp-agent",
             undo="snmp-agent sys-info {kind=contact|location}"),
        Command("snmp-agent sys-info version {all|[* v1 | v2c | v3 ]}", "line", hook="snmp-version",
                block="snmp-agent"),
        line("snmp-agent mib-view {kind=included|excluded} <view:word:1-32> <subtree:word>", key=("view", "subtree"),
             block="snmp-agent", undo="snmp-agent mib-view [{kind=included|excluded}] <view:word:1-32> "
             "[<subtree:word>]"),
        line("snmp-agent group v3 <group:word:1-32> [{level=authentication|privacy}] [* read-view <rv:word> | "
             "write-view <wv:word> | notify-view <nv:word> | acl <acl:word> ]", key=("group",), block="snmp-agent",
             undo="snmp-agent group v3 <group:word:1-32> [{level=authentication|privacy}]"),
        line("snmp-agent target-host {kind=trap|inform} address udp-domain <ip:ipv4> [udp-port <port:int:1-65535>] "
             "params securityname <sn:word> [{v1|v2c|v3 [{authentication|privacy}]}]", key=("ip",),
             block="snmp-agent", undo="snmp-agent target-host {kind=trap|inform} address udp-domain <ip:ipv4> "
             "[params securityname <sn:word>]"),
        line("snmp-agent usm-user v3 <user:word:1-32> <group:word:1-32> [* simple | cipher | authentication-mode "
             "{alg=md5|sha|sha224|sha256|sha384|sha512} <akey:word> | privacy-mode "
             "{palg=aes128|aes192|aes256|des56|3des} <pkey:word> | acl <acl:word> ]", key=("user",),
             hook="usm", block="snmp-agent", undo="snmp-agent usm-user v3 <user:word:1-32> [<group:word:1-32>]"),
        flag("snmp-agent trap enable", block="snmp-agent"),
        flag("ssh server enable", block="ssh"),
        flag("ssh server compatible-ssh1x enable", block="ssh"),
        line("ssh server authentication-retries <n:int:1-5>", block="ssh", undo="ssh server authentication-retries"),
        line("ssh server acl <acl:int:2000-5999>", block="ssh", undo="ssh server acl"),
        line("ssh user <user:word:1-80> service-type {svc=all|scp|sftp|stelnet|netconf} authentication-type "
             "{auth=password|publickey|password-publickey|any}", key=("user",), block="ssh",
             undo="ssh user <user:word:1-80>"),
        flag("ntp-service enable", block="ntp"),
        flag("ntp-service authentication enable", block="ntp"),
        line("ntp-service authentication-keyid <id:int:1-4294967295> authentication-mode {alg=md5|hmac-sha-256} "
             "[{cipher|simple}] <key:word:1-255> [value]", key=("id",), hook="cipher", block="ntp",
             undo="ntp-service authentication-keyid <id:int:1-4294967295>"),
        line("ntp-service reliable authentication-keyid <id:int:1-4294967295>", key=("id",), block="ntp"),
        line("ntp-service source <if:iface>", block="ntp", undo="ntp-service source"),
        line("ntp-service unicast-server <ip:ipv4> [* authentication-keyid <kid:int:1-4294967295> | "
             "source <src:iface> | priority ]", key=("ip",), block="ntp", undo="ntp-service unicast-server <ip:ipv4>"),
        section("acl basic <n:int:2000-2999>", "acl-basic", sort=True, undo="acl basic <n:int:2000-2999>"),
        section("acl advanced <n:int:3000-3999>", "acl-adv", sort=True, undo="acl advanced <n:int:3000-3999>"),
        section("acl basic name <name:word:1-63>", "acl-basic-named", undo="acl basic name <name:word:1-63>"),
        section("acl advanced name <name:word:1-63>", "acl-adv-named", undo="acl advanced name <name:word:1-63>"),
        section("hwtacacs scheme <name:word:1-32>", "hwtacacs", sort=True),
        section("radius scheme <name:word:1-32>", "radius", sort=True),
        section("domain <name:word:1-255>", "isp", sort=True),
        line("domain default enable <name:word:1-255>", block="domain-default", undo="domain default enable"),
        line("header {kind=login|motd|shell|incoming|legal} <text:text:2000>", key=("kind",), block="header",
             undo="header {kind=login|motd|shell|incoming|legal}"),
        section("local-user <user:word:1-55> [class {cls=manage|network}]", "luser", key=("user",),
                undo="local-user <user:word:1-55> [class {cls=manage|network}]"),
        flag("ip http enable", block="http"),
        flag("ip https enable", block="http"),
        flag("ftp server enable", block="ftp"),
    ]
    if firewall:
        commands[-3:-3] = [
            section("security-zone name <zone:word:1-31>", "security-zone", undo="security-zone name <zone:word:1-31>"),
            section("zone-pair security source <src:word> destination <dst:word>", "zone-pair",
                    undo="zone-pair security source <src:word> destination <dst:word>"),
            section("object-policy ip <name:word:1-63>", "object-policy", undo="object-policy ip <name:word:1-63>"),
        ]
    return commands


INTERFACE = [
    line("port link-mode {mode=bridge|route}", undo="port link-mode"),
    line("description <text:text:255>", undo="description"),
    flag("shutdown"),
    line("port link-type {kind=access|trunk|hybrid}", undo="port link-type"),
    line("port access vlan <vlan:int:1-4094>", undo="port access vlan"),
    merge("port trunk permit vlan {<vlans:vlanrange...>|all}", "vlans", hook="trunk-vlan-1"),
    Command("undo port trunk permit vlan 1", "line", undo=None),
    line("port trunk pvid vlan <vlan:int:1-4094>", undo="port trunk pvid vlan"),
    line("ip address <ip:ipv4> <mask:mask:len> [sub]", key=("sub",), undo="ip address [<ip:ipv4> <mask:mask:len>]"),
    line("packet-filter {<acl:int:2000-5999>|name <name:word>} {dir=inbound|outbound}", key=("dir",),
         undo="packet-filter [{<acl:int:2000-5999>|name <name:word>}] {dir=inbound|outbound}"),
    flag("dot1x"),
    flag("mac-authentication"),
    line("port-security port-mode {mode=autolearn|secure|userlogin-secure|userlogin-secure-or-mac|mac-authentication}",
         undo="port-security port-mode"),
    line("port-security max-mac-count <n:int:1-4096>", undo="port-security max-mac-count"),
    flag("stp edged-port"),
    line("ospf authentication-mode {alg=md5|hmac-md5|hmac-sha-256} <kid:int:1-255> [{cipher|plain}] <key:word>",
         hook="cipher", undo="ospf authentication-mode"),
    Command("lldp enable", "flag", shown="off", default_on=True),
]

LINE = [
    line("authentication-mode {mode=none|password|scheme}", undo="authentication-mode"),
    line("user-role <role:word>", key=("role",), undo="user-role <role:word>"),
    line("idle-timeout <min:int:0-35791> [<sec:int:0-59>]", defaults={"sec": "0"}, show="idle-timeout {min} {sec}",
         undo="idle-timeout"),
    line("protocol inbound {proto=all|ssh|telnet}", undo="protocol inbound"),
    line("acl [ipv6] {<acl:int:2000-5999>|name <name:word>} {dir=inbound|outbound}", key=("dir",),
         undo="acl [ipv6] {dir=inbound|outbound}"),
    line("set authentication password {form=hash|simple} <pw:word:1-63>", hook="password",
         undo="set authentication password"),
]

FIREWALL_MODES: dict[str, tuple[str, list[Command]]] = {
    "security-zone": ("[{host}-security-zone-{zone}]", [
        line("import interface <if:iface> [vlan <vlans:vlanrange...>]", key=("if",),
             undo="import interface <if:iface>")]),
    "zone-pair": ("[{host}-zone-pair-security-{src}-{dst}]", [
        line("object-policy apply ip <name:word>", undo="object-policy apply ip [<name:word>]"),
        line("packet-filter <acl:int:2000-5999>", undo="packet-filter [<acl:int:2000-5999>]")]),
    "object-policy": ("[{host}-object-policy-ip-{name}]", [
        line("rule [<id:int:0-65534>] {act=pass|drop|inspect} [* source-ip <sip:word> | destination-ip <dip:word> | "
             "service <svc:word> | logging | counting ]", key=("id",), hook="acl-rule", sort=True,
             undo="rule <id:int:0-65534>")]),
}

MODES: dict[str, tuple[str, list[Command]]] = {
    "vlan": ("[{host}-vlan{vlan}]", [line("name <name:word:1-32>", undo="name"),
                                      line("description <text:text:255>", undo="description")]),
    "interface": ("[{host}-{if}]", INTERFACE),
    "ospf": ("[{host}-ospf-{pid}]", [
        line("silent-interface {<if:iface>|all}", key=("if",)),
        section("area <area:ospf-area>", "ospf-area", hook="ospf-area", sort=True)]),
    "ospf-area": ("[{host}-ospf-{pid}-area-{area}]", [
        line("authentication-mode {alg=md5|hmac-md5|hmac-sha-256|simple} [<kid:int:1-255>] [{cipher|plain}] "
             "<key:word>", hook="cipher", undo="authentication-mode"),
        line("network <ip:ipv4> <wild:wildcard>", key=("ip", "wild"))]),
    "line-class": ("[{host}-line-class-{cls}]", LINE),
    "line": ("[{host}-line-{kind}{a}-{b}]", LINE),
    "acl-basic": ("[{host}-acl-ipv4-basic-{n}]", [line("description <text:text:127>", undo="description"),
                                                 ACL_BASIC_RULE]),
    "acl-adv": ("[{host}-acl-ipv4-adv-{n}]", [line("description <text:text:127>", undo="description"), ACL_ADV_RULE]),
    "acl-basic-named": ("[{host}-acl-ipv4-basic-{name}]", [ACL_BASIC_RULE]),
    "acl-adv-named": ("[{host}-acl-ipv4-adv-{name}]", [ACL_ADV_RULE]),
    "hwtacacs": ("[{host}-hwtacacs-{name}]", [
        line("primary {kind=authentication|authorization|accounting} <ip:ipv4> [<port:int:1-65535>]", key=("kind",),
             undo="primary {kind=authentication|authorization|accounting}"),
        line("secondary {kind=authentication|authorization|accounting} <ip:ipv4> [<port:int:1-65535>]",
             key=("kind",), undo="secondary {kind=authentication|authorization|accounting}"),
        line("key {kind=authentication|authorization|accounting} [{cipher|simple}] <key:word:1-255>", key=("kind",),
             hook="cipher", undo="key {kind=authentication|authorization|accounting}"),
        line("nas-ip <ip:ipv4>", undo="nas-ip"),
        line("user-name-format {fmt=keep-original|with-domain|without-domain}", undo="user-name-format")]),
    "radius": ("[{host}-radius-{name}]", [
        line("primary {kind=authentication|accounting} <ip:ipv4> [<port:int:1-65535>]", key=("kind",),
             undo="primary {kind=authentication|accounting}"),
        line("key {kind=authentication|accounting} [{cipher|simple}] <key:word:1-255>", key=("kind",),
             hook="cipher", undo="key {kind=authentication|accounting}"),
        line("nas-ip <ip:ipv4>", undo="nas-ip"),
        line("user-name-format {fmt=keep-original|with-domain|without-domain}", undo="user-name-format")]),
    "isp": ("[{host}-isp-{name}]", [
        line("authentication {kind=login|default} {hwtacacs-scheme <s:word> [local]|radius-scheme <s:word> [local]|"
             "local|none}", key=("kind",), undo="authentication {kind=login|default}"),
        line("authorization {kind=login|default|command} {hwtacacs-scheme <s:word> [local]|radius-scheme <s:word> "
             "[local]|local|none}", key=("kind",), undo="authorization {kind=login|default|command}"),
        line("accounting {kind=login|default|command} {hwtacacs-scheme <s:word> [local]|radius-scheme <s:word> "
             "[local]|local|none}", key=("kind",), undo="accounting {kind=login|default|command}")]),
    "luser": ("[{host}-luser-{cls}-{user}]", [
        line("password {form=hash|simple|cipher} <pw:word:1-256>", hook="password", undo="password"),
        line("service-type [* ftp | ssh | telnet | terminal | http | https ]", undo="service-type"),
        line("authorization-attribute user-role <role:word>", key=("role",),
             undo="authorization-attribute user-role <role:word>")]),
}

USER = [
    run("system-view", "system-view"),
    run("screen-length disable", "screen-length"),
    run("undo screen-length disable", "screen-length"),
]


def dialect(firewall: bool = False) -> Dialect:
    modes: dict[str, Mode] = {
        "user": Mode("user", "<{host}>", USER),
        "system": Mode("system", "[{host}]", _system(firewall)),
    }
    for name, (prompt, commands) in {**MODES, **(FIREWALL_MODES if firewall else {})}.items():
        modes[name] = Mode(name, prompt, [_own(c) for c in commands] if name == "line" else commands)
    everywhere = [*display_commands("display", "current-configuration", "saved-configuration"),
                  run("quit", "quit"), run("return", "return"), run("save force", "save-force"),
                  run("save [safely]", "save")]
    save_done = "Validating file. Please wait...\nSaved the current configuration to mainboard device successfully."
    return Dialect(
        name="comware-secpath" if firewall else "comware", vendor="h3c", modes=modes, everywhere=everywhere,
        layout=Layout(separator="#", end="return", global_indent=" ", vlan_list="to"), errors=ERRORS,  # type: ignore[arg-type]
        negation="undo", login_mode="user", config_mode="system", default_hostname="H3C",
        banner="******************************************************************************\n"
               "* Copyright (c) 2004-2023 New H3C Technologies Co., Ltd. All rights reserved.*\n"
               "* Without the owner's prior written consent,                                 *\n"
               "* no decompiling or reverse-engineering shall be allowed.                    *\n"
               "******************************************************************************",
        interface_types=(("NULL", ("null",), False), ("Vlan-interface", ("vlan-interface", "vlanif"), True),
                         ("LoopBack", ("loopback",), True), ("Bridge-Aggregation", ("bridge-aggregation",), True),
                         ("GigabitEthernet", ("ge", "gigabitethernet"), False),
                         ("Ten-GigabitEthernet", ("xge", "ten-gigabitethernet"), False),
                         ("InLoopBack", ("inloopback",), False)),
        extra={
            "header": ["#", " version 7.1.070, Release 7607"],
            "config_greeting": "System View: return to User View with Ctrl+Z.",
            "save_force": Dialog((), save_done),
            "save": Dialog((("The current configuration will be written to the device. Are you sure? [Y/N]:",
                             r"(?i)y(es)?"),
                            ("Please input the file name(*.cfg)[flash:/startup.cfg]\n"
                             "(To leave the existing filename unchanged, press the enter key):", r".*"),
                            ("flash:/startup.cfg exists, overwrite? [Y/N]:", r"(?i)y(es)?")),
                           save_done, aborted="Save operation aborted."),
        },
    )


def _own(command: Command) -> Command:
    """A copy of a command for a second mode (a command's rank is its place in its own mode)."""
    fields = {k: v for k, v in command.__dict__.items() if k in Command.__dataclass_fields__}
    return Command(**fields)


def _usm(dev: object, job: hooks.Apply) -> None:
    """Comware keeps SNMPv3 keys in the ``cipher`` form on one line."""
    for arg in ("akey", "pkey"):
        value = str(job.bindings.get(arg, ""))
        if value and pw.reveal(value) is None:
            at = job.words.index(value)
            job.words[at] = job.bindings[arg] = pw.comware_cipher(value)
    if "akey" in job.bindings:
        job.words = [w for w in job.words if w not in ("simple", "cipher")]
        job.words.insert(job.words.index("v3") + 3, "cipher")


HOOKS: dict[str, Hook] = {
    "cipher": hooks.reversible(pw.comware_cipher),
    "community": hooks.reversible(pw.comware_cipher),
    "password": hooks.password_forms({"simple": ("hash", pw.comware_hash), "hash": ("hash", None),
                                      "cipher": ("cipher", pw.comware_cipher)}),
    "usm": _usm,  # type: ignore[dict-item]
    "acl-rule": hooks.acl_rule(first=0, step=5),
    "interface": hooks.interface,
    "trunk-vlan-1": hooks.trunk_default_vlan("undo port trunk permit vlan 1"),
    "vlan": hooks.vlan_section(None),
    "vlan-range": hooks.vlan_range,
    "ospf": hooks.ospf,
    "ospf-area": hooks.ospf_area,
    "snmp-version": hooks.snmp_versions,
}
