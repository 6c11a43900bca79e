"""Secret config values as the components take them: secret Outputs in a program, plain values in tests.

Components compute their manifests with pure functions, so the same code must accept a ``pulumi.Output``
(which keeps the value secret all the way to the provider) and, in tests, the plain value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeVar

import pulumi

T = TypeVar("T")
U = TypeVar("U")

Secret: TypeAlias = pulumi.Output[T] | T
"""A secret config value: a secret ``pulumi.Output`` in a program, the plain value in tests."""


def secret_value(source: Secret[T] | None, transform: Callable[[T], U]) -> Secret[U] | None:
    """``transform(source)``: on a Pulumi Output (stays secret), on a plain value (tests), None stays None."""
    if source is None:
        return None
    if isinstance(source, pulumi.Output):
        return source.apply(transform)
    return transform(source)
