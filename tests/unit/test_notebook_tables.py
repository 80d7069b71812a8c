"""The executed notebook as a reviewer sees it in JupyterLab (untrusted, so sanitised): every table keeps
its own look there — borders, centred heads, labels to the left, figures to the right, as on the page —
because its HTML carries inline styles that JupyterLab's sanitizer keeps (tests/jupyterlab.py restates
its allow-list); and a web address in the template's text is a link that ends where the address ends,
in JupyterLab's Markdown renderer and on the page alike."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from nianbao.build import prepare_template
from nianbao.drawing import table_html
from nianbao.drawing.outputs import HTML_MIMETYPE
from nianbao.drawing.table_model import Cell, Table
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from nianbao.publish import pages
from nianbao.report import Report
from tests import jupyterlab
from tests.conftest import copy_project

REPORTS = {"pre2019": ("minzheng", 2017), "gb2019": ("shili", 2020), "gb2021": ("shili", 2025)}
TABLES = {
    "pre2019": ("category_table", "appendix_table"),
    "gb2019": ("active_table", "application_table", "review_table"),
    "gb2021": ("active_table", "application_table", "review_table"),
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("notebook-tables") / "project"))


def figures_of(project: Project, kind: str) -> Figures:
    agency, year = REPORTS[kind]
    return Figures.derive(load_agency_year(project, agency, year))


def notebook_tables(project: Project, kind: str) -> list[str]:
    """The `text/html` of each table the notebook shows for a report of this format."""
    report = Report(figures_of(project, kind))
    outputs = [getattr(report, name)() for name in TABLES[kind]]
    return [str(output.data[HTML_MIMETYPE]) for output in outputs if output is not None]


def styles(html: str) -> list[tuple[str, str, dict[str, str]]]:
    """(tag, class, declarations) of every table element of `html`."""
    return [
        (tag, attributes.get("class", ""), dict(jupyterlab.declarations(attributes.get("style", ""))))
        for tag, attributes in jupyterlab.elements(html)
        if tag in ("table", "th", "td")
    ]


@pytest.mark.parametrize("kind", list(REPORTS))
def test_jupyterlab_keeps_every_style_of_every_table(sample: Project, kind: str) -> None:
    tables = notebook_tables(sample, kind)
    assert len(tables) == len(TABLES[kind])
    assert [jupyterlab.dropped(html) for html in tables] == [[] for _ in tables]


@pytest.mark.parametrize("kind", list(REPORTS))
def test_every_cell_carries_the_pages_look(sample: Project, kind: str) -> None:
    """What JupyterLab's own table rules would undo (no borders, every cell right-aligned, a fixed
    layout) each table and cell says again for itself, as the page's stylesheet says it."""
    cells = []
    for html in notebook_tables(sample, kind):
        (table_tag, _, table), *own = styles(html)
        assert table_tag == "table" and own
        assert (table.get("border-collapse"), table.get("table-layout")) == ("collapse", "auto")
        cells += own
    assert [(tag, c) for tag, c, style in cells if not style.get("border", "").startswith("1px solid")] == []
    heads = [style for tag, c, style in cells if tag == "th"]
    assert heads and {style.get("text-align") for style in heads} == {"center"}
    assert {style.get("min-width") for style in heads} == {"2em"}  # never a character a line
    figures = [style for tag, c, style in cells if "num" in c.split()]
    assert figures and {style.get("text-align") for style in figures} == {"right"}
    labels = [style for tag, c, style in cells if tag == "td" and not {"num", "unit"} & set(c.split())]
    assert labels and {style.get("text-align") for style in labels} == {"left"}
    # white as on the page (JupyterLab stripes rows); the header rows shaded
    assert {style.get("background-color") for tag, c, style in cells if tag == "td"} == {"#fff"}


def test_the_page_shows_the_table_without_its_inline_styles(sample: Project) -> None:
    """On the page the stylesheet alone styles tables (it adapts them to a phone and to print): the
    page's sanitiser takes the inline styles off."""
    (html, *_) = notebook_tables(sample, "gb2021")
    assert 'style="' in html
    page = pages.sanitise(html)
    assert "style=" not in page
    assert '<td class="num">' in page


def test_styles_are_attributes_not_text() -> None:
    """A cell's text is escaped as before; a style never comes from data."""
    text = '"><b style="x">'
    table = str(
        table_html.html(Table("categories", head=(), body=((Cell(text, classes=("num",)),),)), inline=True)
    )
    assert str(escape(text)) in table
    assert table.count(' style="') == 2  # the table's and the cell's; the text's is escaped


