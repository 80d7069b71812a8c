"""Published reports whose prose carries a printed error or an unusual figure (tests/fixtures/
real_reports_prose.yaml): typed as a clerk types them, each printed error is flagged with the table's
figure and the placeholder, and each figure that is not the report's whole (a level's, a cumulative
count, an on-time rate) passes without a false alarm; a report's sentences copied into a later year
are named where they state the old year as their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nianbao.formats import format_for_year
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.stale_years import check_years
from nianbao.paths import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports_prose.yaml"
REPORTS: list[dict[str, Any]] = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))
COPIED = [r for r in REPORTS if "copied_into" in r]


def typed(project_dir: Path, report: dict[str, Any]) -> tuple[Project, str]:
    """The base year with the report's figures (and stand-ins) typed over it and its sentences under the
    narrative's first heading; the narrative as messages name it."""
    agency, year = report["base"]["agency"], int(report["base"]["year"])
    folder = project_dir / "data" / agency / str(year)
    path = folder / "figures.yaml"
    figures = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in {**report["figures"], **report.get("stand_in", {})}.items():
        *parents, leaf = key.split(".")
        node = figures
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    path.write_text(yaml.safe_dump(figures, allow_unicode=True, sort_keys=False), encoding="utf-8")
    narrative = folder / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    heading_end = text.index("\n", text.index("\n# ") + 1) + 1
    narrative.write_text(
        text[:heading_end] + "\n" + report["narrative"] + text[heading_end:], encoding="utf-8"
    )
    return Project(project_dir), f"data/{agency}/{year}/narrative.md"


def said(warning: str) -> str:
    """A warning's message: after “第 N 行：”, before “。原句”."""
    return warning.split("行：", 1)[1].rsplit("。原句", 1)[0]


@pytest.mark.parametrize("report", REPORTS, ids=[r["id"] for r in REPORTS])
def test_the_printed_prose_is_checked_as_a_reader_would(project_dir: Path, report: dict[str, Any]) -> None:
    project, where = typed(project_dir, report)
    model = load_agency_year(project, report["base"]["agency"], int(report["base"]["year"]))
    for key, value in report["figures"].items():  # the printed figures, as typed
        if key != "as_printed":
            assert model.current.values[key] == value
    prose = [said(w) for w in model.warnings if w.startswith(f"{where}:")]
    # the base year is not the report's own: its year is the stale-year test's business (below)
    assert [w for w in prose if not w.startswith("这句话把")] == report["flagged"]


@pytest.mark.parametrize("report", COPIED, ids=[r["id"] for r in COPIED])
def test_a_report_copied_into_a_later_year_names_its_old_year(report: dict[str, Any]) -> None:
    later = int(report["copied_into"])
    fmt = format_for_year(later)
    assert fmt is not None
    text = report["narrative"]
    found = check_years(text, "n.md", fmt, later)
    assert [
        (int(w.split("第 ")[1].split(" 行")[0]), int(w.split("把 ")[1].split(" 年")[0])) for w in found
    ] == [tuple(pair) for pair in report["stale"]]
    assert check_years(text, "n.md", fmt, later - 1) == ()  # in its own year: nothing


def test_the_fixtures_cover_four_levels_and_flag_printed_errors() -> None:
    assert len(REPORTS) >= 4
    assert len({r["level"] for r in REPORTS}) >= 4
    assert any(r["flagged"] for r in REPORTS)
    assert all(r["source"].startswith("http") and r["narrative"].strip() for r in REPORTS)
