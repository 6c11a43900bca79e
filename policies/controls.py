"""The MLPS level-3 technical controls (clause ids, titles, automatable sources) shipped with the package."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

STANDARD_FILE = "mlps2-level3-technical.yaml"


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


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@lru_cache(maxsize=1)
def load_controls() -> tuple[Control, ...]:
    """Controls in document order, read once from the copy of the standard file inside the package."""
    text = resources.files("policies.data").joinpath(STANDARD_FILE).read_text(encoding="utf-8")
    doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(
        Control(id=str(c["id"]), layer=str(c.get("layer", "")), control_zh=str(c.get("control_zh", "")),
                control_en=str(c.get("control_en", "")), requirement=str(c.get("requirement", "")),
                automatable=_as_tuple(c.get("automatable")), also=_as_tuple(c.get("also")))
        for c in doc["controls"])


def control_by_id() -> dict[str, Control]:
    return {c.id: c for c in load_controls()}
