"""Write the domestic-OS host trees (tests/agents_host/fixtures/roots/) and the facts the host agent collects from
them (examples/hosts/*.facts.json). Run: .venv/bin/python scripts/gen_host_examples.py

Each tree is what the host agent reads under a root: configuration files as the distribution ships them, after the
project's hardening ("hardened") or with the mistakes met on real hosts ("insecure"), plus the running state an
agent would see (/proc process names, listening sockets, sysctls, kernel command line, SELinux mode).
examples/hosts/README.md says where each file's text comes from.

The RPM databases are real ones: the packages are built as empty RPMs with the distribution's names and versions by
rpmbuild, installed into an rpmdb.sqlite by rpm (openEuler 22.03 uses RPM 4.17's sqlite backend), and for Kylin V10
and UOS Server 20 (RPM 4.15, Berkeley DB) the same header blobs are loaded into a Berkeley DB hash file by libdb's
db_load. Regenerating them needs Debian's `rpm` and `db5.3-util` packages; without them the existing databases are
kept.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(Path(__file__).resolve().parent), str(PROJECT)]
from host_example_data import OSES, Tree  # noqa: E402

from agents.host.facts import collect_facts  # noqa: E402
from agents.host.factsources.context import FactContext  # noqa: E402
from agents.host.factsources.rpmdb import installed_rpms  # noqa: E402

ROOTS = PROJECT / "tests" / "agents_host" / "fixtures" / "roots"
EXAMPLES = PROJECT / "examples" / "hosts"
COLLECTED_AT = "2026-11-20T02:00:00Z"  # fixed, so regenerating changes nothing when the trees did not change


def _spec(name: str, epoch: int, version: str, release: str, arch: str) -> str:
    epoch_line = f"Epoch: {epoch}\n" if epoch else ""
    return (f"Name: {name}\n{epoch_line}Version: {version}\nRelease: {release}\nSummary: {name}\nLicense: MIT\n"
            f"BuildArch: {arch}\n%description\n{name}\n%files\n")


def build_rpmdb(packages: list[tuple[str, int, str, str, str]], target: Path, bdb: bool) -> None:
    """rpmdb.sqlite (or, with ``bdb``, a Berkeley DB ``Packages``) holding ``packages`` as installed."""
    if not (shutil.which("rpmbuild") and shutil.which("rpm")) or (bdb and not shutil.which("db5.3_load")):
        print(f"rpm/rpmbuild/db5.3_load not installed: keeping {target}", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        top, dbpath = Path(tmp) / "build", Path(tmp) / "db"
        dbpath.mkdir()
        rpms = []
        for name, epoch, version, release, arch in packages:
            spec = Path(tmp) / f"{name}.spec"
            spec.write_text(_spec(name, epoch, version, release, arch), encoding="utf-8")
            subprocess.run(["rpmbuild", "-bb", "--quiet", f"--define=_topdir {top}", f"--target={arch}",
                            "--define=_build_id_links none", str(spec)], check=True, capture_output=True)
            rpms += [str(p) for p in (top / "RPMS").rglob(f"{name}-{version}-{release}.*.rpm")]
        subprocess.run(["rpm", "--dbpath", str(dbpath), "--initdb"], check=True)
        subprocess.run(["rpm", "--dbpath", str(dbpath), "-i", "--justdb", "--nodeps", "--noscripts", "--ignorearch",
                        "--ignoreos", "--nosignature", "--nodigest", *rpms], check=True, capture_output=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not bdb:
            with sqlite3.connect(dbpath / "rpmdb.sqlite") as db:
                db.execute("PRAGMA journal_mode=DELETE")
                db.execute("VACUUM")
            shutil.copyfile(dbpath / "rpmdb.sqlite", target)
            return
        with sqlite3.connect(dbpath / "rpmdb.sqlite") as db:
            rows = db.execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
        dump = ["VERSION=3", "format=bytevalue", "type=hash", "db_pagesize=4096", "HEADER=END"]
        for hnum, blob in rows:
            dump += [" " + int(hnum).to_bytes(4, "little").hex(), " " + bytes(blob).hex()]
        dump.append("DATA=END")
        target.unlink(missing_ok=True)
        subprocess.run(["db5.3_load", str(target)], input="\n".join(dump) + "\n", text=True, check=True)


def write_tree(tree: Tree, root: Path) -> None:
    if root.exists():
        keep = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name in ("rpmdb.sqlite", "Packages")}
        shutil.rmtree(root)
    else:
        keep = {}
    for relative, text in sorted(tree.files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith(".gz"):
            path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            path.write_text(text, encoding="utf-8")
    for relative, target in sorted(tree.links.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    database = root / tree.rpmdb_path
    for old, data in keep.items():
        if old.name == database.name:
            database.parent.mkdir(parents=True, exist_ok=True)
            database.write_bytes(data)
    if _installed(root) != sorted(tree.packages):  # rebuilt databases differ in every byte (build and install times)
        build_rpmdb(tree.packages, database, bdb=tree.rpmdb_path.endswith("Packages"))


def _installed(root: Path) -> list[tuple[str, int, str, str, str]]:
    rpms = installed_rpms(FactContext(root))
    return sorted((p.name, p.epoch, p.version, p.release, p.arch) for p in rpms.packages) if rpms else []


def facts_document(root: Path) -> str:
    """The facts JSON the agent collects from ``root``, with a fixed collection time."""
    data = json.loads(collect_facts(root).to_json())
    data["collected_at"] = COLLECTED_AT
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for name, tree in OSES.items():
        write_tree(tree, ROOTS / name)
        (EXAMPLES / f"{name}.facts.json").write_text(facts_document(ROOTS / name), encoding="utf-8")
        print(f"wrote {ROOTS / name} and {EXAMPLES / name}.facts.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
