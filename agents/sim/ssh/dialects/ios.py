"""Cisco IOS / IOS-XE: ``name>`` / ``name#`` / ``name(config)#``, ``no``, ``write memory``.

A configuration sub-mode hands a command it does not know to the enclosing modes (as IOS does), so a global
command after an interface block applies globally. RGOS shares this module's shape (see rgos.py).
"""

from __future__ import annotations

import re

from agents.sim.ssh import hooks
from agents.sim.ssh.device import Apply, Dialog, Hook, SimDevice
from agents.sim.ssh.dialect import Command, Dialect, Layout, Mode, flag, line, merge, run, section
from agents.sim.ssh.dialects.common import display_commands
from yunwang.contracts import device_passwords as pw

ERRORS = {
    "unrecognized": "% Invalid input detected at '^' marker.",
    "incomplete": "% Incomplete command.",
    "ambiguous": '% Ambiguous command:  "{line}"',
    "wrong-parameter": "% Invalid input detected at '^' marker.",
    "too-many": "% Invalid input detected at '^' marker.",
}

ACE = ("[<seq:int:1-2147483647>] {act=permit|deny} {proto=ip|tcp|udp|icmp|gre|ospf|<pn:int:0-255>} "
       "{any|host <sip:ipv4>|<src:ipv4> <swild:wildcard>} [{eq|gt|lt|neq} <sp:port>] "
       "{any|host <dip:ipv4>|<dst:ipv4> <dwild:wildcard>} [{{eq|gt|lt|neq} <dp:port>|range <dp:port> <dp2:port>}] "
       "[* log | established ]")
STD_ACE = "[<seq:int:1-2147483647>] {act=permit|deny} {any|host <sip:ipv4>|<src:ipv4> [<swild:wildcard>]} [log]"


