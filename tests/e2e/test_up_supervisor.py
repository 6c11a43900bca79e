"""The process supervisor behind `yunwang up`, with trivial children: restart with backoff, readiness, clean stop
of whole process groups (also on SIGTERM to the supervisor), state across runs, leftovers of a killed run."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from yunwang.supervisor import Backoff, ChildSpec, StateDirBusy, Status, Supervisor, lock_state_dir
from yunwang.testkit import free_port

PY = sys.executable
FAST = Backoff(initial=0.2, factor=2.0, maximum=0.8, stable_after=5.0)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait(condition: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture()
def groups() -> Iterator[list[int]]:
    """Process groups a test started: all are SIGKILLed afterwards, whether the test passed or not."""
    started: list[int] = []
    yield started
    for pgid in started:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


def _ticked(sup: Supervisor) -> bool:
    sup.tick()
    return True


def test_a_crashing_child_is_restarted_with_growing_delays(tmp_path: Path, groups: list[int]) -> None:
    crash = ChildSpec("crasher", [PY, "-c", "import sys; sys.exit(3)"])
    sup = Supervisor([crash], tmp_path, backoff=FAST, ready_timeout=0.1)
    try:
        sup.start(wait_ready=False)
        child = sup.children[0]
        assert _wait(lambda: _ticked(sup) and child.restarts >= 4 and child.status is Status.BACKOFF, 30)
    finally:
        sup.stop()
    exits = [e for e in sup.events if e.message.startswith("exited")]
    starts = [e for e in sup.events if e.message.startswith("started")]
    assert all(e.message.startswith("exited with status 3 ") for e in exits), exits
    announced = [float(re.search(r"restarting in ([\d.]+) s", e.message).group(1)) for e in exits]  # type: ignore[union-attr]
    assert announced[:5] == [0.2, 0.4, 0.8, 0.8, 0.8][:len(announced)]
    for exit_event, delay, restart in zip(exits, announced, starts[1:], strict=False):
        waited = restart.at - exit_event.at
        assert delay - 0.01 <= waited < delay + 0.5, (delay, waited)
    assert child.restarts == len(starts) - 1


def test_healthy_child_is_restarted_after_being_killed(tmp_path: Path, groups: list[int]) -> None:
    port = free_port()
    web = ChildSpec("web", [PY, "-m", "http.server", str(port), "--bind", "127.0.0.1"], cwd=tmp_path,
                    health_url=f"http://127.0.0.1:{port}/")
    sup = Supervisor([web], tmp_path, backoff=FAST, ready_timeout=15)
    try:
        sup.start()
        child = sup.children[0]
        assert child.pid is not None
        groups.append(child.pid)
        assert child.status is Status.HEALTHY
        first = child.pid
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: _ticked(sup) and child.status is Status.HEALTHY and child.pid not in (None, first), 15)
        assert child.pid is not None
        groups.append(child.pid)
        assert child.restarts == 1
        assert child.last_exit == -signal.SIGKILL
    finally:
        sup.stop()
    assert child.status is Status.STOPPED


GRANDPARENT = textwrap.dedent("""
    import signal, subprocess, sys, time
    if sys.argv[1] == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    grandchild = subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"])
    open(sys.argv[2], "w").write(str(grandchild.pid))
    time.sleep(300)
