"""Pending security updates on RPM-family hosts, from the repositories' security advisories in the dnf/yum cache.

What ``dnf updateinfo list --security`` shows, decided the same way without running dnf: every advisory of type
``security`` in the cached ``updateinfo.xml`` of each repository names fixed package versions; an advisory is
pending when an installed package of the same name and architecture is older (RPM's version ordering, epoch first).

Why the cache and not the command: dnf needs a second or more and the repositories' metadata (it refreshes expired
metadata over the network unless told ``-C``), takes dnf's lock, and cannot run on a fixture tree or a mounted image;
the cached files are what it would read anyway. openEuler (openEuler-SA-…), Kylin V10 (KYSA-…) and UOS publish
updateinfo in their update repositories, and dnf downloads it with the rest of the metadata (``dnf makecache``).
Files: dnf 4 ``/var/cache/dnf/<repo>-<hash>/repodata/*updateinfo.xml*``, dnf 5 under ``/var/cache/libdnf5``, yum 3
``/var/cache/yum/<arch>/<release>/<repo>/*updateinfo.xml*``; gzip, xz, bzip2 or plain (zstd is reported, not read).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from agents.host.factsources.context import FactContext
from agents.host.factsources.rpmdb import RpmPackage

CACHE_GLOBS = ("var/cache/dnf/*/repodata/*updateinfo.xml*", "var/cache/libdnf5/*/repodata/*updateinfo.xml*",
               "var/cache/yum/*/*/*/*updateinfo.xml*", "var/cache/yum/*/*/*/repodata/*updateinfo.xml*")
_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}


def rpmvercmp(a: str, b: str) -> int:
    """RPM's version-segment comparison (rpmvercmp.c): -1, 0, 1. Digits beat letters, ``~`` sorts before
    anything (pre-releases), ``^`` after the end (post-release snapshots)."""
    if a == b:
        return 0
    i = j = 0
    while i < len(a) or j < len(b):
        while i < len(a) and not (a[i].isascii() and a[i].isalnum()) and a[i] not in "~^":
            i += 1
        while j < len(b) and not (b[j].isascii() and b[j].isalnum()) and b[j] not in "~^":
            j += 1
        ca, cb = a[i:i + 1], b[j:j + 1]
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (ca and cb):
            break
        numeric = ca.isdigit()
        kind = str.isdigit if numeric else (lambda c: c.isascii() and c.isalpha())
        end_a, end_b = i, j
        while end_a < len(a) and kind(a[end_a]):
            end_a += 1
        while end_b < len(b) and kind(b[end_b]):
            end_b += 1
        seg_a, seg_b = a[i:end_a], b[j:end_b]
        if not seg_b:
            return 1 if numeric else -1
        if numeric:
            seg_a, seg_b = seg_a.lstrip("0"), seg_b.lstrip("0")
            if len(seg_a) != len(seg_b):
                return 1 if len(seg_a) > len(seg_b) else -1
        if seg_a != seg_b:
            return 1 if seg_a > seg_b else -1
        i, j = end_a, end_b
    if i >= len(a) and j >= len(b):
        return 0
    return -1 if i >= len(a) else 1


def compare_evr(a: tuple[int, str, str], b: tuple[int, str, str]) -> int:
    """Epoch, then version, then release, as RPM orders them."""
    if a[0] != b[0]:
        return 1 if a[0] > b[0] else -1
    return rpmvercmp(a[1], b[1]) or rpmvercmp(a[2], b[2])


@dataclass
class PendingUpdates:
    """Advisories with at least one package newer than what is installed, and those packages."""

    advisories: set[str] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)


def cached_updateinfo(ctx: FactContext) -> list[Path]:
    return sorted({p for pattern in CACHE_GLOBS for p in ctx.root.glob(pattern) if p.is_file()})


def _open(path: Path) -> IO[bytes]:
    opener = _OPENERS.get(path.suffix)
    if opener is not None:
        return cast(IO[bytes], opener(path, "rb"))
    if path.suffix == ".xml":
        return path.open("rb")
    raise ValueError(f"{path.name}: compressed as {path.suffix}, which this agent does not read (run `dnf makecache` "
                     "with gzip/xz metadata, or audit with the live host's rpm tools)")


def _security_packages(stream: IO[bytes]) -> Iterator[tuple[str, ET.Element]]:
    """(advisory id, <package>) for each package of each security advisory, streaming: updateinfo files hold
    thousands of advisories, and only the current one is kept in memory."""
    advisory: str | None = None
    security = False
    for event, element in ET.iterparse(stream, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "update":
                security, advisory = element.get("type") == "security", None
            continue
        if tag == "id" and advisory is None:
            advisory = (element.text or "").strip()
        elif tag == "package" and security and advisory:
            yield advisory, element
        elif tag == "update":
            element.clear()


def pending_security(installed: tuple[RpmPackage, ...], files: list[Path]) -> PendingUpdates:
    """Compare each security advisory's packages with the newest installed version of the same name and arch."""
    newest: dict[tuple[str, str], tuple[int, str, str]] = {}
    for p in installed:
        evr = (p.epoch, p.version, p.release)
        if (p.name, p.arch) not in newest or compare_evr(evr, newest[(p.name, p.arch)]) > 0:
            newest[(p.name, p.arch)] = evr
    pending = PendingUpdates()
    for path in files:
        with _open(path) as stream:
            for advisory, package in _security_packages(stream):
                name, arch = package.get("name", ""), package.get("arch", "")
                current = newest.get((name, arch))
                if current is None or arch == "src":
                    continue
                epoch = package.get("epoch") or "0"
                fixed = (int(epoch) if epoch.isdigit() else 0, package.get("version", ""), package.get("release", ""))
                if compare_evr(fixed, current) > 0:
                    pending.advisories.add(advisory)
                    pending.packages.add(name)
    return pending
