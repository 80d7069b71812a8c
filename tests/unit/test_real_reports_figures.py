"""Published reports with a printed figure error or an unusual figure
(tests/fixtures/real_reports_figures.yaml), typed as a clerk types them: what they print correctly comes
out the same, what they print wrongly is flagged for reviewers and noted on the public page, what cannot
be typed is refused in the form's words."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports_figures.yaml"
REPORTS: list[dict[str, Any]] = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))


def typed(project_dir: Path, report: dict[str, Any]) -> Project:
    """The sample year `base` of `agency` with the report's figures typed over it (later years removed),
    as printed when it says so, its percent policy in the profile."""
    agency, year = report["agency"], int(report["base"])
    for other in (project_dir / "data" / agency).iterdir():
        if other.name.isdigit() and int(other.name) > year:
            shutil.rmtree(other)
    path = project_dir / "data" / agency / str(year) / "figures.yaml"
    figures = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in report["figures"].items():
        *parents, leaf = key.split(".")
        node = figures
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, dict) and leaf != "categories":
            node.setdefault(leaf, {}).update(value)
        else:
            node[leaf] = value
    for key in ("as_printed", "share_base"):
        if key in report:
            figures[key] = report[key]
    path.write_text(yaml.safe_dump(figures, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if report.get("applications") == "blank":
        blank(path.parent / "applications.csv")
    if "percent" in report:
        profile = project_dir / "params" / f"{agency}.yaml"
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text + yaml.safe_dump({"percent": report["percent"]}), encoding="utf-8")
    return Project(project_dir)


def blank(path: Path) -> None:
    """Table 三 as printed by a page that left every applicant cell empty: the labels, nothing else."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0], *([row[0]] + [""] * (len(row) - 1) for row in rows[1:])]
    )
    path.write_text(out.getvalue(), encoding="utf-8")


BUILT = [r for r in REPORTS if "refused" not in r]
REFUSED = [r for r in REPORTS if "refused" in r]


@pytest.mark.parametrize("report", BUILT, ids=[r["id"] for r in BUILT])
def test_a_published_report_comes_out_as_printed_its_errors_flagged(
    project_dir: Path, report: dict[str, Any]
) -> None:
    model = load_agency_year(typed(project_dir, report), report["agency"], int(report["base"]))
    figures = Figures.derive(model)
    context = figures.context()
    expect = report["expect"]
    shares = {c["name"]: c["share"] for c in context["active"]["categories"]}
    for name, printed in expect.get("shares", {}).items():
        assert shares[name] == printed, name
    for name, (printed, ours) in expect.get("otherwise", {}).items():
        assert (shares[name], shares[name] != printed) == (ours, True), name
    for place, note in expect.get("notes", {}).items():
        assert context["notes"][place] == note, place
    quiet = set(context["notes"]) - set(expect.get("notes", {}))
    assert all(context["notes"][place] == "" for place in quiet)
    for start in expect.get("flagged", []):
        assert any(w.startswith(start) for w in model.warnings), start
    for key, value in expect.get("values", {}).items():
        assert figures.values[key] == value, key
    blanks = [w for w in model.warnings if "是空白（照已发布的报告）" in w]
    if "blanks" in expect:
        assert len(blanks) == 1 and blanks == list(model.warnings[-1:])
        assert f"以下 {expect['blanks']} 格是空白" in blanks[0]
    else:
        assert blanks == []


@pytest.mark.parametrize("report", REFUSED, ids=[r["id"] for r in REFUSED])
def test_what_a_published_report_prints_but_cannot_be_typed(
    project_dir: Path, report: dict[str, Any]
) -> None:
    project = typed(project_dir, report)
    with pytest.raises(DataError) as caught:
        load_agency_year(project, report["agency"], int(report["base"]))
    assert report["refused"] in caught.value.message