""")


def test_stop_ends_every_process_group_even_stubborn_ones(tmp_path: Path, groups: list[int]) -> None:
    specs = [ChildSpec(kind, [PY, "-c", GRANDPARENT, kind, str(tmp_path / f"{kind}.pid")],
                       ready_file=tmp_path / f"{kind}.pid") for kind in ("polite", "stubborn")]
    sup = Supervisor(specs, tmp_path, ready_timeout=15, stop_grace=1.0)
    sup.start()
    pids = [c.pid for c in sup.children]
    grandchildren = [int((tmp_path / f"{kind}.pid").read_text()) for kind in ("polite", "stubborn")]
    groups.extend(p for p in pids if p is not None)
    assert all(p is not None and _alive(p) for p in pids)
    assert all(_alive(p) for p in grandchildren)
    started = time.monotonic()
    sup.stop()
    assert time.monotonic() - started < 5
    for pid in [*pids, *grandchildren]:
        assert pid is not None
        assert _wait(lambda pid=pid: not _alive(pid), 5), f"pid {pid} survived stop()"
    assert any("did not stop within" in e.message for e in sup.events)


def test_missing_program_is_reported_not_started(tmp_path: Path) -> None:
    sup = Supervisor([ChildSpec("prometheus", ["prometheus"], missing="'prometheus' is not on PATH")], tmp_path)
    sup.start()
    sup.tick()
    (child,) = sup.children
    assert child.status is Status.NOT_INSTALLED
    assert child.pid is None
    sup.stop()
    assert child.status is Status.NOT_INSTALLED
    assert "not started: 'prometheus' is not on PATH" in [e.message for e in sup.events]


def test_restart_counts_are_kept_across_runs(tmp_path: Path, groups: list[int]) -> None:
    crash = ChildSpec("crasher", [PY, "-c", "import sys; sys.exit(1)"])
    first = Supervisor([crash], tmp_path, backoff=FAST, ready_timeout=0.1)
    first.start(wait_ready=False)
    child = first.children[0]
    assert _wait(lambda: _ticked(first) and child.restarts >= 1 and child.status is Status.BACKOFF, 10)
    first.stop()  # while it waits to restart: its last exit stays the crash's
    restarts = first.children[0].restarts
    assert restarts >= 1
    second = Supervisor([crash], tmp_path, backoff=FAST)
    assert second.children[0].restarts == restarts
    second.stop()
    state = json.loads((tmp_path / "supervisor-state.json").read_text())
    assert state["runs"] == 2
    assert state["children"]["crasher"]["restarts"] == restarts
    assert state["children"]["crasher"]["last_exit"] == 1


SUPERVISOR_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from yunwang.supervisor import ChildSpec, Supervisor, run_until_signalled
    state = Path(sys.argv[1])
    stubborn = ("import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "open(sys.argv[1], 'w').close(); time.sleep(300)")
    specs = [ChildSpec("sleeper", [sys.executable, "-c", "import time; time.sleep(300)"]),
             ChildSpec("stubborn", [sys.executable, "-c", stubborn, str(state / "stubborn.ready")],
                       ready_file=state / "stubborn.ready")]
    sup = Supervisor(specs, state, ready_timeout=10, stop_grace=1.0)
    def ready(s):
        (state / "ready").write_text(" ".join(str(c.pid) for c in s.children))
    print("signal", run_until_signalled(sup, every=0.1, on_tick=ready), flush=True)
""")


