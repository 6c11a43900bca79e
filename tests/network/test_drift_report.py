"""Drift reports from `net diff` to the monitor: batches, retries while it starts, refusals, the repeat loop."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from infra.network.drift_report import (
    ReportError,
    batches,
    check_monitor_url,
    collected,
    every,
    not_collected,
    post_drift,
)
from yunwang.contracts.device_drift import DRIFT_PATH, MAX_DEVICES_PER_REPORT, MAX_REPORT_BYTES
from yunwang.errors import InputError


def _client(answers: list[int], seen: list[dict[str, Any]]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == DRIFT_PATH and request.headers["authorization"] == "Bearer t0ken-t0ken-t0ken"
        body = json.loads(request.content)
        seen.append(body)
        status = answers.pop(0) if answers else 200
        return httpx.Response(status, json={"stored": len(body["devices"])} if status == 200 else {"error": "x"})
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_items_carry_the_contract() -> None:
    at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    item = collected("luan-acc-1", ["undo telnet server enable", " description uplink"], at)
    assert item.to_json() == {"device": "luan-acc-1", "collected_at": "2026-11-26T08:00:00+00:00", "drift_lines": 2,
                              "remediation": "undo telnet server enable\n description uplink\n", "error": None}
    failed = not_collected("luan-fw-1", "login refused")
    assert failed.drift_lines is None and failed.collected_at is None and failed.error == "login refused"


def test_a_big_fleet_goes_in_batches_and_a_starting_monitor_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("infra.network.drift_report.RETRY_S", 0.0)
    seen: list[dict[str, Any]] = []
    items = [collected(f"d-{i}", []) for i in range(MAX_DEVICES_PER_REPORT * 2 + 1)]
    with _client([503, 200], seen) as client:
        assert post_drift("http://monitor", "t0ken-t0ken-t0ken", items, client) == len(items)
    assert [len(b["devices"]) for b in seen] == [MAX_DEVICES_PER_REPORT] * 3 + [1]  # the 503 batch sent again


def test_large_remediations_split_the_report_by_size() -> None:
    big = [collected(f"d-{i}", [f"undo vlan {n}" for n in range(2500)]) for i in range(40)]  # ~30 KiB each
    groups = list(batches(big))
    assert sum(len(g) for g in groups) == 40 and len(groups) > 1
    assert all(len(json.dumps({"devices": g}).encode()) <= MAX_REPORT_BYTES + 1024 for g in groups)


def test_a_refused_report_is_not_retried_and_names_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("infra.network.drift_report.RETRY_S", 0.0)
    seen: list[dict[str, Any]] = []
    with _client([404], seen) as client, pytest.raises(ReportError, match="HTTP 404") as caught:
        post_drift("http://monitor", "t0ken-t0ken-t0ken", [collected("x", [])], client)
    assert len(seen) == 1 and "t0ken" not in str(caught.value)


@pytest.mark.parametrize("url", ["monitor:8080", "ftp://monitor", "http://"])
def test_bad_monitor_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError, match="--report-to"):
        check_monitor_url(url)
    assert check_monitor_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"


def test_every_keeps_its_rhythm_through_failures_and_stops_on_request() -> None:
    stop = threading.Event()
    rounds: list[int] = []
    errors: list[Exception] = []

    def round_() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 2:
            raise RuntimeError("monitor down")
        if len(rounds) == 4:
            stop.set()

    every(0.01, round_, stop, errors.append)
    assert rounds == [0, 1, 2, 3] and [str(e) for e in errors] == ["monitor down"]

    def bad_input() -> None:
        raise InputError([])

    with pytest.raises(InputError):
        every(0.01, bad_input, threading.Event(), errors.append)
