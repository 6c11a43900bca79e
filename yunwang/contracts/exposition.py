"""The Prometheus text exposition format, where every exporter of the project must write it the same way."""

from __future__ import annotations

from collections.abc import Mapping


def escape_label_value(value: str) -> str:
    """A label value as the text format needs it: backslash, double quote and newline escaped.

    Most values need no escaping, so they are returned as they are without building new strings (exporters call
    this for every label of every series they write).
    """
    if "\\" in value or '"' in value or "\n" in value:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return value


def label_set(labels: Mapping[str, str]) -> str:
    """``{name="value",…}`` in the mapping's order, values escaped."""
    return "{" + ",".join(f'{name}="{escape_label_value(value)}"' for name, value in labels.items()) + "}"
