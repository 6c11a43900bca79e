"""The plan runs in a process where asyncio.run() already ran (agents, tests and `yunwang up` do that)."""

from __future__ import annotations

import asyncio

from infra.plan import run_program


def test_plan_after_an_earlier_event_loop_closed() -> None:
    asyncio.run(asyncio.sleep(0))  # leaves the main thread with no current event loop
    result = run_program("dev")
    assert len(result.registrations) > 100
