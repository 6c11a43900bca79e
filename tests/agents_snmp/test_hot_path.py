"""The sample-building hot path: what is shared between devices and polls, and what must not be."""

from __future__ import annotations

import asyncio
import sys

import pytest

from agents import eventloop
from agents.snmp import ber, collect
from agents.snmp.modules import builtin_modules, plan_for
from yunwang.lru import LruDict

IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_ALIAS = "1.3.6.1.2.1.31.1.1.1.18"


def _device(names: dict[int, str], octets: int) -> list[list[ber.Varbind]]:
    """The two walks of ``if_mib`` for a device whose interfaces (ifIndex → name) carry ``octets`` each."""
    def col(oid: str, tag: int, value: object) -> list[ber.Varbind]:
        return [(ber.oid_from_text(f"{oid}.{i}"), tag, value(i) if callable(value) else value)  # type: ignore[misc]
                for i in sorted(names)]
    if_table = col(IF_DESCR, ber.OCTET_STRING, lambda i: names[i].encode()) + col(
        IF_IN_OCTETS, ber.COUNTER32, octets)
    if_x_table = col(IF_NAME, ber.OCTET_STRING, lambda i: names[i].encode()) + col(
        IF_ALIAS, ber.OCTET_STRING, b"")
    return [if_table, if_x_table]


def _samples(sinks: list[list[ber.Varbind]], extra: str = "") -> list[str]:
    result = collect.DeviceResult("d", "127.0.0.1:161")
    collect.build_families(plan_for(("if_mib",), builtin_modules()), sinks, extra, result)
    return result.families["ifInOctets"]


def test_devices_sharing_ifindexes_keep_their_own_lookup_labels() -> None:
    first = _samples(_device({1: "GigabitEthernet0/0/1", 2: "GigabitEthernet0/0/2"}, 5))
    second = _samples(_device({1: "Ten-GigabitEthernet1/0/1", 2: "Ten-GigabitEthernet1/0/2"}, 7),
                      'device="b",')
    again = _samples(_device({1: "GigabitEthernet0/0/1", 2: "renamed"}, 9))
    assert first[0] == ('ifInOctets{ifIndex="1",ifAlias="",ifDescr="GigabitEthernet0/0/1",'
                        'ifName="GigabitEthernet0/0/1"} 5')
    assert second[1] == ('ifInOctets{device="b",ifIndex="2",ifAlias="",ifDescr="Ten-GigabitEthernet1/0/2",'
                         'ifName="Ten-GigabitEthernet1/0/2"} 7')
    assert 'ifName="renamed"' in again[1] and again[1].endswith("} 9")


def test_row_index_cache_is_bounded_and_stays_correct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect, "_row_index", LruDict(16))
    names = {i: f"port{i}" for i in range(1, 200)}
    lines = _samples(_device(names, 1))
    assert len(lines) == 199
    assert len(collect._row_index) <= 16
    assert lines[198].startswith('ifInOctets{ifIndex="199",ifAlias="",ifDescr="port199",ifName="port199"}')


def test_a_row_whose_index_does_not_parse_is_skipped() -> None:
    metric = plan_for(("if_mib",), builtin_modules()).by_oid[ber.oid_from_text(IF_IN_OCTETS)]
    assert collect.row_labels(metric, b"", {}) is None  # ifIndex missing from the OID
    assert collect.row_labels(metric, b"\x07", {}) == 'ifIndex="7",ifAlias="",ifDescr="",ifName=""'


def test_agents_run_on_uvloop_when_it_is_installed() -> None:
    pytest.importorskip("uvloop")

    async def loop_type() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert eventloop.run(loop_type()).startswith("uvloop")


def test_agents_fall_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop → ImportError

    async def loop_type() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert eventloop.run(loop_type()).startswith("asyncio")
