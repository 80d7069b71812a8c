"""The clerk's environment is the runtime lock alone: it satisfies every import of nianbao and of the
template notebook, holds no developer tool, and the declared dependencies are exactly what is imported.

Offline: the locks and pyproject.toml are read as text, the imports from the source; which distribution
provides a module is asked of the environment the tests run in (the development set, a superset).
`.ci/run` also builds the runtime-only environment in a fresh venv and runs a report in it."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
# Declared and never imported, each for a reason the dependency table gives (docs/dependencies.md).
USED_BY_NAME = {"mplfonts": "its font files, found by the package's name (nianbao/fonts.py)"}
# What a developer needs and a clerk never does: none of it may reach the clerk's lock.
DEV_TOOLS = {"pytest", "hypothesis", "ruff", "mypy", "jupyterlab", "selenium", "pypdf", "uv", "xlsxwriter"}


def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def pins(lock: Path) -> dict[str, set[str]]:
    """Distribution (canonical name) → its pinned versions (two where markers split by Python version)."""
    found: dict[str, set[str]] = {}
    for name, version in PIN.findall(lock.read_text(encoding="utf-8")):
        found.setdefault(canonicalize_name(name), set()).add(version)
    return found


def imported_modules(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def template_sources() -> Iterator[str]:
    """The template's code cells, as Python (a line magic or shell escape is no import)."""
    for cell in json.loads(TEMPLATE.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            yield "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def third_party_imports() -> set[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "src" / "nianbao").rglob("*.py"))]
    modules = {module for source in [*sources, *template_sources()] for module in imported_modules(source)}
    return {module for module in modules if module not in sys.stdlib_module_names and module != "nianbao"}


def imported_distributions() -> dict[str, str]:
    """Distribution (canonical name) → a module of it that nianbao or the template imports."""
    providers = metadata.packages_distributions()
    found: dict[str, str] = {}
    for module in sorted(third_party_imports()):
        assert module in providers, f"{module} is imported but no installed distribution provides it"
        for distribution in providers[module]:
            found[canonicalize_name(distribution)] = module
    return found


def declared() -> set[str]:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    return {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}


def requirements_of(distribution: str, extras: frozenset[str] = frozenset()) -> Iterator[str]:
    """The distributions `distribution` needs on this Python (its markers evaluated here)."""
    for text in metadata.requires(distribution) or []:
        requirement = Requirement(text)
        environments = [{"extra": extra} for extra in extras or {""}]
        if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
            yield canonicalize_name(requirement.name)


def test_every_import_of_nianbao_and_the_template_is_in_the_runtime_lock() -> None:
    locked = pins(RUNTIME_LOCK)
    missing = {dist: module for dist, module in imported_distributions().items() if dist not in locked}
    assert not missing, f"imported but not in requirements.lock: {missing}"


def test_the_runtime_lock_holds_everything_nianbao_needs_to_run() -> None:
    """The closure of nianbao's requirements, walked through the installed metadata, is all pinned."""
    locked = pins(RUNTIME_LOCK)
    seen: set[str] = set()
    todo = list(requirements_of("nianbao"))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        assert name in locked, f"{name} is needed at run time and missing from requirements.lock"
        todo.extend(requirements_of(name))
    assert {"papermill", "ipykernel", "matplotlib", "typst", "python-docx"} <= seen


def test_the_build_requirement_is_in_the_runtime_lock() -> None:
    """`make setup` installs nianbao without build isolation (offline), with the venv's setuptools."""
    build = pyproject()["build-system"]
    assert isinstance(build, dict)
    locked = pins(RUNTIME_LOCK)
    for text in build["requires"]:
        requirement = Requirement(text)
        versions = locked.get(canonicalize_name(requirement.name), set())
        assert versions and all(requirement.specifier.contains(version) for version in versions), text


def test_declared_dependencies_are_exactly_those_imported() -> None:
    imported = set(imported_distributions())
    assert declared() - imported == set(USED_BY_NAME)
    assert imported - declared() == set(), "imported but not declared in pyproject.toml"


@pytest.mark.parametrize("tool", sorted(DEV_TOOLS))
def test_no_developer_tool_is_in_the_runtime_lock(tool: str) -> None:
    assert tool not in pins(RUNTIME_LOCK)
    assert tool in pins(DEV_LOCK)


def test_nothing_of_the_dev_extra_or_a_type_stub_is_in_the_runtime_lock() -> None:
    optional = pyproject()["project"]
    assert isinstance(optional, dict)
    extra = {canonicalize_name(Requirement(text).name) for text in optional["optional-dependencies"]["dev"]}
    assert extra >= DEV_TOOLS
    locked = set(pins(RUNTIME_LOCK))
    assert extra & locked == set()
    assert {name for name in locked if name.startswith("types-") or name.endswith("-stubs")} == set()


def test_the_development_lock_has_the_runtime_pins_and_more() -> None:
    runtime, development = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert {name: development.get(name) for name in runtime} == runtime
    assert set(development) > set(runtime)


def test_the_conda_environment_pins_what_the_runtime_lock_pins() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "- -r requirements.lock" in text
    conda = dict(re.findall(r"^  - ([a-z0-9-]+)=([0-9][^\s]*)$", text, re.MULTILINE))
    assert conda, "no conda pin found"
    locked = pins(RUNTIME_LOCK)
    for name, version in conda.items():
        if name != "python":
            assert locked.get(canonicalize_name(name)) == {version}, name


def test_the_makefile_installs_the_development_set_only_for_developers_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisite = dict(re.findall(r"^([a-z-]+): \$\((STAMP|DEV_STAMP)\)", makefile, re.MULTILINE))
    clerks = [
        "setup",
        "report",
        "reports",
        "import",
        "check",
        "next-year",
        "workbook",
        "workbooks",
        "collect",
    ]
    assert {target: prerequisite.get(target) for target in clerks} == dict.fromkeys(clerks, "STAMP")
    developers = ["test", "lint", "lab", "lock", "golden"]
    assert {target: prerequisite.get(target) for target in developers} == dict.fromkeys(
        developers, "DEV_STAMP"
    )
    assert re.search(r"^\$\(STAMP\): requirements\.lock pyproject\.toml$", makefile, re.MULTILINE)
    assert re.search(r"^\$\(DEV_STAMP\): requirements-dev\.lock \$\(STAMP\)$", makefile, re.MULTILINE)
