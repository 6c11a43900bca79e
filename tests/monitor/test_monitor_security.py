"""Who may do what, failed-login throttling, body limits, and where tokens come from."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from monitor_testlib import ADMIN, AGENT, VIEWER, bearer, enrol, heartbeat, report

from monitor.settings import Limits
from monitor.tokens import resolve_tokens
from yunwang.errors import InputError


def test_only_health_is_open(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    for path in ("/metrics", "/api/v1/inventory", "/api/v1/sd/snmp", "/api/v1/agents", "/api/v1/audits"):
        reply = client.get(path)
        assert reply.status_code == 401, path
        assert reply.headers["www-authenticate"] == "Bearer" and "error" in reply.json()
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert make_client(sqlite_url, open_metrics=True).get("/metrics").status_code == 200


def test_roles(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    v, a, g = bearer(VIEWER), bearer(ADMIN), bearer(AGENT)
    assert client.get("/api/v1/sd/snmp", headers=v).status_code == 200
    assert client.post("/api/v1/audits", json=report(), headers=v).status_code == 403
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(), headers=v).status_code == 403
    assert client.post("/api/v1/agents/host-1/token", headers=v).status_code == 403
    assert client.get("/api/v1/sd/snmp", headers=g).status_code == 401  # an agent token reads nothing
    assert client.post("/api/v1/audits", json=report(), headers=g).status_code == 401
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(), headers=g).status_code == 403  # enrols
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(), headers=enrol(client)).status_code == 200
    assert client.post("/api/v1/audits", json=report(), headers=a).status_code == 201


def test_per_agent_tokens_only_work_for_their_agent(make_client: Any, db_url: str) -> None:
    client = make_client(db_url)
    issued = client.post("/api/v1/agents/host-1/token", headers=bearer(ADMIN))
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert len(token) >= 32
    own = bearer(token)
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(seq=1), headers=own).status_code == 200
    other = client.post("/api/v1/agents/host-2/heartbeat", json=heartbeat("host-2"), headers=own)
    assert other.status_code == 401
    assert client.get("/api/v1/agents", headers=own).status_code == 401
    reissued = client.post("/api/v1/agents/host-1/token", headers=bearer(ADMIN)).json()["token"]
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(seq=2), headers=own).status_code == 401
    assert client.post("/api/v1/agents/host-1/heartbeat", json=heartbeat(seq=2),
                       headers=bearer(reissued)).status_code == 200


def test_per_agent_token_is_stored_hashed(make_client: Any, sqlite_url: str, tmp_path: Path) -> None:
    client = make_client(sqlite_url)
    token = client.post("/api/v1/agents/host-1/token", headers=bearer(ADMIN)).json()["token"]
    assert token.encode() not in (tmp_path / "monitor.db").read_bytes()
    wal = tmp_path / "monitor.db-wal"
    assert not wal.exists() or token.encode() not in wal.read_bytes()


def test_failed_auth_is_throttled_and_logged_without_the_token(make_client: Any, sqlite_url: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    client = make_client(sqlite_url, limits=Limits(auth_failures_per_window=3, auth_failure_window_s=60))
    wrong = "wrong-token-that-must-not-be-logged"
    caplog.set_level(logging.INFO, logger="yunwang.monitor.auth")
    codes = [client.get("/api/v1/sd/snmp", headers=bearer(wrong)).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    throttled = client.get("/api/v1/sd/snmp", headers=bearer(wrong))
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert client.get("/api/v1/sd/snmp", headers=bearer(VIEWER)).status_code == 200  # the right token still works
    assert "authentication failed" in caplog.text and "/api/v1/sd/snmp" in caplog.text
    assert wrong not in caplog.text
    assert client.get("/healthz").status_code == 200


def test_body_limits(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url, limits=Limits(max_body_bytes=4096, max_audit_bytes=64 * 1024))
    g, a = enrol(client), bearer(ADMIN)
    big = heartbeat(hostname="h" * 5000)
    declared = client.post("/api/v1/agents/host-1/heartbeat", json=big, headers=g)
    assert declared.status_code == 413 and "4096" in declared.json()["error"]

    def chunks() -> Any:  # no Content-Length: the limit must hold while streaming too
        for _ in range(10):
            yield b" " * 1024

    streamed = client.post("/api/v1/agents/host-1/heartbeat", content=chunks(),
                           headers={**g, "content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/api/v1/audits", json={**report(), "pad": "x" * 10_000}, headers=a).status_code == 201
    assert client.post("/api/v1/audits", json={**report(), "pad": "x" * 70_000}, headers=a).status_code == 413


def test_login_cookie_opens_the_overview_but_not_writes(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    assert client.post("/login", data={"token": "nope"}).status_code == 401
    signed_in = client.post("/login", data={"token": VIEWER}, follow_redirects=False)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/").status_code == 200
    assert client.post("/api/v1/audits", json=report()).status_code == 401  # cookies never authorise writes


def test_tokens_come_from_files_env_or_generated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("YUNWANG_ADMIN_TOKEN", "YUNWANG_VIEWER_TOKEN", "YUNWANG_AGENT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    file = tmp_path / "admin.token"
    file.write_text(ADMIN + "\n")
    monkeypatch.setenv("YUNWANG_VIEWER_TOKEN", VIEWER)
    resolved = resolve_tokens({"admin": file, "viewer": None, "agent": None}, tmp_path / "state")
    assert resolved.tokens.admin == ADMIN and resolved.tokens.viewer == VIEWER
    generated = resolved.generated["agent"]
    assert generated.stat().st_mode & 0o777 == 0o600
    assert resolved.tokens.agent_bootstrap == generated.read_text().strip()
    again = resolve_tokens({"admin": file, "viewer": None, "agent": None}, tmp_path / "state")
    assert again.tokens.agent_bootstrap == resolved.tokens.agent_bootstrap  # reused across restarts
    monkeypatch.setenv("YUNWANG_VIEWER_TOKEN", "short")
    with pytest.raises(InputError, match="at least 16"):
        resolve_tokens({}, None)
    with pytest.raises(InputError, match="cannot read token file"):
        resolve_tokens({"admin": tmp_path / "missing"}, None)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_file, cert_file = folder / "monitor.key", folder / "monitor.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def test_tls_through_uvicorn(tmp_path: Path) -> None:
    import ssl

    import httpx
    from monitor_testlib import MonitorProcess

    key, cert = _self_signed(tmp_path)
    context = ssl.create_default_context(cafile=str(cert))
    server = MonitorProcess(tmp_path, f"sqlite:///{tmp_path}/monitor.db", scheme="https", verify=context,
                            extra_args=("--ssl-keyfile", str(key), "--ssl-certfile", str(cert)))
    try:
        reply = httpx.get(f"{server.url}/api/v1/sd/monitor", headers=bearer(VIEWER), verify=context)
        assert reply.status_code == 200
        with pytest.raises(httpx.HTTPError):  # plain HTTP on the TLS port is not served
            httpx.get(server.url.replace("https", "http") + "/healthz", timeout=5)
    finally:
        server.stop()
