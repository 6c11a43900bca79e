#!/usr/bin/env python3
"""The city view at reduced scale on this machine: what it ingests, what it weighs, how fast it answers.

``--regions`` region Prometheus servers (the project's rules, their region label, a 30 s evaluation as in
production) each scrape what a county of ``--devices`` devices exports that the city takes (per-device
``snmp_up`` with the inventory labels, the latest audit, the inventory counts: see remote_write_outage.py) and
remote-write to one city view (``--web.enable-remote-write-receiver``, the city-wide rules). After a warm-up,
over ``--steady`` seconds:

* samples/s appended by the city view (``prometheus_tsdb_head_samples_appended_total``), its head series and
  its resident memory (median of one reading every 15 s);
* latency of city-wide PromQL queries (instant and a 1 h range; median and p90 of ``--queries`` runs each);
* extranet bytes per device per minute: remote write as sent (snappy-compressed protobuf, the regions' own
  ``prometheus_remote_storage_bytes_total``), and for comparison the same series as federation would carry them
  (``/federate`` text, plain and gzipped), once per evaluation interval.

Usage: .venv/bin/python scripts/bench/city_scale.py [--regions 8] [--devices 250] [--steady 300] [--json F]
Needs: Debian's prometheus (2.42).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from remote_write_outage import PROMETHEUS, _own_metrics, _start, _stop, county_exposition, serve  # noqa: E402

from monitor.prometheus.render import (  # noqa: E402
    CITY_VIEW_SERIES,
    RULES_DIR,
    RemoteWrite,
    render_city_view_config,
    write_prometheus_config,
)
from yunwang.testkit import free_port  # noqa: E402

EVALUATION = "30s"
WARM_UP_S = 75
QUERIES = {
    "devices up per region (instant)": "sum by (region) (yunwang:device:up)",
    "city totals (instant)": "yunwang:city:devices_up",
    "devices down, whole city (instant)": "count(yunwang:device:up == 0)",
    "devices up per region over 1 h (range, 30 s step)": "sum by (region) (yunwang:device:up)",
}
APPENDED = "prometheus_tsdb_head_samples_appended_total"
RSS = "process_resident_memory_bytes"
HEAD_SERIES = "prometheus_tsdb_head_series"
SENT = "prometheus_remote_storage_bytes_total"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _query_latencies(city: str, runs: int) -> dict[str, dict[str, float]]:
    out = {}
    with httpx.Client(timeout=30) as client:
        for label, promql in QUERIES.items():
            took = []
            for _ in range(runs):
                now = time.time()
                started = time.perf_counter()
                if "range" in label:
                    answer = client.get(f"{city}/api/v1/query_range", params={
                        "query": promql, "start": f"{now - 3600:.0f}", "end": f"{now:.0f}", "step": "30"})
                else:
                    answer = client.get(f"{city}/api/v1/query", params={"query": promql})
                took.append((time.perf_counter() - started) * 1000)
                assert answer.json()["status"] == "success", answer.text
            out[label] = {"median_ms": round(statistics.median(took), 1), "p90_ms": round(_percentile(took, 0.9), 1)}
    return out


def _federation_bytes(region: str) -> tuple[int, int]:
    """One /federate answer for the city's series (what federation would pull each interval): plain, gzipped."""
    body = httpx.get(f"{region}/federate", params={"match[]": f'{{__name__=~"{CITY_VIEW_SERIES}"}}'},
                     headers={"Accept-Encoding": "identity"}, timeout=30).content
    return len(body), len(gzip.compress(body, 6))


