#!/usr/bin/env python3
"""How long may the link between a region and the city view be down before the city loses samples for good?

A region's Prometheus (the project's region rules, its region label, remote write to the city view) and the city
view (``--web.enable-remote-write-receiver``) run on 127.0.0.1. For each outage length the city view is stopped,
the region keeps evaluating (1 s), the city view is started again, and once its copy is current and complete or
has stopped growing for 30 s the share of
the outage the city's copy of ``yunwang:plane:heartbeat`` covers is measured (a sample every 1 s; a gap over 2 s
counts as lost).

Remote write reads the region's write-ahead log, which head compactions truncate: the limit scales with the block
range; production's is 2 h. To measure it in minutes the region here runs with a short block range
(``--block``, default 2m; hidden flags ``--storage.tsdb.min/max-block-duration``): an outage of N block ranges
here is an outage of N × 2 h in production.

The region also scrapes a county's worth of what its poller and monitor export (``--devices``, default 90:
``snmp_up`` per device with the inventory labels, the latest audit's findings and control status, the device
counts), so the remote-write figures — samples/s and bytes on the wire per device and minute, snappy-compressed
as remote write sends them — are those of a county.

What is lost beyond the limit, and when, follows from how Prometheus keeps its log: every head compaction starts
a new segment and deletes the lower two thirds of the closed ones but the newest; the remote-write reader, blocked
while the city is away, holds the segment it was reading open. If the segment after it was deleted meanwhile, the
reader fails on it once the city is back, starts again from the newest checkpoint and skips every sample older than
that moment. So per outage the bench also reports the region's log segments before and after, the compactions and
truncations meanwhile, the reader's segment, its restarts (``error tailing WAL`` in the region's log) and the
remote-write counters of failed, dropped and retried samples, the queue's shards before and after (a queue
resharded by a catch-up holds more of the next outage in memory) and the region's error lines. ``--keep-logs DIR``
keeps both servers' logs at info level, where the reshards and compactions are. ``--wal-segment-size``
(10MB–256MB; Prometheus' hidden ``--storage.tsdb.wal-segment-size``, default 128MB) and a faster county scrape
(``--scrape``) make the log roll over by size too.

Usage: .venv/bin/python scripts/bench/remote_write_outage.py [--block 2m] [--outages 60,150,240,360]
       [--devices 90] [--scrape 30s] [--wal-segment-size 10MB] [--steady 180] [--json F]
       [--keep-logs DIR]
Needs: Debian's prometheus (2.42).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from monitor.prometheus.render import (  # noqa: E402
    RULES_DIR,
    RemoteWrite,
    duration_seconds,
    render_city_view_config,
    write_prometheus_config,
)
from yunwang.testkit import free_port  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
SITES = ("三十铺镇", "东桥镇", "木厂镇", "椿树镇", "翁墩乡")


def county_exposition(devices: int, region: str = "jinan") -> bytes:
    """What a county's poller and monitor export that the city view takes: device up, audit, inventory counts."""
    lines = ["# TYPE snmp_up gauge"]
    for i in range(devices):
        role = ("aggregation", "access", "access", "iot-gateway", "firewall")[i % 5]
        lines.append(f'snmp_up{{device="{region}-d{i:03d}",region="{region}",role="{role}",vendor="huawei",'
                     f'site="{SITES[i % len(SITES)]}"}} {0 if i % 17 == 0 else 1}')
    lines.append("# TYPE yunwang_audit_control_status gauge")
    lines += [f'yunwang_audit_control_status{{clause="8.1.{i // 10}.{i % 10}-a"}} {i % 3 / 2}' for i in range(60)]
    lines.append("# TYPE yunwang_audit_findings gauge")
    lines += [f'yunwang_audit_findings{{severity="{sev}",clause="8.1.{i}.1-a",source="{src}"}} {i % 4}'
              for i in range(25) for sev in ("high", "medium") for src in ("device", "host", "k8s")]
    lines.append("# TYPE yunwang_devices gauge")
    lines += [f'yunwang_devices{{region="{region}",role="{r}",vendor="huawei"}} {devices // 5}'
              for r in ("aggregation", "access", "iot-gateway", "firewall")]
    return ("\n".join(lines) + "\n").encode()


def serve(body: bytes) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])
SERIES = 'yunwang:plane:heartbeat{region="jinan"}'
SENT = ("prometheus_remote_storage_bytes_total", "prometheus_remote_storage_samples_total")
APPENDED = "prometheus_tsdb_head_samples_appended_total"
COUNTERS = ("prometheus_tsdb_compactions_total", "prometheus_tsdb_wal_truncations_total",
            "prometheus_tsdb_checkpoint_creations_total", "prometheus_remote_storage_samples_failed_total",
            "prometheus_remote_storage_samples_dropped_total", "prometheus_remote_storage_samples_retried_total")
