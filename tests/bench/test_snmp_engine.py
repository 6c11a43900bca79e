"""SNMP engine cost: CPU per device and per value of an if_mib walk of a real snmpd, and side by side with
Debian's prometheus-snmp-exporter (0.21) on the same snmpd in the same run.

Run: make bench PYTEST_ARGS='-k snmp -s'   (or .venv/bin/pytest tests/bench/test_snmp_engine.py -s
--benchmark-only -p no:cacheprovider). The side-by-side test prints one line per tool and the ratio.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from pytest_benchmark.fixture import BenchmarkFixture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agents_snmp"))
from snmp_testlib import COMMUNITY, USERS, Snmpd, free_port, need_binary, start_snmpd

from agents.snmp.collect import DeviceResult, collect_device, render_families
from agents.snmp.engine import EngineState, Target
from agents.snmp.modules import BUILTIN_DIR, builtin_modules, plan_for

SCRAPES_PER_ROUND = 100
ROUNDS = 5


@pytest.fixture(scope="module")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    yield from start_snmpd(tmp_path_factory)


def process_cpu(pid: int) -> float:
    """user + system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def polled_values(result: DeviceResult) -> int:
    return sum(len(lines) for lines in result.families.values())


@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_snmp_if_mib_walk_in_process(benchmark: BenchmarkFixture, snmpd: Snmpd, version: str) -> None:
    """One device, if_mib (ifTable + ifXTable + sysUpTime) walked and rendered: wall time per poll."""
    creds = snmpd.v2c() if version == "v2c" else snmpd.v3("ywsha256")
    target = Target("127.0.0.1", snmpd.port, creds, timeout=2, retries=1, max_repetitions=25)
    plan = plan_for(["if_mib"], builtin_modules())
    cache: dict[tuple[str, int, bytes], EngineState] = {}

    async def poll() -> DeviceResult:
        result = await collect_device("snmpd", target, plan, 'device="snmpd",', None, cache)
        "".join(render_families([result]))
        return result

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(poll())  # v3 discovery and key localization happen once, not per poll
        cpu0 = time.process_time()
        result = benchmark.pedantic(lambda: loop.run_until_complete(poll()), rounds=200, iterations=1)
        cpu = (time.process_time() - cpu0) / 200
    finally:
        loop.close()
    assert result.ok
    benchmark.extra_info.update(values=polled_values(result), cpu_ms_per_poll=round(cpu * 1e3, 3),
                                cpu_us_per_value=round(cpu * 1e6 / polled_values(result), 2))
    print(f"\n{version}: {polled_values(result)} values, CPU {cpu * 1e3:.2f} ms/poll, "
          f"{cpu * 1e6 / polled_values(result):.1f} µs/value (client side, kernel included)")


def _auth(version: str) -> dict[str, object]:
    """One credential in snmp_exporter's keys (0.21 puts it in the module, ≥0.23 under auths:)."""
    if version == "v2c":
        return {"community": COMMUNITY}
    _, apw, _, ppw = USERS["ywsha256"]
    return {"username": "ywsha256", "security_level": "authPriv", "password": apw, "auth_protocol": "SHA256",
            "priv_protocol": "AES256", "priv_password": ppw}


def _snmp_exporter_config(folder: Path, version: str) -> Path:
    """Our if_mib module in snmp_exporter 0.21's layout (credentials inside the module)."""
    module = yaml.safe_load((BUILTIN_DIR / "if_mib.yaml").read_text())["modules"]["if_mib"]
    module.update(version=2 if version == "v2c" else 3, auth=_auth(version))
    path = folder / "snmp.yml"
    path.write_text(yaml.safe_dump({"if_mib": module}, sort_keys=False))
    return path


