"""The agents' event loop: uvloop when it is installed (it is a dependency on Linux), asyncio's own otherwise.

WHY: an SNMP poll is ~75 request/response exchanges per device, each a datagram, a timer and a future; uvloop
does that bookkeeping in C, which measurably lowers the CPU per device (docs/performance.md, SNMP polling).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop when available."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
