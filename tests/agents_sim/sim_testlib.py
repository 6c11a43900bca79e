"""Helpers shared by the simulator's tests (imported by name: tests/ has no package, and a `tests` package
from a dependency shadows it)."""

from __future__ import annotations

import pytest

from agents.sim.credentials import env_name
from agents.sim.install import SimSetupError, ensure_snmpsim
from yunwang.testkit import free_udp_block, need_binary, need_peer

__all__ = ["KEYS", "free_udp_block", "need_binary", "need_peer", "need_snmpsim", "set_keys"]

KEYS = {"v3-core": ("core-auth-key-1", "core-priv-key-1"), "v3-edge": ("edge-auth-key-1", "edge-priv-key-1")}


def set_keys(mp: pytest.MonkeyPatch) -> None:
    for profile, (auth, priv) in KEYS.items():
        mp.setenv(env_name(profile, "AUTH_KEY"), auth)
        mp.setenv(env_name(profile, "PRIV_KEY"), priv)


def need_snmpsim() -> None:
    try:
        ensure_snmpsim(quiet=True)
    except SimSetupError as exc:
        need_peer(False, f"snmpsim venv: {exc}")
