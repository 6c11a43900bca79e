"""Read running configurations over SSH, many devices at once (bounded), each failure kept with its device."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from infra.network.access import Access
from infra.network.transport import TransportError

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Collected:
    """One device's running configuration as it printed it, or why it could not be read."""

    device: str
    text: str | None
    collected_at: dt.datetime | None
    error: str | None = None
    """Why there is no text (unreachable, login refused, no backup file …)."""

    @property
    def ok(self) -> bool:
        return self.text is not None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


async def bounded(items: Sequence[T], work: Callable[[T], Awaitable[R]], concurrency: int,
                  done: Callable[[R], None] | None = None, stop: asyncio.Event | None = None) -> list[R | None]:
    """``work`` on every item, at most ``concurrency`` at once, results in item order.

    Once ``stop`` is set no further item starts (its result stays None); items already running finish.
    """
    gate = asyncio.Semaphore(max(1, concurrency))
    results: list[R | None] = [None] * len(items)

    async def one(i: int, item: T) -> None:
        async with gate:
            if stop is not None and stop.is_set():
                return
            results[i] = await work(item)
            if done is not None:
                done(results[i])  # type: ignore[arg-type]

    await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
    return results


async def collect_one(access: Access, device: str) -> Collected:
    try:
        async with access.open(device) as session:
            text = await session.running_config()
    except TransportError as exc:
        return Collected(device, None, now(), exc.reason)
    return Collected(device, text, now())


async def collect(access: Access, devices: Sequence[str], concurrency: int = 20,
                  done: Callable[[Collected], None] | None = None) -> list[Collected]:
    results = await bounded(devices, lambda d: collect_one(access, d), concurrency, done)
    return [r for r in results if r is not None]
