"""Finding 4: after 20 failures from one address the right token from that address got 429 too (one attacker
behind the city's NAT locked every operator out), the sign-in page gave no Retry-After, there was no sign-out,
and the cookie carried the raw token for 12 h with no idle timeout (GB/T 22239 8.1.4.1-b)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from monitor_testlib import ADMIN, VIEWER, bearer

from monitor.settings import Limits

WRONG = "wrong-token-0123456789abcdef"


def test_a_client_over_its_failure_budget_still_gets_in_with_the_right_token(make_client: Any,
                                                                              sqlite_url: str) -> None:
    client = make_client(sqlite_url, limits=Limits(auth_failures_per_window=3, auth_failure_window_s=60))
    codes = [client.get("/api/v1/inventory", headers=bearer(WRONG)).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    throttled = client.get("/api/v1/inventory", headers=bearer(WRONG))
    assert 1 <= int(throttled.headers["retry-after"]) <= 61
    assert client.get("/api/v1/inventory", headers=bearer(VIEWER)).status_code == 200
    page = client.post("/login", data={"token": WRONG})
    assert page.status_code == 429 and int(page.headers["retry-after"]) >= 1
    assert client.post("/login", data={"token": VIEWER}, follow_redirects=False).status_code == 303


def test_the_cookie_holds_a_session_id_stored_only_as_a_digest(make_client: Any, sqlite_url: str,
                                                               tmp_path: Path) -> None:
    client = make_client(sqlite_url)
    signed_in = client.post("/login", data={"token": ADMIN}, follow_redirects=False)
    assert signed_in.status_code == 303
    session = next(iter(signed_in.cookies.values()))
    assert ADMIN not in signed_in.headers["set-cookie"] and len(session) >= 32
    assert client.get("/").status_code == 200 and client.get("/api/v1/agents").status_code == 200
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("monitor.db*"))
    assert session.encode() not in stored and ADMIN.encode() not in stored


def test_sign_out_ends_the_session(make_client: Any, sqlite_url: str) -> None:
    client = make_client(sqlite_url)
    client.post("/login", data={"token": VIEWER})
    cookies = dict(client.cookies)
    assert client.get("/", follow_redirects=False).status_code == 200
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    client.cookies.update(cookies)  # a copy of the cookie kept by someone else opens nothing any more
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/v1/inventory").status_code == 401


def test_a_session_ends_after_the_idle_timeout(make_client: Any, sqlite_url: str) -> None:
    from monitor.settings import SessionPolicy

    client = make_client(sqlite_url, sessions=SessionPolicy(idle_s=1.0, max_s=3600))
    client.post("/login", data={"token": VIEWER})
    assert client.get("/api/v1/inventory").status_code == 200
    time.sleep(1.5)
    assert client.get("/api/v1/inventory").status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_rotated_token_ends_the_sessions_it_opened(make_client: Any, sqlite_url: str) -> None:
    from monitor.settings import Tokens

    client = make_client(sqlite_url)
    client.post("/login", data={"token": VIEWER})
    rotated = make_client(sqlite_url, tokens=Tokens(admin=ADMIN, viewer=VIEWER + "-rotated"))
    rotated.cookies.update(dict(client.cookies))  # the same database, a monitor restarted with a new viewer token
    assert rotated.get("/api/v1/inventory").status_code == 401
