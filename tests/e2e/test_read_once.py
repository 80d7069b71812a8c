"""Read once: a build reads each input once into its snapshot; the kernel loads from that snapshot, so the
text, the tables and the provenance of a report come from one version of the inputs."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import nbformat
import pytest

from nianbao.batch import plan
from nianbao.build import build_report
from nianbao.paths import Project
from nianbao.year import freshness, records
from tests.templates import edit_template

pytestmark = pytest.mark.slow

FIGURES = "data/minzheng/2017/figures.yaml"
# A template cell that saves a new version of figures.yaml from inside the kernel, before the kernel
# loads its data: as a clerk saving the file in the middle of a batch would.
REWRITE = f"""\
from pathlib import Path
_figures = Path({FIGURES!r})
_text = _figures.read_text(encoding="utf-8")
_figures.write_text(_text.replace("    机构职能: 4", "    机构职能: 9"), encoding="utf-8")"""


def add_rewriting_cell(project: Project) -> None:
    edit_template(
        project,
        lambda notebook: notebook.cells.insert(1, nbformat.v4.new_code_cell(REWRITE, id="rewrite-figures")),
    )


def test_text_tables_and_provenance_all_come_from_the_first_version(project: Project) -> None:
    add_rewriting_cell(project)
    first = (project.root / FIGURES).read_bytes()
    built = build_report(project, "minzheng", 2017)

    assert (project.root / FIGURES).read_bytes() != first  # the kernel did save a new version
    html = built.html.read_text(encoding="utf-8")
    assert "机构职能类信息4条" in html  # the text, filled in the build from the first version
    assert '<td>机构职能</td><td class="num">4</td>' in html  # the table, drawn in the kernel
    assert '<td class="num">9</td>' not in html
    notebook = nbformat.read(built.notebook, as_version=4)
    assert notebook.metadata.nianbao.inputs[FIGURES] == hashlib.sha256(first).hexdigest()


def test_the_record_lists_what_was_read_so_the_new_version_makes_it_stale(project: Project) -> None:
    add_rewriting_cell(project)
    built = build_report(project, "minzheng", 2017)
    plan.record_built(project, built)
    record = records.read(project.build_record("minzheng", 2017))
    assert record is not None
    assert set(record["inputs"]) == {
        "notebooks/annual_report.ipynb",
        "notebooks/annual_report.md",
        "params/minzheng.yaml",
        "data/minzheng/opening.yaml",
        "data/minzheng/2017/figures.xlsx",  # looked for first (the Excel form), absent
        FIGURES,
        "data/minzheng/2017/narrative.md",
        "nianbao:formats/pre2019.yaml",
    }
    assert record["listings"] == {"years:minzheng": [2017]}
    published = {f"output/minzheng/2017/report.{kind}" for kind in ("ipynb", "html", "pdf", "docx")}
    assert set(record["outputs"]) == published
    check = records.read_check(project.check_record("minzheng", 2017))
    assert check == {
        "schema": records.SCHEMA,
        "status": "ok",
        "error": None,
        "warnings": [],
        "to_fill": [],
        "date": "2018-01-30",  # figures.yaml's report.date
        "deadline": "2018-03-31",  # pre2019's deadline: 3月31日 of the following year
        # the year's files as the build read them (its snapshot): the verdict holds while they are so
        "files": {name: record["inputs"][name] for name in sorted(check["files"])},
    }
    assert sorted(check["files"]) == [
        "data/minzheng/2017/figures.yaml",
        "data/minzheng/2017/narrative.md",
        "data/minzheng/opening.yaml",
        "params/minzheng.yaml",
    ]
    # The kernel saved figures.yaml after the build had read it: the next batch rebuilds the report.
    assert not plan.report_up_to_date(project, plan.Job("minzheng", 2017), freshness.code_signature(project))


def test_no_temporary_or_absolute_path_in_the_executed_notebook(project: Project) -> None:
    built = build_report(project, "shili", 2025)
    text = built.notebook.read_text(encoding="utf-8")
    for path in (str(project.root), str(project.root.resolve()), tempfile.gettempdir(), str(Path.home())):
        assert path not in text
    assert json.loads(text)["metadata"]["papermill"]["input_path"] == "notebooks/annual_report.ipynb"
