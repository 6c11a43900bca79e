"""A small process supervisor: start children in order, restart the ones that die, stop them all cleanly.

Each child runs in its own session (process group), so stopping it also stops whatever it started (snmpsim
workers, uvicorn reloaders). A child that dies is restarted after an exponentially growing delay, reset once it
has stayed up for a while, so a crash loop costs little and a one-off crash is repaired quickly. State (restart
counts, the pids of the last run) is saved in a JSON file so that a later run can report history and clean up
children left behind by a supervisor that was killed outright.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import httpx

STATE_FILE = "supervisor-state.json"


class Status(StrEnum):
    NOT_INSTALLED = "not installed"
    WAITING = "waiting"
    STARTING = "starting"
    RUNNING = "running"
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    BACKOFF = "restarting"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ChildSpec:
    """What to run. ``health_url`` (HTTP 200) or ``ready_file`` (exists) tells when the child is ready;
    ``missing`` names why it cannot run here (e.g. a program not on PATH): it is then reported, not started."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    health_url: str | None = None
    ready_file: Path | None = None
    cwd: Path | None = None
    missing: str | None = None
    url: str | None = None
    """Where a person reaches it (shown in the status table)."""
    ready_timeout: float | None = None
    """How long the next child waits for this one to be ready (default: the supervisor's)."""
    restart_with: tuple[str, ...] = ()
    """Children whose restart this one follows: once such a child is ready again after a restart, this one is
    restarted too (it holds state about that child's previous run)."""
    group: str = ""
    """Consecutive children of one group start together (none needs another's readiness, e.g. poller shards)."""


@dataclass(frozen=True)
class Backoff:
    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 60.0
    stable_after: float = 30.0
    """A child that ran this long before dying is restarted after ``initial`` again."""

    def delay(self, failures: int) -> float:
        return min(self.initial * self.factor ** max(failures - 1, 0), self.maximum)


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    status: Status = Status.WAITING
    started_at: float = 0.0
    restarts: int = 0
    failures: int = 0
    """Consecutive quick deaths: the exponent of the next restart delay."""
    restart_at: float = 0.0
    last_exit: int | None = None
    healthy: bool = False
    checked_at: float = 0.0
    ready_restarts: int = 0
    """The restart count this child last became ready at (its dependents follow each new one once)."""
    log_file: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def uptime(self, now: float) -> float:
        return now - self.started_at if self.process is not None and self.process.poll() is None else 0.0


@dataclass(frozen=True)
class Event:
    at: float
    child: str
    message: str


