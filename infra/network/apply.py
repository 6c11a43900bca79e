"""Push remediations: plan from what the devices run, confirm, then per device push, verify, save or roll back.

Per device, in one session:

1. read the running configuration again; if it is not the one the plan was made from (fingerprint), plan that
   device again and go on only if the new plan is confirmed — never push a stale plan over someone's change;
2. type the remediation in configuration mode, stopping at the first rejected line;
3. read the running configuration and compute the remediation again: it must be empty (the intent holds);
4. only then save. A rejected line or a failed verification rolls the device back to its pre-apply snapshot
   (which was never saved over, so a reboot would restore it too) and marks it failed.

Devices run concurrently (bounded). Once ``stop`` is set (Ctrl-C) no further device starts; those in progress
finish their apply or their rollback.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from infra.network.access import Access
from infra.network.backup import strip_volatile
from infra.network.collect import bounded
from infra.network.remediation import Remediation, RemediationError, remediate, rollback_commands
from infra.network.render import FAMILIES, Rendered
from infra.network.secrets import mask
from infra.network.transport import CommandRejected, Transport, TransportError
from yunwang.topology import Device

Status = Literal["unchanged", "applied", "failed", "refused", "not-started"]
Reconfirm = Callable[["DevicePlan", Remediation], Awaitable[bool]]


def fingerprint(text: str, device: Device) -> str:
    """What identifies a running configuration (volatile lines aside: a timestamp is not a change)."""
    return hashlib.sha256(strip_volatile(text, device.vendor).encode("utf-8")).hexdigest()


@dataclass
class DevicePlan:
    device: Device
    intended: str
    """The intent, masked (what is compared and shown)."""
    pushed: str = field(repr=False)
    """The intent with real secret values (what is sent); never shown."""
    running: str | None = field(default=None, repr=False)
    remediation: Remediation | None = None
    error: str | None = None

    @property
    def fingerprint(self) -> str:
        assert self.running is not None
        return fingerprint(self.running, self.device)

    @property
    def changes(self) -> bool:
        return self.remediation is not None and not self.remediation.empty

    def replan(self, running: str) -> Remediation:
        return remediate(self.device.vendor, running, self.intended, self.pushed, device=self.device.name,
                         rollback=False)


@dataclass
class Outcome:
    device: str
    status: Status
    detail: str = ""
    sent: int = 0
    rolled_back: bool | None = None
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per phase: connect, read, push, verify, save, rollback."""


async def plan_one(access: Access, intended: Rendered, pushed: Rendered) -> DevicePlan:
    device = intended.device
    plan = DevicePlan(device, intended.text, pushed.text)
    try:
        async with access.open(device.name) as session:
            plan.running = await session.running_config()
        plan.remediation = plan.replan(plan.running)
    except (TransportError, RemediationError) as exc:
        plan.error = exc.reason if isinstance(exc, TransportError) else str(exc)
    return plan


async def plan_devices(access: Access, intended: Sequence[Rendered], pushed: Sequence[Rendered], concurrency: int,
                       done: Callable[[DevicePlan], None] | None = None) -> list[DevicePlan]:
    pairs = list(zip(intended, pushed, strict=True))
    results = await bounded(pairs, lambda p: plan_one(access, p[0], p[1]), concurrency, done)
    return [r for r in results if r is not None]


class _Clock:
    """Per-phase timings of one device, and the snapshot taken before anything was sent."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.last = time.perf_counter()
        self.snapshot: str | None = None

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


async def rollback(session: Transport, plan: DevicePlan, snapshot: str, clock: _Clock) -> tuple[bool, str]:
    """Take the device back to ``snapshot`` (its pre-apply configuration); (restored?, what happened)."""
    device = plan.device
    try:
        current = await session.running_config()
        commands = rollback_commands(device.vendor, current, snapshot, device=device.name)
        if commands:
            await session.configure(commands)
        check = await session.running_config()
        left = remediate(device.vendor, check, mask(snapshot, FAMILIES[device.vendor].secret_patterns),
                         device=device.name, rollback=False)
    except (TransportError, RemediationError) as exc:
        clock.lap("rollback")
        reason = exc.reason if isinstance(exc, TransportError) else str(exc)
        return False, f"rollback failed ({reason}); not saved: the startup configuration is the pre-apply one"
    clock.lap("rollback")
    if left.empty:
        return True, "rolled back to its pre-apply configuration"
    return False, f"rollback incomplete ({len(left.changes)} lines differ from the pre-apply configuration); not saved"


async def apply_one(access: Access, plan: DevicePlan, reconfirm: Reconfirm | None, *, fresh: bool = False,
                    show: Callable[[DevicePlan], None] | None = None) -> Outcome:
    """Apply one device's plan; ``fresh``: the plan is made here, in the same session, just before the push."""
    name = plan.device.name
    if not fresh and plan.error is not None:
        return Outcome(name, "failed", plan.error)
    if not fresh and not plan.changes:
        return Outcome(name, "unchanged", "already matches its intent")
    clock = _Clock()
    try:
        async with access.open(name) as session:
            clock.lap("connect")
            return await _apply_in(session, plan, reconfirm, clock, fresh, show)
    except (TransportError, RemediationError) as exc:
        reason = exc.reason if isinstance(exc, TransportError) else str(exc)
        if clock.snapshot is None:
            plan.error = plan.error or reason
            return Outcome(name, "failed", reason, timings=clock.timings)
        lost = reason
    try:  # the session broke while changing the device: a new one takes it back
        async with access.open(name) as session:
            restored, what = await rollback(session, plan, clock.snapshot, clock)
    except TransportError as exc:
        restored, what = False, f"no rollback ({exc.reason}); not saved: the startup configuration is the pre-apply one"
    return Outcome(name, "failed", f"{lost}; {what}", rolled_back=restored, timings=clock.timings)


