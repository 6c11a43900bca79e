"""Configuration drift in the monitor: reports stored per device, exported on /metrics, shown on the overview."""

from __future__ import annotations

from typing import Any

from monitor_testlib import ADMIN, AGENT, VIEWER, bearer

from yunwang.contracts.device_drift import DRIFT_PATH, MAX_REMEDIATION_CHARS, clip_remediation

V, A, G = bearer(VIEWER), bearer(ADMIN), bearer(AGENT)
REMEDIATION = "undo telnet server enable\nundo http server enable\nlocal-user sysadmin password [secret]\n"


def entry(device: str, lines: int | None = 3, remediation: str = REMEDIATION, error: str | None = None,
          at: str = "2026-11-26T08:00:00+00:00") -> dict[str, Any]:
    if error is not None:
        return {"device": device, "collected_at": None, "drift_lines": None, "remediation": "", "error": error}
    return {"device": device, "collected_at": at, "drift_lines": lines, "remediation": remediation, "error": None}


def metric_lines(client: Any, name: str) -> list[str]:
    return [line for line in client.get("/metrics", headers=V).text.splitlines() if line.startswith(name + "{")]


def test_a_report_is_stored_and_exported_per_device(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    body = {"devices": [entry("luan-acc-1"), entry("jinan-acc-2", lines=0, remediation="")]}
    reply = client.post(DRIFT_PATH, json=body, headers=A)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"stored": 2}
    drift = metric_lines(client, "yunwang_device_config_drift_lines")
    assert 'yunwang_device_config_drift_lines{device="luan-acc-1",region="luan"} 3.0' in drift
    assert 'yunwang_device_config_drift_lines{device="jinan-acc-2",region="jinan"} 0.0' in drift
    stamps = metric_lines(client, "yunwang_device_config_last_collection_timestamp_seconds")
    assert 'yunwang_device_config_last_collection_timestamp_seconds{device="luan-acc-1",region="luan"} ' \
           "1795680000.0" in stamps
    listed = client.get(DRIFT_PATH, headers=V, params={"drifted": "true"}).json()
    assert [d["device"] for d in listed] == ["luan-acc-1"]
    one = client.get(f"{DRIFT_PATH}/luan-acc-1", headers=V).json()
    assert one["remediation"] == REMEDIATION and one["region"] == "luan" and one["error"] is None


def test_a_failed_collection_keeps_the_last_good_figures(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    assert client.post(DRIFT_PATH, json={"devices": [entry("luan-acc-1")]}, headers=A).status_code == 200
    failed = entry("luan-acc-1", error="login refused: wrong password for sysadmin")
    assert client.post(DRIFT_PATH, json={"devices": [failed, entry("luan-fw-1", error="timed out")]},
                       headers=A).status_code == 200
    one = client.get(f"{DRIFT_PATH}/luan-acc-1", headers=V).json()
    assert one["drift_lines"] == 3 and one["remediation"] == REMEDIATION
    assert one["error"].startswith("login refused") and one["collected_at"].startswith("2026-11-26T08:00")
    never = client.get(f"{DRIFT_PATH}/luan-fw-1", headers=V).json()
    assert never["drift_lines"] is None and never["collected_at"] is None
    # A device never collected has no series (absent, not 0); the failing one keeps its figure.
    drift = metric_lines(client, "yunwang_device_config_drift_lines")
    assert len(drift) == 1 and 'device="luan-acc-1"' in drift[0]
    assert client.post(DRIFT_PATH, json={"devices": [entry("luan-acc-1", lines=0, remediation="")]},
                       headers=A).status_code == 200
    assert client.get(f"{DRIFT_PATH}/luan-acc-1", headers=V).json()["error"] is None


def test_only_the_admin_reports_and_bad_reports_are_refused(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    good = {"devices": [entry("luan-acc-1")]}
    assert client.post(DRIFT_PATH, json=good).status_code == 401
    assert client.post(DRIFT_PATH, json=good, headers=V).status_code == 403
    assert client.post(DRIFT_PATH, json=good, headers=G).status_code in (401, 403)  # agent tokens: own routes only
    unknown = client.post(DRIFT_PATH, json={"devices": [entry("nowhere-sw-9")]}, headers=A)
    assert unknown.status_code == 404 and "nowhere-sw-9" in unknown.json()["error"]
    half = {"devices": [{"device": "luan-acc-1", "drift_lines": 2}]}
    assert client.post(DRIFT_PATH, json=half, headers=A).status_code == 422
    naive = {"devices": [entry("luan-acc-1", at="2026-11-26T08:00:00")]}
    assert client.post(DRIFT_PATH, json=naive, headers=A).status_code == 422
    huge = {"devices": [entry("luan-acc-1", remediation="x" * (MAX_REMEDIATION_CHARS + 1))]}
    assert client.post(DRIFT_PATH, json=huge, headers=A).status_code == 422
    assert client.get(DRIFT_PATH, headers=V).json() == []
    twice = client.post(DRIFT_PATH, json={"devices": [entry("luan-acc-1"), entry("luan-acc-1", lines=7)]},
                        headers=A)
    assert twice.json() == {"stored": 1}
    assert client.get(f"{DRIFT_PATH}/luan-acc-1", headers=V).json()["drift_lines"] == 7  # the last entry counts
    assert client.get(f"{DRIFT_PATH}/luan-fw-1", headers=V).status_code == 404
    assert client.get(f"{DRIFT_PATH}/nowhere-sw-9", headers=V).status_code == 404


def test_the_overview_lists_drifted_devices_with_their_diff(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    assert "No drift report yet" in client.get("/?lang=en", headers=V).text
    hostile = "description <script>alert(1)</script>\n" + REMEDIATION
    body = {"devices": [entry("luan-acc-1", lines=4, remediation=hostile),
                        entry("jinan-acc-2", lines=0, remediation=""), entry("luan-fw-1", error="timed out")]}
    assert client.post(DRIFT_PATH, json=body, headers=A).status_code == 200
    page = client.get("/?lang=en", headers=V).text
    section = page[page.index('<section id="drift">'):]
    section = section[:section.index("</section>")]
    assert "3 of 11 devices reported: 1 drifted, 1 not collected." in section
    assert 'href="/devices/luan-acc-1#drift"' in section and "undo telnet server enable" in section
    assert "<script>alert" not in page and "&lt;script&gt;" in section
    assert 'data-device="jinan-acc-2"' not in section  # in line: counted, not listed
    assert "timed out" in section
    device_page = client.get("/devices/luan-acc-1?lang=zh", headers=V).text
    drift = device_page[device_page.index('<section id="drift">'):]
    assert "已漂移: 4" in drift and "local-user sysadmin password [secret]" in drift
    assert "<script>alert" not in device_page
    assert "in line with its intent" in client.get("/devices/jinan-acc-2?lang=en", headers=V).text
    assert "No configuration drift known" in client.get("/devices/luan-core-1?lang=en", headers=V).text


def test_long_remediations_are_clipped_at_a_line() -> None:
    text = "".join(f"undo vlan {i}\n" for i in range(10_000))
    clipped = clip_remediation(text)
    assert len(clipped) <= MAX_REMEDIATION_CHARS and clipped.endswith("whole remediation\n")
    assert all(line.startswith(("undo vlan", "# …")) for line in clipped.splitlines())
    assert clip_remediation(REMEDIATION) == REMEDIATION
