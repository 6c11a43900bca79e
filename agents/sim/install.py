"""The simulator's own venv: snmpsim with the exact versions its entry point was verified with.

WHY a separate venv: snmpsim pins pysnmp and needs pysmi without declaring it, and it is a test peer, not
something the project imports. The venv is created on first use from the system Python (Debian's
``/usr/bin/python3`` when present) in a per-user cache folder shared by every checkout, so CI and a fresh
clone install it once. ``YUNWANG_SNMPSIM_VENV`` picks another folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = ("snmpsim==1.2.2", "pysnmp==7.1.30", "pysmi==1.6.3", "pyasn1==0.6.5", "cryptography>=42")
MARKER = ".yunwang-requirements"
ENTRY = Path(__file__).with_name("snmpsim_main.py")


class SimSetupError(RuntimeError):
    """The simulator venv cannot be created (e.g. no network to reach the package index)."""


def venv_dir() -> Path:
    env = os.environ.get("YUNWANG_SNMPSIM_VENV")
    if env:
        return Path(env).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "yunwang" / "snmpsim-1.2"


def venv_python(folder: Path | None = None) -> Path:
    return (folder or venv_dir()) / "bin" / "python"


def is_installed(folder: Path | None = None) -> bool:
    folder = folder or venv_dir()
    marker = folder / MARKER
    return (venv_python(folder).exists() and marker.exists()
            and marker.read_text(encoding="utf-8") == "\n".join(REQUIREMENTS))


def _base_python() -> str:
    system = Path("/usr/bin/python3")
    if system.exists() and subprocess.run([str(system), "-c", "import venv, ensurepip"],
                                          capture_output=True).returncode == 0:
        return str(system)
    return sys.executable


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SimSetupError(f"{what} failed ({' '.join(cmd[:4])} …):\n  " + "\n  ".join(tail))


def ensure_snmpsim(folder: Path | None = None, quiet: bool = False) -> Path:
    """Path of the simulator venv's python, creating the venv first if it is missing or outdated."""
    folder = folder or venv_dir()
    if is_installed(folder):
        return venv_python(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two starts at once (tests, `yunwang up`) install it once
        if is_installed(folder):
            return venv_python(folder)
        return _install(folder, quiet)


def _install(folder: Path, quiet: bool) -> Path:
    if not quiet:
        print(f"sim: installing snmpsim into {folder} (first use only)…", file=sys.stderr)
    if folder.exists():
        shutil.rmtree(folder)
    _run([_base_python(), "-m", "venv", str(folder)], "creating the snmpsim venv")
    _run([str(venv_python(folder)), "-m", "pip", "install", "-q", "--disable-pip-version-check", *REQUIREMENTS],
         "installing snmpsim (needs the Python package index)")
    (folder / MARKER).write_text("\n".join(REQUIREMENTS), encoding="utf-8")
    return venv_python(folder)