async def _apply_in(session: Transport, plan: DevicePlan, reconfirm: Reconfirm | None, clock: _Clock, fresh: bool,
                    show: Callable[[DevicePlan], None] | None) -> Outcome:
    name, device = plan.device.name, plan.device
    snapshot = await session.running_config()
    clock.lap("read")
    if fresh:
        plan.running = snapshot
        plan.remediation = plan.replan(snapshot)
        clock.lap("plan")
        if show is not None:
            show(plan)
        if not plan.changes:
            return Outcome(name, "unchanged", "already matches its intent", timings=clock.timings)
    remediation = plan.remediation
    assert remediation is not None
    if not fresh and fingerprint(snapshot, device) != plan.fingerprint:
        remediation = plan.replan(snapshot)
        if remediation.empty:
            return Outcome(name, "unchanged", "changed since the plan, and now matches its intent",
                           timings=clock.timings)
        if reconfirm is None or not await reconfirm(plan, remediation):
            return Outcome(name, "refused", "its running configuration changed since the plan; nothing sent "
                           "(run net diff / net apply again to see the new plan)", timings=clock.timings)
        clock.lap("read")
    sent = len(remediation.commands)
    clock.snapshot = snapshot
    try:
        await session.configure(remediation.commands)
    except CommandRejected as exc:
        clock.lap("push")
        restored, what = await rollback(session, plan, snapshot, clock)
        return Outcome(name, "failed", f"{exc.reason} (after {exc.applied} lines); {what}", exc.applied, restored,
                       clock.timings)
    clock.lap("push")
    after = await session.running_config()
    left = remediate(device.vendor, after, plan.intended, device=name, rollback=False)
    clock.lap("verify")
    if not left.empty:
        restored, what = await rollback(session, plan, snapshot, clock)
        return Outcome(name, "failed", f"verification failed: {len(left.changes)} lines still differ after the push "
                       f"(first: {left.changes[0].line.strip()!r}); {what}", sent, restored, clock.timings)
    await session.save()
    clock.lap("save")
    return Outcome(name, "applied", f"{len(remediation.changes)} changes applied, verified and saved", sent,
                   timings=clock.timings)


async def apply_plans(access: Access, plans: Sequence[DevicePlan], concurrency: int, *,
                      reconfirm: Reconfirm | None = None, stop: asyncio.Event | None = None,
                      done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Apply every plan (bounded); after ``stop`` is set no new device starts (they come back ``not-started``)."""
    results = await bounded(list(plans), lambda p: apply_one(access, p, reconfirm), concurrency, done, stop)
    return [r if r is not None else Outcome(p.device.name, "not-started", "interrupted before it started")
            for p, r in zip(plans, results, strict=True)]


def outcome_report(outcomes: Sequence[Outcome], clock: dict[str, float]) -> dict[str, Any]:
    """``net apply --report``: per device what happened and where its time went; the command's own phases."""
    phases = {"render_s": clock["rendered"] - clock["start"], "plan_s": clock["planned"] - clock["rendered"],
              "apply_s": clock["applied"] - clock["planned"]}
    return {"phases": {k: round(v, 3) for k, v in phases.items()},
            "devices": [{"device": o.device, "status": o.status, "detail": o.detail, "sent": o.sent,
                         "rolled_back": o.rolled_back, "timings": {k: round(v, 4) for k, v in o.timings.items()}}
                        for o in outcomes]}


async def plan_and_apply(access: Access, intended: Sequence[Rendered], pushed: Sequence[Rendered], concurrency: int,
                         *, stop: asyncio.Event | None = None, done: Callable[[Outcome], None] | None = None,
                         show: Callable[[DevicePlan], None] | None = None) -> tuple[list[DevicePlan], list[Outcome]]:
    """Without a confirmation to wait for (``--yes``): each device read, planned (``show`` prints its plan) and
    applied in one session — nothing can change between the plan and the push, so nothing is re-read for it."""
    plans = [DevicePlan(i.device, i.text, p.text) for i, p in zip(intended, pushed, strict=True)]
    results = await bounded(plans, lambda p: apply_one(access, p, None, fresh=True, show=show), concurrency, done,
                            stop)
    return plans, [r if r is not None else Outcome(p.device.name, "not-started", "interrupted before it started")
                   for p, r in zip(plans, results, strict=True)]