def _die_with_parent() -> Callable[[], None] | None:
    """preexec hook asking Linux to SIGTERM the child if the supervisor dies (even by SIGKILL)."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return hook


class Supervisor:
    """Runs ``specs`` under ``state_dir`` (logs in ``state_dir/logs``); call :meth:`tick` regularly."""

    def __init__(self, specs: Sequence[ChildSpec], state_dir: Path, backoff: Backoff | None = None,
                 ready_timeout: float = 30.0, stop_grace: float = 10.0, health_every: float = 5.0,
                 on_event: Callable[[Event], None] | None = None) -> None:
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate child names: {names}")
        self.children = [Child(spec) for spec in specs]
        self.state_dir = state_dir
        self.log_dir = state_dir / "logs"
        self.backoff = backoff or Backoff()
        self.ready_timeout = ready_timeout
        self.stop_grace = stop_grace
        self.health_every = health_every
        """Seconds between health probes of a running child (a probe may cost it a full metrics scrape)."""
        self.events: list[Event] = []
        self._on_event = on_event
        self._stopping = False
        self._http = httpx.Client(timeout=1.0, trust_env=False)
        self._preexec = _die_with_parent()
        self.previous = self._load_state()
        for child in self.children:
            before = self.previous.get("children", {}).get(child.spec.name, {})
            child.restarts = child.ready_restarts = int(before.get("restarts", 0))
            child.last_exit = before.get("last_exit")

    # -- state ----------------------------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.state_dir / STATE_FILE

    def _load_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_state(self) -> None:
        """Write restart counts and live pids atomically (a crash mid-write must not lose the old state)."""
        state = {
            "runs": int(self.previous.get("runs", 0)) + 1,
            "saved_at": time.time(),
            "children": {
                c.spec.name: {"restarts": c.restarts, "last_exit": c.last_exit, "status": c.status.value,
                              "pid": c.pid if c.process is not None and c.process.poll() is None else None,
                              "argv": list(c.spec.argv)}
                for c in self.children
            },
        }
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.state_path)

    def reap_leftovers(self) -> list[int]:
        """Stop children recorded by an earlier run that are still alive (their supervisor was killed).

        A pid is only signalled when its command line is still the recorded one, so a reused pid is left alone.
        """
        stopped = []
        for name, entry in self.previous.get("children", {}).items():
            pid = entry.get("pid")
            if not isinstance(pid, int) or _cmdline(pid) != entry.get("argv"):
                continue
            _signal_group(pid, signal.SIGTERM)
            _wait_gone(pid, self.stop_grace)
            _signal_group(pid, signal.SIGKILL)
            self._event(name, f"stopped pid {pid} left over from an earlier run")
            stopped.append(pid)
        return stopped

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self, wait_ready: bool = True) -> None:
        """Start every child in order, each after the previous one is ready (or ``ready_timeout`` passed)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for batch in self._batches():
            if self._stopping:
                return
            started = []
            for child in batch:
                if child.spec.missing:
                    child.status = Status.NOT_INSTALLED
                    self._event(child.spec.name, f"not started: {child.spec.missing}")
                    continue
                self._spawn(child)
                started.append(child)
            if wait_ready:
                for child in started:
                    self._wait_ready(child)
        self.save_state()

    def _batches(self) -> list[list[Child]]:
        """Children in start order, consecutive ones of the same group together."""
        out: list[list[Child]] = []
        for child in self.children:
            if out and child.spec.group and out[-1][0].spec.group == child.spec.group:
                out[-1].append(child)
            else:
                out.append([child])
        return out

    def _spawn(self, child: Child) -> None:
        spec = child.spec
        if child.log_file is None:
            child.log_file = open(self.log_dir / f"{spec.name}.log", "ab")  # noqa: SIM115 - kept open while it runs
        child.log_file.write(f"\n--- start {time.strftime('%Y-%m-%d %H:%M:%S')}: {' '.join(spec.argv)}\n".encode())
        child.log_file.flush()
        if spec.ready_file is not None:  # left by a run killed outright, it would announce this one ready too early
            spec.ready_file.unlink(missing_ok=True)
        try:
            child.process = subprocess.Popen(
                list(spec.argv), cwd=spec.cwd, env={**os.environ, **spec.env}, stdin=subprocess.DEVNULL,
                stdout=child.log_file, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=self._preexec)
        except OSError as exc:
            child.process = None
            child.status = Status.BACKOFF
            child.failures += 1
            child.restart_at = time.monotonic() + self.backoff.delay(child.failures)
            self._event(spec.name, f"cannot start: {exc.strerror or exc}")
            return
        child.started_at = time.monotonic()
        child.status = Status.STARTING
        child.healthy = False
        self._event(spec.name, f"started (pid {child.process.pid})")

    def _wait_ready(self, child: Child) -> None:
        limit = child.spec.ready_timeout if child.spec.ready_timeout is not None else self.ready_timeout
        deadline = time.monotonic() + limit
        while not self._stopping and time.monotonic() < deadline:
            if child.process is None or child.process.poll() is not None:
                return  # died: tick() restarts it
            if self._is_ready(child):
                child.status = Status.HEALTHY if child.spec.health_url else Status.RUNNING
                child.healthy = True
                return
            time.sleep(0.1)
        if not self._stopping:
            self._event(child.spec.name, f"not ready after {limit:g} s; going on")

    def _is_ready(self, child: Child) -> bool:
        spec = child.spec
        if spec.ready_file is not None and not spec.ready_file.exists():
            return False
        if spec.health_url is not None:
            try:
                return self._http.get(spec.health_url).status_code == 200
            except httpx.HTTPError:
                return False
        return True

    def tick(self, check_health: bool = True) -> None:
        """Notice deaths, restart children whose delay has passed, refresh health."""
        if self._stopping:
            return
        now = time.monotonic()
        for child in self.children:
            if child.status is Status.NOT_INSTALLED:
                continue
            if child.process is not None and child.process.poll() is not None:
                self._died(child, now)
            elif child.process is None and child.status is Status.BACKOFF and now >= child.restart_at:
                child.restarts += 1
                self._spawn(child)
                self.save_state()
            elif child.process is not None and check_health and (
                    not child.healthy or now - child.checked_at >= self.health_every):
                child.checked_at = now
                ready = self._is_ready(child)
                if ready:
                    child.status = Status.HEALTHY if child.spec.health_url else Status.RUNNING
                elif child.healthy:
                    child.status = Status.UNHEALTHY
                child.healthy = child.healthy or ready
            if child.process is not None and now - child.started_at >= self.backoff.stable_after:
                child.failures = 0
            if child.process is not None and child.healthy and child.restarts > child.ready_restarts:
                child.ready_restarts = child.restarts
                self._restart_followers(child)

    def _restart_followers(self, leader: Child) -> None:
        """Restart the running children that declared ``restart_with`` the ``leader`` now ready again."""
        for child in self.children:
            if leader.spec.name not in child.spec.restart_with or child.process is None:
                continue
            self._event(child.spec.name, f"restarting: {leader.spec.name} restarted")
            _signal_group(child.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=self.stop_grace)
            _signal_group(child.process.pid, signal.SIGKILL)
            child.process.wait()
            child.last_exit = child.process.returncode
            child.restarts += 1
            self._spawn(child)
            self.save_state()

    def _died(self, child: Child, now: float) -> None:
        assert child.process is not None
        code = child.process.returncode
        ran = now - child.started_at
        child.last_exit = code
        # Whatever it started may still run in its process group: stop that too before starting afresh.
        _signal_group(child.process.pid, signal.SIGKILL)
        child.process = None
        child.failures = 1 if ran >= self.backoff.stable_after else child.failures + 1
        delay = self.backoff.delay(child.failures)
        child.restart_at = now + delay
        child.status = Status.BACKOFF
        self._event(child.spec.name, f"exited with status {code} after {ran:.1f} s; restarting in {delay:g} s")
        self.save_state()

    def stop(self) -> None:
        """Stop every child (reverse start order): SIGTERM its process group, then SIGKILL after the grace time."""
        self._stopping = True
        running = [c for c in reversed(self.children) if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            _signal_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.05))
            except subprocess.TimeoutExpired:
                self._event(child.spec.name, f"did not stop within {self.stop_grace:g} s; killed")
            _signal_group(child.process.pid, signal.SIGKILL)  # stragglers in its group
            child.process.wait()
            child.last_exit = child.process.returncode
        for child in self.children:
            if child.status is not Status.NOT_INSTALLED:
                child.status = Status.STOPPED
            if child.log_file is not None:
                child.log_file.close()
                child.log_file = None
        self.save_state()
        for child in self.children:
            child.process = None
        self._http.close()

    def request_stop(self) -> None:
        """Make :meth:`start` and :meth:`tick` return early (safe to call from a signal handler)."""
        self._stopping = True

    @property
    def stopping(self) -> bool:
        return self._stopping

    def _event(self, child: str, message: str) -> None:
        event = Event(time.time(), child, message)
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)


