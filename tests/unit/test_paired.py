"""The template's two files, the .ipynb and its text form (MyST Markdown), must agree; the message says
where they differ and which `make` target keeps which edit."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest
from jupytext.config import load_jupytext_config

from nianbao import build
from nianbao.errors import TemplateError
from nianbao.notebook import paired
from nianbao.paths import Project
from tests.conftest import ROOT
from tests.templates import edit_template

IPYNB = "notebooks/annual_report.ipynb"
MD = "notebooks/annual_report.md"
MD_NEWER = (
    "\n  处理办法：.md 比 .ipynb 新，多半是改了 .md：运行 make sync，按 .md 更新 .ipynb。"
    "若要保留的是 .ipynb 中的改动，运行 make sync-md，按 .ipynb 更新 .md。"
)
IPYNB_NEWER = (
    "\n  处理办法：.ipynb 比 .md 新，多半是在没有 jupytext 的编辑器中改了 .ipynb："
    "运行 make sync-md，按 .ipynb 更新 .md。"
    "若要保留的是 .md 中的改动，运行 make sync，按 .md 更新 .ipynb。"
)


def test_the_committed_template_and_its_text_form_agree() -> None:
    template = paired.read_template(Project(ROOT), Project(ROOT).template)
    text = jupytext.read(ROOT / MD, fmt=paired.TEXT_FORMAT)
    assert [(c.cell_type, c.source, c.metadata) for c in text.cells] == [
        (c.cell_type, c.source, c.metadata) for c in template.cells
    ]
    assert text.metadata["kernelspec"] == template.metadata["kernelspec"]


def test_tags_are_in_the_text_form_as_cell_options() -> None:
    text = (ROOT / MD).read_text(encoding="utf-8")
    assert "```{code-cell}\n:tags: [parameters]\n" in text
    assert '+++ {"tags": ["format:gb2019", "format:gb2021"]}\n' in text
    assert "```{code-cell}\n:tags: ['format:pre2019']\n\nreport.appendix_table()\n```" in text


def test_jupytext_pairs_the_template_with_that_text_form() -> None:
    """The config JupyterLab's jupytext extension and `make sync` read; it lives in notebooks/, so the
    executed reports in output/ are not paired."""
    config = load_jupytext_config(str(ROOT / IPYNB))
    assert config is not None
    assert config.formats == [f"ipynb,{paired.TEXT_FORMAT}"]
    assert tomllib.loads((ROOT / "notebooks/jupytext.toml").read_text(encoding="utf-8")) == {
        "formats": "ipynb,md:myst"
    }
    assert not (ROOT / "jupytext.toml").exists()


def edit_text(project: Project, old: str, new: str, newer: str = "md") -> None:
    """Edit only the .md, then make `newer` the more recent of the two files."""
    md = paired.text_form(project.template)
    text = md.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    md.write_text(text.replace(old, new), encoding="utf-8")
    make_newer(project, newer)


def make_newer(project: Project, newer: str) -> None:
    md = paired.text_form(project.template)
    older, younger = (project.template, md) if newer == "md" else (md, project.template)
    stamp = younger.stat().st_mtime_ns
    os.utime(older, ns=(stamp - 10**9, stamp - 10**9))


def message(project: Project) -> str:
    with pytest.raises(TemplateError) as caught:
        paired.read_template(project, project.template)
    return caught.value.render()


def test_an_edit_of_the_text_only_names_the_cell_and_the_words(project: Project) -> None:
    edit_text(project, "全年现场接待", "全年共现场接待")
    assert message(project) == (
        f"{MD}: 与 {IPYNB} 不一致：第 9 个单元格的文字不同"
        "（.md：“…询开展政策解读，全年共现场接待{{ interpretati…”；"
        ".ipynb：“…询开展政策解读，全年现场接待{{ interpretatio…”）" + MD_NEWER
    )


def test_an_edit_of_the_notebook_only_says_to_sync_the_text(project: Project) -> None:
    md = paired.text_form(project.template)
    before = md.read_bytes()
    edit_template(project, lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source + "\n\n新的一段"))
    md.write_bytes(before)
    make_newer(project, "ipynb")
    assert message(project) == (
        f"{MD}: 与 {IPYNB} 不一致：第 3 个单元格的文字不同（.md：“（无）”；.ipynb：“新的一段”）" + IPYNB_NEWER
    )


def test_a_changed_tag(project: Project) -> None:
    edit_text(
        project, '+++ {"tags": ["format:pre2019"]}\n\n## 引言', '+++ {"tags": ["format:gb2019"]}\n\n## 引言'
    )
    assert (
        message(project)
        == f"{MD}: 与 {IPYNB} 不一致：第 4 个单元格的标签不同（.md：format:gb2019；.ipynb：format:pre2019）"
        + MD_NEWER
    )


def test_a_removed_tag(project: Project) -> None:
    edit_text(project, '+++ {"tags": ["format:pre2019"]}\n\n## 引言', "+++\n\n## 引言")
    assert "第 4 个单元格的标签不同（.md：无标签；.ipynb：format:pre2019）" in message(project)


def test_a_code_cell_made_markdown(project: Project) -> None:
    edit_text(
        project,
        "```{code-cell}\n:tags: ['format:pre2019']\n\nreport.category_table()\n```",
        '+++ {"tags": ["format:pre2019"]}\n\nreport.category_table()',
    )
    assert "第 7 个单元格的类型不同（.md：Markdown 单元格；.ipynb：代码单元格）" in message(project)


def test_a_cell_added_to_the_text(project: Project) -> None:
    edit_text(project, '<div class="signature">', '+++\n\n新的单元格\n\n+++\n\n<div class="signature">')
    assert message(project) == (
        f"{MD}: 与 {IPYNB} 不一致：第 28 个单元格的文字不同"
        '（.md：“新的单元格”；.ipynb：“<div class="signature">{{ agen…”）'
        "；.md 有 29 个单元格，.ipynb 有 28 个" + MD_NEWER
    )


def test_a_cell_added_at_the_end(project: Project) -> None:
    text = paired.text_form(project.template)
    text.write_text(text.read_text(encoding="utf-8") + "\n+++\n\n附言\n", encoding="utf-8")
    assert "第 29 个单元格只在 .md 中；.md 有 29 个单元格，.ipynb 有 28 个" in message(project)


def test_only_blank_lines_differ(project: Project) -> None:
    edit_text(project, "## 引言\n\n本报告", "## 引言\n\n\n本报告")
    assert "第 4 个单元格的文字不同（只是空行或行末的空格不同）" in message(project)


def test_another_kernel_in_the_texts_header(project: Project) -> None:
    edit_text(project, "  name: nianbao\n", "  name: python3\n")
    assert message(project) == f"{MD}: 与 {IPYNB} 不一致：笔记本的元数据（kernelspec 等）不同" + MD_NEWER


def test_a_text_form_that_is_not_valid_yaml(project: Project) -> None:
    edit_text(project, ":tags: [parameters]", ":tags: [parameters")
    assert message(project) == (
        f"{MD}: 无法读取：单元格的选项或文件开头的元数据不是合法的 YAML"
        "（Code cell 0 at line 14 could not be read: Invalid YAML; while parsing a flow sequence）"
        "\n  处理办法：按上面的行号改正 .md（可用 git diff 查看改了什么）；"
        "或运行 make sync-md，按 .ipynb 重写 .md（.md 中没有同步的改动会丢失）。"
    )


def test_a_missing_text_form(project: Project) -> None:
    paired.text_form(project.template).unlink()
    assert message(project) == (
        f"{MD}: 找不到这个文件：它是 {IPYNB} 的文本形式（MyST Markdown），供审阅和合并"
        "\n  处理办法：运行 make sync-md 由 .ipynb 生成它；在 JupyterLab 中打开并保存 .ipynb 也会生成它。"
    )


def test_an_edit_saved_in_both_files_is_fine(project: Project) -> None:
    edit_template(
        project, lambda nb: setattr(nb.cells[3], "source", nb.cells[3].source.replace("引言", "前言"))
    )
    assert "## 前言" in paired.read_template(project, project.template).cells[3].source


def test_outputs_and_other_metadata_only_in_the_notebook_do_not_count(project: Project) -> None:
    """What jupytext keeps out of the text form (language_info, execution metadata) is not a difference."""
    notebook = nbformat.read(project.template, as_version=4)  # type: ignore[no-untyped-call]
    notebook.metadata["language_info"]["version"] = "3.11.9"
    notebook.cells[1].metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    paired.check_paired(project, notebook, project.template)


def no_kernel(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a kernel was started")


def test_the_build_and_the_check_stop_on_a_disagreement_before_any_kernel(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "execute", no_kernel)
    edit_text(project, "全年现场接待", "全年共现场接待")
    for step in (build.build_report, build.check_report):
        with pytest.raises(TemplateError, match=f"^{MD}: 与 {IPYNB} 不一致：第 9 个单元格的文字不同"):
            step(project, "minzheng", 2017)
    assert not Path(project.output_dir("minzheng", 2017)).exists()
