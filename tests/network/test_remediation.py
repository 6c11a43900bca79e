"""Remediation in each vendor's syntax, on hand-written configurations: the traps hier-config falls into alone."""

from __future__ import annotations

import pytest

from infra.network.remediation import RemediationError, remediate, rollback_commands
from infra.network.render import FAMILIES, render_stack
from infra.network.secrets import mask
from yunwang.stacks import load_stack
from yunwang.topology import Vendor

VRP, COMWARE, IOS, RGOS = Vendor.HUAWEI, Vendor.H3C, Vendor.CISCO, Vendor.RUIJIE


def lines(vendor: Vendor, running: str, intent: str) -> list[str]:
    return [line.strip() for line in remediate(vendor, running, intent).lines]


def test_vrp_vlan_batch_sends_only_the_vlans_added_and_removed() -> None:
    running = "#\nvlan batch 10 20 30 to 33\n#\nreturn\n"
    intent = "#\nvlan batch 10 30 to 34 40\n#\nreturn\n"
    found = remediate(VRP, running, intent)
    # VLANs others refer to are created before everything else and removed after everything else
    assert found.lines == ("vlan batch 34 40", "undo vlan batch 20")
    assert found.rollback_lines == ("vlan batch 20", "undo vlan batch 34 40")


def test_vrp_trunk_vlans_change_by_difference_inside_the_interface() -> None:
    running = "interface GigabitEthernet0/0/1\n port link-type trunk\n port trunk allow-pass vlan 10 20\n#\n"
    intent = "interface GigabitEthernet0/0/1\n port link-type trunk\n port trunk allow-pass vlan 10 30\n#\n"
    assert remediate(VRP, running, intent).lines == (
        "interface GigabitEthernet0/0/1", " undo port trunk allow-pass vlan 20", " port trunk allow-pass vlan 30")


def test_comware_global_lines_and_separators_are_read_as_the_device_means_them() -> None:
    running = ("#\n version 7.1.070, Release 7607\n#\n sysname old\n#\ninterface GigabitEthernet1/0/1\n"
               " port link-mode bridge\n#\n lldp global enable\n#\nvlan 10\n name users\n#\nreturn\n")
    intent = ("#\n sysname new\n#\n lldp global enable\n#\ninterface GigabitEthernet1/0/1\n port link-mode bridge\n"
              " description uplink\n#\nvlan 10\n#\nreturn\n")
    found = remediate(COMWARE, running, intent)
    assert found.lines == ("vlan 10", " undo name", "sysname new", "interface GigabitEthernet1/0/1",
                           " description uplink")
    assert "undo name users" not in found.text  # Comware's undo takes no value
    assert " sysname new" not in found.lines  # a global command, not a child of the interface before it


def test_keyed_values_are_replaced_not_removed_first() -> None:
    running = "user-interface vty 0 4\n authentication-mode password\n idle-timeout 0 0\n protocol inbound all\n#\n"
    intent = "user-interface vty 0 4\n authentication-mode aaa\n idle-timeout 10 0\n protocol inbound ssh\n#\n"
    found = remediate(VRP, running, intent)
    assert found.lines == ("user-interface vty 0 4", " authentication-mode aaa", " idle-timeout 10 0",
                           " protocol inbound ssh")
    assert not any("undo" in line for line in found.lines)


def test_an_object_the_intent_drops_goes_in_one_negation_one_it_keeps_line_by_line() -> None:
    running = ("aaa\n local-user admin password simple Admin@123\n local-user admin privilege level 15\n"
               " local-user admin service-type telnet terminal\n local-user ops privilege level 3\n"
               " local-user ops state block\n domain default\n#\n")
    intent = "aaa\n local-user ops privilege level 15\n#\n"
    assert lines(VRP, running, intent) == ["aaa", "undo local-user admin", "undo local-user ops state",
                                           "local-user ops privilege level 15"]


