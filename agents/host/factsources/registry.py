"""Fact readers register here, each for the section of the host-facts document it fills (one per section)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from agents.host.factsources.context import FactContext
from yunwang.contracts.host_facts import SECTIONS

Reader = Callable[[FactContext], Any]
ReaderT = TypeVar("ReaderT", bound=Reader)
READERS: dict[str, Reader] = {}


def fact_source(section: str) -> Callable[[ReaderT], ReaderT]:
    """Decorator: ``read(ctx)`` returns the value of the section ``section`` (a field of the contract's HostFacts)."""
    if section not in SECTIONS:
        raise ValueError(f"{section!r} is not a section of the host facts contract ({', '.join(SECTIONS)})")

    def register(read: ReaderT) -> ReaderT:
        known = READERS.get(section)
        if known is not None and (known.__module__, known.__qualname__) != (read.__module__, read.__qualname__):
            raise ValueError(f"section {section!r} is read by {known.__module__}.{known.__qualname__} already; "
                             f"{read.__module__}.{read.__qualname__} cannot read it too")
        READERS[section] = read
        return read

    return register
