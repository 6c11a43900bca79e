"""Helpers shared by the simulator's tests (imported by name: tests/ has no package, and a `tests` package
from a dependency shadows it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from agents.sim.credentials import env_name
from agents.sim.fleet import free_base_port
from agents.sim.install import SimSetupError, ensure_snmpsim

_ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("yunwang_root_conftest_sim", _ROOT_CONFTEST)
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
need_binary = _root.need_binary
need_peer = _root.need_peer

KEYS = {"v3-core": ("core-auth-key-1", "core-priv-key-1"), "v3-edge": ("edge-auth-key-1", "edge-priv-key-1")}


def free_udp_range(count: int) -> int:
    """A base port with ``count`` consecutive free UDP ports on 127.0.0.1."""
    return free_base_port(count)


def set_keys(mp: pytest.MonkeyPatch) -> None:
    for profile, (auth, priv) in KEYS.items():
        mp.setenv(env_name(profile, "AUTH_KEY"), auth)
        mp.setenv(env_name(profile, "PRIV_KEY"), priv)


def need_snmpsim() -> None:
    try:
        ensure_snmpsim(quiet=True)
    except SimSetupError as exc:
        need_peer(False, f"snmpsim venv: {exc}")
