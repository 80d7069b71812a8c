"""One template for every format: a format's report keeps its own cells and the shared ones, untagged."""

from __future__ import annotations

from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets.config import Config

from nianbao.notebook.cells import SelectFormatCells, formats_of


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


def select(notebook: Any, format_id: str) -> Any:
    selected, resources = SelectFormatCells(format_id=format_id)(notebook, {"kept": True})
    assert resources == {"kept": True}
    return selected


def sources(notebook: Any) -> list[str]:
    return [c.source for c in notebook.cells]


def test_keeps_shared_cells_and_the_formats_own_in_order() -> None:
    assert sources(select(template(), "pre2019")) == ["year = 2017", "shared", "old"]
    assert sources(select(template(), "gb2019")) == ["year = 2017", "shared", "national"]
    assert sources(select(template(), "gb2021")) == ["year = 2017", "shared", "national", "new only"]


def test_format_tags_are_removed_other_tags_kept() -> None:
    selected = select(template(), "gb2021")
    assert [c.metadata for c in selected.cells] == [
        {"tags": ["parameters"]},
        {},
        {},
        {"tags": ["keep-me"]},
    ]


def test_a_format_without_cells_of_its_own_keeps_the_shared_ones() -> None:
    assert sources(select(template(), "test3000")) == ["year = 2017", "shared"]


def test_formats_of_lists_the_format_ids_a_cell_serves() -> None:
    assert [formats_of(c) for c in template().cells] == [
        [],
        [],
        ["pre2019"],
        ["gb2019", "gb2021"],
        ["gb2021"],
    ]


def test_the_format_is_a_traitlets_option() -> None:
    config = Config()
    config.SelectFormatCells.format_id = "pre2019"
    assert sources(SelectFormatCells(config=config)(template(), {})[0]) == ["year = 2017", "shared", "old"]


def test_without_a_format_it_is_a_bug_not_an_empty_report() -> None:
    with pytest.raises(ValueError, match="needs a format_id"):
        SelectFormatCells()(template(), {})
