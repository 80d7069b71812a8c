"""A cell typed as not applicable (—, /) counts as 0, warns reviewers, and is printed as typed."""

from __future__ import annotations

import re

from nianbao.drawing import national_tables, table_html
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from nianbao.report import Report


def test_a_not_applicable_cell_is_printed_as_typed_in_its_table(project: Project) -> None:
    figures_file = project.figures("shili", 2025)
    text = figures_file.read_text(encoding="utf-8")
    lines = text.splitlines()
    # 表四, 行政诉讼 › 复议后起诉 › 尚未审结: typed as "—" instead of 0.
    after_review = next(i for i, line in enumerate(lines) if line.startswith("  after_review:"))
    pending = next(i for i in range(after_review, len(lines)) if lines[i].strip().startswith("pending:"))
    lines[pending] = lines[pending].replace("pending: 0", "pending: —")
    figures_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    model = load_agency_year(project, "shili", 2025)
    figures = Figures.derive(model)
    assert figures.values["litigation.after_review.pending"] == 0
    assert figures.shown == {"litigation.after_review.pending": "—"}
    assert any("litigation.after_review.pending" in w or "尚未审结" in w for w in model.warnings)
    fmt = model.format
    assert fmt.reviews is not None
    page = str(table_html.html(national_tables.review_table(fmt.reviews, figures.values, figures.shown)))
    plain = str(table_html.html(national_tables.review_table(fmt.reviews, figures.values)))
    assert page.count('<td class="num">—</td>') == 1
    assert plain.count('<td class="num">—</td>') == 0
    # The template's own method (what the kernel calls) passes the typed text on.
    # the notebook's table: the same cell, with the inline style JupyterLab keeps
    assert len(re.findall(r'<td class="num"[^>]*>—</td>', str(Report(figures).review_table().shown()))) == 1


def test_a_not_applicable_cell_is_printed_as_typed_in_the_pre2019_appendix(project: Project) -> None:
    figures_file = project.figures("minzheng", 2017)
    text = figures_file.read_text(encoding="utf-8")
    figures_file.write_text(text.replace("  gazette: 0 ", "  gazette: / ", 1), encoding="utf-8")
    figures = Figures.derive(load_agency_year(project, "minzheng", 2017))
    assert figures.values["active.gazette"] == 0
    (line,) = (line for line in figures.appendix if line.id == "active.gazette")
    assert (line.value, line.shown) == (0, "/")
    table = Report(figures).appendix_table().shown()
    assert len(re.findall(r'<td class="num"[^>]*>/</td>', table)) == 1
