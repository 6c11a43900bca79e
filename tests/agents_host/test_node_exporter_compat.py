"""Against the real node_exporter 1.5 on this machine: same names, label sets and types; promtool-clean."""

from __future__ import annotations

import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest

from agents.host.collectors import build_collectors
from agents.host.scrape import Scraper
from yunwang.testkit import free_port, need_binary

# The series the "Node Exporter Full" dashboard's main panels and variables use.
DASHBOARD_NAMES = {
    "node_cpu_seconds_total", "node_load1", "node_load5", "node_load15", "node_memory_MemTotal_bytes",
    "node_memory_MemAvailable_bytes", "node_memory_MemFree_bytes", "node_memory_Buffers_bytes",
    "node_memory_Cached_bytes", "node_memory_SwapTotal_bytes", "node_memory_SwapFree_bytes",
    "node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_free_bytes",
    "node_network_receive_bytes_total", "node_network_transmit_bytes_total", "node_disk_read_bytes_total",
    "node_disk_written_bytes_total", "node_disk_io_time_seconds_total", "node_boot_time_seconds",
    "node_time_seconds", "node_uname_info", "node_procs_running", "node_procs_blocked",
    "node_context_switches_total", "node_intr_total", "node_network_receive_errs_total",
    "node_network_transmit_errs_total", "node_disk_reads_completed_total", "node_disk_writes_completed_total",
    "node_filefd_allocated", "node_netstat_Tcp_CurrEstab", "node_sockstat_TCP_inuse", "node_vmstat_pgmajfault",
}


def parse(text: str) -> tuple[dict[str, set[tuple[str, ...]]], dict[str, str]]:
    """sample name → set of label-name tuples; family name → type."""
    labels: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            name, brace, rest = line.partition("{")
            if not brace:
                labels[name.split(" ", 1)[0]].add(())
                continue
            names = tuple(sorted(pair.split("=", 1)[0] for pair in _label_pairs(rest.rsplit("}", 1)[0])))
            labels[name].add(names)
    return labels, types


def _label_pairs(inner: str) -> list[str]:
    pairs, current, quoted, escaped = [], "", False, False
    for char in inner:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            pairs.append(current)
            current = ""
            continue
        current += char
    if current:
        pairs.append(current)
    return pairs


@pytest.fixture(scope="module")
def node_exporter_text() -> Iterator[str]:
    binary = need_binary("prometheus-node-exporter", "prometheus-node-exporter")
    port = free_port()
    proc = subprocess.Popen([binary, f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                yield httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "node_exporter did not start"
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def our_text() -> str:
    scraper = Scraper(build_collectors())
    scraper.scrape()
    return scraper.scrape()


def test_names_cover_node_exporter_and_the_dashboard(node_exporter_text: str, our_text: str) -> None:
    theirs = {n for n in parse(node_exporter_text)[0] if n.startswith("node_")} - {"node_exporter_build_info"}
    ours = {n for n in parse(our_text)[0] if n.startswith("node_")}
    coverage = len(ours & theirs) / len(theirs)
    missing = sorted(theirs - ours)
    print(f"coverage {coverage:.1%} of {len(theirs)} node_exporter names; missing: {missing}")
    assert coverage >= 0.80, missing
    assert not DASHBOARD_NAMES - ours


def test_same_label_names_and_types(node_exporter_text: str, our_text: str) -> None:
    their_labels, their_types = parse(node_exporter_text)
    our_labels, our_types = parse(our_text)
    common = {n for n in their_labels if n.startswith("node_")} & set(our_labels)
    assert len(common) > 150
    different = {n: (our_labels[n], their_labels[n]) for n in common if our_labels[n] != their_labels[n]}
    assert not different
    type_diff = {n: (our_types[n], their_types[n]) for n in set(our_types) & set(their_types)
                 if our_types[n] != their_types[n]}
    assert not type_diff


def test_promtool_finds_nothing_node_exporter_does_not_have(node_exporter_text: str, our_text: str) -> None:
    promtool = need_binary("promtool", "prometheus")

    def problems(text: str) -> set[str]:
        done = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode in (0, 3), done.stderr  # 1 would be a parse error
        return {line for line in (done.stdout + done.stderr).splitlines() if line.strip()}

    ours, theirs = problems(our_text), problems(node_exporter_text)
    assert ours - theirs == set()


# Series whose values do not move between two scrapes a moment apart: they must match node_exporter exactly.
STATIC = ("node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_boot_time_seconds", "node_filefd_maximum",
          "node_entropy_pool_size_bits", "node_filesystem_size_bytes", "node_filesystem_files",
          "node_filesystem_readonly", "node_network_mtu_bytes", "node_network_iface_id", "node_network_flags",
          "node_network_info", "node_network_speed_bytes", "node_network_protocol_type", "node_uname_info",
          "node_os_info", "node_os_version", "node_disk_info", "node_time_clocksource_current_info",
          "node_time_zone_offset_seconds", "node_timex_tick_seconds", "node_nf_conntrack_entries_limit")
# Series sets (not values) that must match: same devices, mounts, CPUs.
SAME_SERIES = ("node_cpu_seconds_total", "node_network_receive_bytes_total", "node_disk_read_bytes_total",
               "node_filesystem_avail_bytes", "node_softnet_processed_total", "node_udp_queues", "node_arp_entries")


def samples(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_same_values_and_series_as_node_exporter(node_exporter_text: str, our_text: str) -> None:
    ours, theirs = samples(our_text), samples(node_exporter_text)
    for name in STATIC:
        if name in theirs:
            assert ours.get(name) == theirs[name], name
    for name in SAME_SERIES:
        assert set(ours.get(name, {})) == set(theirs.get(name, {})), name
