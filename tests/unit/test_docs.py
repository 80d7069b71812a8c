"""The README is a clerk's guide of at most 30 KB, and the guide and docs/ cannot go stale unnoticed: every
relative link leads to a file of the repository (an anchor to a heading of that file), every `make` command
they quote is a Makefile target given only variables the Makefile reads, and the README lists every target
`make help` lists."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
MAX_README_BYTES = 30_000
# [text](target) — not an image (the guide has none), not inside inline code (handled by `prose`).
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")
# `make [-j2] target [VAR=value …]`, as quoted in code; a target's name is lower case.
COMMAND = re.compile(r"\bmake((?: -\S+)*) ([a-z][a-z-]*)((?: [A-Z][A-Z_]*=\S*)*)")


def relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def prose(text: str) -> str:
    """The page without its code (a code block may show a link's syntax without being one)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def code(text: str) -> list[str]:
    """The page's code: fenced blocks and inline spans, where commands are quoted."""
    blocks = FENCE.findall(text)
    return blocks + INLINE_CODE.findall(FENCE.sub("", text))


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as '-'."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", text), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def makefile() -> str:
    return (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_readme_is_at_most_30_kb() -> None:
    size = len(README.read_bytes())
    assert size <= MAX_README_BYTES, f"README.md is {size} bytes: move details into docs/"


def test_the_docs_folder_holds_the_pages_the_readme_lists() -> None:
    text = README.read_text(encoding="utf-8")
    assert DOCS, "no docs/*.md"
    assert [relative(page) for page in DOCS if f"]({relative(page)})" not in text] == []


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_relative_link_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    targets = [
        t for t in LINK.findall(prose(text)) if not re.match(r"[a-z][a-z0-9+.-]*:", t)
    ]  # not http(s), mailto
    assert [target for target in targets if not resolves(page, target)] == []


def resolves(page: Path, target: str) -> bool:
    """`target`, relative to `page`, is a file or folder of the repository (with `#…`, a heading of it)."""
    path, _, anchor = target.partition("#")
    file = (page.parent / unquote(path)).resolve() if path else page
    if not file.exists() or ROOT not in (file, *file.parents):
        return False
    return not anchor or file.suffix != ".md" or unquote(anchor) in anchors(file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_make_command_quoted_is_a_target_with_its_variables(page: Path) -> None:
    text = makefile()
    targets = set(re.findall(r"(?m)^([a-z][a-z-]*):", text))
    # read as data (`$(value X)`) or given a default (`X ?= …`): what a command line may set
    variables = set(re.findall(r"\$\(value ([A-Z]+)\)", text)) | set(re.findall(r"(?m)^([A-Z_]+) \?=", text))
    commands = [
        found for snippet in code(page.read_text(encoding="utf-8")) for found in COMMAND.findall(snippet)
    ]
    wrong = []
    for _, target, assignments in commands:
        if target not in targets:
            wrong.append(f"make {target}: no such target")
        wrong += [
            f"make {target}: the Makefile reads no {name}"
            for name in re.findall(r" ([A-Z][A-Z_]*)=", assignments)
            if name not in variables
        ]
    assert wrong == []


def test_the_readme_quotes_a_command_for_every_target_make_help_lists() -> None:
    helped = re.findall(r"(?m)^([a-zA-Z_-]+):.*## ", makefile())
    assert len(helped) > 10
    quoted = {
        target
        for snippet in code(README.read_text(encoding="utf-8"))
        for _, target, _ in COMMAND.findall(snippet)
    }
    assert [target for target in helped if target not in quoted] == []


def test_the_clerks_first_commands_and_the_environment_size_are_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make report AGENCY=minzheng YEAR=2017" in text
    assert "make test" in text
    assert re.search(r"约 \*\*\d+ MB\*\*", text), "the size of the clerk's environment"
