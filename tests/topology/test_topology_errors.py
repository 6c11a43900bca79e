"""Every kind of bad topology input gets a located, actionable error — and exit status 2 from the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from yunwang.errors import InputError
from yunwang.topology import load_topology

DEV = Path(__file__).resolve().parents[2] / "infra/topology/dev.yaml"


def mutated(tmp_path: Path, old: str, new: str) -> Path:
    text = DEV.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    out = tmp_path / "topo.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


CASES = [
    # (id, old text, new text, expected key path, expected words in message, value shown, line needle)
    ("unknown-key", "    kind: district\n", "    kind: district\n    colour: red\n",
     "regions[1].colour", "unknown key", "colour", "colour: red"),
    ("duplicate-device", "{name: jinan-acc-2,", "{name: jinan-acc-1,",
     "devices[10].name", "duplicate device name", "jinan-acc-1", "mgmt: 10.34.32.102"),
    ("tenant-unknown-zone", "domain: social-governance, zone: extranet-service",
     "domain: social-governance, zone: dmz", "tenants[3].zone", "unknown zone", "dmz", "zone: dmz"),
    ("device-unknown-region", "model: USG6525E, region: jinan", "model: USG6525E, region: yuan",
     "devices[8].region", "unknown region", "yuan", "region: yuan"),
    ("overlapping-cidr", "      iot-sensing: 10.34.49.0/24", "      iot-sensing: 10.34.48.128/25",
     "regions[1].zones.iot-sensing", "overlaps 10.34.48.0/24", "10.34.48.128/25", "10.34.48.128/25"),
    ("out-of-plan-cidr", "      iot-sensing: 10.34.49.0/24", "      iot-sensing: 192.168.49.0/24",
     "regions[1].zones.iot-sensing", "outside the address plan", "192.168.49.0/24", "192.168.49.0/24"),
    ("mgmt-outside-range", "mgmt: 10.34.32.102", "mgmt: 10.34.33.102",
     "devices[10].mgmt", "outside region jinan's management range", "10.34.33.102", "10.34.33.102"),
    ("link-missing-device", "b: {device: jinan-acc-2, port: 24}", "b: {device: jinan-acc-9, port: 24}",
     "links[9].b.device", "does not exist", "jinan-acc-9", "jinan-acc-9"),
    ("link-missing-port", "b: {device: jinan-acc-2, port: 24}", "b: {device: jinan-acc-2, port: 99}",
     "links[9].b.port", "only 24 interfaces", "99", "port: 99"),
    ("undefined-profile", "snmp: v3-edge, site: 东桥镇", "snmp: v2-public, site: 东桥镇",
     "devices[10].snmp", "undefined SNMP credential profile", "v2-public", "v2-public"),
    ("bad-address", "mgmt: 10.34.32.102", "mgmt: 10.34.32.300",
     "devices[10].mgmt", "IPv4", "10.34.32.300", "10.34.32.300"),
    ("bad-name", "{name: jinan-acc-2,", "{name: Jinan_Acc_2,",
     "devices[10].name", "not a valid name", "Jinan_Acc_2", "Jinan_Acc_2"),
    ("contact-unknown-region", "- {region: jinan, team: 金安区运维值班", "- {region: jinzhai, team: 金安区运维值班",
     "alerting.contacts[1].region", "unknown region", "jinzhai", "region: jinzhai, team"),
    ("contact-twice", "- {region: jinan, team: 金安区运维值班", "- {region: luan, team: 金安区运维值班",
     "alerting.contacts[1].region", "already has a contact (alerting.contacts[0])", "luan", "team: 金安区运维值班"),
    ("contact-without-channel", "email: [noc@dev.luan.gov.example], dingtalk_robot: true}", "dingtalk_robot: false}",
     "alerting.contacts[0].team", "the team has no channel", "六安市数据资源局运维值班", "dingtalk_robot: false"),
    ("email-without-relay", "  smtp: {smarthost: \"10.34.19.25:25\", sender: yunwang-alerts@dev.luan.gov.example}\n",
     "", "alerting.contacts[0].email", "e-mail needs a mail relay", "noc@dev.luan.gov.example",
     "email: [noc@dev.luan.gov.example]"),
    ("bad-email", "email: [noc@dev.luan.gov.example]", "email: [noc-at-luan]",
     "alerting.contacts[0].email[0]", "not an e-mail address", "noc-at-luan", "noc-at-luan"),
]


@pytest.mark.parametrize(("old", "new", "path", "words", "value", "needle"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_topology_is_located(tmp_path: Path, old: str, new: str, path: str, words: str, value: str,
                                 needle: str) -> None:
    bad = mutated(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        load_topology(bad)
    matches = [p for p in info.value.problems if p.path == path]
    assert matches, [p.render() for p in info.value.problems]
    problem = matches[0]
    assert words in problem.message
    assert problem.value == value
    assert problem.file == str(bad)
    assert problem.line == line_of(bad, needle)
    assert problem.hint, "every problem says what to do"


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bad = mutated(tmp_path, "  - {name: core-data, name_zh: 核心数据区, kind: core-data, vlan: 130}",
                  "  - {name: core-data, name_zh: 核心数据区, kind: core-data, vlan: 130")
    with pytest.raises(InputError) as info:
        load_topology(bad)
    (problem,) = info.value.problems
    assert "YAML syntax error" in problem.message
    assert problem.line is not None and abs(problem.line - line_of(bad, "kind: core-data")) <= 2


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    bad = mutated(tmp_path, "name: dev\n", "name: dev\nname: dev2\n")
    with pytest.raises(InputError) as info:
        load_topology(bad)
    assert info.value.problems[0].message == "duplicate key in the same mapping"
    assert info.value.problems[0].line == line_of(bad, "name: dev2")


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = DEV.read_text(encoding="utf-8")
    text = text.replace("region: jinan, admin_group", "region: nowhere, admin_group")
    text = text.replace("snmp: v3-edge, site: 三十铺镇", "snmp: v9, site: 三十铺镇")
    bad = tmp_path / "topo.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_topology(bad)
    messages = {p.message for p in info.value.problems}
    assert {"unknown region", "undefined SNMP credential profile"} <= messages


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_topology(tmp_path / "absent.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_topology(empty)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="cannot read"):
        load_topology(binary)


def test_cli_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = mutated(tmp_path, "domain: social-governance, zone: extranet-service",
                  "domain: social-governance, zone: dmz")
    (tmp_path / "Pulumi.yaml").write_text("name: yunwang\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.broken.yaml").write_text("config:\n  yunwang:topology: topo.yaml\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "yunwang", "check", "--stack", "broken"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"topo.yaml:{line_of(bad, 'zone: dmz')} at tenants[3].zone: unknown zone (value: dmz)" in result.stderr


def test_cli_unknown_stack_lists_known(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "yunwang", "check", "--stack", "nope"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no such stack" in result.stderr and "dev" in result.stderr and "liuan" in result.stderr