def _wait_http(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_snmp_side_by_side_vs_snmp_exporter(benchmark: BenchmarkFixture, snmpd: Snmpd, tmp_path: Path,
                                            version: str) -> None:
    """Same snmpd, same if_mib module, same scrape loop: server CPU per scrape and per sample, alternating."""
    exporter_bin = need_binary("prometheus-snmp-exporter", "prometheus-snmp-exporter")
    ours_port, theirs_port = free_port(), free_port()
    auths = tmp_path / "auths.yml"
    entry = {**_auth(version), "version": 2 if version == "v2c" else 3}
    auths.write_text(yaml.safe_dump({"auths": {"bench": entry}}))
    ours = subprocess.Popen([sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen",
                             f"127.0.0.1:{ours_port}", "--auths", str(auths)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    theirs = subprocess.Popen([exporter_bin, f"--config.file={_snmp_exporter_config(tmp_path, version)}",
                               f"--web.listen-address=127.0.0.1:{theirs_port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tools = {
        "yunwang": (ours.pid, f"http://127.0.0.1:{ours_port}/snmp?target={snmpd.address}&auth=bench&module=if_mib"),
        "snmp_exporter": (theirs.pid, f"http://127.0.0.1:{theirs_port}/snmp?target={snmpd.address}&module=if_mib"),
    }
    try:
        for _, url in tools.values():
            _wait_http(url.split("/snmp")[0] + "/metrics", time.monotonic() + 15)
        figures = benchmark.pedantic(_alternate, args=(tools,), rounds=1, iterations=1)
    finally:
        ours.terminate()
        theirs.terminate()
        ours.wait(10)
        theirs.wait(10)
    mine, go = figures["yunwang"], figures["snmp_exporter"]
    ratio = mine["cpu_ms"] / go["cpu_ms"]
    benchmark.extra_info.update(figures=figures, cpu_ratio_yunwang_over_snmp_exporter=round(ratio, 2))
    for name, fig in figures.items():
        print(f"\n{name:14s} median CPU {fig['cpu_ms']:.2f} ms/scrape, {fig['cpu_us_per_sample']:.1f} µs/sample, "
              f"wall {fig['wall_ms']:.2f} ms/scrape, {fig['samples']} samples")
    print(f"{version} CPU ratio yunwang / snmp_exporter: {ratio:.2f}")
    assert mine["samples"] >= go["samples"] - 5  # the same work: same metrics from the same module
    assert ratio < 3.0


def _alternate(tools: dict[str, tuple[int, str]]) -> dict[str, dict[str, float]]:
    cpu: dict[str, list[float]] = {name: [] for name in tools}
    wall: dict[str, list[float]] = {name: [] for name in tools}
    samples: dict[str, int] = {}
    with httpx.Client() as client:
        for name, (_, url) in tools.items():  # warm-up
            body = client.get(url).text
            samples[name] = sum(1 for line in body.splitlines() if line and line[0] != "#"
                                and not line.startswith("snmp_"))
        for _ in range(ROUNDS):
            for name, (pid, url) in tools.items():
                c0, w0 = process_cpu(pid), time.perf_counter()
                for _ in range(SCRAPES_PER_ROUND):
                    client.get(url).raise_for_status()
                cpu[name].append((process_cpu(pid) - c0) / SCRAPES_PER_ROUND)
                wall[name].append((time.perf_counter() - w0) / SCRAPES_PER_ROUND)
    out = {}
    for name in tools:
        c = statistics.median(cpu[name])
        out[name] = {"cpu_ms": c * 1e3, "wall_ms": statistics.median(wall[name]) * 1e3, "samples": samples[name],
                     "cpu_us_per_sample": c * 1e6 / max(samples[name], 1)}
    return out



def test_snmp_in_flight_per_device_against_snmpd(benchmark: BenchmarkFixture, snmpd: Snmpd) -> None:
    """Wall time of one poll cycle of 64 devices (sessions) of one snmpd, 1 vs 2 requests in flight per device.

    Alternating rounds, medians. snmpd answers in microseconds, so this shows the poller side of the trade-off;
    scripts/bench/snmp_vs_snmp_exporter.py --in-flight 1,2 shows it against the slower snmpsim.
    """
    from agents.snmp.auth import AuthResolver
    from agents.snmp.poller import poll_once
    from yunwang.inventory import InventoryDevice

    auths = {"bench": snmpd.v3("ywsha256")}
    devices = [InventoryDevice(name=f"d{i}", address=snmpd.address, auth="bench", modules=["system", "if_mib"],
                               labels={"device": f"d{i}"}) for i in range(64)]
    walls: dict[int, list[float]] = {1: [], 2: []}
    retransmits: dict[int, int] = {1: 0, 2: 0}

    def rounds() -> None:
        for r in range(ROUNDS):
            for n in ((1, 2) if r % 2 == 0 else (2, 1)):
                t0 = time.perf_counter()
                results = poll_once(devices, AuthResolver(auths), concurrency=64, timeout=2, retries=1, in_flight=n)
                walls[n].append(time.perf_counter() - t0)
                retransmits[n] += sum(res.retransmits for res in results)
                assert all(res.ok for res in results)

    benchmark.pedantic(rounds, rounds=1, iterations=1)
    medians = {n: statistics.median(w) for n, w in walls.items()}
    benchmark.extra_info.update(wall_s=medians, retransmits=retransmits)
    print(f"\nsnmpd, 64 devices: cycle wall median in-flight 1 {medians[1] * 1e3:.0f} ms, in-flight 2 "
          f"{medians[2] * 1e3:.0f} ms (ratio 2/1 {medians[2] / medians[1]:.2f}); retransmits {retransmits}")
