"""The MLPS level-3 technical controls (clause ids, titles, automatable sources) shipped with the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

STANDARD_FILE = "mlps2-level3-technical.yaml"
INDEX_FILE = "mlps2-level3-technical.json"
DATA = Path(__file__).resolve().parent / "data"
"""Package data folder (a plain path: importlib.resources costs more to import than the file costs to read)."""


@dataclass(frozen=True)
class Control:
    """One clause item of GB/T 22239-2019 level 3 (paraphrased requirement, where evidence can come from)."""

    id: str
    layer: str
    control_zh: str
    control_en: str
    requirement: str
    automatable: tuple[str, ...]
    also: tuple[str, ...]

    @property
    def process_only(self) -> bool:
        return self.automatable == ("process-only",)

    @property
    def citation(self) -> str:
        """The clause as the standard writes it (see :func:`cite`)."""
        return cite(self.id)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    """The JSON index of the packaged standard file.

    Every audit reports every clause, so this runs at each start: JSON loads in well under a millisecond where the
    65 KB YAML costs tens of milliseconds. ``python -m policies.controls`` rewrites the index from the YAML; a
    test checks they agree.
    """
    index: dict[str, Any] = json.loads((DATA / INDEX_FILE).read_text(encoding="utf-8"))
    return index


@lru_cache(maxsize=1)
def load_controls() -> tuple[Control, ...]:
    """Controls in document order."""
    return tuple(Control(**{**c, "automatable": tuple(c["automatable"]), "also": tuple(c["also"])})
                 for c in _index()["controls"])


@lru_cache(maxsize=1)
def single_item_clauses() -> frozenset[str]:
    """Clauses whose control point has one requirement: the standard gives them no item letter."""
    return frozenset(_index().get("single_item_clauses", ()))


@lru_cache(maxsize=512)
def cite(clause_id: str) -> str:
    """A clause id as the standard writes it: ``8.1.4.1-a`` → ``8.1.4.1 a)``; ``8.2.1.1-a`` → ``8.2.1.1`` (a
    control point with a single requirement has no item letter). Ids keep their ``-a`` form in JSON (stable);
    reports print this."""
    clause, dash, item = clause_id.partition("-")
    if not dash or not item:
        return clause_id
    return clause if clause in single_item_clauses() else f"{clause} {item})"


def _parse_standard(text: str) -> dict[str, Any]:
    import yaml

    doc: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return doc


def controls_from_standard(text: str) -> list[dict[str, Any]]:
    """The fields reports need of each control of the standard file (YAML text), in document order."""
    return [{"id": str(c["id"]), "layer": str(c.get("layer", "")), "control_zh": str(c.get("control_zh", "")),
             "control_en": str(c.get("control_en", "")), "requirement": str(c.get("requirement", "")),
             "automatable": list(_as_tuple(c.get("automatable"))), "also": list(_as_tuple(c.get("also")))}
            for c in _parse_standard(text)["controls"]]


def index_text(standard_text: str) -> str:
    """The JSON index written next to the standard file: the clauses cited without an item letter, then one
    control a line (diffable)."""
    single = json.dumps([str(c) for c in _parse_standard(standard_text).get("single_item_clauses") or []])
    rows = ",\n".join(json.dumps(c, ensure_ascii=False) for c in controls_from_standard(standard_text))
    return f'{{"generated_from": "{STANDARD_FILE}", "single_item_clauses": {single}, "controls": [\n{rows}\n]}}\n'


def control_by_id() -> dict[str, Control]:
    return {c.id: c for c in load_controls()}


def main() -> None:
    """Rewrite the JSON index from the packaged standard file (run after updating the YAML)."""
    text = index_text((DATA / STANDARD_FILE).read_text(encoding="utf-8"))
    target = DATA / INDEX_FILE
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