def run(regions: int, devices: int, steady_s: int, runs: int, say: Any = print) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="yunwang-city-scale-"))
    servers, procs = [], []
    city_port = free_port()
    city = f"http://127.0.0.1:{city_port}"
    token = work / "sd.token"
    token.write_text("unused-token-0123456789\n")
    try:
        city_config = work / "city.yml"
        city_config.write_text(render_city_view_config(stack="bench", evaluation_interval=EVALUATION))
        procs.append(_start([PROMETHEUS, f"--config.file={city_config}", f"--storage.tsdb.path={work / 'city'}",
                             f"--web.listen-address=127.0.0.1:{city_port}", "--web.enable-remote-write-receiver",
                             "--log.level=warn"], city_port))
        region_urls = []
        for n in range(regions):
            name = f"county{n}"
            server, port = serve(county_exposition(devices, name))
            servers.append(server)
            config_path = write_prometheus_config(
                work / f"{name}.yml", "http://127.0.0.1:9", token_file=token, jobs=("monitor",), region=name,
                evaluation_interval=EVALUATION, rules_dir=RULES_DIR,
                remote_write=[RemoteWrite(f"{city}/api/v1/write")])
            config = yaml.safe_load(config_path.read_text())
            config["scrape_configs"].append({"job_name": "county", "scrape_interval": EVALUATION,
                                             "honor_labels": True,
                                             "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]})
            config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
            region_port = free_port()
            procs.append(_start([PROMETHEUS, f"--config.file={config_path}", f"--storage.tsdb.path={work / name}",
                                 f"--web.listen-address=127.0.0.1:{region_port}", "--log.level=warn"], region_port))
            region_urls.append(f"http://127.0.0.1:{region_port}")
        say(f"{regions} regions × {devices} devices and the city view running; warming up {WARM_UP_S} s "
            f"(load average {os.getloadavg()[0]:.1f})")
        time.sleep(WARM_UP_S)
        before_city = _own_metrics(city, (APPENDED,))
        before_sent = [_own_metrics(r, (SENT,))[SENT] for r in region_urls]
        started, rss, loads = time.monotonic(), [], []
        while time.monotonic() - started < steady_s:
            rss.append(_own_metrics(city, (RSS,))[RSS])
            loads.append(os.getloadavg()[0])
            time.sleep(15)
        elapsed = time.monotonic() - started
        after_city = _own_metrics(city, (APPENDED, HEAD_SERIES))
        sent = sum(_own_metrics(r, (SENT,))[SENT] for r in region_urls) - sum(before_sent)
        plain, zipped = _federation_bytes(region_urls[0])
        per_minute = 60 / float(EVALUATION.rstrip("s"))
        figures = {
            "regions": regions, "devices_per_region": devices, "devices": regions * devices,
            "evaluation_interval": EVALUATION, "steady_s": round(elapsed),
            "load_average_median": round(statistics.median(loads), 2), "cpus": os.cpu_count(),
            "city_samples_per_s": round((after_city[APPENDED] - before_city[APPENDED]) / elapsed, 1),
            "city_head_series": int(after_city[HEAD_SERIES]),
            "city_rss_mib_median": round(statistics.median(rss) / 2**20, 1),
            "queries": _query_latencies(city, runs),
            "extranet_bytes_per_device_minute": {
                "remote_write_snappy": round(sent / (elapsed / 60) / (regions * devices), 1),
                "federation_text_plain": round(plain * per_minute / devices, 1),
                "federation_text_gzip": round(zipped * per_minute / devices, 1),
            },
        }
        say(json.dumps(figures, indent=1, ensure_ascii=False))
        return figures
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for server in servers:
            server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--regions", type=int, default=8, help="region Prometheus servers writing to the city view")
    ap.add_argument("--devices", type=int, default=250, help="devices of each simulated county")
    ap.add_argument("--steady", type=int, default=300, help="seconds measured after the warm-up")
    ap.add_argument("--queries", type=int, default=20, help="runs of each city-wide query")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ns = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not Path(PROMETHEUS).exists():
        print(f"{PROMETHEUS} missing: apt-get install prometheus", file=sys.stderr)
        return 3
    if ns.regions < 1 or ns.devices < 1 or ns.steady < 30 or ns.queries < 1:
        print("--regions, --devices and --queries must be at least 1, --steady at least 30", file=sys.stderr)
        return 2
    figures = run(ns.regions, ns.devices, ns.steady, ns.queries, lambda line: print(line, flush=True))
    if ns.json:
        ns.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
