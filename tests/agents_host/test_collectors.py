"""Each collector against a fixture /proc tree: names, labels, units as node_exporter 1.5 writes them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.host.collectors import build_collectors
from agents.host.collectors.base import Collector, CollectorError
from agents.host.exposition import Family
from agents.host.procfs import FileCache, Paths


def collect(root: Path, name: str, **kwargs: object) -> dict[str, Family]:
    (collector,) = [c for c in build_collectors(enable=["processes"], root=str(root), **kwargs)  # type: ignore[arg-type]
                    if c.name == name]
    collector.files = FileCache()  # not the process-wide one: fixture files come and go
    return {f.name: f for f in collector.collect()}


def samples(family: Family) -> dict[tuple[str, ...], float]:
    return {labels: value for labels, value in family.samples}


def test_cpu_seconds_per_cpu_and_mode(proc_root: Path) -> None:
    got = collect(proc_root, "cpu")
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = samples(got["node_cpu_seconds_total"])
    assert cpu[("0", "idle")] == 143794 / ticks
    assert cpu[("1", "nice")] == 5 / ticks
    assert {mode for _, mode in cpu} == {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"}
    assert samples(got["node_cpu_guest_seconds_total"]) [("1", "user")] == 7 / ticks
    assert got["node_cpu_seconds_total"].type == "counter"


def test_stat_and_loadavg(proc_root: Path) -> None:
    stat = collect(proc_root, "stat")
    assert samples(stat["node_boot_time_seconds"]) == {(): 1795733417}
    assert samples(stat["node_context_switches_total"]) == {(): 333099}
    assert samples(stat["node_intr_total"]) == {(): 198928}
    assert samples(stat["node_forks_total"]) == {(): 4762}
    assert samples(stat["node_procs_running"]) == {(): 2}
    assert samples(stat["node_procs_blocked"]) == {(): 1}
    load = collect(proc_root, "loadavg")
    assert [samples(load[n])[()] for n in ("node_load1", "node_load5", "node_load15")] == [0.05, 0.18, 0.10]


def test_meminfo_names_and_units(proc_root: Path) -> None:
    got = collect(proc_root, "meminfo")
    assert samples(got["node_memory_MemTotal_bytes"])[()] == 24683656 * 1024
    assert samples(got["node_memory_Active_anon_bytes"])[()] == 12345 * 1024
    assert samples(got["node_memory_HugePages_Total"])[()] == 0  # a count, not kB: no _bytes suffix
    assert "node_memory_Hugepagesize_bytes" in got


def test_diskstats_scaled_and_loop_devices_ignored(proc_root: Path) -> None:
    got = collect(proc_root, "diskstats")
    read_bytes = samples(got["node_disk_read_bytes_total"])
    assert set(read_bytes) == {("vda",), ("zram0",)}
    assert read_bytes[("vda",)] == 2652226 * 512
    assert samples(got["node_disk_read_time_seconds_total"])[("vda",)] == pytest.approx(11.793)
    assert samples(got["node_disk_io_time_seconds_total"])[("vda",)] == pytest.approx(9.164)
    assert samples(got["node_disk_flush_requests_total"])[("vda",)] == 1316
    assert got["node_disk_info"].labelnames == ("device", "major", "minor", "model", "path", "revision", "serial",
                                                 "wwn")


def test_netdev_columns(proc_root: Path) -> None:
    got = collect(proc_root, "netdev")
    assert samples(got["node_network_receive_bytes_total"]) == {("eth0",): 270230402}  # lo excluded, as Debian's
    assert samples(got["node_network_receive_multicast_total"])[("eth0",)] == 6
    assert samples(got["node_network_transmit_colls_total"])[("eth0",)] == 10
    assert samples(got["node_network_transmit_compressed_total"])[("eth0",)] == 12


def test_filesystem_excludes_pseudo_mounts_and_unescapes(proc_root: Path) -> None:
    got = collect(proc_root, "filesystem")
    size = samples(got["node_filesystem_size_bytes"])
    assert set(size) == {("/dev/vda", "ext4", "/"), ("/dev/vdb", "xfs", "/srv/data files")}
    assert samples(got["node_filesystem_readonly"]) == {("/dev/vda", "ext4", "/"): 0,
                                                        ("/dev/vdb", "xfs", "/srv/data files"): 1}
    st = os.statvfs(proc_root)
    assert size[("/dev/vda", "ext4", "/")] == st.f_blocks * st.f_bsize


def test_small_collectors(proc_root: Path) -> None:
    assert samples(collect(proc_root, "vmstat")["node_vmstat_pgfault"]) == {(): 5000}
    assert "node_vmstat_nr_free_pages" not in collect(proc_root, "vmstat")
    sock = collect(proc_root, "sockstat")
    assert samples(sock["node_sockstat_TCP_mem_bytes"])[()] == 3 * os.sysconf("SC_PAGESIZE")
    assert samples(sock["node_sockstat_sockets_used"])[()] == 17
    assert samples(sock["node_sockstat_TCP6_inuse"])[()] == 1
    soft = collect(proc_root, "softnet")
    assert samples(soft["node_softnet_processed_total"]) == {("0",): 16, ("1",): 8012}
    assert samples(collect(proc_root, "arp")["node_arp_entries"]) == {("eth0",): 2}
    fd = collect(proc_root, "filefd")
    assert samples(fd["node_filefd_maximum"])[()] == 2466174
    psi = collect(proc_root, "pressure")
    assert samples(psi["node_pressure_cpu_waiting_seconds_total"])[()] == pytest.approx(10.363125)
    assert samples(psi["node_pressure_io_stalled_seconds_total"])[()] == pytest.approx(4.654029)
    udp = collect(proc_root, "udp_queues")
    assert samples(udp["node_udp_queues"]) == {("v4", "tx"): 16, ("v4", "rx"): 32}
    os_info = collect(proc_root, "os")
    assert samples(os_info["node_os_version"]) == {("debian", "", "Debian GNU/Linux"): 12.0}


def test_netstat_keeps_node_exporter_default_fields(proc_root: Path) -> None:
    got = collect(proc_root, "netstat")
    assert set(got) == {"node_netstat_TcpExt_SyncookiesSent", "node_netstat_TcpExt_ListenDrops",
                        "node_netstat_IpExt_InOctets", "node_netstat_IpExt_OutOctets", "node_netstat_Ip_Forwarding",
                        "node_netstat_Tcp_ActiveOpens", "node_netstat_Tcp_CurrEstab", "node_netstat_Tcp_InErrs",
                        "node_netstat_Ip6_InOctets", "node_netstat_Udp6_InDatagrams"}
    assert samples(got["node_netstat_Ip6_InOctets"])[()] == 128
    assert got["node_netstat_Tcp_InErrs"].help == "Statistic TcpInErrs."


def test_textfile_good_and_bad_files(tmp_path: Path, proc_root: Path) -> None:
    directory = tmp_path / "textfiles"
    directory.mkdir()
    (directory / "backup.prom").write_text(
        '# HELP backup_last_success_seconds Last good backup.\n# TYPE backup_last_success_seconds gauge\n'
        'backup_last_success_seconds{job="db"} 1.7e9\nbackup_last_success_seconds 5\nno_help_metric 2\n')
    (directory / "broken.prom").write_text("this is { not a metric\n")
    (directory / "ignored.txt").write_text("x 1\n")
    got = collect(proc_root, "textfile", textfile_dir=str(directory))
    assert samples(got["node_textfile_scrape_error"]) == {(): 1}
    assert samples(got["node_textfile_mtime_seconds"]) == {
        (str(directory / "backup.prom"),): (directory / "backup.prom").stat().st_mtime}
    backup = got["backup_last_success_seconds"]
    assert backup.labelnames == ("job",) and samples(backup) == {("db",): 1.7e9, ("",): 5}
    assert got["no_help_metric"].help == f"Metric read from {directory / 'backup.prom'}"
    (directory / "broken.prom").unlink()
    assert samples(collect(proc_root, "textfile", textfile_dir=str(directory))["node_textfile_scrape_error"]) == {
        (): 0}


def test_processes_counts_this_machine() -> None:
    (collector,) = [c for c in build_collectors(enable=["processes"]) if c.name == "processes"]
    got = {f.name: f for f in collector.collect()}
    assert samples(got["node_processes_pids"])[()] >= 1
    assert samples(got["node_processes_threads"])[()] >= samples(got["node_processes_pids"])[()]
    assert sum(samples(got["node_processes_state"]).values()) == samples(got["node_processes_pids"])[()]


def test_unknown_collector_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown collector"):
        build_collectors(enable=["nope"])


def test_every_collector_runs_on_this_host() -> None:
    optional = {"conntrack"}  # nf_conntrack may not be loaded
    for collector in build_collectors():
        assert isinstance(collector, Collector)
        try:
            families = collector.collect()
        except CollectorError:
            assert collector.name in optional
            continue
        assert families and all(f.name.startswith("node_") for f in families), collector.name


def test_file_cache_rereads_fresh_content(tmp_path: Path) -> None:
    path = tmp_path / "value"
    path.write_text("1\n")
    cache = FileCache()
    assert cache.int(str(path)) == 1
    path.write_text("22\n")  # same inode, new content: pread(0) sees it
    assert cache.int(str(path)) == 22
    path.unlink()
    assert str(path) in cache.paths()
    cache.forget_prefix(str(tmp_path))
    assert cache.paths() == []
    assert cache.attr(str(path)) is None
    assert Paths(str(tmp_path)).proc == f"{tmp_path}/proc"


def test_file_cache_forgets_a_directory_replaced_under_the_same_name(tmp_path: Path) -> None:
    device = tmp_path / "eth0"
    device.mkdir()
    (device / "mtu").write_text("1500\n")
    cache = FileCache()
    assert cache.revalidate(str(device)) and cache.int(str(device / "mtu")) == 1500
    old = tmp_path / "eth0-old"
    device.rename(old)  # the kept descriptor still points at the old interface's file
    device.mkdir()
    (device / "mtu").write_text("9000\n")
    assert cache.revalidate(str(device))
    assert cache.int(str(device / "mtu")) == 9000
    assert not cache.revalidate(str(tmp_path / "gone"))
