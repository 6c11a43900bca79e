"""Small builders for Grafana dashboard JSON (schema 39), so each dashboard reads as a list of queries.

Every panel queries the Prometheus data source chosen by the dashboard's ``datasource`` variable, so the
same files work with whatever uid an installation gives its Prometheus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_WIDTH = 24

Json = dict[str, Any]


@dataclass
class Query:
    expr: str
    legend: str = ""
    instant: bool = False

    def target(self, ref: str) -> Json:
        target: Json = {"refId": ref, "datasource": DATASOURCE, "expr": self.expr, "legendFormat": self.legend}
        if self.instant:
            target.update(instant=True, range=False, format="table")
        return target


@dataclass
class Panel:
    """One panel: a Grafana visualisation ``kind`` with its queries; width/height in grid units."""

    title: str
    kind: str
    queries: list[Query]
    unit: str = "short"
    width: int = 8
    height: int = 8
    description: str = ""
    mappings: list[Json] = field(default_factory=list)
    thresholds: list[tuple[float | None, str]] = field(default_factory=lambda: [(None, "green")])
    options: Json = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None

    def to_json(self, panel_id: int, x: int, y: int) -> Json:
        defaults: Json = {
            "unit": self.unit,
            "mappings": self.mappings,
            "thresholds": {"mode": "absolute",
                           "steps": [{"value": value, "color": color} for value, color in self.thresholds]},
        }
        if self.minimum is not None:
            defaults["min"] = self.minimum
        if self.maximum is not None:
            defaults["max"] = self.maximum
        return {
            "id": panel_id,
            "type": self.kind,
            "title": self.title,
            "description": self.description,
            "datasource": DATASOURCE,
            "gridPos": {"h": self.height, "w": self.width, "x": x, "y": y},
            "targets": [q.target(chr(ord("A") + i)) for i, q in enumerate(self.queries)],
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": self.options,
        }


def stat(title: str, expr: str, unit: str = "short", **kw: Any) -> Panel:
    return Panel(title, "stat", [Query(expr)], unit=unit, width=kw.pop("width", 4), height=kw.pop("height", 4),
                 options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                          "colorMode": "background", "graphMode": "none"}, **kw)


def timeseries(title: str, *queries: Query, unit: str = "short", **kw: Any) -> Panel:
    return Panel(title, "timeseries", list(queries), unit=unit,
                 options={"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                          "tooltip": {"mode": "multi", "sort": "desc"}}, **kw)


def table(title: str, *queries: Query, unit: str = "short", **kw: Any) -> Panel:
    for query in queries:
        query.instant = True
    return Panel(title, "table", list(queries), unit=unit,
                 options={"showHeader": True, "cellHeight": "sm"}, **kw)


def bargauge(title: str, query: Query, unit: str = "short", **kw: Any) -> Panel:
    return Panel(title, "bargauge", [query], unit=unit,
                 options={"orientation": "horizontal", "displayMode": "gradient",
                          "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}, **kw)


def state_timeline(title: str, query: Query, mappings: list[Json], **kw: Any) -> Panel:
    return Panel(title, "state-timeline", [query], mappings=mappings,
                 options={"showValue": "never", "mergeValues": True, "rowHeight": 0.8}, **kw)


def value_map(values: dict[str, tuple[str, str]]) -> list[Json]:
    """Grafana value mappings: raw value → (display text, colour)."""
    return [{"type": "value", "options": {raw: {"text": text, "color": color, "index": i}
                                          for i, (raw, (text, color)) in enumerate(values.items())}}]


def query_variable(name: str, label: str, query: str, *, include_all: bool = False, multi: bool = False) -> Json:
    """A template variable filled from ``label_values(...)`` of the chosen data source."""
    return {
        "name": name, "label": label, "type": "query", "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-values"}, "definition": query,
        "refresh": 2, "sort": 1, "includeAll": include_all, "multi": multi,
        "current": {}, "options": [], "hide": 0,
    }


DATASOURCE_VARIABLE: Json = {
    "name": "datasource", "label": "Prometheus · 数据源", "type": "datasource", "query": "prometheus",
    "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": [],
}


def layout(panels: list[Panel]) -> list[Json]:
    """Place panels left to right, wrapping at the grid width; each row is as tall as its tallest panel."""
    out: list[Json] = []
    x = y = row_height = 0
    for index, panel in enumerate(panels, start=1):
        if x + panel.width > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        out.append(panel.to_json(index, x, y))
        x += panel.width
        row_height = max(row_height, panel.height)
    return out


def dashboard(uid: str, title: str, panels: list[Panel], variables: list[Json], description: str) -> Json:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["yunwang", "云网"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": ["yunwang"], "asDropdown": True, "title": "yunwang · 云网"}],
        "templating": {"list": [DATASOURCE_VARIABLE, *variables]},
        "panels": layout(panels),
    }