def test_built_in_objects_are_never_negated() -> None:
    running = ("aaa\n domain default\n domain default_admin\n#\ninterface NULL0\n#\ninterface GigabitEthernet0/0/1\n"
               "#\ninterface Vlanif1\n ip address 10.0.0.1 255.255.255.0\n#\n")
    found = remediate(VRP, running, "aaa\n#\n")
    assert found.lines == ("undo interface Vlanif1",)
    comware = remediate(COMWARE, "#\nvlan 1\n#\nvlan 20\n#\nline vty 0 63\n user-role network-admin\n#\n", "#\n")
    assert comware.lines == ("undo vlan 20",)


def test_secrets_are_compared_masked_and_sent_real() -> None:
    running = "#\nsnmp-agent community read cipher %^%#OldCipherText%^%#\n#\nntp-service authentication enable\n#\n"
    intent_masked = ("#\nntp-service authentication enable\nntp-service authentication-keyid 1 authentication-mode "
                     "hmac-sha256 cipher [secret]\n#\n")
    intent_real = intent_masked.replace("[secret]", "ntp-real-key")
    found = remediate(VRP, running, intent_masked, intent_real)
    assert "ntp-real-key" not in found.text and "OldCipherText" not in found.text
    assert any("cipher [secret]" in line for line in found.lines)
    assert "ntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher ntp-real-key" in found.commands
    assert "undo snmp-agent community read cipher %^%#OldCipherText%^%#" in found.commands
    assert all("OldCipherText" not in line for line in found.rollback_lines)


def test_a_line_that_cannot_be_sent_without_its_secret_is_refused() -> None:
    intent_masked = "#\nntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher [secret]\n#\n"
    with pytest.raises(RemediationError, match="without the secret"):
        remediate(VRP, "#\n", intent_masked, intent_masked)  # "real" text still masked: nothing real to send


def test_ios_lines_the_device_never_prints_are_sent_but_never_drift() -> None:
    user = "snmp-server user ops ops v3 auth sha-2 256 [secret] priv aes 128 [secret] access MGMT"
    intent = f"hostname r1\n!\n{user}\n!\nend\n"
    real = intent.replace("[secret]", "k3y")
    assert remediate(IOS, "hostname r1\n!\nend\n", intent, real).empty  # nothing shown differs: no drift
    changed = remediate(IOS, "hostname r0\n!\nend\n", intent, real)
    assert changed.lines == ("hostname r1",)
    assert changed.commands == ("hostname r1", user.replace("[secret]", "k3y"))


def test_rgos_goes_through_an_ios_based_driver_with_its_own_commands() -> None:
    running = "hostname sw\n!\naaa local authentication attempts 3\nusername admin password 0 admin\n!\nend\n"
    intent = "hostname sw\n!\naaa local authentication attempts 5\n!\nend\n"
    assert lines(RGOS, running, intent) == ["no username admin", "aaa local authentication attempts 5"]


def test_rollback_of_a_partial_change_restores_the_snapshot_with_its_stored_secrets() -> None:
    snapshot = ("#\nsysname sw1\n#\naaa\n local-user admin password irreversible-cipher $1a$abc$\n"
                " local-user admin privilege level 15\n#\nreturn\n")
    current = "#\nsysname sw1-new\n#\naaa\n#\nreturn\n"
    assert rollback_commands(VRP, current, snapshot) == (
        "aaa", "local-user admin password irreversible-cipher $1a$abc$", "local-user admin privilege level 15",
        "quit", "sysname sw1")


@pytest.mark.parametrize("vendor", list(Vendor), ids=[v.value for v in Vendor])
def test_a_device_already_at_its_intent_needs_nothing(vendor: Vendor) -> None:
    loaded = load_stack("liuan")
    assert loaded.topology is not None
    device = next(d for d in loaded.topology.devices if d.vendor == vendor)
    intent = render_stack(loaded.topology, loaded.topology_file, devices=[device.name])[0].text
    as_running = mask(intent, FAMILIES[vendor].secret_patterns)
    found = remediate(vendor, as_running, intent)
    assert found.empty, found.text
    assert not found.rollback
