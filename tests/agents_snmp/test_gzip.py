"""The SNMP agent answers ``Accept-Encoding: gzip`` as Prometheus sends it (like snmp_exporter): on /snmp and on
the poller's /metrics, and only when asked; large whole bodies are compressed off the event loop."""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest
from snmp_testlib import Snmpd, free_port
from test_cli_modes import write_inventory

from agents.exposition import accepts_gzip
from agents.snmp.httpd import GZIP_HEADERS, GZIP_THREAD_BYTES, encode_body


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip", True), ("gzip, deflate", True), ("deflate, gzip;q=0.5", True), ("*", True), ("", False),
    ("identity", False), ("gzip;q=0", False), ("deflate, br", False), ("GZIP", True), ("gzip;q=zero", False),
])
def test_accept_encoding_is_read_like_http_says(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_bodies_are_compressed_only_when_worth_it() -> None:
    small = b"snmp_up 1\n"
    assert asyncio.run(encode_body(small, "gzip")) == (small, "")
    text = b"".join(b'ifHCInOctets{ifIndex="%d",ifName="GE0/0/%d"} %d\n' % (i, i, i * 1000) for i in range(200))
    sent, encoding = asyncio.run(encode_body(text, "gzip"))
    assert encoding == GZIP_HEADERS and gzip.decompress(sent) == text and len(sent) < len(text) / 4
    assert asyncio.run(encode_body(text, "identity")) == (text, "")
    big = text * (GZIP_THREAD_BYTES // len(text) + 1)
    sent, encoding = asyncio.run(encode_body(big, "gzip"))
    assert encoding == GZIP_HEADERS and gzip.decompress(sent) == big


def _raw_get(url: str, accept: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as answer:  # urllib never decodes: the bytes as sent
        return {k.lower(): v for k, v in answer.headers.items()}, answer.read()


def test_snmp_and_metrics_answer_gzip_when_asked(snmpd: Snmpd, tmp_path: Path) -> None:
    inventory, auths = write_inventory(tmp_path, snmpd)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "yunwang.cli", "agent", "snmp", "--listen", f"127.0.0.1:{port}",
                             "--inventory", str(inventory), "--auths", str(auths), "--interval", "1s",
                             "--timeout", "0.5"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "MIBS": ""})
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if 'snmp_up{device="core-1"' in httpx.get(f"{base}/metrics", timeout=2).text:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        snmp = f"{base}/snmp?target={snmpd.address}&auth=lab&module=if_mib,system"
        for url in (snmp, f"{base}/metrics"):
            headers, zipped = _raw_get(url, "gzip")
            assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
            # /snmp is one body with its length; the poller's /metrics is streamed in chunks
            assert int(headers.get("content-length", len(zipped))) == len(zipped)
            text = gzip.decompress(zipped).decode()
            plain_headers, plain = _raw_get(url, None)
            assert "content-encoding" not in plain_headers
            assert len(zipped) < len(plain) / 3
            names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and line[0] != "#"}
            assert names == {line.split("{")[0].split(" ")[0] for line in plain.decode().splitlines()
                             if line and line[0] != "#"}
            assert "ifHCInOctets" in names
        headers, _ = _raw_get(snmp, "gzip;q=0")
        assert "content-encoding" not in headers
    finally:
        proc.terminate()
        proc.wait(timeout=10)
