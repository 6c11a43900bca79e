"""Port identity across vendors: every spelling of a port gives one canonical form, different ports never do."""

from __future__ import annotations

import pytest

from links.ports import canonical, mac_text, same_port, spelling_note
from yunwang.hardware import MODELS


@pytest.mark.parametrize(("spellings", "form"), [
    (("GigabitEthernet0/0/1", "GE0/0/1", "gigabitethernet0/0/1", "Gi0/0/1", "GigabitEthernet 0/0/1"), "GE0/0/1"),
    (("XGigabitEthernet0/0/1", "XGE0/0/1", "TenGigabitEthernet0/0/1", "Ten-GigabitEthernet0/0/1", "Te0/0/1"),
     "10GE0/0/1"),
    (("GigabitEthernet 0/1", "Gi0/1", "GigabitEthernet0/1"), "GE0/1"),  # Ruijie ifDescr, ifName
    (("Ten-GigabitEthernet1/0/3", "XGE1/0/3", "Ten-GigabitEthernet1/0/3 Interface"), "10GE1/0/3"),  # H3C
    (("40GE1/0/1", "FortyGigE1/0/1", "Fo1/0/1"), "40GE1/0/1"),
    (("100GE1/0/1", "HundredGigE1/0/1", "Hu1/0/1"), "100GE1/0/1"),
    (("Eth-Trunk1", "Port-channel1", "Bridge-Aggregation1", "AggregatePort 1", "Po1"), "LAG1"),
    (("Vlanif10", "Vlan-interface10", "Vlan10", "VLAN 10"), "VLAN10"),
])
def test_every_spelling_of_a_port_is_one_canonical_form(spellings: tuple[str, ...], form: str) -> None:
    assert {canonical(s) for s in spellings} == {form}


def test_different_ports_stay_different() -> None:
    ports = ["GigabitEthernet0/0/1", "GigabitEthernet0/0/10", "XGigabitEthernet0/0/1", "GigabitEthernet1/0/1",
             "InLoopBack0", "LoopBack0", "Ethernet0/0/1", "Eth-Trunk1", "FastEthernet0/1"]
    assert len({canonical(p) for p in ports}) == len(ports)
    assert not same_port("", "") and not same_port("Gi0/1", "Gi0/2")


def test_every_model_names_its_ports_uniquely_in_canonical_form() -> None:
    for model, profile in MODELS.items():
        count = 52
        forms = [canonical(profile.port(p, count)[0]) for p in range(1, count + 1)]
        assert len(set(forms)) == count, model
        short = [canonical(profile.port(p, count)[1]) for p in range(1, count + 1)]
        assert short == forms, f"{model}: ifName and ifDescr name different ports"


def test_spelling_notes_say_why_two_strings_are_one_port() -> None:
    assert spelling_note("GigabitEthernet0/0/1", "GigabitEthernet0/0/1") == ""
    assert "short form" in spelling_note("Gi0/1", "GigabitEthernet 0/1")
    assert "spacing" in spelling_note("GigabitEthernet0/1", "GigabitEthernet 0/1")
    assert mac_text("00:E0:FC:11:22:33") == mac_text("0x00e0fc112233") == "00e0fc112233"
    assert mac_text("GigabitEthernet0/0/1") == ""
