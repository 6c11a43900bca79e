"""The README's commands keep working: every line of its ```sh blocks is run, or checked where it cannot run.

`yunwang …` lines run for real (servers until they listen, then SIGTERM; `yunwang sim` until the last command,
since the network commands after it talk to its devices); `make X` must be a Makefile target; `pulumi …` lines
(no Pulumi CLI here) must name real subcommands, an existing policy pack and config keys the program reads.

Every command gets the secrets the README says it reads from the environment (the simulated devices'
administrator passwords and keys, the SNMP keys), as `yunwang up` passes them to its own children.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yunwang.contracts.device_access import ADMIN_ROLES, SSH_BASE_PORT, password_env
from yunwang.contracts.device_secrets import AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV
from yunwang.testkit import ROOT, need_peer

README = ROOT / "README.md"
SERVERS = {("monitor",), ("agent", "host")}
BACKGROUND = {("sim",)}
"""Servers the following commands talk to: started, awaited, stopped when the module ends."""
PULUMI_SUBCOMMANDS = {"login", "stack", "config", "preview", "up", "destroy", "refresh"}
SECRETS = {**{password_env(role): f"Readme-{role}-Pw-1" for role in ADMIN_ROLES},
           **{name: f"readme-{name.lower()}" for name in (AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV)},
           **{f"YUNWANG_SNMP_{profile}_{kind}_KEY": f"readme-{profile.lower()}-{kind.lower()}-key"
              for profile in ("V3_CORE", "V3_EDGE", "V3_IOT") for kind in ("AUTH", "PRIV")}}
_background: list[subprocess.Popen[bytes]] = []


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


COMMANDS = readme_commands()


def test_readme_opens_with_the_two_commands() -> None:
    assert COMMANDS[:2] == ["make run", "make test"]


def _listen_port(args: list[str]) -> int:
    if "--listen" in args:
        return int(args[args.index("--listen") + 1].rsplit(":", 1)[1])
    if args[0] == "sim":  # the first simulated device's SSH server: up once every device listens
        return int(args[args.index("--ssh-base-port") + 1]) if "--ssh-base-port" in args else SSH_BASE_PORT
    return 8080 if args[0] == "monitor" else 9810


@pytest.fixture(scope="module", autouse=True)
def _stop_background() -> object:
    yield None
    for proc in _background:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    _background.clear()


def _need_simulator() -> None:
    from agents.sim.install import SimSetupError, ensure_snmpsim

    try:
        ensure_snmpsim(quiet=True)
    except SimSetupError as exc:
        need_peer(False, f"snmpsim venv for `yunwang sim`: {exc}")


def _wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def _run_yunwang(args: list[str], cwd: Path) -> None:
    env = {**os.environ, **SECRETS, "YUNWANG_HOME": str(ROOT), "COLUMNS": "120"}
    argv = [sys.executable, "-m", "yunwang", *args]
    if tuple(args[:1]) in BACKGROUND:
        _need_simulator()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        _background.append(proc)
        listening = _wait_listening(_listen_port(args), proc, 120)
        output = b"" if listening else proc.communicate(timeout=5)[0]
        assert listening, f"{' '.join(args)} never listened:\n{output.decode(errors='replace')[-2000:]}"
        if "--endpoints-out" in args:  # written once every device serves
            ready = cwd / args[args.index("--endpoints-out") + 1]
            deadline = time.monotonic() + 60
            while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert ready.exists(), f"{' '.join(args)} wrote no {ready.name}"
        return
    if tuple(args[:2]) in SERVERS or tuple(args[:1]) in SERVERS:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            listening = _wait_listening(_listen_port(args), proc, 60)
            output = b"" if listening else proc.communicate(timeout=5)[0]
            assert listening, f"{' '.join(args)} never listened:\n{output.decode(errors='replace')[-2000:]}"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    pytest.fail(f"{' '.join(args)} did not stop on SIGTERM")
        return
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode in (0, 1), f"{' '.join(args)} → {done.returncode}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
    if "--out" in args:
        assert (cwd / args[args.index("--out") + 1]).exists()


def _check_make(args: list[str]) -> None:
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M))
    assert args[1] in targets, f"make {args[1]}: no such Makefile target"


def _check_pulumi(args: list[str]) -> None:
    assert args[1] in PULUMI_SUBCOMMANDS, f"pulumi {args[1]} is not a Pulumi CLI subcommand"
    if "--policy-pack" in args:
        pack = ROOT / args[args.index("--policy-pack") + 1]
        assert (pack / "PulumiPolicy.yaml").is_file() and (pack / "__main__.py").is_file()
    if args[1:3] == ["config", "set"]:
        key = next(a for a in args[3:] if a.startswith("yunwang:"))
        stem = key.split(":", 1)[1].split("-", 1)[0]
        sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "infra").rglob("*.py"))
        assert stem in sources, f"the Pulumi program never reads config key {key}"


@pytest.mark.parametrize("command", COMMANDS, ids=[c[:60] for c in COMMANDS])
def test_readme_command(command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    args = shlex.split(command)
    if args[0] == "make":
        _check_make(args)
    elif args[0] == "pulumi":
        _check_pulumi(args)
    elif args[0] == "yunwang":
        workdir = tmp_path_factory.getbasetemp() / "readme"
        workdir.mkdir(exist_ok=True)
        (workdir / "out").mkdir(exist_ok=True)
        if not (workdir / "examples").exists():
            (workdir / "examples").symlink_to(ROOT / "examples")
        _run_yunwang(args[1:], workdir)
    else:
        pytest.fail(f"README command of unknown kind: {command}")
