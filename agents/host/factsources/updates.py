"""Pending security updates, both families, from local metadata only (no network, no package-manager lock).

Debian family: counts installed packages for which a security archive list (``*security*_Packages*`` under
/var/lib/apt/lists) offers a newer version, compared with dpkg's version ordering. Compressed lists are read through
``apt-helper cat-file`` (apt's own decompressor: lz4, xz, gz…) on the live host, or with the standard library
for .gz/.xz in a fixture tree. RPM family: the security advisories of the dnf/yum cache (updateinfo.py). A host
with neither reports "could not determine" instead of a guess.
"""

from __future__ import annotations

import gzip
import lzma
import re
import subprocess
from collections.abc import Iterator

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from agents.host.factsources.rpmdb import installed_rpms
from agents.host.factsources.updateinfo import cached_updateinfo, pending_security
from yunwang.contracts.host_facts import UpdatesFacts

APT_HELPER = "/usr/lib/apt/apt-helper"
_DIGITS = re.compile(r"\d+")


def _order(char: str) -> int:
    if char == "~":
        return -1
    if char.isdigit() or not char:
        return 0
    return ord(char) if char.isalpha() else ord(char) + 256


def _compare_part(a: str, b: str) -> int:
    """dpkg's verrevcmp: alternate non-digit runs (with ~ sorting first) and numeric runs."""
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) else 0
            bc = _order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i, j = i + 1, j + 1
        match_a, match_b = _DIGITS.match(a, i), _DIGITS.match(b, j)
        num_a = int(match_a.group()) if match_a else 0
        num_b = int(match_b.group()) if match_b else 0
        if num_a != num_b:
            return num_a - num_b
        i = match_a.end() if match_a else i
        j = match_b.end() if match_b else j
    return 0


def compare_versions(a: str, b: str) -> int:
    """<0, 0, >0 as Debian version ``a`` sorts before, equal to or after ``b`` (epoch:upstream-revision)."""
    def split(version: str) -> tuple[int, str, str]:
        epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
        upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
        return int(epoch or 0), upstream, revision

    ea, ua, ra = split(a)
    eb, ub, rb = split(b)
    if ea != eb:
        return ea - eb
    return _compare_part(ua, ub) or _compare_part(ra, rb)


def _stanzas(text: str) -> Iterator[dict[str, str]]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields = {}
        elif not line[0].isspace():
            key, _, value = line.partition(":")
            if key in ("Package", "Version", "Architecture", "Status"):
                fields[key] = value.strip()
    if fields:
        yield fields


def _list_text(ctx: FactContext, relative: str) -> str:
    path = ctx.path(relative)
    if ctx.live and not relative.endswith("_Packages"):
        done = subprocess.run([APT_HELPER, "cat-file", str(path)], capture_output=True, timeout=60, check=True)
        return done.stdout.decode("utf-8", "replace")
    raw = path.read_bytes()
    if relative.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif relative.endswith(".xz"):
        raw = lzma.decompress(raw)
    elif not relative.endswith("_Packages"):
        raise ValueError(f"cannot decompress {relative} outside the live host")
    return raw.decode("utf-8", "replace")


@fact_source("updates")
def updates_facts(ctx: FactContext) -> UpdatesFacts:
    if ctx.family == "rpm":
        return _rpm_updates(ctx)
    status = ctx.read("var/lib/dpkg/status", "updates")
    if status is None:
        ctx.error("updates", "no package database: pending security updates not determined on this distribution")
        return UpdatesFacts()
    installed = {(s["Package"], s.get("Architecture", "")): s["Version"] for s in _stanzas(status)
                 if s.get("Status", "").endswith(" installed") and "Version" in s and "Package" in s}
    lists = sorted(p for p in ctx.path("var/lib/apt/lists").glob("*security*_Packages*") if p.is_file())
    if not lists:
        ctx.error("updates", "no security package lists under /var/lib/apt/lists (apt-get update never run?)")
        return UpdatesFacts()
    pending: set[str] = set()
    for path in lists:
        relative = str(path.relative_to(ctx.root))
        for stanza in _stanzas(_list_text(ctx, relative)):
            name, version = stanza.get("Package"), stanza.get("Version")
            if not name or not version:
                continue
            arch = stanza.get("Architecture", "")
            current = installed.get((name, arch)) or installed.get((name, "all"))
            if current is not None and compare_versions(version, current) > 0:
                pending.add(name)
    return UpdatesFacts(security_pending=len(pending), packages=sorted(pending),
                        lists=["/" + str(p.relative_to(ctx.root)) for p in lists])


def _rpm_updates(ctx: FactContext) -> UpdatesFacts:
    rpms = installed_rpms(ctx)
    if rpms is None:
        ctx.error("updates", "the RPM database could not be read: pending security updates not determined")
        return UpdatesFacts()
    files = cached_updateinfo(ctx)
    if not files:
        ctx.error("updates", "no cached updateinfo under /var/cache/dnf or /var/cache/yum (run `dnf makecache`; "
                             "the update repository must be enabled)")
        return UpdatesFacts()
    try:
        pending = pending_security(rpms.packages, files)
    except (OSError, EOFError, ValueError, SyntaxError, lzma.LZMAError) as exc:  # ParseError is a SyntaxError
        ctx.error("updates", f"cannot read the cached updateinfo: {exc}")
        return UpdatesFacts()
    return UpdatesFacts(security_pending=len(pending.packages), packages=sorted(pending.packages),
                        lists=["/" + str(p.relative_to(ctx.root)) for p in files],
                        advisories=sorted(pending.advisories))