@dataclass
class RestartWatch:
    """Tells, once per restart, that the child ``name`` came back and is ready again (to redo what depended on
    its previous run, e.g. audit the restarted simulated devices)."""

    name: str
    seen: int | None = None

    def came_back(self, supervisor: Supervisor) -> bool:
        child = next((c for c in supervisor.children if c.spec.name == self.name), None)
        if child is None:
            return False
        if self.seen is None:
            self.seen = child.restarts  # counts carried over from an earlier run are history, not news
            return False
        if child.restarts > self.seen and child.healthy and child.process is not None:
            self.seen = child.restarts
            return True
        return False


class StateDirBusy(Exception):
    """Another supervisor holds the state folder."""


def lock_state_dir(state_dir: Path) -> IO[str]:
    """Hold ``state_dir/supervisor.lock`` for this process's lifetime, so two supervisors never share a folder
    (the second would take the first one's children for leftovers and stop them). Keep the returned file open."""
    import fcntl

    state_dir.mkdir(parents=True, exist_ok=True)
    handle = open(state_dir / "supervisor.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise StateDirBusy(f"pid {holder}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def run_until_signalled(supervisor: Supervisor, every: float = 0.5,
                        on_tick: Callable[[Supervisor], None] | None = None) -> int | None:
    """Start the children, tick until SIGINT/SIGTERM/SIGHUP, then stop them all; returns the signal received.

    Whatever happens in between (an exception in ``on_tick`` included), every child is stopped and the state saved.
    """
    received: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        received.append(signum)
        supervisor.request_stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        supervisor.reap_leftovers()
        supervisor.start()
        while not supervisor.stopping:
            supervisor.tick()
            if on_tick is not None:
                on_tick(supervisor)
            deadline = time.monotonic() + every
            while not supervisor.stopping and time.monotonic() < deadline:
                time.sleep(min(0.05, every))
    finally:
        supervisor.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)
    return received[0] if received else None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]
