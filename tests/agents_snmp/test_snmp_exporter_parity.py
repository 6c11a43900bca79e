"""Same module file, same snmpd: our /snmp answers the same series and values as snmp_exporter's."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from pathlib import Path

import httpx
import yaml
from snmp_testlib import COMMUNITY, Snmpd, free_port, need_binary

from agents.snmp.auth import AuthResolver
from agents.snmp.exporter import Agent
from agents.snmp.httpd import Request
from agents.snmp.modules import BUILTIN_DIR, builtin_modules

SAMPLE = re.compile(r'^(\w+)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
Series = tuple[str, frozenset[tuple[str, str]]]


def parse(body: str) -> dict[Series, float]:
    out: dict[Series, float] = {}
    for line in body.splitlines():
        if not line or line[0] == "#" or line.startswith("snmp_"):
            continue
        match = SAMPLE.match(line)
        assert match, line
        name, labels, value = match.groups()
        out[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return out


def scrape_names(body: str) -> set[str]:
    """Names of the snmp_* series of an answer (the scrape's own figures)."""
    return {line.split("{")[0].split(" ")[0] for line in body.splitlines() if line.startswith("snmp_")}


def test_if_mib_and_system_match_snmp_exporter(snmpd: Snmpd, tmp_path: Path) -> None:
    binary = need_binary("prometheus-snmp-exporter", "prometheus-snmp-exporter")
    config: dict[str, object] = {}
    for name in ("if_mib", "system"):
        module = yaml.safe_load((BUILTIN_DIR / f"{name}.yaml").read_text())["modules"][name]
        module.update(version=2, auth={"community": COMMUNITY})  # 0.21 layout: credentials in the module
        config[name] = module
    config_file = tmp_path / "snmp.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={config_file}", f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    agent = Agent(builtin_modules(), AuthResolver({"lab": snmpd.v2c()}))
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "snmp_exporter did not start"
                time.sleep(0.1)
        for module in ("if_mib", "system"):
            def theirs(module: str = module) -> dict[Series, float]:
                return parse(httpx.get(f"http://127.0.0.1:{port}/snmp",
                                       params={"target": snmpd.address, "module": module}, timeout=10).text)

            before = theirs()
            ours = parse(asyncio.run(agent.handle(Request(
                "GET", "/snmp", {"target": snmpd.address, "module": module, "auth": "lab"}, {}))).body)
            after = theirs()
            if module == "system":  # snmp_exporter 0.21 ignores lookups without index labels (our sysName info)
                ours = {(n, frozenset(p for p in labels if p[0] == n)) if n == "sysName" else (n, labels): v
                        for (n, labels), v in ours.items()}
            assert set(ours) == set(before), (module, set(ours) ^ set(before))
            for series, value in ours.items():
                low, high = sorted((before[series], after[series]))
                assert low <= value <= high, (series, before[series], value, after[series])
        # Every scrape series snmp_exporter writes, we write under the same name.
        their_meta = scrape_names(httpx.get(f"http://127.0.0.1:{port}/snmp",
                                            params={"target": snmpd.address, "module": "if_mib"}, timeout=10).text)
        our_meta = scrape_names(asyncio.run(agent.handle(Request(
            "GET", "/snmp", {"target": snmpd.address, "module": "if_mib", "auth": "lab"}, {}))).body)
        assert "snmp_scrape_packets_retried" in their_meta and their_meta <= our_meta, their_meta - our_meta
    finally:
        proc.terminate()
        proc.wait(10)
