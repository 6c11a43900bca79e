"""Find the metric names a PromQL expression reads, without a full PromQL parser.

Used to check that every name in our dashboards and rules is one some component really exports: a renamed
metric otherwise turns a panel silently empty and an alert silently mute. Syntax itself is left to promtool.
"""

from __future__ import annotations

import re

AGGREGATIONS = frozenset({"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                          "bottomk", "topk", "quantile", "limitk", "limit_ratio"})
KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                      "unless", "offset", "atan2", "inf", "nan", "start", "end"})
_LABEL_LIST_KEYWORDS = ("by", "without", "on", "ignoring", "group_left", "group_right")

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+|\[\[\w+\]\]")
_BRACES = re.compile(r"\{[^{}]*\}")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_LABEL_LIST = re.compile(r"\b(?:" + "|".join(_LABEL_LIST_KEYWORDS) + r")\s*\([^()]*\)")
_NUMBER = re.compile(r"(?<![\w:])(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?[a-zA-Z]*|\.\d+(?:[eE][+-]?\d+)?)")
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr: str) -> set[str]:
    """Metric names in ``expr``: identifiers that are not functions, aggregations, keywords or label names.

    Grafana variables (``$region``, ``${__rate_interval}``) are ignored; a selector written only as
    ``{__name__="x"}`` yields ``x``.
    """
    names = {m.group(1) for m in re.finditer(r'__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"', expr)}
    text = _STRING.sub('""', expr)
    text = _VARIABLE.sub("0", text)
    text = _BRACES.sub(" ", text)       # label matchers
    text = _BRACKETS.sub(" ", text)     # ranges and subqueries: [5m], [1h:1m]
    text = _LABEL_LIST.sub(" ", text)   # by (...), on (...), group_left (...)
    text = _NUMBER.sub(" ", text)       # numbers and durations (1e6, 5m, 0.8)
    for match in _IDENTIFIER.finditer(text):
        word = match.group(0)
        rest = text[match.end():].lstrip()
        if rest.startswith("("):
            continue  # a function or aggregation call
        if word in KEYWORDS or word in AGGREGATIONS:
            continue  # aggregation followed by `by (...)`/`without (...)` before its parenthesis
        names.add(word)
    return names


def label_values_metric(query: str) -> str | None:
    """The series selector of a Grafana ``label_values(selector, label)`` variable query, if there is one."""
    match = re.match(r"\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", query, re.S)
    return match.group(1) if match else None
