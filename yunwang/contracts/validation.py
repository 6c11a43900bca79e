"""Pydantic models built from the contracts' dataclasses, for the side that receives a document (the monitor).

A receiver checks what arrives without changing it. ``open_model(Contract)`` has the dataclass's fields, and:
- a field that is present must have the contract's type, strictly (no coercion: ``"22"`` is not a port number);
- a field may be absent, at every level (an older or newer producer still gets through; the reader of the
  stored document decides what a missing fact means), except the names given as ``required``;
- unknown fields are kept (a newer producer's additions);
- dumping gives back exactly the keys that were sent, with no defaults added: what is stored is what was written.

Only receivers import this module (and so pydantic); producers use the dataclasses alone.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model


class AsSent(BaseModel):
    """Base of the generated models: open, strict, and dumped as sent (``exclude_unset`` unless told otherwise:
    an absent field holds a placeholder that is never written out)."""

    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("exclude_unset", True)
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("exclude_unset", True)
        return super().model_dump_json(**kwargs)


def _no_default(schema: dict[str, Any]) -> None:
    """An absent field has no default: the placeholder None is not part of the contract (OpenAPI)."""
    schema.pop("default", None)


def _open(kind: Any) -> Any:
    """The type to validate with: contract dataclasses (also inside list and dict) become open models."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return open_model(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (list, dict):
        return types.GenericAlias(origin, tuple(_open(arg) for arg in args))
    return kind


@functools.cache
def open_model(contract: type, required: frozenset[str] = frozenset()) -> type[AsSent]:
    """The model for one contract dataclass (cached: a nested contract class maps to one model)."""
    hints = typing.get_type_hints(contract)
    fields: dict[str, Any] = {}
    for item in dataclasses.fields(contract):
        # A field named like a BaseModel attribute (``schema``) gets a Python name of its own and keeps its key.
        name = f"{item.name}_" if hasattr(BaseModel, item.name) else item.name
        description = item.metadata.get("description")
        if item.name in required:
            info = Field(alias=item.name, description=description)
        else:
            info = Field(None, alias=item.name, description=description, json_schema_extra=_no_default)
        fields[name] = (_open(hints[item.name]), info)
    return create_model(contract.__name__, __base__=AsSent, __doc__=contract.__doc__, **fields)