def config_commands(enable_service: bool) -> list[Command]:
    """Global configuration commands shared by IOS and RGOS, in running-config order."""
    services = [flag("enable service telnet-server", block="services"),
                flag("enable service ssh-server", block="services"),
                Command("enable service web-server [{kind=http|https|all}]", "flag", block="services")] \
        if enable_service else []
    return [
        line("service timestamps {kind=debug|log} {uptime|datetime [* msec | localtime | show-timezone | year ]}",
             key=("kind",), block="service", undo="service timestamps {kind=debug|log}"),
        Command("service password-encryption", "flag", shown="both", block="service", hook="password-encryption"),
        Command("service pad", "flag", shown="off", block="service"),
        line("hostname <name:word:1-63>", undo="hostname"),
        *services,
        line("enable secret [{type=0|5|8|9}] <pw:word>", hook="secret", block="enable", undo="enable secret"),
        line("enable password [{type=0|7}] <pw:word>", hook="password", block="enable", undo="enable password"),
        Command("aaa new-model", "flag", shown="both", block="aaa"),
        line("aaa authentication login {list=default|<name:word>} <methods:word...>", key=("list",), block="aaa",
             undo="aaa authentication login {list=default|<name:word>}"),
        line("aaa authorization {kind=exec|commands <lvl:int:0-15>} {list=default|<name:word>} <methods:word...>",
             key=("kind", "lvl", "list"), block="aaa", undo="aaa authorization {kind=exec|commands <lvl:int:0-15>} "
             "{list=default|<name:word>}"),
        line("aaa accounting {kind=exec|commands <lvl:int:0-15>} {list=default|<name:word>} start-stop "
             "<methods:word...>", key=("kind", "lvl", "list"), block="aaa",
             undo="aaa accounting {kind=exec|commands <lvl:int:0-15>} {list=default|<name:word>}"),
        line("aaa authentication dot1x {list=default|<name:word>} <methods:word...>", key=("list",), block="aaa",
             undo="aaa authentication dot1x {list=default|<name:word>}"),
        line("aaa local authentication attempts max-fail <n:int:1-65535>", block="aaa",
             undo="aaa local authentication attempts max-fail"),
        section("aaa group server tacacs+ <name:word>", "sg-tacacs", block="aaa-group"),
        section("aaa group server radius <name:word>", "sg-radius", block="aaa-group"),
        line("login block-for <s:int:1-65535> attempts <n:int:1-65535> within <w:int:1-65535>", block="login",
             undo="login block-for"),
        line("username <user:word:1-64> [privilege <level:int:0-15>] {secret [{type=0|5|8|9}]|algorithm-type "
             "{alg=md5|sha256|scrypt} secret|password [{type=0|7}]} <pw:word>", key=("user",), hook="user",
             block="username", undo="username <user:word:1-64>"),
        section("key chain <name:word>", "keychain", block="key-chain"),
        section("vlan <vlan:int:1-4094>", "vlan", sort=True, hook="vlan"),
        Command("dot1x system-auth-control", "flag", block="dot1x"),
        Command("lldp run", "flag", block="lldp"),
        line("ip ssh version {v=1|2}", block="ip-ssh", undo="ip ssh version"),
        line("ip ssh time-out <s:int:1-120>", block="ip-ssh", undo="ip ssh time-out"),
        line("ip ssh authentication-retries <n:int:0-5>", block="ip-ssh", undo="ip ssh authentication-retries"),
        line("ip ssh source-interface <if:iface>", block="ip-ssh", undo="ip ssh source-interface"),
        line("ip ssh server algorithm {kind=encryption|mac|kex} <alg:word...>", key=("kind",), block="ip-ssh",
             undo="ip ssh server algorithm {kind=encryption|mac|kex}"),
        section("interface <if:iface:create>", "interface", hook="interface"),
        section("router ospf <pid:int:1-65535>", "router", sort=True),
        Command("ip http server", "flag", shown="both", block="ip-http"),
        Command("ip http secure-server", "flag", shown="both", block="ip-http"),
        line("ip route <dst:ipv4> <mask:mask> <nh:ipv4>", key=("dst", "mask", "nh"), block="ip-route"),
        section("ip access-list standard <name:word>", "std-nacl", sort=True),
        section("ip access-list extended <name:word>", "ext-nacl", sort=True),
        line("access-list <n:int:1-199> " + STD_ACE.split(" ", 1)[1], key=("n", "act", "src", "sip", "swild"),
             block="access-list"),
        Command("logging console", "flag", shown="off", block="logging"),
        line("logging buffered <size:int:4096-2147483647> [<level:word>]", block="logging", undo="logging buffered"),
        line("logging source-interface <if:iface>", block="logging", undo="logging source-interface"),
        line("logging host <ip:ipv4>", key=("ip",), block="logging"),
        line("logging trap <level:word>", block="logging", undo="logging trap"),
        Command("logging on", "flag", shown="off", block="logging"),
        line("snmp-server community <name:word> [view <view:word>] [{access=RO|RW}] [<acl:word>]",
             key=("name",), block="snmp", undo="snmp-server community <name:word>"),
        line("snmp-server view <view:word> <subtree:word> {kind=included|excluded}", key=("view", "subtree"),
             block="snmp"),
        line("snmp-server group <group:word> {v1|v2c|v3 {level=auth|noauth|priv}} [* read <rv:word> | "
             "write <wv:word> | notify <nv:word> | access <acl:word> ]", key=("group",), block="snmp",
             undo="snmp-server group <group:word>"),
        line("snmp-server user <user:word> <group:word> v3 [auth {alg=md5|sha|sha-2 256|sha-2 384|sha-2 512|sha256|"
             "sha384|sha512} <akey:word> [priv {palg=des|des56|3des|aes 128|aes 192|aes 256|aes128|aes192|aes256} "
             "<pkey:word>]] [access <acl:word>]", key=("user",), block="snmp", hidden=not enable_service,
             undo="snmp-server user <user:word> [<group:word> v3]"),
        line("snmp-server host <ip:ipv4> [version {v=1|2c|3 {auth|noauth|priv}}] <sn:word>", key=("ip",),
             block="snmp", undo="snmp-server host <ip:ipv4>"),
        line("snmp-server enable traps", block="snmp"),
        section("tacacs server <name:word>", "server-tacacs", block="tacacs"),
        line("banner {kind=motd|login|exec} <text:text>", key=("kind",), block="banner",
             undo="banner {kind=motd|login|exec}"),
        section("line con <n:int:0-0>", "line", undo=None, joined=True, block="line"),
        section("line aux <n:int:0-0>", "line", undo=None, joined=True, block="line"),
        section("line vty <a:int:0-15> [<b:int:0-15>]", "line", undo=None, joined=True, block="line"),
        line("ntp authentication-key <id:int:1-4294967295> {alg=md5|hmac-sha1|hmac-sha2-256} <key:word> "
             "[<type:int:0-7>]", key=("id",),
             block="ntp", undo="ntp authentication-key <id:int:1-4294967295>"),
        Command("ntp authenticate", "flag", block="ntp"),
        line("ntp trusted-key <id:int:1-4294967295>", key=("id",), block="ntp"),
        line("ntp server <ip:ipv4> [key <kid:int:1-4294967295>] [prefer]", key=("ip",), block="ntp",
             undo="ntp server <ip:ipv4>"),
        line("ntp source <if:iface>", block="ntp", undo="ntp source"),
    ]


