"""A throw-away PostgreSQL cluster on 127.0.0.1 for the monitor's tests, stopped quickly and for certain.

The postmaster is started directly (as the `postgres` user when the tests run as root, since it refuses root),
so the fixture holds its pid and signals it itself: SIGINT is PostgreSQL's fast shutdown (open sessions are
rolled back and closed; there is no wait for clients, unlike SIGTERM's smart shutdown). If it has not exited
after a bounded wait, it and its children (each backend runs in its own session, so a process-group kill would
miss them) get SIGKILL. Clusters left by a test run that was itself killed are reaped by the next run: each
cluster directory records the pid of the test process that owns it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PREFIX = "yunwang-pg-"
OWNER_FILE = "owner.pid"
AS_ROOT = os.geteuid() == 0
PARENTS = (Path("/dev/shm"), Path("/tmp"))
SHM_NEEDED = 2 << 30  # a session's cluster grows to a few hundred MB (a database per test, and its WAL)


def cluster_parent() -> Path:
    """/dev/shm when it is a roomy tmpfs: writing and finally deleting a session's thousands of files there costs
    no disk I/O (on a busy disk the removal alone took ~6 s); else /tmp (a container's default /dev/shm is 64 MB)."""
    try:
        shm = os.statvfs(PARENTS[0])
    except OSError:
        return PARENTS[1]
    return PARENTS[0] if shm.f_bavail * shm.f_frsize >= SHM_NEEDED and os.access(PARENTS[0], os.W_OK) else PARENTS[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: run it as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if AS_ROOT else cmd


@dataclass
class Cluster:
    base: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: IO[bytes]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def log_tail(self) -> str:
        return (self.base / "server.log").read_text(errors="replace")[-2000:]


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/*/stat; the command name in parentheses may hold spaces)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry))
    return children


def kill_with_children(pid: int) -> None:
    """SIGKILL ``pid`` and its children. Stopped first, so it can neither fork nor reap meanwhile: a child's pid
    stays its own (a zombie at worst) until the kill, and no unrelated process that reused a pid is hit."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except ProcessLookupError:
        return
    for target in (*child_pids(pid), pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)


def _new_base() -> Path:
    base = Path(tempfile.mkdtemp(prefix=PREFIX, dir=cluster_parent()))
    (base / OWNER_FILE).write_text(f"{os.getpid()}\n")
    if AS_ROOT:
        shutil.chown(base, "postgres", "postgres")
    return base


def init_template(initdb: str) -> Path:
    """One initdb per test session (seconds); each cluster then starts from a copy of it (a fraction of that)."""
    base = _new_base()
    subprocess.run(_as_postgres([initdb, "-D", str(base / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                 "--no-sync", "--no-instructions"]), check=True, capture_output=True, timeout=120)
    return base


def remove_template(template: Path) -> None:
    shutil.rmtree(template, ignore_errors=True)


def start_cluster(template: Path, server: str, port: int, ready_timeout: float = 30.0) -> Cluster:
    """A copy of ``template``'s cluster in a fresh directory, served on 127.0.0.1:``port`` once it accepts
    connections."""
    import psycopg

    base = _new_base()
    data = base / "data"
    subprocess.run(["cp", "-a", str(template / "data"), str(data)], check=True, timeout=60)  # -a: owner and modes
    log = open(base / "server.log", "wb")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen([server, "-D", str(data), "-k", str(base), "-p", str(port), "-h", "127.0.0.1",
                             "-c", "fsync=off", "-c", "max_connections=200"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            user="postgres" if AS_ROOT else None, group="postgres" if AS_ROOT else None,
                            extra_groups=[] if AS_ROOT else None)
    cluster = Cluster(base, port, proc, log)
    deadline = time.monotonic() + ready_timeout
    while True:
        try:
            psycopg.connect(cluster.dsn, connect_timeout=2).close()
            return cluster
        except psycopg.OperationalError:
            if time.monotonic() > deadline or proc.poll() is not None:
                tail = cluster.log_tail()
                stop_cluster(cluster, timeout=1)
                raise RuntimeError(f"PostgreSQL did not start: {tail}") from None
            time.sleep(0.05)


def stop_cluster(cluster: Cluster, timeout: float = 10.0) -> bool:
    """Fast shutdown, SIGKILL after ``timeout`` s; then remove the directory. True if the fast shutdown did it."""
    proc = cluster.proc
    clean = True
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)  # the postmaster exits only after all its children have
            except subprocess.TimeoutExpired:
                clean = False
                kill_with_children(proc.pid)
                proc.wait(10)
    finally:
        cluster.log.close()
        shutil.rmtree(cluster.base, ignore_errors=True)
    return clean


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans(parents: tuple[Path, ...] = PARENTS) -> list[Path]:
    """Stop clusters whose owning test process is gone (it was killed before its teardown ran) and remove them."""
    reaped = []
    for base in (found for parent in parents for found in sorted(parent.glob(f"{PREFIX}*"))):
        try:
            owner = int((base / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours, or another run still writing it
        if _alive(owner):
            continue
        try:
            postmaster = int((base / "data" / "postmaster.pid").read_text().split()[0])
            cmdline = Path(f"/proc/{postmaster}/cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            pass  # no server running (or already gone)
        else:
            if str(base / "data").encode() in cmdline:  # that pid is still this cluster's postmaster
                kill_with_children(postmaster)
        shutil.rmtree(base, ignore_errors=True)
        reaped.append(base)
    return reaped
