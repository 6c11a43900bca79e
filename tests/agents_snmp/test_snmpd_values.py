"""Every value the engine polls from a real snmpd equals what net-snmp's snmpbulkwalk reports."""

from __future__ import annotations

import asyncio

import pytest
from snmp_testlib import AUTH_ONLY_PASSWORD, Snmpd, snmpbulkwalk

from agents.snmp import ber
from agents.snmp.auth import AuthResolver, Credentials
from agents.snmp.collect import collect_device
from agents.snmp.engine import SnmpError, Target, open_session
from agents.snmp.exporter import Agent
from agents.snmp.httpd import Request
from agents.snmp.modules import builtin_modules, plan_for

ROOTS = {"ifTable": "1.3.6.1.2.1.2.2", "ifXTable": "1.3.6.1.2.1.31.1.1", "system": "1.3.6.1.2.1.1"}
TYPE_NAMES = {ber.INTEGER: "INTEGER", ber.COUNTER32: "Counter32", ber.GAUGE32: "Gauge32", ber.TIMETICKS: "Timeticks",
              ber.COUNTER64: "Counter64", ber.IP_ADDRESS: "IpAddress", ber.OCTET_STRING: "Hex-STRING",
              ber.OBJECT_IDENTIFIER: "OID"}


def as_netsnmp(tag: int, value: object) -> tuple[str, object]:
    """Our value in the shape of snmpbulkwalk -Oe -Ot -Ox output: (type name, comparable value)."""
    if isinstance(value, int):
        return TYPE_NAMES[tag], value
    assert isinstance(value, bytes)
    if tag == ber.OBJECT_IDENTIFIER:
        return "OID", ber.oid_text(value)
    if tag == ber.IP_ADDRESS:
        return "IpAddress", ".".join(map(str, value))
    return "Hex-STRING", value.hex().upper()


def parse_netsnmp(text: str) -> tuple[str, int | str]:
    text = text.strip()
    if text.isdigit():  # -Ot prints TimeTicks as a bare number
        return "Timeticks", int(text)
    if text == '""':
        return "Hex-STRING", ""
    kind, _, raw = text.partition(": ")
    if kind in ("INTEGER", "Counter32", "Gauge32", "Timeticks", "Counter64"):
        return kind, int(raw.split()[0])
    if kind == "OID":
        return kind, raw.lstrip(".")
    if kind == "Hex-STRING":
        return kind, raw.replace(" ", "").upper()
    return kind, raw


def text(netsnmp: str) -> str:
    return bytes.fromhex(str(parse_netsnmp(netsnmp)[1])).decode()


def number(netsnmp: str) -> int:
    return int(parse_netsnmp(netsnmp)[1])


async def our_walk(target: Target, root: str) -> dict[str, tuple[str, object]]:
    async with open_session(target) as session:
        varbinds = await session.walk(ber.oid_from_text(root))
    return {ber.oid_text(o): as_netsnmp(t, v) for o, t, v in varbinds}


def assert_same(before: dict[str, str], ours: dict[str, tuple[str, object]], after: dict[str, str]) -> None:
    assert set(ours) == set(before) == set(after), "different OIDs than snmpbulkwalk"
    for oid, got in ours.items():
        a, b = parse_netsnmp(before[oid]), parse_netsnmp(after[oid])
        if a == b:
            assert got == a, f"{oid}: ours {got} != snmpbulkwalk {a}"
        else:  # a counter or sysUpTime moved between the walks: ours must lie between them
            assert isinstance(a[1], int) and isinstance(b[1], int), (oid, a, b)
            assert got[0] == a[0] and min(a[1], b[1]) <= got[1] <= max(a[1], b[1]), (oid, a, got, b)  # type: ignore[operator]


@pytest.mark.parametrize("version", ["v2c", "ywsha", "ywsha256", "ywmd5des"])
@pytest.mark.parametrize("table", ["ifTable", "ifXTable", "system"])
def test_walk_equals_snmpbulkwalk(snmpd: Snmpd, version: str, table: str) -> None:
    creds = snmpd.v2c() if version == "v2c" else snmpd.v3(version)
    target = Target("127.0.0.1", snmpd.port, creds, timeout=2, retries=1, max_repetitions=7)
    before = snmpbulkwalk(snmpd, ROOTS[table])
    ours = asyncio.run(our_walk(target, ROOTS[table]))
    after = snmpbulkwalk(snmpd, ROOTS[table])
    assert len(ours) > 5
    assert_same(before, ours, after)


