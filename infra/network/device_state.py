"""One device as the ``DeviceConfig`` provider sees it: its intent, its running configuration, the apply.

The provider's inputs name the device, the stack's topology file and its SSH address; everything else is derived
here, at run time, on the machine running Pulumi: the intent is rendered from the topology (masked for comparing,
with real secrets from the environment only for a push), the running configuration is read over SSH as the system
administrator, and the push is ``net apply``'s for this one device (:mod:`infra.network.apply`: fingerprint
check, verification, save, rollback on failure).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from infra.network.access import Access, login_credentials, parse_endpoint
from infra.network.apply import apply_one, plan_one
from infra.network.collect import collect_one
from infra.network.diff import diff_device
from infra.network.intent_digest import config_hash
from infra.network.render import Rendered, render_stack
from infra.network.transport import HostKeys, Target, Timeouts
from yunwang.errors import InputError
from yunwang.stacks import project_root
from yunwang.topology import Device, Topology, load_topology


class DeviceConfigError(Exception):
    """Why a device could not be read or configured (the message Pulumi shows; it holds no secret)."""


@dataclass(frozen=True)
class DeviceState:
    device: str
    drift_lines: int
    """Remediation lines still between the device and its intent (0 after a successful apply)."""
    collected_at: str
    applied_lines: int | None = None
    """Lines sent by the apply that produced this state (None: nothing was applied)."""

    def outputs(self) -> dict[str, Any]:
        return {"drift_lines": self.drift_lines, "collected_at": self.collected_at,
                "applied_lines": self.applied_lines}


@lru_cache(maxsize=4)
def _topology(path: Path, _mtime_ns: int) -> Topology:
    return load_topology(path)


def _stack(props: dict[str, Any]) -> tuple[Topology, Path]:
    path = (project_root() / str(props["topology"])).resolve()
    try:
        return _topology(path, path.stat().st_mtime_ns), path
    except OSError as exc:
        raise DeviceConfigError(f"topology file {path}: {exc.strerror}") from None
    except InputError as exc:
        raise DeviceConfigError(f"topology file {path}: {exc}") from None


def check_inputs(props: dict[str, Any], required: Sequence[str]) -> list[tuple[str, str]]:
    """(input, reason) for each input the provider cannot work with."""
    missing = [(key, "required") for key in required if not props.get(key)]
    if missing:
        return missing
    try:
        topo, path = _stack(props)
    except DeviceConfigError as exc:
        return [("topology", str(exc))]
    if str(props["device"]) not in topo.device_by_name:
        return [("device", f"no device {props['device']} in {path}")]
    try:
        parse_endpoint(str(props["address"]), path, str(props["device"]))
    except InputError as exc:
        return [("address", str(exc))]
    return []


def _device(props: dict[str, Any]) -> tuple[Topology, Path, Device]:
    topo, path = _stack(props)
    device = topo.device_by_name.get(str(props["device"]))
    if device is None:
        raise DeviceConfigError(f"no device {props['device']} in {path}")
    return topo, path, device


def _render(topo: Topology, path: Path, device: Device, props: dict[str, Any], push: bool) -> Rendered:
    try:
        [rendered] = render_stack(topo, path, devices=[device.name], push=push)
    except InputError as exc:
        raise DeviceConfigError(str(exc)) from None
    if not push and config_hash(rendered.text) != props["config_sha256"]:
        raise DeviceConfigError(f"{device.name}: the topology changed since this plan was made (its rendered "
                                "configuration no longer matches config_sha256); run pulumi preview / up again")
    return rendered


def _access(topo: Topology, device: Device, props: dict[str, Any], known_hosts_file: Path | None) -> Access:
    host, port = parse_endpoint(str(props["address"]), Path(str(props["topology"])), device.name)
    host_keys = HostKeys(known_hosts_file) if known_hosts_file is not None else HostKeys.default()
    try:
        credentials = login_credentials(topo)
    except InputError as exc:
        raise DeviceConfigError(f"{device.name}: {exc} (in the environment of the process running Pulumi)") from None
    return Access({device.name: Target(device.name, device.vendor, host, port)}, credentials, host_keys, Timeouts())


class _KnownHosts:
    """``known_hosts`` input as a private temporary file for the session (None: the user's own known_hosts)."""

    def __init__(self, text: str | None):
        self.text = text
        self.path: Path | None = None

    def __enter__(self) -> Path | None:
        if self.text:
            fd, name = tempfile.mkstemp(prefix="yunwang-known-hosts-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.text if self.text.endswith("\n") else self.text + "\n")
            self.path = Path(name)
        return self.path

    def __exit__(self, *exc: object) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def plan_device(props: dict[str, Any]) -> DeviceState:
    """Read the device and count the remediation towards its intent (``diff`` and ``read``): nothing is sent, and
    only the system administrator's password is needed."""
    topo, path, device = _device(props)
    intended = _render(topo, path, device, props, push=False)
    with _KnownHosts(props.get("known_hosts")) as known:
        access = _access(topo, device, props, known)
        got = asyncio.run(collect_one(access, device.name))
    if got.text is None:
        raise DeviceConfigError(f"{device.name}: cannot read its running configuration: {got.error}")
    found = diff_device(device, got.text, intended.text, got.collected_at)
    if found.error is not None:
        raise DeviceConfigError(f"{device.name}: {found.error}")
    stamp = got.collected_at.isoformat() if got.collected_at else _now()
    return DeviceState(device.name, found.drift_lines, stamp)


def apply_device(props: dict[str, Any]) -> DeviceState:
    """Push the remediation, verify and save (``create`` and ``update``); a failure leaves the device as it was
    (rolled back, startup configuration untouched) and raises."""
    topo, path, device = _device(props)
    intended = _render(topo, path, device, props, push=False)
    pushed = _render(topo, path, device, props, push=True)  # a missing secret fails here, before any session
    with _KnownHosts(props.get("known_hosts")) as known:
        access = _access(topo, device, props, known)

        async def plan_and_apply() -> Any:
            return await apply_one(access, await plan_one(access, intended, pushed), None)

        outcome = asyncio.run(plan_and_apply())
    if outcome.status not in ("applied", "unchanged"):
        raise DeviceConfigError(f"{device.name}: {outcome.status}: {outcome.detail}")
    return DeviceState(device.name, 0, _now(), outcome.sent)
