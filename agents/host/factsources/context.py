"""What every fact reader shares: the root, whether it is the live system, the process table, the error list."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
# Package databases that tell the layout family (dpkg wins: Debian's own rpm package may leave a /var/lib/rpm).
DPKG_STATUS = "var/lib/dpkg/status"
RPM_DATABASES = ("var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/Packages",
                 "usr/lib/sysimage/rpm/Packages", "var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db")
# os-release ID / ID_LIKE values of each family, for a root without a package database.
RPM_IDS = frozenset({"rhel", "fedora", "centos", "openeuler", "kylin", "anolis", "rocky", "almalinux", "ol",
                     "euleros", "hce", "tencentos", "opencloudos", "alinux"})
DEBIAN_IDS = frozenset({"debian", "ubuntu", "deepin", "linuxmint"})


class FactContext:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.live = self.root.resolve() == Path("/")
        self.errors: list[tuple[str, str]] = []
        self._processes: dict[int, str] | None = None
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per collection: what two sections need (the package database) is read once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def family(self) -> str | None:
        """'debian' or 'rpm': the layout of PAM, package and update files, told by the package database found,
        else by os-release's ID and ID_LIKE (UOS ships both layouts under one ID, so the database comes first)."""
        return self.memo("family", self._family)

    def _family(self) -> str | None:
        if self.path(DPKG_STATUS).is_file():
            return "debian"
        if any(self.path(p).is_file() for p in RPM_DATABASES):
            return "rpm"
        from agents.host.collectors.os_release import parse_os_release

        release = parse_os_release(self.read("etc/os-release", "os") or self.read("usr/lib/os-release", "os") or "")
        ids = {release.get("ID", "").lower(), *release.get("ID_LIKE", "").lower().split()}
        if ids & RPM_IDS:
            return "rpm"
        return "debian" if ids & DEBIAN_IDS else None

    def path(self, relative: str) -> Path:
        return self.root / relative.lstrip("/")

    def error(self, source: str, message: str) -> None:
        self.errors.append((source, message))

    def resolve(self, relative: str) -> Path:
        """``relative`` with symbolic links followed inside the root: an absolute link in a mounted image or fixture
        tree (authselect's ``/etc/pam.d/system-auth -> /etc/authselect/system-auth``) points into that tree, not
        into the auditing host's own /etc."""
        path = self.path(relative)
        if self.live:
            return path
        for _ in range(40):
            try:
                target = os.readlink(path)
            except OSError:
                return path
            path = self.path(target) if target.startswith("/") else path.parent / target
        return path

    def read(self, relative: str, source: str) -> str | None:
        """File text, or None when absent; unreadable files (permissions, I/O) are recorded as errors."""
        path = self.resolve(relative)
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            return None
        except PermissionError:
            self.error(source, f"permission denied: {relative}")
        except OSError as exc:
            self.error(source, f"cannot read {relative}: {exc.strerror or exc}")
        return None

    def exists(self, *candidates: str) -> bool:
        return any(self.path(c).exists() for c in candidates)

    @property
    def processes(self) -> dict[int, str]:
        """pid → command name (from /proc/<pid>/comm), read once per collection."""
        if self._processes is None:
            table: dict[int, str] = {}
            proc = self.path("proc")
            try:
                entries = os.listdir(proc)
            except OSError:
                entries = []
            for entry in entries:
                if entry.isdigit():
                    try:
                        table[int(entry)] = (proc / entry / "comm").read_text().strip()
                    except OSError:
                        continue  # exited meanwhile
            self._processes = table
        return self._processes

    def running(self, *names: str) -> bool:
        wanted = set(names)
        return any(comm in wanted for comm in self.processes.values())
