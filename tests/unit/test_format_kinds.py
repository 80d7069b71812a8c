"""Formats are the only place formats differ: no code outside `src/nianbao/formats/` asks which format
it has. What differs (tables, history, totals, shares, headline, summary) is declared in the formats'
YAML and read as data; a branch on the kind of format elsewhere is what this test refuses.

The forbidden patterns are listed here, each with an example that must be caught (a planted file).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "nianbao"
FORMAT_IDS = sorted(path.stem for path in (PACKAGE / "formats").glob("*.yaml"))  # pre2019, _national, …
FORMAT = r"\b(?:fmt|format|before|after)"  # how code names a ReportFormat (model.format, fmt, before)
TESTED = r"(?:\bif|\bnot|\band|\bor|\belse|\belif|\bwhile)\s+"  # a value used as a condition


@dataclass(frozen=True)
class Pattern:
    regex: str
    why: str
    example: str  # a line the pattern must catch (planted in a temporary package by a test)


PATTERNS = [
    Pattern(
        rf"{FORMAT}\.cumulative\b|{TESTED}[\w.()]*\.cumulative\b",
        "历年累计 as a kind of format: read the format's history (its chains, its opening) instead",
        "    opening = load_opening(project) if fmt.cumulative else None",
    ),
    Pattern(
        rf"{FORMAT}\.id\s*(?:==|!=|\bin\b|\bnot in\b)",
        "a branch on the format's id: declare the difference in the format's YAML",
        "    if model.format.id == wanted:",
    ),
    Pattern(
        r"""["'](?:{})["']""".format("|".join(map(re.escape, FORMAT_IDS))),
        "a format named in code: only its definition names it",
        '    kind = "national" if year > 2018 else "pre2019"',
    ),
    Pattern(
        r"\.national\s+is\s+(?:not\s+)?None|" + TESTED + r"[\w.]*\.national\b",
        "figures.national as a kind test: every format's figures are the same object",
        "    if figures.national is None:",
    ),
    Pattern(
        rf"{FORMAT}\.(?:appendix_spec|categories_spec|applications|reviews|active)\s+is\s+(?:not\s+)?None"
        rf"|{TESTED}[\w.]*{FORMAT}\.(?:appendix_spec|categories_spec|applications|reviews|active)\b(?!\.)",
        "a table's presence as a kind test: iterate what the format declares (file_tables, sums, …)",
        "    tables = (fmt.applications.file,) if fmt.applications else ()",
    ),
    Pattern(
        r"\.kind\s*(?:==|!=)\s*[\"'](?:cumulative|carry_over)[\"']|history\.kind\b",
        "a branch on the kind of history: ask the history what it reads (reads_year_before, opening)",
        '    if fmt.history.kind == "cumulative":',
    ),
    Pattern(
        r"isinstance\([^)]*,\s*\(?\s*(?:ActiveTable|ApplicationTable|ReviewTable|Appendix|CategorySpec)\b",
        "a table's class as a kind test",
        "    if isinstance(table, ApplicationTable):",
    ),
]


def code_lines(source: str) -> dict[int, str]:
    """Each line of code by number, without comments and docstrings (they may name formats freely)."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings |= set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return {n: line for n, line in enumerate(lines, start=1) if n not in docstrings and line.strip()}


def violations(package: Path) -> list[tuple[str, int, str, str]]:
    """(file, line number, line, why) of every forbidden pattern outside formats/."""
    found = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name.startswith("formats/"):
            continue
        for number, line in code_lines(path.read_text(encoding="utf-8")).items():
            for pattern in PATTERNS:
                if re.search(pattern.regex, line):
                    found.append((name, number, line.strip(), pattern.why))
    return found


def test_no_code_outside_formats_asks_which_format_it_has() -> None:
    found = violations(PACKAGE)
    assert found == [], "\n".join(f"{name}:{number}: {line}  ← {why}" for name, number, line, why in found)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.why.split(":")[0])
def test_a_planted_example_is_caught(tmp_path: Path, pattern: Pattern) -> None:
    package = tmp_path / "nianbao"
    (package / "formats").mkdir(parents=True)
    body = pattern.example + ("\n        pass" if pattern.example.endswith(":") else "")
    (package / "planted.py").write_text(
        f'"""A module that asks fmt.cumulative in its docstring only: allowed."""\n\n\ndef f():\n'
        f"    # fmt.cumulative in a comment is allowed too\n{body}\n",
        encoding="utf-8",
    )
    (package / "formats" / "inside.py").write_text(f"def g():\n{body}\n", "utf-8")
    found = violations(package)
    assert [(name, number) for name, number, _, _ in found] == [("planted.py", 6)]
    assert found[0][3] == pattern.why