READER_SEGMENT = "prometheus_wal_watcher_current_segment"
SHARDS = "prometheus_remote_storage_shards"
READER_RESTART = "error tailing WAL"
STEADY_S = 180
SETTLED_S = 30


def _start(argv: list[str], port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a Prometheus and wait until ready; its log goes to ``log`` (a pipe never read could fill and block it)."""
    stderr = log.open("ab") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log is not None else "(no log kept)"
            raise RuntimeError(f"prometheus exited: {tail}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/ready", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("prometheus did not become ready")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _samples(city: str, since: float) -> list[float]:
    window = int(time.time() - since) + 5
    answer = httpx.get(f"{city}/api/v1/query", params={"query": f"{SERIES}[{window}s]"}, timeout=30).json()
    return sorted(float(t) for s in answer["data"]["result"] for t, _ in s["values"])


def _own_metrics(base: str, names: tuple[str, ...]) -> dict[str, float]:
    """Totals of some of a Prometheus server's own metrics, from its /metrics (it does not scrape itself here)."""
    totals = dict.fromkeys(names, 0.0)
    for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in totals:
            totals[name] += float(line.rsplit(" ", 1)[1])
    return totals


def wal_segments(tsdb: Path) -> list[int]:
    """Numbers of the log segments a Prometheus holds now (``wal/00000012``…)."""
    return sorted(int(f.name) for f in (tsdb / "wal").iterdir() if f.name.isdigit())


def log_bytes_since(tsdb: Path, segment: int) -> int:
    """Bytes of the region's log in ``segment`` and the segments after it."""
    return sum(f.stat().st_size for f in (tsdb / "wal").iterdir() if f.name.isdigit() and int(f.name) >= segment)


def reader_restarts(log: Path) -> int:
    """How often the region's remote-write reader gave up on the log and started again from the newest checkpoint."""
    return log.read_text(errors="replace").count(READER_RESTART) if log.exists() else 0


def gaps(stamps: list[float], start: float, end: float, max_gap: float = 2.0) -> list[tuple[float, float]]:
    """(seconds after the outage began, length) of every gap over ``max_gap`` in [start, end]."""
    inside = [start, *(t for t in stamps if start < t < end), end]
    return [(round(a - start, 1), round(b - a, 1)) for a, b in itertools.pairwise(inside) if b - a > max_gap]


def covered(stamps: list[float], start: float, end: float, max_gap: float = 2.0) -> float:
    """Seconds of [start, end] with a sample no more than ``max_gap`` away on either side."""
    inside = [t for t in stamps if start - max_gap <= t <= end + max_gap]
    total = 0.0
    for a, b in itertools.pairwise(inside):
        if b - a <= max_gap:
            total += max(0.0, min(b, end) - max(a, start))
    return total


def _region_state(base: str, tsdb: Path, log: Path) -> dict[str, Any]:
    """The region's log and remote-write counters at one moment, to subtract across an outage."""
    state: dict[str, Any] = _own_metrics(base, (*COUNTERS, READER_SEGMENT, SHARDS))
    state["segments"] = wal_segments(tsdb)
    state["reader_restarts"] = reader_restarts(log)
    return state


def _across(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What happened in the region between two states: counter increases, segments started and deleted."""
    out: dict[str, Any] = {name.removeprefix("prometheus_"): after[name] - before[name] for name in COUNTERS}
    out["reader_restarts"] = after["reader_restarts"] - before["reader_restarts"]
    out["segments_before"] = [before["segments"][0], before["segments"][-1]]
    out["segments_after"] = [after["segments"][0], after["segments"][-1]]
    out["segments_deleted"] = after["segments"][0] - before["segments"][0]
    out["reader_segment_before"] = before[READER_SEGMENT]
    out["reader_segment_after"] = after[READER_SEGMENT]
    out["shards_before"] = before[SHARDS]
    out["shards_after"] = after[SHARDS]
    return out


class SegmentTimeline:
    """(seconds after the outage began, first, last segment) each time the region's log segments were seen to
    change: when the segment after the reader's was deleted, and so where a loss begins."""

    def __init__(self, tsdb: Path, start: float) -> None:
        self.tsdb, self.start = tsdb, start
        self.changes: list[tuple[float, int, int]] = []

    def note(self) -> None:
        segments = wal_segments(self.tsdb)
        now = (segments[0], segments[-1])
        if not self.changes or self.changes[-1][1:] != now:
            self.changes.append((round(time.time() - self.start, 1), *now))

    def watch_until(self, until: float) -> None:
        while time.time() < until:
            self.note()
            time.sleep(min(2.0, max(0.0, until - time.time())))


def _errors_since(log: Path, start: float) -> list[tuple[float, str]]:
    """(seconds after ``start``, message) of every error the region logged since then, service discovery's aside
    (the bench has no monitor): the reader's restarts, a queue that gave up flushing, a refused batch."""
    out = []
    for line in log.read_text(errors="replace").splitlines():
        if "level=error" not in line or not line.startswith("ts=") or "discovery" in line:
            continue
        stamp = datetime.fromisoformat(line[3:].split(" ", 1)[0].replace("Z", "+00:00")).timestamp()
        if stamp >= start:
            out.append((round(stamp - start, 1), line.split("msg=", 1)[-1][:300]))
    return out


def _restarts_at(log: Path, start: float) -> list[float]:
    """Seconds after ``start`` of every restart of the remote-write reader the region logged since then."""
    return [at for at, message in _errors_since(log, start) if READER_RESTART in message]


def _catch_up(city: str, start: float, end: float, outage: float, timeline: SegmentTimeline) -> list[float]:
    """Wait until the city's copy is current and either complete or no longer growing (what is missing then is lost)."""
    deadline = time.monotonic() + 300
    stamps: list[float] = []
    last_growth, last_covered = time.monotonic(), -1.0
    while time.monotonic() < deadline:
        timeline.note()
        stamps = _samples(city, start - 10)
        now_covered = covered(stamps, start, end)
        if now_covered > last_covered:
            last_growth, last_covered = time.monotonic(), now_covered
        current = bool(stamps) and stamps[-1] > time.time() - 5
        if current and (now_covered >= outage - 2 or time.monotonic() - last_growth > SETTLED_S):
            break
        time.sleep(5)
    return stamps


def run(block: str, outages: list[int], devices: int = 90, evaluation: str = "1s", say: Any = print, *,
        scrape: str = "30s", wal_segment_size: str | None = None, steady_s: int = STEADY_S,
        keep_logs: Path | None = None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="yunwang-outage-"))
    county, county_port = serve(county_exposition(devices))
    city_port, region_port = free_port(), free_port()
    city = f"http://127.0.0.1:{city_port}"
    region_url = f"http://127.0.0.1:{region_port}"
    token = work / "sd.token"
    token.write_text("unused-token-0123456789\n")
    region_config = write_prometheus_config(
        work / "region.yml", "http://127.0.0.1:9", token_file=token, jobs=("monitor",), region="jinan",
        evaluation_interval=evaluation, rules_dir=RULES_DIR, remote_write=[RemoteWrite(f"{city}/api/v1/write")])
    config = yaml.safe_load(region_config.read_text())
    config["scrape_configs"].append({"job_name": "county", "scrape_interval": scrape, "honor_labels": True,
                                     "static_configs": [{"targets": [f"127.0.0.1:{county_port}"]}]})
    region_config.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    city_config = work / "city.yml"
    city_config.write_text(render_city_view_config(stack="bench", evaluation_interval="1s"))
    # Kept logs are at info level: the region's reshards ("Remote storage resharding") and compactions are info.
    log_level = "warn" if keep_logs is None else "info"
    city_log = work / "city.log" if keep_logs is not None else None
    city_argv = [PROMETHEUS, f"--config.file={city_config}", f"--storage.tsdb.path={work / 'city'}",
                 f"--web.listen-address=127.0.0.1:{city_port}", "--web.enable-remote-write-receiver",
                 f"--log.level={log_level}"]
    region_tsdb, region_log = work / "region", work / "region.log"
    region_argv = [PROMETHEUS, f"--config.file={region_config}", f"--storage.tsdb.path={region_tsdb}",
                   f"--web.listen-address=127.0.0.1:{region_port}", f"--log.level={log_level}",
                   f"--storage.tsdb.min-block-duration={block}", f"--storage.tsdb.max-block-duration={block}"]
    if wal_segment_size is not None:
        region_argv.append(f"--storage.tsdb.wal-segment-size={wal_segment_size}")
    region = _start(region_argv, region_port, region_log)
    city_proc = _start(city_argv, city_port, city_log)
    results: list[dict[str, Any]] = []
    try:
        time.sleep(20)
        before = _own_metrics(region_url, (*SENT, APPENDED))
        segment = wal_segments(region_tsdb)[-1]
        log_before = log_bytes_since(region_tsdb, segment)
        time.sleep(steady_s)  # steady sending: the county's extranet traffic
        after = _own_metrics(region_url, (*SENT, APPENDED))
        log_bytes = log_bytes_since(region_tsdb, segment) - log_before
        sent_bytes = after[SENT[0]] - before[SENT[0]]
        sent_samples = after[SENT[1]] - before[SENT[1]]
        appended = after[APPENDED] - before[APPENDED]
        steady = {"evaluation_interval": evaluation, "samples_per_s": sent_samples / steady_s,
                  "bytes_per_sample": sent_bytes / max(sent_samples, 1),
                  "bytes_per_device_minute": sent_bytes / (steady_s / 60) / devices,
                  "region_appended_per_s": appended / steady_s,
                  "region_log_bytes_per_sample": log_bytes / max(appended, 1)}
        say(f"steady: {steady['samples_per_s']:.1f} samples/s, {steady['bytes_per_sample']:.1f} B/sample, "
            f"{steady['bytes_per_device_minute']:.0f} B per device per minute ({devices} devices); region "
            f"appends {steady['region_appended_per_s']:.0f} samples/s, "
            f"{steady['region_log_bytes_per_sample']:.1f} B of log each")
        for outage in outages:
            state = _region_state(region_url, region_tsdb, region_log)
            _stop(city_proc)
            start = time.time()
            timeline = SegmentTimeline(region_tsdb, start)
            timeline.watch_until(start + outage)
            end = time.time()
            city_proc = _start(city_argv, city_port, city_log)
            back = time.monotonic()
            stamps = _catch_up(city, start, end, outage, timeline)
            share = covered(stamps, start, end) / (end - start)
            lost = gaps(stamps, start, end)
            region_meanwhile = _across(state, _region_state(region_url, region_tsdb, region_log))
            region_meanwhile["segments_timeline"] = timeline.changes
            region_meanwhile["reader_restarts_at_s"] = _restarts_at(region_log, start)
            region_meanwhile["errors"] = _errors_since(region_log, start)
            results.append({"outage_s": outage, "started_at": round(start, 1),
                            "outage_blocks": outage / duration_seconds(block), "covered_share": share,
                            "gaps": lost, "catch_up_s": round(time.monotonic() - back, 1),
                            "region": region_meanwhile})
            say(f"outage {outage:5d} s ({outage / duration_seconds(block):.2f} block ranges): "
                f"{share * 100:5.1f} % of it in the city view afterwards (settled in "
                f"{time.monotonic() - back:.0f} s; gaps at [s after start, length]: {lost or 'none'}); "
                f"region meanwhile: {region_meanwhile}")
            time.sleep(20)
        own = _own_metrics(region_url, COUNTERS)
        return {"block": block, "devices": devices, "scrape": scrape, "wal_segment_size": wal_segment_size,
                "steady": steady, "outages": results, "region": own}
    finally:
        _stop(city_proc)
        _stop(region)
        county.shutdown()
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for kept in (region_log, city_log):
                if kept is not None and kept.exists():
                    shutil.copy2(kept, keep_logs / kept.name)
        shutil.rmtree(work, ignore_errors=True)


def _segment_size_ok(text: str) -> bool:
    """Whether Prometheus 2.42 takes ``text`` as a log segment size: 10MB to 256MB (units B, KB, MB, GB)."""
    match = re.fullmatch(r"(\d+)(B|KB|MB|GB)", text.strip())
    if match is None:
        return False
    size = int(match[1]) * {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[match[2]]
    return 10 << 20 <= size <= 256 << 20


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--block", default="2m", help="the region's block range (production: 2h)")
    ap.add_argument("--outages", default="60,150,240,360", help="outage lengths in seconds, comma-separated")
    ap.add_argument("--devices", type=int, default=90, help="devices of the simulated county")
    ap.add_argument("--scrape", default="30s", help="how often the region scrapes the county (a faster scrape "
                                                    "fills the log faster)")
    ap.add_argument("--wal-segment-size", help="the region's log segment size, 10MB..256MB (Prometheus: 128MB)")
    ap.add_argument("--steady", type=int, default=STEADY_S, help="seconds of steady sending measured first")
    ap.add_argument("--eval", default="1s", help="the region's evaluation interval (production: 30s; the outage "
                                                 "coverage is measured on a sample every interval)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--keep-logs", type=Path, help="keep the region's and the city view's logs (info level) here")
    ns = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not Path(PROMETHEUS).exists():
        print(f"{PROMETHEUS} missing: apt-get install prometheus", file=sys.stderr)
        return 3
    try:
        outages = [int(x) for x in ns.outages.split(",") if x.strip()]
        duration_seconds(ns.block)
        duration_seconds(ns.eval)
        duration_seconds(ns.scrape)
    except ValueError as exc:
        print(f"bad --outages, --block, --eval or --scrape: {exc}", file=sys.stderr)
        return 2
    if ns.wal_segment_size is not None and not _segment_size_ok(ns.wal_segment_size):
        print(f"bad --wal-segment-size {ns.wal_segment_size!r}: Prometheus takes 10MB to 256MB, e.g. 10MB",
              file=sys.stderr)
        return 2
    summary = run(ns.block, outages, ns.devices, ns.eval, lambda line: print(line, flush=True), scrape=ns.scrape,
                  wal_segment_size=ns.wal_segment_size, steady_s=ns.steady,
                  keep_logs=ns.keep_logs)
    print(json.dumps(summary, indent=1))
    if ns.json:
        ns.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
