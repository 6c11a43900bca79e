"""Maintenance windows as Alertmanager silences (its v2 API), for one device, site or region of the topology.

A silence matches one label exactly (``device``, ``site`` or ``region``); posted to any member of the HA group
it gossips to the others and survives their restarts. Only silences of that shape are listed here, so silences
made by hand in Alertmanager's UI for other purposes are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import httpx

from monitor.alerting.payload import Scope, Silence, SilenceRequest
from yunwang.topology import Topology

SCOPES: tuple[str, ...] = get_args(Scope)


class AlertmanagerUnavailable(Exception):
    """Alertmanager is not configured, cannot be reached, or refused the request: say which."""

    def __init__(self, status: int, message: str):
        self.status, self.message = status, message
        super().__init__(message)


def known_names(topo: Topology, scope: str) -> set[str]:
    if scope == "device":
        return set(topo.device_by_name)
    if scope == "site":
        return {d.site for d in topo.devices if d.site}
    return set(topo.region_by_name)


def unknown_name_hint(topo: Topology, scope: str) -> str:
    names = sorted(known_names(topo, scope))
    shown = ", ".join(names[:10]) + (f" … ({len(names)} in all)" if len(names) > 10 else "")
    return f"unknown {scope}; known: {shown or '(none)'}"


def window(request: SilenceRequest, now: datetime | None = None) -> tuple[datetime, datetime]:
    starts = request.starts_at or now or datetime.now(UTC)
    return starts, starts + timedelta(minutes=request.duration_minutes)


def _view(raw: dict[str, Any]) -> Silence | None:
    matchers = raw.get("matchers") or []
    if len(matchers) != 1:
        return None
    m = matchers[0]
    if m.get("name") not in SCOPES or m.get("isRegex") or not m.get("isEqual", True):
        return None
    return Silence(id=raw["id"], scope=m["name"], name=m["value"], state=raw["status"]["state"],
                   starts_at=raw["startsAt"], ends_at=raw["endsAt"], created_by=raw.get("createdBy", ""),
                   comment=raw.get("comment", ""))


@dataclass
class Silences:
    alertmanager_url: str | None
    timeout_s: float = 5.0

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.alertmanager_url:
            raise AlertmanagerUnavailable(503, "no Alertmanager configured: start the monitor with --alertmanager URL")
        url = self.alertmanager_url.rstrip("/") + path
        try:
            response = httpx.request(method, url, timeout=self.timeout_s, **kwargs)
        except httpx.HTTPError as exc:
            raise AlertmanagerUnavailable(502, f"Alertmanager at {self.alertmanager_url} did not answer "
                                               f"({type(exc).__name__})") from None
        if response.status_code >= 400:
            status = 404 if response.status_code == 404 else 502
            raise AlertmanagerUnavailable(status, f"Alertmanager refused the request: HTTP {response.status_code} "
                                                  f"{response.text[:300].strip()}")
        return response

    def create(self, request: SilenceRequest, now: datetime | None = None) -> str:
        starts, ends = window(request, now)
        body = {"matchers": [{"name": request.scope, "value": request.name, "isRegex": False, "isEqual": True}],
                "startsAt": starts.isoformat(), "endsAt": ends.isoformat(),
                "createdBy": request.created_by, "comment": request.comment}
        return str(self._call("POST", "/api/v2/silences", json=body).json()["silenceID"])

    def list(self, scope: str | None = None, name: str | None = None,
             states: tuple[str, ...] = ("active", "pending")) -> list[Silence]:
        params = {}
        if scope is not None and name is not None:
            escaped = name.replace("\\", "\\\\").replace('"', '\\"')
            params["filter"] = f'{scope}="{escaped}"'
        found = [_view(raw) for raw in self._call("GET", "/api/v2/silences", params=params).json()]
        return sorted((s for s in found if s is not None and s.state in states
                       and (scope is None or s.scope == scope) and (name is None or s.name == name)),
                      key=lambda s: (s.starts_at, s.id))

    def expire(self, silence_id: str) -> None:
        self._call("DELETE", f"/api/v2/silence/{silence_id}")
