"""Installed RPM packages read straight from the RPM database, without the ``rpm`` binary.

Why without it: a fixture tree, a mounted disk image or a container root has no working ``rpm`` for its own
database, and on the live host ``rpm -qa`` costs a process and a lock. Two on-disk formats cover the RPM family
this project meets:

* ``rpmdb.sqlite`` (RPM 4.16+: openEuler 22.03/24.03, RHEL 9): table ``Packages(hnum, blob)``, read with the
  standard library's sqlite3;
* Berkeley DB hash ``Packages`` (RPM 4.15 and older: openEuler 20.03, Kylin V10, UOS Server 20 "e", CentOS 7/8):
  read page by page here, as RPM's own read-only backend (``bdb_ro``) does — every value is one package header,
  kept on the hash page or, when large, in a chain of overflow pages.

Each value is an RPM header blob (index entries, then the data store); only the name, epoch, version, release and
arch tags are decoded. NDB (SUSE's ``Packages.db``) is not read: on the live host ``rpm -qa`` stands in.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from agents.host.factsources.context import FactContext

# Where RPM keeps its database, newest layout first (Fedora 36+ moved it under /usr; /var/lib/rpm links there).
SQLITE_PATHS = ("usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite")
BDB_PATHS = ("var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages")
NDB_PATHS = ("var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db")

_TAG_NAME, _TAG_VERSION, _TAG_RELEASE, _TAG_EPOCH, _TAG_ARCH = 1000, 1001, 1002, 1003, 1022
_TYPE_INT32, _TYPE_STRING = 4, 6
_BDB_HASH_MAGIC = 0x061561
_BDB_HASH_META, _BDB_HASH_UNSORTED, _BDB_HASH, _BDB_OVERFLOW = 8, 2, 13, 7
_BDB_KEYDATA, _BDB_OFFPAGE = 1, 3
_BDB_PAGE_HEADER = 26


class RpmDbError(ValueError):
    """The database file is not in the format its name promises (the message says what was found)."""


@dataclass(frozen=True)
class RpmPackage:
    """One installed package: enough to compare versions with an advisory."""

    name: str
    epoch: int
    version: str
    release: str
    arch: str

    @property
    def evr(self) -> str:
        return f"{self.epoch}:{self.version}-{self.release}" if self.epoch else f"{self.version}-{self.release}"


@dataclass(frozen=True)
class RpmDb:
    """What was read: the packages and where from (path relative to the root, format)."""

    packages: tuple[RpmPackage, ...]
    path: str
    format: str


def parse_header(blob: bytes) -> RpmPackage | None:
    """Name, epoch, version, release and arch of a header blob; None when it holds no package name."""
    if len(blob) < 8:
        return None
    count, data_length = struct.unpack_from(">ii", blob, 0)
    store = 8 + 16 * count
    if count <= 0 or data_length < 0 or store + data_length > len(blob):
        return None
    values: dict[int, str | int] = {}
    for n in range(count):
        tag, kind, offset, _ = struct.unpack_from(">iiii", blob, 8 + 16 * n)
        if tag not in (_TAG_NAME, _TAG_VERSION, _TAG_RELEASE, _TAG_EPOCH, _TAG_ARCH) or not 0 <= offset < data_length:
            continue
        start = store + offset
        if kind == _TYPE_STRING:
            end = blob.find(b"\0", start, store + data_length)
            values[tag] = blob[start:end if end >= 0 else store + data_length].decode("utf-8", "replace")
        elif kind == _TYPE_INT32 and start + 4 <= store + data_length:
            values[tag] = struct.unpack_from(">i", blob, start)[0]
    name = values.get(_TAG_NAME)
    if not isinstance(name, str) or not name or name == "gpg-pubkey":  # imported signing keys are not software
        return None
    epoch = values.get(_TAG_EPOCH, 0)
    return RpmPackage(name=name, epoch=epoch if isinstance(epoch, int) else 0,
                      version=str(values.get(_TAG_VERSION, "")), release=str(values.get(_TAG_RELEASE, "")),
                      arch=str(values.get(_TAG_ARCH, "noarch")))


def sqlite_blobs(path: Path) -> list[bytes]:
    """Header blobs of an rpmdb.sqlite, read-only (immutable when the database cannot be opened normally, e.g.
    a read-only mount where sqlite cannot create its shared-memory file)."""
    last: sqlite3.Error | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):
        try:
            with sqlite3.connect(f"file:{path}?{query}", uri=True, timeout=5) as db:
                return [bytes(row[0]) for row in db.execute("SELECT blob FROM Packages")]
        except sqlite3.Error as exc:
            last = exc
    raise RpmDbError(f"not a readable RPM sqlite database: {last}")


def bdb_blobs(data: bytes) -> Iterator[bytes]:
    """Every value of a Berkeley DB hash database (RPM's ``Packages``), following overflow chains."""
    if len(data) < 512:
        raise RpmDbError("too short for a Berkeley DB file")
    for order in ("<", ">"):
        magic, _, page_size = struct.unpack_from(order + "III", data, 12)
        if magic == _BDB_HASH_MAGIC:
            break
    else:
        raise RpmDbError("no Berkeley DB hash magic number")
    if data[25] != _BDB_HASH_META or page_size not in {512 << n for n in range(8)} or data[24] != 0:
        raise RpmDbError(f"unexpected Berkeley DB hash metadata (page size {page_size}, encrypted {data[24]})")
    last_page = struct.unpack_from(order + "I", data, 32)[0]
    if (last_page + 1) * page_size > len(data):
        raise RpmDbError(f"truncated: its metadata names {last_page + 1} pages of {page_size} bytes, the file holds "
                         f"{len(data) // page_size}")
    for number in range(1, last_page + 1):
        page = data[number * page_size:(number + 1) * page_size]
        if page[25] not in (_BDB_HASH, _BDB_HASH_UNSORTED):
            continue
        entries = struct.unpack_from(order + "H", page, 20)[0]
        offsets = struct.unpack_from(f"{order}{entries}H", page, _BDB_PAGE_HEADER)
        for index in range(1, entries, 2):  # key, value, key, value …: only the values are headers
            offset = offsets[index]
            end = offsets[index - 1] if index > 0 else page_size
            if page[offset] == _BDB_OFFPAGE:
                first, length = struct.unpack_from(order + "II", page, offset + 4)
                yield _overflow(data, first, length, page_size, order)
            elif page[offset] == _BDB_KEYDATA and end > offset + 1:
                yield page[offset + 1:end]


def _overflow(data: bytes, number: int, length: int, page_size: int, order: str) -> bytes:
    """The value kept in a chain of overflow pages, starting at page ``number``."""
    chunks: list[bytes] = []
    seen: set[int] = set()
    while number and number not in seen and (number + 1) * page_size <= len(data):
        seen.add(number)
        page = data[number * page_size:(number + 1) * page_size]
        if page[25] != _BDB_OVERFLOW:
            break
        following, used = struct.unpack_from(order + "I", page, 16)[0], struct.unpack_from(order + "H", page, 22)[0]
        chunks.append(page[_BDB_PAGE_HEADER:_BDB_PAGE_HEADER + used] if following == 0 else page[_BDB_PAGE_HEADER:])
        number = following
    value = b"".join(chunks)
    if len(value) < length:
        raise RpmDbError(f"a package header of {length} bytes ends after {len(value)} (broken overflow pages)")
    return value[:length]


def _rpm_query(ctx: FactContext) -> tuple[RpmPackage, ...] | None:
    """``rpm -qa`` on the live host, for database formats read here (NDB) or databases that fail to parse."""
    rpm = shutil.which("rpm") if ctx.live else None
    if rpm is None:
        return None
    try:
        done = subprocess.run([rpm, "-qa", "--qf", r"%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH}\n"],
                              capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        ctx.error("packages", f"rpm -qa failed: {exc}")
        return None
    if done.returncode != 0:
        return None
    found = []
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "gpg-pubkey":
            found.append(RpmPackage(parts[0], int(parts[1]) if parts[1].isdigit() else 0, *parts[2:]))
    return tuple(found)


def _read(ctx: FactContext) -> RpmDb | None:
    for relative in SQLITE_PATHS:
        path = ctx.path(relative)
        if path.is_file():
            try:
                headers = sqlite_blobs(path)
            except RpmDbError as exc:
                ctx.error("packages", f"/{relative}: {exc}")
                break
            return RpmDb(tuple(p for p in map(parse_header, headers) if p), "/" + relative, "sqlite")
    for relative in BDB_PATHS:
        path = ctx.path(relative)
        if path.is_file():
            try:
                packages = tuple(p for p in map(parse_header, bdb_blobs(path.read_bytes())) if p)
            except (OSError, RpmDbError, struct.error) as exc:
                ctx.error("packages", f"/{relative}: {exc}")
                break
            return RpmDb(packages, "/" + relative, "bdb")
    queried = _rpm_query(ctx)
    if queried is not None:
        return RpmDb(queried, "rpm -qa", "rpm -qa")
    if any(ctx.path(p).is_file() for p in NDB_PATHS):
        ctx.error("packages", "the RPM database is in NDB format (Packages.db), which is read through `rpm -qa` "
                              "on the live host only")
    return None


def installed_rpms(ctx: FactContext) -> RpmDb | None:
    """The installed packages of ``ctx.root`` (read once per collection), or None without an RPM database."""
    return ctx.memo("rpmdb", lambda: _read(ctx))


def rpm_database_present(ctx: FactContext) -> bool:
    return any(ctx.path(p).is_file() for p in (*SQLITE_PATHS, *BDB_PATHS, *NDB_PATHS))
