"""Prometheus text-format helpers shared by the host and SNMP agents."""

from __future__ import annotations


def escape_label_value(value: str) -> str:
    """A label value as the text format needs it (backslash, double quote and newline escaped)."""
    if "\\" in value or '"' in value or "\n" in value:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return value
