"""Coverage of the standard by host/device/SNMP rules, rule metadata, and the audit host/device commands."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from live_helpers import DEVICES, HOSTS
from test_live_device_rules import CASES as DEVICE_CASES
from test_live_host_rules import CASES as HOST_CASES
from typer.testing import CliRunner, Result

from policies.engine import REGISTRY, load_rules

STANDARD = Path("/work/shared/standards/mlps2-level3-technical.yaml")
PACKAGED = Path(__file__).resolve().parents[2] / "policies" / "data" / "mlps2-level3-technical.yaml"
OWN = re.compile(r"^YW-(HOST|DEV|SNMP)-\d{3}$")


@functools.cache
def _controls() -> list[dict[str, object]]:
    source = STANDARD if STANDARD.exists() else PACKAGED
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return list(yaml.load(source.read_text(encoding="utf-8"), Loader=loader)["controls"])


def _own_rules() -> dict[str, object]:
    load_rules()
    return {rid: r for rid, r in REGISTRY.items() if OWN.match(rid)}


def test_every_host_and_network_device_control_has_a_rule() -> None:
    covered = {c for r in _own_rules().values() for c in r.clauses}  # type: ignore[attr-defined]
    wanted = {str(c["id"]) for c in _controls() if c["automatable"] in ("host", "network-device")}
    assert wanted - covered == set()


def test_rule_metadata_is_complete_and_clauses_exist() -> None:
    ids = {str(c["id"]) for c in _controls()}
    for rid, r in _own_rules().items():
        assert set(r.clauses) <= ids, rid  # type: ignore[attr-defined]
        assert r.source == {"HOST": "host", "DEV": "device", "SNMP": "snmp"}[rid.split("-")[1]]  # type: ignore[attr-defined]
        assert r.title and r.title_zh and r.remediation and r.remediation_zh, rid  # type: ignore[attr-defined]


def test_every_rule_has_a_failing_and_passing_case() -> None:
    own = _own_rules()
    device = {rid for rid in own if rid.startswith("YW-DEV-")}
    host = {rid for rid in own if rid.startswith("YW-HOST-")}
    assert device == {c[0] for c in DEVICE_CASES}
    assert host == {c[0] for c in HOST_CASES}
    assert {rid for rid in own if rid.startswith("YW-SNMP-")} == {"YW-SNMP-001", "YW-SNMP-002", "YW-SNMP-003"}


def _yunwang(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, for what only the entry point does (input errors → exit 2 with file:line)."""
    return subprocess.run([sys.executable, "-m", "yunwang.cli", "audit", *args], capture_output=True, text=True,
                          timeout=120)


def _audit(*args: str) -> Result:
    """The `audit` group in-process: the same code without the interpreter start-up per call."""
    from policies.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_device_json_with_error_entry(tmp_path: Path) -> None:
    junk = tmp_path / "notes.cfg"
    junk.write_text("this is not a configuration\n")
    out = tmp_path / "device.json"
    result = _audit("device", str(DEVICES / "h3c-insecure.cfg"), str(DEVICES / "cisco-hardened.cfg"), str(junk),
                    "--format", "json", "--out", str(out))
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text())
    assert {f["target"]["id"] for f in report["findings"]} == {"LA-YA-AGG-02"}
    assert [e["file"] for e in report["errors"]] == [str(junk)]
    assert "notes.cfg" in result.stderr and result.stdout == ""


def test_cli_device_hardened_passes_and_bad_vendor_is_usage_error() -> None:
    assert _audit("device", str(DEVICES / "huawei-hardened.cfg"), "--fail-on", "low").exit_code == 0
    assert _audit("device", str(DEVICES / "huawei-hardened.cfg"), "--vendor", "juniper").exit_code == 2


def test_cli_device_nothing_auditable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"\x00\x01")
    result = _audit("device", str(tmp_path / "a.bin"))
    assert result.exit_code == 2 and "binary" in result.output


@pytest.mark.parametrize(("name", "status"), [("hardened", 0), ("insecure", 1)])
def test_cli_host_facts_file(name: str, status: int, tmp_path: Path) -> None:
    out = tmp_path / "host.json"
    result = _audit("host", "--facts", str(HOSTS / f"{name}.json"), "--fail-on", "low", "--format", "json",
                    "--out", str(out))
    assert result.exit_code == status, result.output
    report = json.loads(out.read_text())
    assert report["summary"]["controls"]["8.1.4.3-a"] == ("compliant" if status == 0 else "non-compliant")


def test_cli_host_bad_facts_file(tmp_path: Path) -> None:
    bad = tmp_path / "facts.json"
    bad.write_text('{"hostname": "x",\n  oops}')
    result = _yunwang("host", "--facts", str(bad))
    assert result.returncode == 2 and f"{bad}:2" in result.stderr


def test_cli_host_live_collects_this_host(tmp_path: Path) -> None:
    out = tmp_path / "live.json"
    result = _audit("host", "--format", "json", "--out", str(out), "--fail-on", "low")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text())
    assert report["stats"]["sources"]["host"]["audited"] == 1
    assert all(f["target"]["source"] == "host" for f in report["findings"])


def test_live_host_without_collector_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from policies.facts_host import collect_live
    from yunwang.errors import InputError

    monkeypatch.setitem(sys.modules, "agents.host.facts", None)  # import fails as if the module were absent
    with pytest.raises(InputError) as info:
        collect_live()
    assert "agents.host.facts" in str(info.value) and "--facts" in str(info.value)