INTERFACE = [
    line("description <text:text:240>", undo="description"),
    line("switchport mode {mode=access|trunk}", undo="switchport mode"),
    line("switchport access vlan <vlan:int:1-4094>", undo="switchport access vlan"),
    merge("switchport trunk allowed vlan [{op=add|remove}] <vlans:vlanlist>", "vlans"),
    line("switchport port-security maximum <n:int:1-4096>", undo="switchport port-security maximum"),
    Command("switchport port-security", "flag"),
    line("switchport port-security violation {act=protect|restrict|shutdown}",
         undo="switchport port-security violation"),
    line("authentication port-control {mode=auto|force-authorized|force-unauthorized}",
         undo="authentication port-control"),
    line("dot1x pae {role=authenticator|supplicant}", undo="dot1x pae"),
    line("dot1x port-control {mode=auto|force-authorized|force-unauthorized}", undo="dot1x port-control"),
    Command("mab", "flag"),
    Command("no ip address", "line", undo=None),
    line("ip address <ip:ipv4> <mask:mask> [secondary]", key=("secondary",), hook="ip-address",
         undo="ip address [<ip:ipv4> <mask:mask>]"),
    line("ip unnumbered <src:iface>", undo="ip unnumbered"),
    line("ip access-group <acl:word> {dir=in|out}", key=("dir",), undo="ip access-group [<acl:word>] {dir=in|out}"),
    line("ip ospf network {kind=point-to-point|broadcast|non-broadcast}", undo="ip ospf network"),
    line("ip ospf authentication [{message-digest|key-chain <kc:word>|null}]", undo="ip ospf authentication"),
    line("ip ospf message-digest-key <kid:int:1-255> md5 <key:word>", key=("kid",),
         undo="ip ospf message-digest-key <kid:int:1-255>"),
    Command("spanning-tree portfast", "flag"),
    flag("shutdown"),
]

LINE = [
    line("access-class <acl:word> {dir=in|out}", key=("dir",), undo="access-class <acl:word> {dir=in|out}"),
    line("exec-timeout <min:int:0-35791> [<sec:int:0-2147483>]", defaults={"sec": "0"},
         show="exec-timeout {min} {sec}", undo="exec-timeout"),
    line("password [{type=0|7}] <pw:word>", hook="password", undo="password"),
    line("login [{local|authentication <list:word>}]", undo="login"),
    line("transport input <proto:word...>", undo="transport input"),
    line("privilege level <level:int:0-15>", undo="privilege level"),
]


