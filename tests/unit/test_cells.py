"""One template for every format: a format's report keeps its own cells and the shared ones, untagged."""

from __future__ import annotations

from typing import Any

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nianbao.notebook.cells import select_cells


def cell(source: str, *tags: str) -> Any:
    made = new_markdown_cell(source)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


def template() -> Any:
    parameters = new_code_cell("year = 2017")
    parameters.metadata["tags"] = ["parameters"]
    return new_notebook(
        cells=[
            parameters,
            cell("shared"),
            cell("old", "format:pre2019"),
            cell("national", "format:gb2019", "format:gb2021"),
            cell("new only", "format:gb2021", "keep-me"),
        ]
    )


def sources(notebook: Any) -> list[str]:
    return [c.source for c in notebook.cells]


def test_keeps_shared_cells_and_the_formats_own_in_order() -> None:
    assert sources(select_cells(template(), "pre2019")) == ["year = 2017", "shared", "old"]
    assert sources(select_cells(template(), "gb2019")) == ["year = 2017", "shared", "national"]
    assert sources(select_cells(template(), "gb2021")) == ["year = 2017", "shared", "national", "new only"]


def test_format_tags_are_removed_other_tags_kept() -> None:
    selected = select_cells(template(), "gb2021")
    assert [c.metadata for c in selected.cells] == [
        {"tags": ["parameters"]},
        {},
        {},
        {"tags": ["keep-me"]},
    ]


def test_the_template_itself_is_not_changed() -> None:
    original = template()
    select_cells(original, "pre2019")
    assert len(original.cells) == 5
    assert original.cells[2].metadata == {"tags": ["format:pre2019"]}