@pytest.mark.parametrize("level", ["authNoPriv", "noAuthNoPriv"])
def test_v3_security_levels_without_privacy(snmpd: Snmpd, level: str) -> None:
    if level == "authNoPriv":
        creds = Credentials("a", "3", b"", b"ywauthonly", level, "SHA-256", AUTH_ONLY_PASSWORD.encode())
    else:
        creds = Credentials("n", "3", b"", b"ywnoauth", level)
    target = Target("127.0.0.1", snmpd.port, creds, timeout=2, retries=1)
    before = snmpbulkwalk(snmpd, ROOTS["ifTable"])
    ours = asyncio.run(our_walk(target, ROOTS["ifTable"]))
    assert_same(before, ours, snmpbulkwalk(snmpd, ROOTS["ifTable"]))


@pytest.mark.parametrize("version", ["2c", "1"])
def test_getnext_walk_equals_getbulk(snmpd: Snmpd, version: str) -> None:
    creds = Credentials("getnext", version, snmpd.v2c().community)
    target = Target("127.0.0.1", snmpd.port, creds, max_repetitions=0 if version == "2c" else 25)
    before = snmpbulkwalk(snmpd, ROOTS["system"])
    ours = asyncio.run(our_walk(target, ROOTS["system"]))
    assert_same(before, ours, snmpbulkwalk(snmpd, ROOTS["system"]))


def test_exporter_samples_equal_snmpbulkwalk(snmpd: Snmpd) -> None:
    """The if_mib module's samples carry snmpbulkwalk's values and the ifDescr/ifName lookups."""
    agent = Agent(builtin_modules(), AuthResolver(
        {"v3": snmpd.v3("ywsha256")}))
    before = snmpbulkwalk(snmpd, "1.3.6.1.2.1")
    response = asyncio.run(agent.handle(Request("GET", "/snmp", {"target": snmpd.address, "auth": "v3",
                                                                 "module": "system,if_mib"}, {})))
    after = snmpbulkwalk(snmpd, "1.3.6.1.2.1")
    assert response.status == 200
    samples = {}
    for line in response.body.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = value
    assert samples["snmp_up"] == "1"
    names = {k.split(".")[-1]: text(v) for k, v in before.items() if k.startswith("1.3.6.1.2.1.31.1.1.1.1.")}
    descrs = {k.split(".")[-1]: text(v) for k, v in before.items() if k.startswith("1.3.6.1.2.1.2.2.1.2.")}
    assert names and descrs
    checked = 0
    for metric, column in (("ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6"), ("ifMtu", "1.3.6.1.2.1.2.2.1.4"),
                           ("ifOperStatus", "1.3.6.1.2.1.2.2.1.8"), ("ifInErrors", "1.3.6.1.2.1.2.2.1.14")):
        for index in names:
            alias = text(before.get(f"1.3.6.1.2.1.31.1.1.1.18.{index}", '""'))
            key = (f'{metric}{{ifIndex="{index}",ifAlias="{alias}",ifDescr="{descrs[index]}",'
                   f'ifName="{names[index]}"}}')
            a, b = number(before[f"{column}.{index}"]), number(after[f"{column}.{index}"])
            assert a <= int(samples[key]) <= b, (key, a, samples[key], b)
            checked += 1
    assert checked >= 8
    uptime = int(samples["sysUpTime"])
    assert number(before["1.3.6.1.2.1.1.3.0"]) <= uptime <= number(after["1.3.6.1.2.1.1.3.0"])
    info = next(k for k in samples if k.startswith("sysName{"))
    assert 'sysName="yw-test-device"' in info and 'sysObjectID="1.3.6.1.4.1.8072.3.2.10"' in info


def test_full_plan_against_snmpd(snmpd: Snmpd) -> None:
    """Every built-in module runs against a real agent without error (absent vendor tables give no samples)."""
    modules = builtin_modules()
    plan = plan_for(list(modules), modules)
    target = Target("127.0.0.1", snmpd.port, snmpd.v2c(), timeout=2, retries=1)
    result = asyncio.run(collect_device("snmpd", target, plan, 'device="snmpd",'))
    assert result.ok, result.error
    assert "hrStorageSize" in result.families and "ifHCOutOctets" in result.families
    assert "hwEntityCpuUsage" not in result.families
    assert all(line.startswith('hrStorageSize{device="snmpd",hrStorageIndex="')
               for line in result.families["hrStorageSize"])


def test_errors_are_snmp_errors() -> None:
    assert issubclass(SnmpError, Exception)


def test_exposition_parses_with_promtool(snmpd: Snmpd) -> None:
    """Every built-in module's output is valid text exposition (promtool's camelCase lint notes aside)."""
    import subprocess

    from snmp_testlib import need_binary

    promtool = need_binary("promtool", "prometheus")
    agent = Agent(builtin_modules(), AuthResolver({"v2": snmpd.v2c()}))
    body = asyncio.run(agent.handle(Request("GET", "/snmp", {"target": snmpd.address, "auth": "v2", "module":
                                                             ",".join(builtin_modules())}, {}))).body
    assert "snmp_up 1" in body
    done = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert "error while linting" not in output and "parsing error" not in output, output[:500]
    assert "no help text" not in output