# ---------------------------------------------------------------- the web addresses of the 引言

ADDRESS_SENTENCES = ("本报告的电子版可以在", "发布主动公开的政府信息")


def filled_markdown(project: Project, kind: str) -> list[str]:
    """The template's Markdown cells as the report fills them (before any kernel runs)."""
    notebook = prepare_template(project, figures_of(project, kind))
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def address_paragraphs(project: Project, kind: str) -> list[tuple[str, str]]:
    """(paragraph, the address it prints) for each of the template's sentences with a web address."""
    profile = figures_of(project, kind).model.profile
    addresses = {ADDRESS_SENTENCES[0]: profile.website.url, ADDRESS_SENTENCES[1]: profile.portal.url}
    found = []
    for source in filled_markdown(project, kind):
        for paragraph in source.split("\n\n"):
            found += [(paragraph, address) for key, address in addresses.items() if key in paragraph]
    return found


def link_pattern(address: str) -> str:
    """An <a> whose text is exactly `address`, then the full-width bracket that closes it."""
    return rf'<a href="(https?://)?{re.escape(address)}">{re.escape(address)}</a>）'


@pytest.mark.parametrize("kind", list(REPORTS))
def test_the_page_links_each_address_and_no_further(sample: Project, kind: str) -> None:
    found = address_paragraphs(sample, kind)
    assert len(found) == (2 if kind == "pre2019" else 1)  # the 引言's address (and pre2019's portal)
    for paragraph, address in found:
        page = pages.sanitise(str(pages.markdown(paragraph)))
        shown = re.sub(r'<span class="nb-url">([^<]*)</span>', r"\1", page)
        assert re.search(link_pattern(address), shown), shown


@pytest.mark.parametrize("kind", list(REPORTS))
def test_jupyterlab_links_each_address_and_no_further(sample: Project, kind: str) -> None:
    """JupyterLab's Markdown renderer (its own bundled `marked`, GFM) autolinks a bare address up to
    the next space, swallowing the Chinese after it; the template's address must end where it ends."""
    found = address_paragraphs(sample, kind)
    assert len(found) == (2 if kind == "pre2019" else 1)
    for paragraph, address in found:
        rendered = jupyterlab.jupyterlab_markdown(paragraph)
        if rendered is None:
            pytest.skip("Node or JupyterLab's bundle is not installed: JupyterLab's renderer cannot be run")
        assert re.search(link_pattern(address), rendered), rendered
        assert len(re.findall("<a ", rendered)) == 1


def test_the_jupyterlab_renderer_is_the_one_that_swallows_bare_addresses() -> None:
    """The check above can fail: run on a bare address, JupyterLab's renderer takes the rest along."""
    rendered = jupyterlab.jupyterlab_markdown("在“网”（www.example.gov.cn）下载。如对本报告")
    if rendered is None:
        pytest.skip("Node or JupyterLab's bundle is not installed: JupyterLab's renderer cannot be run")
    assert "www.example.gov.cn）下载。如对本报告</a>" in rendered


def test_the_restated_allow_list_refuses_what_jupyterlab_refuses() -> None:
    """The restatement is not a pass-everything: properties off the list, and values its expressions do
    not match, are dropped, as sanitize-html drops them."""
    assert jupyterlab.kept("text-align", "left") and jupyterlab.kept("border", "1px solid #333")
    assert not jupyterlab.kept("font-variant-numeric", "tabular-nums")  # not on the list
    assert not jupyterlab.kept("white-space", "break-spaces")  # on the list, not this value
    assert not jupyterlab.kept("min-width", "2ch")  # `ch` is not among its units
    assert (
        jupyterlab.sanitised_style("color: #b40000; content: x; min-width: 4em")
        == "color:#b40000;min-width:4em"
    )
    assert jupyterlab.dropped('<td onclick="x" style="text-align: middle">') == [
        "<td onclick>",
        "<td style> text-align: middle",
    ]


def test_jupyterlabs_renderer_is_found_by_its_content() -> None:
    """`marked_chunk` finds JupyterLab's chunk by its content, not its (hashed) name."""
    chunk = jupyterlab.marked_chunk()
    if chunk is None:
        pytest.skip("JupyterLab's bundle is not installed")
    assert chunk.suffix == ".js" and b"_backpedal" in chunk.read_bytes()
