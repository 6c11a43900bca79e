"""Cheap reads of /proc and /sys files.

Opening a sysfs attribute costs about 10 µs of kernel time (path walk through symlinked /sys/class/net/<if>/),
more than reading it. /proc and /sys files regenerate their content when read from offset 0, so ``FileCache``
keeps each file open and re-reads it with ``pread(fd, n, 0)``: one syscall per file per scrape. Files that vanish
(an interface removed) fail the pread and are reopened or dropped.
"""

from __future__ import annotations

import errno
import os
import threading

_FLAGS = os.O_RDONLY | os.O_CLOEXEC
_GONE = {errno.ENODEV, errno.ENOENT, errno.EBADF, errno.ESTALE, errno.ENXIO}


def read_bytes(path: str) -> bytes:
    """The whole file with open/read/close (for files not worth keeping open)."""
    fd = os.open(path, _FLAGS)
    try:
        return _read_all(fd)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    data = os.pread(fd, 65536, 0)
    if len(data) < 65536:
        return data
    chunks = [data]
    offset = len(data)
    while True:
        chunk = os.pread(fd, 262144, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


class FileCache:
    """Open file descriptors kept across scrapes, keyed by path; at most ``max_open`` of them."""

    def __init__(self, max_open: int = 512) -> None:
        self.max_open = max_open
        self._fds: dict[str, int] = {}
        self._dirs: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def read(self, path: str) -> bytes:
        fd = self._fds.get(path)
        if fd is not None:
            try:
                return _read_all(fd)
            except OSError as exc:
                if exc.errno not in _GONE:
                    raise
                self._forget(path, fd)
        fd = os.open(path, _FLAGS)
        try:
            data = _read_all(fd)
        except OSError as exc:
            # Keep the descriptor when the attribute merely refuses to answer now (EINVAL: link down).
            if exc.errno in _GONE or not self._keep(path, fd):
                os.close(fd)
            raise
        if not self._keep(path, fd):
            os.close(fd)
        return data

    def _keep(self, path: str, fd: int) -> bool:
        with self._lock:
            if len(self._fds) >= self.max_open or path in self._fds:
                return False
            self._fds[path] = fd
            return True

    def _forget(self, path: str, fd: int) -> None:
        with self._lock:
            if self._fds.get(path) == fd:
                del self._fds[path]
                os.close(fd)

    def forget_prefix(self, prefix: str) -> None:
        """Close every kept file under ``prefix`` (an interface or disk that went away)."""
        with self._lock:
            for path in [p for p in self._fds if p.startswith(prefix)]:
                os.close(self._fds.pop(path))

    def revalidate(self, directory: str) -> bool:
        """Forget files kept under ``directory`` if it is no longer the same object (a network interface deleted
        and another created under its name). False when the directory is gone."""
        try:
            st = os.stat(directory)
        except OSError:
            self.forget_prefix(directory + "/")
            self._dirs.pop(directory, None)
            return False
        ident = (st.st_dev, st.st_ino)
        if self._dirs.get(directory, ident) != ident:
            self.forget_prefix(directory + "/")
        self._dirs[directory] = ident
        return True

    def paths(self) -> list[str]:
        return list(self._fds)

    def close(self) -> None:
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()

    def text(self, path: str) -> str:
        return self.read(path).decode("utf-8", "replace")

    def attr(self, path: str) -> str | None:
        """A sysfs attribute, stripped; None when the kernel refuses it (EINVAL on a down link, missing file)."""
        try:
            return self.read(path).decode("utf-8", "replace").strip()
        except OSError:
            return None

    def int(self, path: str, base: int = 10) -> int | None:
        text = self.attr(path)
        if not text:
            return None
        try:
            return int(text, base)
        except ValueError:
            return None


def read_text(path: str) -> str:
    return read_bytes(path).decode("utf-8", "replace")


class Paths:
    """Where /proc, /sys, /etc and /run live (a fixture tree in tests)."""

    __slots__ = ("etc", "proc", "root", "run", "sys")

    def __init__(self, root: str = "/") -> None:
        self.root = root.rstrip("/") or ""
        self.proc = f"{self.root}/proc"
        self.sys = f"{self.root}/sys"
        self.etc = f"{self.root}/etc"
        self.run = f"{self.root}/run"
