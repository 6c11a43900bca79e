"""Shared helpers for the host/device/SNMP audit tests: run one rule against parsed facts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from policies.devices.model import Vendor
from policies.engine import REGISTRY, Violation, load_rules
from policies.facts_device import parse_device_config
from policies.facts_host import HostFacts

FIXTURES = Path(__file__).parent / "fixtures"
DEVICES = FIXTURES / "devices"
HOSTS = FIXTURES / "hosts"


def check(rule_id: str, facts: Any) -> list[Violation]:
    """Violations of one registered rule on ``facts``."""
    load_rules()
    return list(REGISTRY[rule_id].check(facts))


def device_violations(rule_id: str, text: str, vendor: Vendor) -> list[Violation]:
    """Violations on a config snippet, closed the way the vendor closes a saved config (`return` / `end`)."""
    trailer = "!\nend\n" if vendor in ("cisco", "ruijie") else "#\nreturn\n"
    return check(rule_id, parse_device_config(text + trailer, f"{vendor}.cfg", vendor))


def host_facts(name: str = "hardened") -> dict[str, Any]:
    return copy.deepcopy(json.loads((HOSTS / f"{name}.json").read_text(encoding="utf-8")))


def host_violations(rule_id: str, data: dict[str, Any]) -> list[Violation]:
    return check(rule_id, HostFacts(data=data, file="facts.json"))
