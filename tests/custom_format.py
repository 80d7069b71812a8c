"""A report format defined only in YAML outside the package (NIANBAO_FORMATS_PATH), for years 3000–3001:
one table, one rule, one derived share, and template cells tagged for it — the proof that formats are
the only place formats differ. Used by tests/unit/test_formats_path.py and tests/e2e/test_custom_format.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat

from nianbao.paths import Project
from tests.templates import edit_template

FORMAT_ID = "letters3000"
AGENCY = "ceshi"
YEAR = 3000

DEFINITION = """\
# 一种只在测试中存在的格式：来信办理情况（3000—3001 年度）。
id: letters3000
title: 来信办理工作年度报告
years: {first: 3000, last: 3001}
history: {kind: carry_over}
sections:
  - {id: letters, label: 来信办理情况}
  - {id: notes, label: 需要说明的事项}
prose:
  - {id: notes, heading: 说明}
active:
  label_column: 来信方式
  blocks:
    - header: 本年来信
      columns:
        - {id: received, label: 收到件数}
        - {id: answered, label: 答复件数}
      rows:
        - {id: letters.mail, label: 信函}
        - {id: letters.email, label: 电子邮件}
rules:
  - {id: T1, kind: at_most, each: {x: [letters.mail, letters.email]},
     left: "{x}.answered", right: "{x}.received", message: "{x.label}：答复件数不能大于收到件数"}
shares:
  - {key: "share.{part}", parts: [letters.mail.received, letters.email.received]}
summary:
  draw: [active_table]
  breakdown: [letters.mail.received]
"""

FIGURES = """\
report:
  number: 7
  date: 3001-01-15
letters:
  mail: {received: 30, answered: 28}
  email: {received: 10, answered: 10}
"""

NARRATIVE = "# 说明\n\n本年来信均已办理完毕。\n"

CELLS = [
    (
        "markdown",
        "## {{ sections.letters }}\n\n{{ report.year }}年，{{ agency.self_reference }}收到信函"
        "{{ letters.mail.received }}件，占全部来信的{{ share.letters.mail.received }}。",
    ),
    ("code", "report.active_table()"),
    ("markdown", "## {{ sections.notes }}\n\n{{ prose.notes }}"),
]


def install(root: Path, formats: Path) -> None:
    """Into the project at `root`: the format's definition in `formats`, an agency with a year 3000,
    and the format's cells in the template (after the shared title cell)."""
    formats.mkdir(parents=True, exist_ok=True)
    (formats / f"{FORMAT_ID}.yaml").write_text(DEFINITION, encoding="utf-8")
    shutil.copy(root / "params" / "minzheng.yaml", root / "params" / f"{AGENCY}.yaml")
    year = root / "data" / AGENCY / str(YEAR)
    year.mkdir(parents=True)
    (year / "figures.yaml").write_text(FIGURES, encoding="utf-8")
    (year / "narrative.md").write_text(NARRATIVE, encoding="utf-8")

    def add_cells(notebook: Any) -> None:
        title = next(i for i, cell in enumerate(notebook.cells) if cell.get("id") == "title")
        for offset, (kind, source) in enumerate(CELLS, start=1):
            make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
            cell = make(source, id=f"letters-{offset}", metadata={"tags": [f"format:{FORMAT_ID}"]})
            notebook.cells.insert(title + offset, cell)

    edit_template(Project(root), add_cells)  # both files of the template, as JupyterLab saves them
