"""Rules as data: the settings table and generic check of the control-plane rules, and the host rules' ``requires``.

The tables are judged by one piece of code, so its comparisons, its reading of kubelet defaults and the way a
table entry becomes a registered rule are tested here directly; the rules' own findings are tested per rule in
test_control_plane.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policies.engine import REGISTRY, Violation, load_rules
from policies.facts_host import HostFacts, requires
from policies.k8s import K8sObject
from policies.k8s_control_plane import API_SERVER, KUBELET, Component
from policies.k8s_flag_rules import BAD, AllSet, FlagRule, FlagTest, TableError, entries, table


def _component(name: str = API_SERVER, flags: dict[str, str] | None = None,
               config: dict | None = None) -> Component:
    obj = K8sObject({"kind": "Pod", "metadata": {"name": "p", "namespace": "kube-system"}}, "f.yaml", 1)
    return Component(name=name, obj=obj, flags=flags or {}, config=config, container=name)


@pytest.mark.parametrize(("op", "value", "want", "bad"), [
    ("unset", None, None, True), ("unset", "", None, True), ("unset", "/x", None, False),
    ("set", "/x", None, True), ("set", None, None, False),
    ("not_false", None, None, True), ("not_false", "true", None, True), ("not_false", "false", None, False),
    ("not_true", "yes", None, True), ("not_true", "1", None, False),
    ("false", "0", None, True), ("false", None, None, False),
    ("true", "true", None, True), ("true", "x", None, False),
    ("eq", "AlwaysAllow", "AlwaysAllow", True), ("eq", "Webhook", "AlwaysAllow", False),
    ("has", "Node, AlwaysAdmit", "AlwaysAdmit", True), ("has", "AlwaysAdmitX", "AlwaysAdmit", False),
    ("nonzero", "10255", None, True), ("nonzero", "x", None, True), ("nonzero", 0, None, False),
    ("not_positive", "0", None, True), ("not_positive", None, None, True), ("not_positive", "4096", None, False),
])
def test_each_op_names_what_is_bad(op: str, value: object, want: object, bad: bool) -> None:
    assert BAD[op](value, want) is bad


def test_messages_name_the_value_and_the_flag() -> None:
    test = FlagTest("token-auth-file", "set", "--{flag}={value}: plain-text tokens")
    assert list(test.problems(_component(flags={"token-auth-file": "/t.csv"}))) == [
        "--token-auth-file=/t.csv: plain-text tokens"]
    assert list(test.problems(_component())) == []


def test_a_test_limited_to_some_components_skips_the_others() -> None:
    test = FlagTest("root-ca-file", "unset", "--{flag} not set", only=(KUBELET,))
    assert list(test.problems(_component(API_SERVER))) == []
    assert list(test.problems(_component(KUBELET, flags={"x": "1"}))) == ["--root-ca-file not set"]


def test_kubelet_settings_take_the_kubelets_defaults_and_skip_an_unseen_config_file() -> None:
    test = FlagTest("read-only-port", "nonzero", "port {value}", field="readOnlyPort", config_default=0,
                flag_default=10255)
    assert list(test.problems(_component(KUBELET, flags={"v": "2"}))) == ["port 10255"]  # flags only
    assert list(test.problems(_component(KUBELET, config={"kind": "KubeletConfiguration"}))) == []  # file default 0
    assert list(test.problems(_component(KUBELET, config={"readOnlyPort": 10250}))) == ["port 10250"]
    assert list(test.problems(_component(KUBELET, flags={"config": "/var/lib/kubelet/config.yaml"}))) == []
    assert list(test.problems(_component(KUBELET, flags={"read-only-port": "0"}, config={"readOnlyPort": 1}))) == []


def test_all_set_lists_every_missing_flag_in_order() -> None:
    test = AllSet(("cert-file", "key-file", "ca-file"), "{missing} not set", join=" and ")
    assert list(test.problems(_component(flags={"key-file": "/k"}))) == ["--cert-file and --ca-file not set"]
    assert list(test.problems(_component(flags={"cert-file": "c", "key-file": "k", "ca-file": "a"}))) == []


def test_an_entry_runs_its_tests_in_order() -> None:
    entry = FlagRule(id="YW-TEST-1", name="t", components=(API_SERVER,), clauses=("8.1.4.1-a",), severity="low",
                     title="t", title_zh="t", remediation="r", remediation_zh="r",
                     tests=(FlagTest("a", "unset", "a missing"), AllSet(("b", "c"), "{missing} missing")))
    assert list(entry.problems(_component(flags={"c": "1"}))) == ["a missing", "--b missing"]


def test_every_table_entry_is_a_registered_rule_of_the_module_its_section_names() -> None:
    load_rules(["k8s"])
    import yaml

    from policies.k8s_flag_rules import TABLE

    sections = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    assert set(sections) == {"k8s_apiserver", "k8s_controllers", "k8s_etcd", "k8s_kubelet"}
    for section in sections:
        for entry in table(section):
            check = REGISTRY[entry.id].check
            assert (check.__module__, check.__name__) == (f"policies.rules.{section}", entry.name)


_ENTRY = {"id": "YW-K8S-999", "name": "x", "components": ["kube-apiserver"], "severity": "low",
          "clauses": ["8.1.4.1-a"], "title": "t", "title_zh": "t", "remediation": "r", "remediation_zh": "r",
          "tests": [{"flag": "a", "op": "unset", "message": "a not set"}]}


@pytest.mark.parametrize(("change", "says"), [
    ({"tests": [{"flag": "a", "op": "missing", "message": "m"}]}, "tests[0]: op 'missing' is not one of unset"),
    ({"tests": [{"flag": "a", "op": "set"}]}, "tests[0]: missing message"),
    ({"tests": [{"all_set": "a", "message": "m"}]}, "tests[0] all_set: expected a list of non-empty strings"),
    ({"components": ["kube-apiserve"]}, "unknown component kube-apiserve"),
    ({"titel": "t"}, "unknown key titel"),
    ({"tests": []}, "tests must be a non-empty list"),
])
def test_a_malformed_table_entry_is_named_with_what_to_fix(change: dict, says: str) -> None:
    with pytest.raises(TableError) as caught:
        entries({"k8s_x": [{**_ENTRY, **change}]}, "k8s_x", "t.yaml")
    assert str(caught.value).startswith("t.yaml: k8s_x[0] (YW-K8S-999)")
    assert says in str(caught.value)


def test_a_module_without_a_section_is_an_error() -> None:
    with pytest.raises(TableError, match="no list of entries under 'k8s_y:'"):
        entries({"k8s_x": [_ENTRY]}, "k8s_y", "t.yaml")
    assert entries({"k8s_x": [_ENTRY]}, "k8s_x", "t.yaml")[0].tests == (FlagTest("a", "unset", "a not set"),)


def _facts(data: dict) -> HostFacts:
    return HostFacts(data={"hostname": "h", **data}, file="h.json")


@requires("login_defs")
def _judge(facts: HostFacts) -> Iterator[Violation]:
    yield Violation(facts.target(), "judged")


@requires("sshd.settings", unless=HostFacts.sshd_absent)
def _judge_sshd(facts: HostFacts) -> Iterator[Violation]:
    yield Violation(facts.target(), "judged")


def test_requires_reports_an_unknown_fact_instead_of_judging() -> None:
    assert [v.message for v in _judge(_facts({"login_defs": {"PASS_MAX_DAYS": "90"}}))] == ["judged"]
    missing = [v.message for v in _judge(_facts({}))]
    assert missing == ["could not determine: fact 'login_defs' unavailable (the facts do not contain it)"]
    failed = _facts({"login_defs": {}, "errors": [{"source": "login_defs", "message": "permission denied"}]})
    assert [v.message for v in _judge(failed)] == [
        "could not determine: fact 'login_defs' unavailable (the agent reported: permission denied)"]


def test_requires_unless_skips_hosts_the_rule_does_not_apply_to() -> None:
    assert list(_judge_sshd(_facts({"sshd": {"installed": False}}))) == []
    assert [v.message for v in _judge_sshd(_facts({"sshd": {"installed": True}}))] == [
        "could not determine: fact 'sshd.settings' unavailable (the facts do not contain it)"]
    assert [v.message for v in _judge_sshd(_facts({"sshd": {"installed": True, "settings": {}}}))] == ["judged"]