def modes(prompt_host: str = "{host}") -> dict[str, tuple[str, list[Command]]]:
    nacl_ace = line(ACE, key=("act", "proto", "src", "sip", "dst", "dip", "dp"), hook="ace")
    std_ace = line(STD_ACE, key=("act", "src", "sip", "swild"), hook="ace")
    return {
        "interface": (prompt_host + "(config-if)#", INTERFACE),
        "line": (prompt_host + "(config-line)#", LINE),
        "vlan": (prompt_host + "(config-vlan)#", [line("name <name:word:1-32>", undo="name")]),
        "router": (prompt_host + "(config-router)#", [
            line("router-id <rid:ipv4>", undo="router-id"),
            line("area <area:ospf-area> authentication [message-digest]", key=("area",),
                 undo="area <area:ospf-area> authentication"),
            line("network <ip:ipv4> <wild:wildcard> area <area:ospf-area>", key=("ip", "wild")),
            line("passive-interface {<if:iface>|default}", key=("if",))]),
        "std-nacl": (prompt_host + "(config-std-nacl)#", [std_ace]),
        "ext-nacl": (prompt_host + "(config-ext-nacl)#", [nacl_ace]),
        "sg-tacacs": (prompt_host + "(config-sg-tacacs+)#", [
            line("server name <name:word>", key=("name",)),
            line("ip tacacs source-interface <if:iface>", undo="ip tacacs source-interface")]),
        "sg-radius": (prompt_host + "(config-sg-radius)#", [
            line("server name <name:word>", key=("name",)),
            line("ip radius source-interface <if:iface>", undo="ip radius source-interface")]),
        "keychain": (prompt_host + "(config-keychain)#", [section("key <id:int:0-2147483647>", "keychain-key")]),
        "keychain-key": (prompt_host + "(config-keychain-key)#", [
            line("key-string [{type=0|7}] <key:word>", hook="key-string", undo="key-string"),
            line("cryptographic-algorithm {alg=md5|hmac-sha-1|hmac-sha-256|hmac-sha-384|hmac-sha-512}",
                 undo="cryptographic-algorithm")]),
        "server-tacacs": (prompt_host + "(config-server-tacacs)#", [
            line("address ipv4 <ip:ipv4>", undo="address ipv4"),
            line("key [{type=0|7}] <pw:word>", hook="password", undo="key")]),
    }


def exec_commands() -> tuple[list[Command], list[Command]]:
    """(user exec, privileged exec) commands."""
    user = [run("enable", "enable"), run("terminal {length|width} <n:int:0-512>", "screen-length"),
            run("exit", "quit"), run("logout", "quit"), *display_commands("show", "running-config",
                                                                          "startup-config")]
    privileged = [run("configure [terminal]", "configure"), run("disable", "disable"),
                  run("write [memory]", "save"), run("copy running-config startup-config", "copy"),
                  *user[1:]]
    return user, privileged


def dialect() -> Dialect:
    user, privileged = exec_commands()
    table: dict[str, Mode] = {
        "user": Mode("user", "{host}>", user, parent_exec=False),
        "enable": Mode("enable", "{host}#", privileged, parent_exec=False),
        "config": Mode("config", "{host}(config)#", config_commands(enable_service=False)),
    }
    for name, (prompt, commands) in modes().items():
        table[name] = Mode(name, prompt, commands)
    everywhere = [run("exit", "quit"), run("end", "return"), run("do <cmd:text>", "do")]
    return Dialect(
        name="ios", vendor="cisco", modes=table, everywhere=everywhere,
        layout=Layout(separator="!", end="end", vlan_list="dash"), errors=ERRORS,  # type: ignore[arg-type]
        negation="no", login_mode="user", config_mode="config", default_hostname="Router",
        interface_types=(("Loopback", ("lo", "loopback"), True), ("Port-channel", ("po", "port-channel"), True),
                         ("GigabitEthernet", ("gi", "gigabitethernet"), False),
                         ("TenGigabitEthernet", ("te", "tengigabitethernet"), False),
                         ("Vlan", ("vlan",), True), ("Null", ("null",), False)),
        extra=_extra("version 17.9", "! Last configuration change at {when:%H:%M:%S} CST {when:%a %b %d %Y} by {user}"),
    )


def _extra(version: str, changed: str) -> dict[str, object]:
    done = "Building configuration...\n[OK]"
    return {
        "header": ["!", version], "changed": changed, "privileged_mode": "enable", "fallback": True,
        "merge_replaces": True, "config_greeting": "Enter configuration commands, one per line.  End with CNTL/Z.",
        "config_preamble": "Building configuration...\n\nCurrent configuration : {size} bytes\n",
        "save": Dialog((), done), "copy": Dialog((("Destination filename [startup-config]? ", r"|startup-config"),),
                                                 done, aborted="%Error opening (No such file or directory)"),
    }


