"""The package's folders are the pipeline's stages: each imports only itself and earlier stages, and no
module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "nianbao"
# data → checked model → derived figures → drawn tables and charts → executed notebook → published files;
# then the entry points (the template's API, the driver), the batch over many reports, the command line.
STAGES = [
    # shared facts every stage may use: user errors, paths, the fonts, the link policy
    ["nianbao", "nianbao.errors", "nianbao.paths", "nianbao.fonts", "nianbao.links"],
    ["nianbao.formats"],
    ["nianbao.inputs"],
    ["nianbao.figures"],
    ["nianbao.drawing"],
    ["nianbao.notebook"],
    ["nianbao.publish"],
    ["nianbao.report", "nianbao.build"],
    # where an agency-year stands (the records, the data files nianbao writes); then the batch; then the
    # side flows of the office's year, each in its own package: the Excel forms, the year's authoring
    # (next-year), the import of published pages; last the command line.
    ["nianbao.year"],
    ["nianbao.batch"],
    ["nianbao.forms"],
    ["nianbao.authoring"],
    ["nianbao.portal"],
    ["nianbao.cli"],
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> int:
    """The stage of a module: that of the longest listed name it falls under."""
    matches = [
        (len(name), index)
        for index, names in enumerate(STAGES)
        for name in names
        if module == name or module.startswith(name + ".")
    ]
    if not matches:
        raise AssertionError(f"{module} is in no stage: add it to STAGES")
    return max(matches)[1]


def imports(path: Path) -> set[str]:
    """The nianbao modules a file imports (`from nianbao.x import y` counts y when it is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("nianbao")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nianbao"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").is_file() or (
                    PACKAGE.parent / Path(*candidate.split(".")) / "__init__.py"
                ).is_file()
                found.add(candidate if is_module else node.module)
    return found


MODULES = {module_name(path): imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_and_earlier_stages(module: str) -> None:
    later = sorted(name for name in MODULES[module] if stage(name) > stage(module))
    assert later == [], f"{module} (stage {stage(module)}) imports a later stage"


def test_no_import_cycle() -> None:
    graph = {module: {name for name in names if name in MODULES} for module, names in MODULES.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError(" → ".join([*path[path.index(module) :], module]))
        if module in done:
            return
        for name in sorted(graph[module]):
            visit(name, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_the_top_level_holds_only_entry_points_and_shared_parts() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert top == ["__init__", "build", "cli", "errors", "fonts", "links", "paths", "report"]
