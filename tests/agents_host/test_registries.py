"""Collectors and fact readers register themselves: a new file is all it takes, and nothing is listed twice."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.host import collectors
from agents.host.collectors import build_collectors, collector_classes
from agents.host.collectors.base import Collector
from agents.host.facts import collect_facts
from agents.host.factsources import readers
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import SECTIONS

COLLECTORS_DIR = Path(collectors.__file__).parent
FACTSOURCES_DIR = Path(readers.__code__.co_filename).parent
# node_exporter 1.5's names for what the agent collects (the compatibility tests compare the metrics they write).
NODE_EXPORTER_NAMES = ("arp", "conntrack", "cpu", "diskstats", "entropy", "filefd", "filesystem", "loadavg",
                       "meminfo", "netclass", "netdev", "netstat", "os", "pressure", "processes", "selinux",
                       "sockstat", "softnet", "stat", "textfile", "time", "timex", "udp_queues", "uname", "vmstat")


def test_every_file_in_the_collectors_folder_registers_one_collector() -> None:
    classes = collector_classes()
    files = {p.stem for p in COLLECTORS_DIR.glob("*.py") if not p.name.startswith("_")} - {"base"}
    assert {cls.__module__.rsplit(".", 1)[1] for cls in classes.values()} == files
    assert len(classes) == len(files)  # one per file
    assert tuple(classes) == NODE_EXPORTER_NAMES  # by name: the order they are scraped and written in


def test_default_collectors_and_the_enable_flag_come_from_the_registry() -> None:
    default = [c.name for c in build_collectors()]
    assert default == [n for n in NODE_EXPORTER_NAMES if n != "processes"]  # off by default, as in node_exporter
    assert [c.name for c in build_collectors(enable=["processes"], disable=["cpu"])] == [
        n for n in NODE_EXPORTER_NAMES if n != "cpu"]
    with pytest.raises(ValueError, match=r"unknown collector.*known: arp, conntrack"):
        build_collectors(disable=["no_such"])


@pytest.fixture
def extra_package(tmp_path: Path) -> Iterator[str]:
    """A package standing in for the collectors folder, importable for the test only."""
    package = tmp_path / "extra_collectors"
    package.mkdir()
    (package / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    yield package.name
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == package.name or m.startswith(package.name + ".")]:
        del sys.modules[name]


def test_a_new_collector_file_is_all_it_takes(extra_package: str, tmp_path: Path) -> None:
    assert collector_classes(extra_package) == {}
    (tmp_path / extra_package / "zfs_arc.py").write_text(
        "from agents.host.collectors.base import Collector\n"
        "from agents.host.exposition import Family\n\n\n"
        "class ZfsArcCollector(Collector):\n"
        "    name = 'zfs_arc_for_test'\n"
        "    enabled_by_default = False\n\n"
        "    def collect(self) -> list[Family]:\n"
        "        return [Family('node_zfs_arc_test', 'a collector added as one file').add(1)]\n")
    found = collector_classes(extra_package)
    assert list(found) == ["zfs_arc_for_test"]
    (family,) = found["zfs_arc_for_test"]().collect()
    assert family.name == "node_zfs_arc_test"
    assert "zfs_arc_for_test" not in collector_classes()  # other packages' collectors stay out of the agent's


def test_a_collector_name_can_be_taken_only_once() -> None:
    taken = re.escape("is taken by agents.host.collectors.cpu.CpuCollector")
    with pytest.raises(TypeError, match=f"collector name 'cpu' .* {taken}"):
        type("AnotherCpu", (Collector,), {"name": "cpu", "__module__": "tests.elsewhere"})


def test_every_section_of_the_contract_has_one_reader() -> None:
    found = readers()
    assert list(found) != [] and set(found) == set(SECTIONS)
    assert all(read.__module__.startswith("agents.host.factsources.") for read in found.values())


def test_no_fact_reader_imports_the_collector_of_facts() -> None:
    """The old import loop: facts.py imports the readers, and no reader may import facts.py."""
    for path in FACTSOURCES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        if path.name != "__main__.py":  # the command line entry point runs collect_facts, nothing imports it
            assert "agents.host.facts" not in imported, path.name


def test_a_reader_must_name_a_section_of_the_contract_once() -> None:
    with pytest.raises(ValueError, match="'kernel_modules' is not a section of the host facts contract"):
        fact_source("kernel_modules")

    def other_sshd(ctx: object) -> None:
        return None

    taken = re.escape("section 'sshd' is read by agents.host.factsources.sshd.sshd_facts already")
    with pytest.raises(ValueError, match=taken):
        fact_source("sshd")(other_sshd)


def test_a_section_without_a_reader_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import agents.host.facts

    found = readers()
    del found["sysctl"]
    monkeypatch.setattr(agents.host.facts, "readers", lambda: found)
    facts = collect_facts(tmp_path)
    assert facts.sysctl == {}
    assert ("sysctl", "no fact reader registered for this section") in [(e.source, e.message) for e in facts.errors]
