"""The latest configuration-drift report of each network device: written by drift reports, read by /metrics,
the overview and the drift API. One row a device; a report replaces the row, in one transaction a report.

A failed collection only records its error: the last good figures stay, with their collection time, so a
device that cannot be reached keeps showing how far it had drifted and since when nobody has looked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from monitor import tables as t


@dataclass(frozen=True)
class DriftRow:
    device: str
    region: str
    drift_lines: int | None
    """Remediation lines between the running configuration and the intent; None until a collection succeeded."""
    collected_at: float | None
    remediation: str
    reported_at: float
    error: str | None

    @property
    def drifted(self) -> bool:
        return bool(self.drift_lines)


class DriftStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def record(self, rows: Sequence[DriftRow]) -> None:
        """Store a report's rows; a row with an ``error`` keeps the device's previous figures."""
        d = t.device_drift
        with self.engine.begin() as c:
            for row in rows:
                values = {"device": row.device, "region": row.region, "drift_lines": row.drift_lines,
                          "collected_at": row.collected_at, "remediation": row.remediation,
                          "reported_at": row.reported_at, "error": row.error}
                stmt = self._insert(d).values(values)
                excluded = stmt.excluded  # type: ignore[attr-defined]
                kept = ("region", "reported_at", "error") if row.error is not None else tuple(values)[1:]
                c.execute(stmt.on_conflict_do_update(  # type: ignore[attr-defined]
                    index_elements=[d.c.device], set_={name: getattr(excluded, name) for name in kept}))

    def rows(self) -> list[DriftRow]:
        """Every device reported so far, by region and name."""
        d = t.device_drift
        with self.engine.connect() as c:
            return [DriftRow(*r) for r in c.execute(select(*self._columns()).order_by(d.c.region, d.c.device))]

    def row(self, device: str) -> DriftRow | None:
        with self.engine.connect() as c:
            found = c.execute(select(*self._columns()).where(t.device_drift.c.device == device)).first()
        return None if found is None else DriftRow(*found)

    @staticmethod
    def _columns() -> list[Column[Any]]:
        d = t.device_drift.c
        return [d.device, d.region, d.drift_lines, d.collected_at, d.remediation, d.reported_at, d.error]