def _start_supervisor(state: Path, groups: list[int]) -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen([PY, "-c", SUPERVISOR_SCRIPT, str(state)], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    groups.append(proc.pid)
    assert _wait(lambda: (state / "ready").exists(), 20), "supervisor did not start its children"
    pids = [int(p) for p in (state / "ready").read_text().split()]
    groups.extend(pids)
    return proc, pids


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_signal_to_the_supervisor_stops_all_children_and_saves_state(tmp_path: Path, groups: list[int],
                                                                     sig: signal.Signals) -> None:
    proc, pids = _start_supervisor(tmp_path, groups)
    assert all(_alive(p) for p in pids)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert f"signal {int(sig)}" in out
    for pid in pids:
        assert _wait(lambda pid=pid: not _alive(pid), 5), f"child {pid} survived the supervisor"
    state = json.loads((tmp_path / "supervisor-state.json").read_text())
    assert {c["status"] for c in state["children"].values()} == {"stopped"}
    assert all(c["pid"] is None for c in state["children"].values())


def test_children_of_a_killed_supervisor_are_cleaned_up_by_the_next_run(tmp_path: Path, groups: list[int]) -> None:
    proc, pids = _start_supervisor(tmp_path, groups)
    proc.kill()  # no chance to clean up: the polite child follows it (parent-death signal), the stubborn one stays
    proc.wait()
    sleeper, stubborn = pids
    assert _wait(lambda: not _alive(sleeper), 5)
    assert _alive(stubborn)
    nxt = Supervisor([ChildSpec("stubborn", ["unused"])], tmp_path, stop_grace=0.5)
    assert nxt.reap_leftovers() == [stubborn]
    assert _wait(lambda: not _alive(stubborn), 5)
    nxt.stop()


HANGS_UP = textwrap.dedent("""
    import http.server, sys, threading, time
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(1.5)
    server.shutdown()
    server.server_close()
    time.sleep(300)
""")


def test_a_child_that_stops_answering_is_reported_unhealthy(tmp_path: Path, groups: list[int]) -> None:
    port = free_port()
    spec = ChildSpec("web", [PY, "-c", HANGS_UP, str(port)], cwd=tmp_path, health_url=f"http://127.0.0.1:{port}/")
    sup = Supervisor([spec], tmp_path, ready_timeout=10, health_every=0.2)
    try:
        sup.start()
        (child,) = sup.children
        assert child.pid is not None
        groups.append(child.pid)
        assert child.status is Status.HEALTHY
        assert _wait(lambda: _ticked(sup) and child.status is Status.UNHEALTHY, 10)
        assert child.restarts == 0, "alive but not answering is reported, not restarted"
    finally:
        sup.stop()


def test_two_supervisors_never_share_a_state_folder(tmp_path: Path) -> None:
    held = lock_state_dir(tmp_path)
    try:
        with pytest.raises(StateDirBusy, match=str(os.getpid())):
            lock_state_dir(tmp_path)
    finally:
        held.close()
    lock_state_dir(tmp_path).close()  # free again once the holder is gone


READY_LATE = "import sys, time; time.sleep(0.5); open(sys.argv[1], 'w').write('ready'); time.sleep(300)"


def test_a_restarted_child_is_news_once_it_is_ready_again(tmp_path: Path, groups: list[int]) -> None:
    """The ready file of the killed run is removed before the restart, so readiness means the new run's; then the
    children that follow it are restarted (once) and watchers told (once)."""
    from yunwang.supervisor import RestartWatch

    ready = tmp_path / "ready"
    sup = Supervisor([ChildSpec("sim", [PY, "-c", READY_LATE, str(ready)], ready_file=ready),
                      ChildSpec("poller", [PY, "-c", "import time; time.sleep(300)"], restart_with=("sim",)),
                      ChildSpec("other", [PY, "-c", "import time; time.sleep(300)"])], tmp_path,
                     backoff=FAST, ready_timeout=15)
    watch = RestartWatch("sim")
    try:
        sup.start()
        child, poller, other = sup.children
        assert child.pid is not None and ready.exists()
        first_poller, first_other = poller.pid, other.pid
        groups.extend(p for p in (child.pid, first_poller, first_other) if p is not None)
        assert not watch.came_back(sup), "the first start is no restart"
        os.kill(child.pid, signal.SIGKILL)
        assert _wait(lambda: _ticked(sup) and child.restarts == 1 and child.pid is not None, 15)
        assert child.pid is not None
        groups.append(child.pid)
        assert not ready.exists(), "the killed run's ready file must not announce the new run"
        assert not watch.came_back(sup)
        assert poller.pid == first_poller, "followers wait until the restarted child is ready"
        assert _wait(lambda: _ticked(sup) and watch.came_back(sup), 15)
        assert not watch.came_back(sup), "one restart is news once"
        assert poller.pid not in (None, first_poller) and poller.restarts == 1
        assert poller.pid is not None
        groups.append(poller.pid)
        assert other.pid == first_other and other.restarts == 0
        for _ in range(5):
            sup.tick()
        assert poller.restarts == 1, "a follower restarts once per restart of its leader"
    finally:
        sup.stop()
    assert [e.message for e in sup.events if e.child == "poller" and e.message.startswith("restarting")] == [
        "restarting: sim restarted"]
    assert RestartWatch("absent").came_back(sup) is False


def test_a_group_starts_together_and_the_next_child_waits_for_all_of_it(tmp_path: Path, groups: list[int]) -> None:
    """Poller shards need nothing of each other: started as one group, three slow starters are ready in about the
    time of one; the child after the group still starts only once every member is ready."""
    marks = [tmp_path / f"ready-{i}" for i in range(3)]
    slow = [ChildSpec(f"shard-{i}", [PY, "-c", f"import time, pathlib; time.sleep(1.5); "
                                               f"pathlib.Path({str(mark)!r}).touch(); time.sleep(300)"],
                      ready_file=mark, group="shards") for i, mark in enumerate(marks)]
    after = ChildSpec("after", [PY, "-c", "import time; time.sleep(300)"])
    sup = Supervisor([*slow, after], tmp_path, ready_timeout=15)
    try:
        began = time.monotonic()
        sup.start()
        took = time.monotonic() - began
        groups.extend(c.pid for c in sup.children if c.pid is not None)
        assert all(c.status is Status.RUNNING for c in sup.children)
        assert took < 4.0, f"the group started one after another ({took:.1f} s)"
        started = [e.at for e in sup.events if e.message.startswith("started")]
        assert started[-1] >= max(m.stat().st_mtime for m in marks) - 0.05  # "after" waited for the whole group
    finally:
        sup.stop()
