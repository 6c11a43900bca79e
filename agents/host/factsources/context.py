"""What every fact reader shares: the root, whether it is the live system, the process table, the error list."""

from __future__ import annotations

import os
from pathlib import Path


class FactContext:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.live = self.root.resolve() == Path("/")
        self.errors: list[tuple[str, str]] = []
        self._processes: dict[int, str] | None = None

    def path(self, relative: str) -> Path:
        return self.root / relative.lstrip("/")

    def error(self, source: str, message: str) -> None:
        self.errors.append((source, message))

    def read(self, relative: str, source: str) -> str | None:
        """File text, or None when absent; unreadable files (permissions, I/O) are recorded as errors."""
        path = self.path(relative)
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
