"""The host rules read only facts the contract defines, and audit what the agent writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from live_helpers import host_facts

from agents.host.facts import collect_facts
from policies.engine import load_rules, rules_for
from policies.facts_host import HostFacts
from yunwang.contracts.host_facts import declares


@pytest.mark.parametrize(("path", "declared"), [
    ("sshd.settings.ciphers", True),  # any key below a mapping
    ("login_defs.PASS_MAX_DAYS", True),
    ("pam.faillock.deny", True),
    ("listening", True),
    ("updates.security_pending", True),
    ("sshd.setings.ciphers", False),
    ("pam.faillock.deny.x", False),
    ("listening.0.port", False),  # the rules read whole lists
    ("apparmor", False),  # not a section (it is mac.apparmor)
])
def test_declared_paths(path: str, declared: bool) -> None:
    assert declares(path) is declared


def test_a_rule_cannot_read_a_fact_the_agent_never_writes() -> None:
    facts = HostFacts(data=host_facts("hardened"), file="facts.json")
    assert facts.get("sshd.settings.permitrootlogin") == "no"
    undeclared = re.escape("'sshd.setings.permitrootlogin' is not a fact of yunwang.host-facts/v1")
    with pytest.raises(KeyError, match=undeclared):
        facts.get("sshd.setings.permitrootlogin")
    with pytest.raises(KeyError, match="not a fact"):
        facts.unknown("firewall.enabled")


def test_every_host_rule_audits_the_agents_own_document(tmp_path: Path) -> None:
    """Agent → policies with nothing in between: every rule runs on a collected document and decides something."""
    (tmp_path / "etc/ssh").mkdir(parents=True)
    (tmp_path / "etc/ssh/sshd_config").write_text("PermitRootLogin yes\n")
    (tmp_path / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    facts = HostFacts(data=collect_facts(tmp_path).to_dict(), file=None)
    load_rules()
    rules = rules_for("host")
    assert rules
    found = {rule.id: list(rule.check(facts)) for rule in rules}
    root_login = found["YW-HOST-001"]
    assert root_login and "could not determine" not in root_login[0].message  # read from the document
