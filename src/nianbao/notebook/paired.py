"""The template in two files that jupytext pairs (`notebooks/jupytext.toml`).

- `annual_report.ipynb` is the notebook: papermill runs it, the build reads it, JupyterLab opens it.
- `annual_report.md`, its text form in MyST Markdown, is the file people review, diff and merge: each
  Markdown cell is plain Markdown, each code cell a `{code-cell}` block, tags (`parameters`,
  `format:gb2019`) in the cell's options.

Saving in JupyterLab writes both; after editing the .md by hand `make sync` rewrites the .ipynb from it
(and `make sync-md` the other way round). Before a report is built or checked, the two must agree: the
.ipynb must be what `make sync` would make of the .md (every cell's type, text and metadata, the
notebook's metadata), or the build stops before any kernel starts and says which file is newer.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import yaml

from nianbao.errors import TemplateError
from nianbao.inputs import snapshot
from nianbao.notebook.template import read_template as read_ipynb
from nianbao.paths import Project

TEXT_FORMAT = "md:myst"  # as in notebooks/jupytext.toml (a test checks that they agree)
EXCERPT = 30  # characters of a differing line shown in a message
# The SHA-256 of pairs seen to agree: a batch compares the same two files once per process.
_agreed: set[tuple[str, str]] = set()


def text_form(template: Path) -> Path:
    """The template's text form beside it: `annual_report.md` for `annual_report.ipynb`."""
    return template.with_suffix(".md")


def read_template(project: Project, template: Path) -> Any:
    """The template notebook `template` (the report's or the summary's), once it agrees with its text
    form (else a `TemplateError`)."""
    notebook = read_ipynb(template)  # through the build's snapshot
    check_paired(project, notebook, template)
    return notebook


def check_paired(project: Project, notebook: Any, template: Path) -> None:
    """Raise a `TemplateError` naming the first difference if `notebook` (the .ipynb as read) is not
    what its text form gives. Both files are read through the build's snapshot (each is an input of
    every report); the comparison is made once per process for the same two contents."""
    text = text_form(template)
    where, other = project.relative(text), project.relative(template)
    try:
        text_bytes = snapshot.read_bytes(text)
    except FileNotFoundError:
        raise TemplateError(
            f"找不到这个文件：它是 {other} 的文本形式（MyST Markdown），供审阅和合并",
            path=where,
            hint="运行 make sync-md 由 .ipynb 生成它；在 JupyterLab 中打开并保存 .ipynb 也会生成它。",
        ) from None
    key = (
        hashlib.sha256(snapshot.read_bytes(template)).hexdigest(),
        hashlib.sha256(text_bytes).hexdigest(),
    )
    if key in _agreed:
        return
    difference = disagreement(notebook, synced(notebook, read_text(text_bytes, where)))
    if difference:
        raise TemplateError(f"与 {other} 不一致：{difference}", path=where, hint=_which_to_sync(template))
    _agreed.add(key)


def read_text(data: bytes, where: str) -> Any:
    """The text form as a notebook (without outputs or cell ids: those live in the .ipynb)."""
    import jupytext  # only here: it costs a tenth of a second to import, and a batch checks once
    from jupytext.myst import MystMetadataParsingError

    try:
        return jupytext.reads(data.decode("utf-8"), fmt=TEXT_FORMAT)
    except (yaml.YAMLError, MystMetadataParsingError) as err:
        first_line = str(err).strip().splitlines()[0]
        raise TemplateError(
            f"无法读取：单元格的选项或文件开头的元数据不是合法的 YAML（{first_line}）",
            path=where,
            hint="按上面的行号改正 .md（可用 git diff 查看改了什么）；"
            "或运行 make sync-md，按 .ipynb 重写 .md（.md 中没有同步的改动会丢失）。",
        ) from err


