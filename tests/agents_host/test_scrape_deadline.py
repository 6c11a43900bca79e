"""A hung or failing collector never fails or stalls the scrape (node_scrape_collector_success 0 for it only)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from agents.host.collectors.base import Collector, CollectorError
from agents.host.collectors.filesystem import FilesystemCollector
from agents.host.exposition import Family
from agents.host.procfs import FileCache, Paths
from agents.host.scrape import Scraper


class Quick(Collector):
    name = "quick"

    def collect(self) -> list[Family]:
        return [Family("node_quick", "q").add(1)]


class Hanging(Collector):
    name = "hanging"
    timeout = 0.3

    def setup(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def collect(self) -> list[Family]:
        self.calls += 1
        self.release.wait(30)
        return [Family("node_hanging", "h").add(1)]


class Failing(Collector):
    name = "failing"

    def collect(self) -> list[Family]:
        raise CollectorError("source unreadable")


class Late(Collector):
    name = "late"

    def collect(self) -> list[Family]:
        return [Family("node_late", "runs after the hung one").add(2)]


def status(text: str) -> dict[str, str]:
    prefix = 'node_scrape_collector_success{collector="'
    return {line[len(prefix):].split('"')[0]: line.rsplit(" ", 1)[1]
            for line in text.splitlines() if line.startswith(prefix)}


def test_hung_and_failing_collectors_do_not_stall_or_fail_the_scrape() -> None:
    hanging = Hanging()
    scraper = Scraper([Quick(), hanging, Failing(), Late()])
    started = time.monotonic()
    text = scraper.scrape()
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"scrape took {elapsed:.2f}s"
    assert status(text) == {"quick": "1", "hanging": "0", "failing": "0", "late": "1"}
    assert "node_quick 1" in text and "node_late 2" in text and "node_hanging" not in text.replace(
        'collector="hanging"', "")
    duration = [line for line in text.splitlines()
                if line.startswith('node_scrape_collector_duration_seconds{collector="hanging"}')]
    assert float(duration[0].rsplit(" ", 1)[1]) >= 0.3

    # Still stuck: the next scrape does not start it again and does not wait for it.
    text = scraper.scrape()
    assert status(text)["hanging"] == "0" and status(text)["late"] == "1"
    assert 'node_scrape_collector_duration_seconds{collector="hanging"} 0\n' in text
    assert hanging.calls == 1

    # Once the hung call returns, the collector is back.
    hanging.release.set()
    deadline = time.monotonic() + 5
    while status(text)["hanging"] != "1" and time.monotonic() < deadline:
        time.sleep(0.05)
        text = scraper.scrape()
    assert status(text)["hanging"] == "1" and "node_hanging 1" in text


def test_filesystem_skips_a_hung_mount_but_reports_the_others(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    (root / "proc/1").mkdir(parents=True)
    (root / "srv/ok").mkdir(parents=True)
    (root / "srv/nfs").mkdir(parents=True)
    (root / "proc/1/mounts").write_text("/dev/vda /srv/ok ext4 rw 0 0\nserver:/x /srv/nfs nfs4 rw 0 0\n")
    unblock = threading.Event()
    real_statvfs = os.statvfs

    def statvfs(path: str) -> os.statvfs_result:
        if path.endswith("/srv/nfs"):
            unblock.wait(30)
        return real_statvfs(path)

    monkeypatch.setattr("agents.host.collectors.filesystem.os.statvfs", statvfs)
    fs = FilesystemCollector(Paths(str(root)), FileCache())
    fs.timeout = 0.3
    scraper = Scraper([fs])
    assert status(scraper.scrape()) == {"filesystem": "0"}  # this scrape hit the hung mount

    text = scraper.scrape()  # the hung mount is now skipped, the good one reported
    assert status(text) == {"filesystem": "1"}
    assert 'node_filesystem_device_error{device="server:/x",fstype="nfs4",mountpoint="/srv/nfs"} 1' in text
    assert 'node_filesystem_device_error{device="/dev/vda",fstype="ext4",mountpoint="/srv/ok"} 0' in text
    assert 'node_filesystem_size_bytes{device="/dev/vda",fstype="ext4",mountpoint="/srv/ok"}' in text

    unblock.set()
    deadline = time.monotonic() + 5
    hung = 'node_filesystem_device_error{device="server:/x",fstype="nfs4",mountpoint="/srv/nfs"} 1'
    while hung in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text = scraper.scrape()
    assert 'node_filesystem_size_bytes{device="server:/x",fstype="nfs4",mountpoint="/srv/nfs"}' in text


def test_duplicate_collector_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Scraper([Quick(), Quick()])
