"""Published reports typed as a clerk types them (tests/fixtures/real_reports.yaml): what they print
comes out the same, what cannot be typed is refused in the form's words."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.figures.numbers import ROUNDING_NOTE
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.shares import adds_up
from nianbao.paths import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports.yaml"
REPORTS: list[dict[str, Any]] = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))
AGENCY = "shili"


def typed(project_dir: Path, report: dict[str, Any]) -> Project:
    """The sample year `base` with the report's figures typed over it, its percent policy in the profile
    and no earlier year on file."""
    year = int(report["base"])
    for earlier in (project_dir / "data" / AGENCY).iterdir():
        if earlier.name.isdigit() and int(earlier.name) < year:
            shutil.rmtree(earlier)
    path = project_dir / "data" / AGENCY / str(year) / "figures.yaml"
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
    path.write_text(yaml.safe_dump(figures, allow_unicode=True, sort_keys=False), encoding="utf-8")
    profile = project_dir / "params" / f"{AGENCY}.yaml"
    if "percent" in report:
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text + yaml.safe_dump({"percent": report["percent"]}), encoding="utf-8")
    return Project(project_dir)


BUILT = [r for r in REPORTS if "refused" not in r]
REFUSED = [r for r in REPORTS if "refused" in r]


@pytest.mark.parametrize("report", BUILT, ids=[r["id"] for r in BUILT])
def test_a_published_report_comes_out_as_printed(project_dir: Path, report: dict[str, Any]) -> None:
    project = typed(project_dir, report)
    figures = Figures.derive(load_agency_year(project, AGENCY, int(report["base"])))
    expect = report["expect"]
    context = figures.context()
    names = list(report["figures"]["active.categories"])
    assert [c["name"] for c in context["active"]["categories"]] == names
    assert [c["share"] for c in context["active"]["categories"]] == expect["shares"]
    assert context["active"]["total"] == report["figures"]["active.total"]
    # `note`: the categories' shares as printed miss 100, so the report says so (once)
    assert adds_up([line.share for line in figures.categories]) is not expect["note"]
    if expect["note"]:
        assert figures.rounding_note == ROUNDING_NOTE
    for key, value in expect.get("values", {}).items():
        assert figures.values[key] == value
    for key, shown in expect.get("shown", {}).items():
        assert figures.shown[key] == shown


@pytest.mark.parametrize("report", REFUSED, ids=[r["id"] for r in REFUSED])
def test_what_a_published_report_prints_but_cannot_be_typed(
    project_dir: Path, report: dict[str, Any]
) -> None:
    project = typed(project_dir, report)
    with pytest.raises(DataError) as caught:
        load_agency_year(project, AGENCY, int(report["base"]))
    assert report["refused"] in caught.value.message
