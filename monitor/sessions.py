"""Sign-in sessions of the overview: a random session id in the cookie, never the token itself.

The database keeps only the SHA-256 digest of each session id (a stolen copy of the table opens nothing) and the
digest of the token that signed in, so a rotated admin or viewer token ends its sessions at once. Sessions live
in the database rather than in memory because the plan runs two monitor replicas behind one Service: a browser's
requests land on either. A session ends after ``idle_s`` without a request (GB/T 22239 8.1.4.1-b: session
timeout), ``max_s`` after sign-in, or at sign-out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, or_, select, update

from monitor import tables as t
from monitor.auth import digest, new_token
from monitor.settings import SessionPolicy

TOUCH_S = 30.0
"""last_seen is written at most this often per session: the idle timeout is exact to within this much."""


@dataclass(frozen=True)
class Session:
    id_hash: str
    token_hash: str
    created_at: float
    last_seen: float


class Sessions:
    def __init__(self, engine: Engine, policy: SessionPolicy, clock: Callable[[], float] = time.time):
        self.engine, self.policy, self.clock = engine, policy, clock

    def open(self, token_hash: str) -> str:
        """A new session for the token with this digest; returns the session id for the cookie (shown once)."""
        session_id = new_token()
        now = self.clock()
        s = t.sessions
        with self.engine.begin() as c:
            c.execute(delete(s).where(or_(s.c.last_seen < now - self.policy.idle_s,
                                          s.c.created_at < now - self.policy.max_s)))
            c.execute(s.insert().values(id_hash=digest(session_id), token_hash=token_hash, created_at=now,
                                        last_seen=now))
        return session_id

    def lookup(self, session_id: str) -> Session | None:
        """The live session with this id (its last use recorded), or None when unknown, expired or closed."""
        now = self.clock()
        s = t.sessions
        key = digest(session_id)
        with self.engine.connect() as c:
            row = c.execute(select(s.c.id_hash, s.c.token_hash, s.c.created_at, s.c.last_seen)
                            .where(s.c.id_hash == key)).first()
        if row is None:
            return None
        found = Session(*row)
        if now - found.last_seen > self.policy.idle_s or now - found.created_at > self.policy.max_s:
            self.close_digest(key)
            return None
        if now - found.last_seen >= TOUCH_S:
            with self.engine.begin() as c:
                c.execute(update(s).where(s.c.id_hash == key).values(last_seen=now))
        return found

    def close(self, session_id: str) -> None:
        self.close_digest(digest(session_id))

    def close_digest(self, id_hash: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(t.sessions).where(t.sessions.c.id_hash == id_hash))
