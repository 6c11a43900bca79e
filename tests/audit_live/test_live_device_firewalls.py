"""Huawei USG and H3C SecPath zone firewalls: the examples in examples/devices are read, their security policies
resolved through their objects, and judged — hardened examples clean, insecure ones flagged for what they do."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.engine import ReadStats, run_audit
from policies.facts_device import load_device_configs, parse_device_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
EXPECTED = {
    "huawei-usg-insecure.cfg": {"YW-DEV-026", "YW-DEV-068", "YW-DEV-069", "YW-DEV-070", "YW-DEV-071", "YW-DEV-072",
                                "YW-DEV-036", "YW-DEV-038", "YW-DEV-043", "YW-DEV-049"},
    "h3c-secpath-insecure.cfg": {"YW-DEV-026", "YW-DEV-068", "YW-DEV-069", "YW-DEV-070", "YW-DEV-071", "YW-DEV-072",
                                 "YW-DEV-005", "YW-DEV-007", "YW-DEV-043"},
}


def _rules_by_file(*names: str) -> dict[str, set[str]]:
    loaded = load_device_configs([EXAMPLES / n for n in names])
    assert loaded.errors == []
    report = run_audit(loaded.units(), stats=ReadStats(), errors=[])
    found: dict[str, set[str]] = {n: set() for n in names}
    for f in report.findings:
        found[Path(f.target.file or "").name].add(f.rule.id)
    return found


@pytest.mark.parametrize("name", ["huawei-usg-hardened.cfg", "h3c-secpath-hardened.cfg"])
def test_hardened_firewall_examples_have_no_finding(name: str) -> None:
    assert _rules_by_file(name) == {name: set()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_insecure_firewall_examples_are_flagged(name: str) -> None:
    found = _rules_by_file(name)[name]
    assert EXPECTED[name] <= found, EXPECTED[name] - found


def test_usg_policy_is_resolved_through_its_objects() -> None:
    config = parse_device_config((EXAMPLES / "huawei-usg-hardened.cfg").read_text(), "usg.cfg")
    fw = config.firewall
    assert fw is not None and fw.untrusted_zones == {"untrust"}
    portal = fw.rules[0]
    assert portal.name == "portal-https" and portal.logged and not portal.match.opaque
    assert portal.match.destinations == ((0x0A320A14, 0x0A320A15),)  # 10.50.10.20-21 from the address set
    assert portal.match.allows_port("tcp", 443) and not portal.match.allows_port("tcp", 22)
    assert {o.name: o.used for o in fw.objects} == {"portal-servers": True, "portal-web": True}


def test_secpath_object_policy_not_applied_is_unused() -> None:
    config = parse_device_config((EXAMPLES / "h3c-secpath-insecure.cfg").read_text(), "secpath.cfg")
    assert config.firewall is not None
    used = {(o.kind, o.name): o.used for o in config.firewall.objects}
    assert used == {("address", "unused-hosts"): False, ("service", "smb"): True, ("policy", "legacy"): False}
    smb = next(r for r in config.firewall.rules if r.name == "files-from-outside")
    assert smb.source_zones == ("Untrust",) and smb.match.allows_port("tcp", 445)