def synced(notebook: Any, text: Any) -> Any:
    """What `make sync` makes of the .ipynb: the text form's cells and metadata, with the .ipynb's
    outputs, cell ids and the metadata jupytext leaves out of text (such as `language_info`)."""
    from jupytext.combine import combine_inputs_with_outputs

    return combine_inputs_with_outputs(text, copy.deepcopy(notebook), fmt=TEXT_FORMAT)


def disagreement(notebook: Any, synced: Any) -> str | None:
    """The first difference between the .ipynb and its synced form, in words (None if they agree)."""
    cells, theirs = notebook.cells, synced.cells
    for number, (cell, other) in enumerate(zip(cells, theirs, strict=False), start=1):
        difference = _cell_difference(cell, other)
        if difference:
            return f"第 {number} 个单元格的{difference}{_counts(cells, theirs)}"
    if len(cells) != len(theirs):
        number = min(len(cells), len(theirs)) + 1
        only = ".md" if len(theirs) > len(cells) else ".ipynb"
        return f"第 {number} 个单元格只在 {only} 中{_counts(cells, theirs)}"
    if notebook.metadata != synced.metadata:
        return "笔记本的元数据（kernelspec 等）不同"
    return None


def _cell_difference(cell: Any, other: Any) -> str | None:
    if cell.cell_type != other.cell_type:
        return f"类型不同（.md：{_kind(other)}；.ipynb：{_kind(cell)}）"
    if cell.source != other.source:
        lines = _differing_lines(cell.source, other.source)
        if lines is None:
            return "文字不同（只是空行或行末的空格不同）"
        return f"文字不同（.md：“{lines[1]}”；.ipynb：“{lines[0]}”）"
    tags, other_tags = cell.metadata.get("tags", []), other.metadata.get("tags", [])
    if tags != other_tags:
        return f"标签不同（.md：{_tags(other_tags)}；.ipynb：{_tags(tags)}）"
    if cell.metadata != other.metadata:
        return "元数据不同"
    return None


def _kind(cell: Any) -> str:
    kind: str = cell.cell_type
    return {"markdown": "Markdown 单元格", "code": "代码单元格"}.get(kind, kind)


def _tags(tags: list[str]) -> str:
    return "、".join(tags) if tags else "无标签"


def _differing_lines(source: str, other: str) -> tuple[str, str] | None:
    """The first line (blank lines aside) where two texts differ, each cut to the stretch around the
    first difference; None when they differ only in blank lines or spaces at line ends."""
    lines, other_lines = _lines(source), _lines(other)
    for index in range(max(len(lines), len(other_lines))):
        line = lines[index] if index < len(lines) else "（无）"
        other_line = other_lines[index] if index < len(other_lines) else "（无）"
        if line != other_line:
            return _around(line, other_line), _around(other_line, line)
    return None


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _around(line: str, other: str) -> str:
    """`line` from a little before where it first differs from `other`, at most EXCERPT characters."""
    same = next(
        (i for i, (a, b) in enumerate(zip(line, other, strict=False)) if a != b), min(len(line), len(other))
    )
    start = max(0, same - EXCERPT // 3)
    piece = line[start : start + EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT < len(line) else "")


def _counts(cells: list[Any], theirs: list[Any]) -> str:
    if len(cells) == len(theirs):
        return ""
    return f"；.md 有 {len(theirs)} 个单元格，.ipynb 有 {len(cells)} 个"


def _which_to_sync(ipynb: Path) -> str:
    """Which file was probably edited last, and the command that keeps its changes."""
    md = text_form(ipynb)
    keep_md = "运行 make sync，按 .md 更新 .ipynb"
    keep_ipynb = "运行 make sync-md，按 .ipynb 更新 .md"
    if md.stat().st_mtime_ns >= ipynb.stat().st_mtime_ns:
        return f".md 比 .ipynb 新，多半是改了 .md：{keep_md}。若要保留的是 .ipynb 中的改动，{keep_ipynb}。"
    return (
        f".ipynb 比 .md 新，多半是在没有 jupytext 的编辑器中改了 .ipynb：{keep_ipynb}。"
        f"若要保留的是 .md 中的改动，{keep_md}。"
    )