def secret_hook(one_way: str) -> Hook:
    """``secret [0] X`` is stored hashed (type 9 on IOS-XE, 5 on RGOS); a typed hash is kept as it is."""
    encode = pw.ios_type9 if one_way == "9" else pw.md5_crypt

    def hook(_dev: SimDevice, job: Apply) -> None:
        if job.negated or "pw" not in job.bindings or "secret" not in job.words:
            return
        if "algorithm-type" in job.words:  # ``algorithm-type scrypt secret X`` is shown as ``secret 9 <hash>``
            at = job.words.index("algorithm-type")
            del job.words[at:at + 2]
        value = str(job.bindings["pw"])
        at = job.words.index("secret") + 1
        if job.bindings.get("type") in (None, "0") and not pw.is_one_way(value):
            value, kind = encode(value), one_way
        else:
            kind = str(job.bindings.get("type") or one_way)
        job.words[at:] = [kind, value]
        job.bindings.update({"type": kind, "pw": value, "form": kind})
    return hook


def encrypts_passwords(dev: SimDevice) -> bool:
    """``service password-encryption`` is on: clear-text secrets are stored (and shown) in type 7."""
    return any(node.text == "service password-encryption" for node in dev.root.children)


def password_type(dev: SimDevice, job: Apply) -> None:
    """``password X`` is shown as ``password 0 X``, or ``password 7 <type 7>`` under ``service
    password-encryption`` (type 7 when typed so)."""
    if job.negated or "pw" not in job.bindings:
        return
    typed_value = value = str(job.bindings["pw"])
    typed_kind = job.bindings.get("type")
    kind = str(typed_kind or "0")
    if kind == "0" and encrypts_passwords(dev):
        value, kind = pw.ios_type7(value), "7"
        job.bindings.update({"pw": value, "type": kind})
    field = "password" if "password" in job.words else "key"
    at = job.words.index(field) + 1
    rest = list(job.words[at:])
    for typed in (typed_kind, typed_value):
        if typed is not None and typed in rest:
            rest.remove(str(typed))
    job.words[at:] = [kind, value, *rest]
    job.bindings["form"] = kind


def password_encryption(dev: SimDevice, job: Apply) -> None:
    """Turning ``service password-encryption`` on re-stores every clear-text (type 0) secret in type 7."""
    if job.negated:
        return
    for node in dev.root.walk():
        value = node.bindings.get("pw")
        if node.bindings.get("form") == "0" and isinstance(value, str):
            encrypted = pw.ios_type7(value)
            node.text = re.sub(rf" 0 {re.escape(value)}(?= |$)", f" 7 {encrypted}", node.text)
            node.bindings.update({"pw": encrypted, "type": "7", "form": "7"})


def user_hook(one_way: str) -> Hook:
    secret = secret_hook(one_way)

    def hook(dev: SimDevice, job: Apply) -> None:
        if "secret" in job.words:
            secret(dev, job)
        else:
            password_type(dev, job)
    return hook


def key_string(_dev: SimDevice, job: Apply) -> None:
    """A key chain's key is stored and shown in type 7 (as IOS does with ``service password-encryption``)."""
    if job.negated or "key" not in job.bindings:
        return
    value = str(job.bindings["key"])
    if job.bindings.get("type") != "7":
        value = pw.ios_type7(value)
    job.words = ["key-string", "7", value]
    job.bindings.update({"type": "7", "key": value})


def ace(_dev: SimDevice, job: Apply) -> None:
    """Access-list entries are shown without the sequence number typed in front of them."""
    if job.words and job.words[0].isdigit():
        job.words.pop(0)
        job.bindings.pop("seq", None)


def ip_address(_dev: SimDevice, job: Apply) -> None:
    """An address replaces ``no ip address``."""
    if not job.negated:
        for node in list(job.frame.node.children):
            if node.text == "no ip address":
                job.frame.node.children.remove(node)


HOOKS: dict[str, Hook] = {
    "secret": secret_hook("9"),
    "password": password_type,
    "user": user_hook("9"),
    "ace": ace,
    "key-string": key_string,
    "password-encryption": password_encryption,
    "ip-address": ip_address,
    "interface": hooks.interface,
    "vlan": hooks.vlan_section(None),
}
