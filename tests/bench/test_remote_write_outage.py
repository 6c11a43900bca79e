"""The outage bench's own reckoning: what counts as lost, which log segments a region holds, when its remote-write
reader started again. The bench itself (real Prometheus processes, minutes) runs by hand:
scripts/bench/remote_write_outage.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "bench"))

from remote_write_outage import (
    COUNTERS,
    READER_SEGMENT,
    SHARDS,
    _across,
    _errors_since,
    _restarts_at,
    _segment_size_ok,
    covered,
    gaps,
    log_bytes_since,
    wal_segments,
)


def test_a_lost_tail_is_one_gap_from_where_the_reader_stopped() -> None:
    stamps = [100.0 + i for i in range(68)] + [400.0 + i for i in range(30)]  # kept 0..67 s, back at 300 s
    assert gaps(stamps, 100.0, 430.0) == [(67.0, 233.0)]
    assert covered(stamps, 100.0, 430.0) == pytest.approx(67.0 + 29.0)


def test_samples_every_second_cover_the_whole_outage() -> None:
    stamps = [float(t) for t in range(0, 61)]
    assert gaps(stamps, 0.0, 60.0) == []
    assert covered(stamps, 0.0, 60.0) == pytest.approx(60.0)


def test_segments_and_their_bytes_are_read_from_the_log_folder(tmp_path: Path) -> None:
    wal = tmp_path / "wal"
    (wal / "checkpoint.00000011").mkdir(parents=True)
    for number, size in ((12, 300), (13, 200), (14, 50)):
        (wal / f"{number:08d}").write_bytes(b"x" * size)
    assert wal_segments(tmp_path) == [12, 13, 14]
    assert log_bytes_since(tmp_path, 13) == 250


def test_reader_restarts_are_timed_from_the_outage_start(tmp_path: Path) -> None:
    start = datetime(2026, 12, 3, 17, 50, 0, tzinfo=UTC).timestamp()
    log = tmp_path / "region.log"
    log.write_text(
        'ts=2026-12-03T17:49:00.000Z caller=x level=error msg="error tailing WAL" err="earlier"\n'
        'ts=2026-12-03T17:50:05.000Z caller=x level=warn msg="Failed to send batch, retrying"\n'
        'ts=2026-12-03T17:50:15.000Z caller=x level=error component="discovery manager scrape" msg="Unable"\n'
        'ts=2026-12-03T17:55:25.500Z caller=x level=error msg="error tailing WAL" '
        'err="open wal/00000013: no such file or directory"\n')
    assert _restarts_at(log, start) == [325.5]
    assert _errors_since(log, start) == [
        (325.5, '"error tailing WAL" err="open wal/00000013: no such file or directory"')]


@pytest.mark.parametrize(("size", "ok"), [("10MB", True), ("256MB", True), ("128MB", True), ("9MB", False),
                                          ("1GB", False), ("ten", False)])
def test_segment_sizes_prometheus_takes(size: str, ok: bool) -> None:
    assert _segment_size_ok(size) is ok


def test_an_outage_reports_counter_increases_and_the_shards_it_began_and_ended_with() -> None:
    """A queue resharded by a catch-up holds more of the next outage in memory: the shards belong in the record."""
    before = {**dict.fromkeys(COUNTERS, 5.0), READER_SEGMENT: 11.0, SHARDS: 2.0, "segments": [8, 9, 10, 11],
              "reader_restarts": 1}
    after = {**dict.fromkeys(COUNTERS, 5.0), READER_SEGMENT: 18.0, SHARDS: 16.0, "segments": [16, 17, 18],
             "reader_restarts": 2, "prometheus_remote_storage_samples_retried_total": 12085.0}
    out = _across(before, after)
    assert out["remote_storage_samples_retried_total"] == 12080.0
    assert out["remote_storage_samples_failed_total"] == 0.0
    assert (out["shards_before"], out["shards_after"]) == (2.0, 16.0)
    assert (out["segments_before"], out["segments_after"], out["segments_deleted"]) == ([8, 11], [16, 18], 8)
    assert out["reader_restarts"] == 1
