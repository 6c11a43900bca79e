"""Every read and write of the monitor's database. Each write is one transaction, committed before the reply."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Insert, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from monitor import tables as t
from monitor.schemas import AuditReport, Heartbeat


class Conflict(Exception):
    """A heartbeat whose seq is not newer than the stored one (a replay or an out-of-order delivery)."""

    def __init__(self, agent_id: str, seq: int, last_seq: int):
        self.agent_id, self.seq, self.last_seq = agent_id, seq, last_seq
        super().__init__(f"heartbeat seq {seq} of agent '{agent_id}' is not newer than the stored seq {last_seq}")


class UnknownAgent(Exception):
    def __init__(self, agent_id: str):
        self.agent_id = agent_id
        super().__init__(f"unknown agent '{agent_id}': it has never sent a heartbeat")


@dataclass(frozen=True)
class AgentRow:
    agent_id: str
    kind: str
    hostname: str
    version: str
    address: str | None
    last_seq: int
    sent_at: float
    first_seen: float
    last_seen: float
    facts_received_at: float | None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._upsert_sql, self._upsert_order = self._compile(self._build_heartbeat_upsert())
        self._last_seq_sql, self._last_seq_order = self._compile(
            select(t.agents.c.last_seq).where(t.agents.c.agent_id == bindparam("agent_id")))

    def _compile(self, stmt: Any) -> tuple[str, tuple[str, ...] | None]:
        """SQL text for this engine's driver, and the parameter order when its paramstyle is positional."""
        compiled = stmt.compile(dialect=self.engine.dialect)
        return str(compiled), tuple(compiled.positiontup) if compiled.positional else None

    @staticmethod
    def _bind(order: tuple[str, ...] | None, params: dict[str, Any]) -> Any:
        return params if order is None else tuple(params[name] for name in order)

    # -- health ----------------------------------------------------------------------------------------
    def ping(self) -> None:
        with self.engine.connect() as c:
            c.execute(select(1)).scalar_one()

    # -- agents ----------------------------------------------------------------------------------------
    def record_heartbeat(self, hb: Heartbeat, now: float | None = None) -> None:
        """Store ``hb`` iff its seq is newer than the stored one, atomically, or raise :class:`Conflict`."""
        outcome = self.record_heartbeats([hb], now)[0]
        if isinstance(outcome, Conflict):
            raise outcome

    def record_heartbeats(self, batch: Sequence[Heartbeat], now: float | None = None) -> list[Conflict | None]:
        """Store a batch in ONE transaction (one fsync): None for each stored heartbeat, else its Conflict.

        Items are applied in order, so two heartbeats of one agent in a batch behave as if sent one by one.
        """
        now = time.time() if now is None else now
        outcomes: list[Conflict | None] = []
        with self.engine.begin() as c:
            # Straight to the driver with SQL compiled once: SQLAlchemy's per-execute work was most of the cost.
            cursor: Any = c.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                for hb in batch:
                    params = {"agent_id": hb.agent_id, "kind": hb.kind, "hostname": hb.hostname,
                              "version": hb.version, "address": hb.address, "last_seq": hb.seq,
                              "sent_at": hb.sent_at.timestamp(), "first_seen": now, "last_seen": now}
                    cursor.execute(self._upsert_sql, self._bind(self._upsert_order, params))
                    if cursor.fetchone() is not None:
                        outcomes.append(None)
                        continue
                    cursor.execute(self._last_seq_sql, self._bind(self._last_seq_order, {"agent_id": hb.agent_id}))
                    last_seq = cursor.fetchone()[0]  # the upsert saw this row, so it exists
                    outcomes.append(Conflict(hb.agent_id, hb.seq, int(last_seq)))
            finally:
                cursor.close()
        return outcomes

    def _build_heartbeat_upsert(self) -> Any:
        """Built once with bind parameters: constructing the statement per heartbeat cost more than running it."""
        columns = ("agent_id", "kind", "hostname", "version", "address", "last_seq", "sent_at", "first_seen",
                   "last_seen")
        stmt: Insert = self._insert(t.agents).values({c: bindparam(c) for c in columns})
        excluded = stmt.excluded  # type: ignore[attr-defined]
        return stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=[t.agents.c.agent_id],
            set_={"kind": excluded.kind, "hostname": excluded.hostname, "version": excluded.version,
                  "address": func.coalesce(excluded.address, t.agents.c.address), "last_seq": excluded.last_seq,
                  "sent_at": excluded.sent_at, "last_seen": excluded.last_seen},
            where=t.agents.c.last_seq < excluded.last_seq,
        ).returning(t.agents.c.agent_id)  # rowcount is not reliable for upserts on every driver: RETURNING is

    def agents(self) -> list[AgentRow]:
        a, f = t.agents, t.agent_facts
        stmt = (select(a, f.c.received_at).select_from(a.outerjoin(f, f.c.agent_id == a.c.agent_id))
                .order_by(a.c.agent_id))
        with self.engine.connect() as c:
            return [AgentRow(*row) for row in c.execute(stmt)]

    def last_seen(self) -> list[tuple[str, str, float]]:
        """(agent, kind, last seen epoch) for every agent: what /metrics exports."""
        a = t.agents
        with self.engine.connect() as c:
            return [(r[0], r[1], r[2]) for r in c.execute(select(a.c.agent_id, a.c.kind, a.c.last_seen))]

    def agent_exists(self, agent_id: str) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(t.agents.c.agent_id).where(t.agents.c.agent_id == agent_id)).first() is not None

    def store_facts(self, agent_id: str, document: dict[str, Any], now: float | None = None) -> None:
        now = time.time() if now is None else now
        f = t.agent_facts
        stmt = self._insert(f).values(agent_id=agent_id, received_at=now, document=_dumps(document))
        stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=[f.c.agent_id],
            set_={"received_at": stmt.excluded.received_at, "document": stmt.excluded.document})  # type: ignore
        with self.engine.begin() as c:
            if c.execute(select(t.agents.c.agent_id).where(t.agents.c.agent_id == agent_id)).first() is None:
                raise UnknownAgent(agent_id)
            c.execute(stmt)

    def facts(self, agent_id: str) -> tuple[float, str] | None:
        f = t.agent_facts
        with self.engine.connect() as c:
            row = c.execute(select(f.c.received_at, f.c.document).where(f.c.agent_id == agent_id)).first()
        return None if row is None else (row[0], row[1])

    # -- agent tokens ----------------------------------------------------------------------------------
    def set_agent_token(self, agent_id: str, token_hash: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        k = t.agent_tokens
        stmt = self._insert(k).values(agent_id=agent_id, token_hash=token_hash, created_at=now)
        stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=[k.c.agent_id],
            set_={"token_hash": stmt.excluded.token_hash, "created_at": stmt.excluded.created_at})  # type: ignore
        with self.engine.begin() as c:
            c.execute(stmt)

    def enrol_agent(self, agent_id: str, token_hash: str, now: float | None = None) -> bool:
        """Give ``agent_id`` its first token; False (nothing changed) when it has one already.

        A plain INSERT on the primary key: of two enrolments racing on two replicas exactly one succeeds.
        """
        now = time.time() if now is None else now
        try:
            with self.engine.begin() as c:
                c.execute(t.agent_tokens.insert().values(agent_id=agent_id, token_hash=token_hash, created_at=now))
        except IntegrityError:
            return False
        return True

    def reset_agent(self, agent_id: str) -> bool:
        """Forget the agent's token, heartbeat state (seq, address) and facts; False when nothing was known."""
        with self.engine.begin() as c:
            forgotten = [c.execute(delete(table).where(table.c.agent_id == agent_id).returning(table.c.agent_id))
                         .first() is not None for table in (t.agent_tokens, t.agent_facts, t.agents)]
        return any(forgotten)

    # -- service discovery allowances -----------------------------------------------------------------
    def sd_allowed(self) -> list[tuple[str, str, float]]:
        """(cidr, reason, created_at) of every range an admin allowed beyond the topology's."""
        a = t.sd_allowed
        with self.engine.connect() as c:
            return [(r[0], r[1], r[2]) for r in c.execute(select(a.c.cidr, a.c.reason, a.c.created_at)
                                                          .order_by(a.c.cidr))]

    def allow_sd(self, cidr: str, reason: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        a = t.sd_allowed
        stmt = self._insert(a).values(cidr=cidr, reason=reason, created_at=now)
        stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=[a.c.cidr], set_={"reason": stmt.excluded.reason})  # type: ignore[attr-defined]
        with self.engine.begin() as c:
            c.execute(stmt)

    def disallow_sd(self, cidr: str) -> bool:
        a = t.sd_allowed
        with self.engine.begin() as c:
            return c.execute(delete(a).where(a.c.cidr == cidr).returning(a.c.cidr)).first() is not None

    def agent_token_hash(self, agent_id: str) -> str | None:
        k = t.agent_tokens
        with self.engine.connect() as c:
            return c.execute(select(k.c.token_hash).where(k.c.agent_id == agent_id)).scalar_one_or_none()

    # -- audits ----------------------------------------------------------------------------------------
    def add_audit(self, report: AuditReport, now: float | None = None) -> int:
        now = time.time() if now is None else now
        document = report.model_dump(mode="json")
        s = report.summary
        with self.engine.begin() as c:
            audit_id = int(c.execute(t.audits.insert().values(
                received_at=now, tool_name=report.tool.name, tool_version=report.tool.version,
                standard=report.standard, high=s.high, medium=s.medium, low=s.low, waived=s.waived,
                findings=len(report.findings), document=_dumps(document),
            ).returning(t.audits.c.id)).scalar_one())
            rows = [{"audit_id": audit_id, "idx": i, "rule_id": f["rule_id"], "severity": f["severity"],
                     "source": f["target"]["source"], "target_id": f["target"]["id"],
                     "clauses": "," + ",".join(f["clauses"]) + ",", "waived": bool(f["waived"]),
                     "document": _dumps(f)} for i, f in enumerate(document["findings"])]
            if rows:
                c.execute(t.findings.insert(), rows)
        return audit_id

    def audits(self, limit: int, offset: int) -> list[dict[str, Any]]:
        a = t.audits
        cols = [a.c.id, a.c.received_at, a.c.tool_name, a.c.tool_version, a.c.standard, a.c.high, a.c.medium,
                a.c.low, a.c.waived, a.c.findings]
        with self.engine.connect() as c:
            rows = c.execute(select(*cols).order_by(a.c.id.desc()).limit(limit).offset(offset)).all()
        return [{"id": r[0], "received_at": r[1], "tool": {"name": r[2], "version": r[3]}, "standard": r[4],
                 "high": r[5], "medium": r[6], "low": r[7], "waived": r[8], "findings": r[9]} for r in rows]

    def latest_audit_id(self) -> int | None:
        with self.engine.connect() as c:
            return c.execute(select(func.max(t.audits.c.id))).scalar_one_or_none()

    def audit_exists(self, audit_id: int) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(t.audits.c.id).where(t.audits.c.id == audit_id)).first() is not None

    def audit_document(self, audit_id: int) -> str | None:
        with self.engine.connect() as c:
            return c.execute(select(t.audits.c.document).where(t.audits.c.id == audit_id)).scalar_one_or_none()

    def findings(self, audit_id: int, severity: Sequence[str] = (), clause: str | None = None,
                 source: Sequence[str] = (), limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        f = t.findings
        stmt = select(f.c.idx, f.c.document).where(f.c.audit_id == audit_id).order_by(f.c.idx)
        if severity:
            stmt = stmt.where(f.c.severity.in_(list(severity)))
        if source:
            stmt = stmt.where(f.c.source.in_(list(source)))
        if clause:
            stmt = stmt.where(f.c.clauses.contains(f",{clause},", autoescape=True))
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.engine.connect() as c:
            return [{**json.loads(doc), "audit_id": audit_id, "index": idx} for idx, doc in c.execute(stmt)]
