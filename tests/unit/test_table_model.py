"""Tables as data: the model every table is, its JSON schema, and the one HTML renderer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nianbao.drawing import breakdown, national_tables, tables
from nianbao.drawing.table_html import html
from nianbao.drawing.table_model import MIMETYPE, Cell, Table
from nianbao.figures.derived import Figures
from nianbao.figures.district import District
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from nianbao.year import state

SMALL = Table(
    "categories",
    head=((Cell("类别", header=True), Cell("条数", header=True)),),
    body=((Cell("<机构> & 职能"), Cell("4", classes=("num",))),),
    foot=((Cell("合计", header=True), Cell("4", classes=("num",))),),
)


def every_sample_table(project: Project) -> dict[str, Table]:
    """Every kind of table the sample project draws: pre2019, both national formats, the breakdowns."""
    found: dict[str, Table] = {}
    old = Figures.derive(load_agency_year(project, "minzheng", 2017))
    found["categories"] = tables.category_table(old)
    found["appendix"] = tables.appendix_table(old)
    for year in (2020, 2025):
        model = load_agency_year(project, "shili", year)
        national = Figures.derive(model)
        assert model.format.active and model.format.applications
        assert model.format.reviews
        found[f"active {year}"] = national_tables.active_table(model.format.active, national.values)
        applications = national_tables.application_table(model.format.applications, national.values)
        found[f"applications {year}"] = applications
        found[f"reviews {year}"] = national_tables.review_table(model.format.reviews, national.values)
    for year in (2017, 2025):
        district = District.derive(project, year, state.summed_agencies(project, year))
        found[f"breakdown {year}"] = breakdown.breakdown_table(district.figures, district.parts)
    return found


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Table]:
    from tests.conftest import copy_project

    return every_sample_table(Project(copy_project(tmp_path_factory.mktemp("tables") / "project")))


KINDS = [
    "categories",
    "appendix",
    "active 2020",
    "active 2025",
    "applications 2020",
    "applications 2025",
    "reviews 2020",
    "reviews 2025",
    "breakdown 2017",
    "breakdown 2025",
]


def test_the_samples_cover_every_kind(samples: dict[str, Table]) -> None:
    assert sorted(samples) == sorted(KINDS)
    assert {table.id for table in samples.values()} == {
        "categories",
        "appendix",
        "active",
        "applications",
        "reviews",
        "breakdown",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_table_is_a_full_grid(samples: dict[str, Table], kind: str) -> None:
    """Spans and cells fill the rows × columns rectangle exactly once: nothing missing, nothing doubled."""
    table = samples[kind]
    slots: list[tuple[int, int]] = []
    for r, c, cell in table.placed():
        slots += [(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)]
    assert sorted(slots) == [(r, c) for r in range(len(table.rows)) for c in range(table.width)]


@pytest.mark.parametrize("kind", KINDS)
def test_json_round_trip(samples: dict[str, Table], kind: str) -> None:
    table = samples[kind]
    data = json.loads(json.dumps(table.to_json(), ensure_ascii=False))  # plain JSON, as a notebook stores it
    assert Table.from_json(data) == table


def test_the_shapes_of_the_national_tables(samples: dict[str, Table]) -> None:
    applications = samples["applications 2025"]
    assert applications.wrap_head and len(applications.head) == 3
    corner = applications.head[0][0]
    assert corner.classes == ("corner",) and (corner.rowspan, corner.colspan) == (3, 3)
    assert applications.width == 3 + 7  # three label columns, six applicants and 总计
    assert samples["reviews 2025"].width == 15 and len(samples["reviews 2025"].head) == 3
    active = samples["active 2025"]
    assert active.head == () and active.body[0][0].classes == ("block",)
    assert active.body[0][0].colspan == active.width


def test_the_json_leaves_defaults_out_and_says_its_version() -> None:
    assert SMALL.to_json() == {
        "schema": "nianbao.table",
        "version": 1,
        "id": "categories",
        "wrap_head": False,
        "head": [[{"text": "类别", "header": True}, {"text": "条数", "header": True}]],
        "body": [[{"text": "<机构> & 职能"}, {"text": "4", "class": ["num"]}]],
        "foot": [[{"text": "合计", "header": True}, {"text": "4", "class": ["num"]}]],
    }
    assert Cell("x", rowspan=2, colspan=3).to_json() == {"text": "x", "rowspan": 2, "colspan": 3}
    assert MIMETYPE == "application/vnd.nianbao.table+json"


def changed(**fields: Any) -> dict[str, Any]:
    return {**SMALL.to_json(), **fields}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            changed(version=2),
            "expected schema 'nianbao.table' version 1, found 'nianbao.table' version 2",
            id="newer-version",
        ),
        pytest.param(
            changed(schema="other"), "expected schema 'nianbao.table' version 1, found 'other'", id="schema"
        ),
        pytest.param(changed(title="x"), r"unknown fields \['title'\]", id="unknown-field"),
        pytest.param(changed(body={}), "field 'body' should be list, found {}", id="body-not-rows"),
        pytest.param(
            changed(body=[[{"text": "1", "rowspan": True}]]),
            "field 'rowspan' should be int, found True",
            id="bool-is-no-span",
        ),
        pytest.param(changed(body=[[{"text": 1}]]), "field 'text' should be str, found 1", id="number-text"),
        pytest.param(changed(body=[[{"text": "1", "colspan": 0}]]), "spans must be ≥ 1", id="empty-span"),
        pytest.param(
            changed(body=[[{"text": "1", "style": "x"}]]), r"unknown fields \['style'\]", id="cell-field"
        ),
    ],
)
def test_a_table_of_another_schema_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Table.from_json(data)


# ---------------------------------------------------------------- the HTML renderer


def test_head_in_thead_totals_in_tfoot_text_escaped() -> None:
    assert html(SMALL) == (
        '<table class="nb-table nb-categories">\n'
        "<thead><tr><th>类别</th><th>条数</th></tr></thead>\n"
        "<tbody>\n"
        '<tr><td>&lt;机构&gt; &amp; 职能</td><td class="num">4</td></tr>\n'
        "</tbody>\n"
        "<tfoot>\n"
        '<tr><th>合计</th><td class="num">4</td></tr>\n'
        "</tfoot>\n"
        "</table>"
    )


def test_a_wrapping_head_is_in_thead_marked_to_wrap_and_no_foot_no_tfoot() -> None:
    """Header rows that may wrap are still in <thead>, so that a printed page repeats them."""
    table = Table(
        "reviews",
        head=(
            (Cell("行政复议", header=True, colspan=2),),
            (Cell("维持", header=True), Cell("纠正", header=True)),
        ),
        body=((Cell("1", classes=("num",)), Cell("0", classes=("num",))),),
        wrap_head=True,
    )
    assert html(table) == (
        '<table class="nb-table nb-reviews nb-wrap-head">\n'
        '<thead><tr><th colspan="2">行政复议</th></tr><tr><th>维持</th><th>纠正</th></tr></thead>\n'
        "<tbody>\n"
        '<tr><td class="num">1</td><td class="num">0</td></tr>\n'
        "</tbody>\n"
        "</table>"
    )
