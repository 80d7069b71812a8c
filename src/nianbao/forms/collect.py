"""`make collect`: the returned Excel forms placed into data/, matched by their hidden sheet; the returned
Word forms (the words) likewise, matched by their document properties.

nianbao never changes what a person wrote. A returned form goes to `data/<agency>/<year>/figures.xlsx`
when that year has no figures yet, or when every file of figures it has there is one the tool generated
and nobody changed since (the year's record, `year/written.py`, says so): next-year's files to fill of a
begun year, or the form placed before (a corrected form replaces the earlier return). Those are set
aside in `已替换/`, never deleted, and listed; the narrative is never touched. A form for a year whose
figures a person typed or changed, for a year imported from a published page, of an unknown agency or of
another format is refused, saying what to do. A form identical to the one placed is skipped.

A Word form (`word_form.py`) goes to `data/<agency>/<year>/narrative.md` (the district's to
`data/_district/<year>/narrative.md`) by the same rule: when the year has no narrative.md, or when the
one it has is the tool's own and unchanged (next-year's text to rewrite, a Word form placed before); words
a person wrote or changed are never replaced. It may come back with or without the Excel form. Its text
is read back as Markdown (`word_reader.py`) and checked by the loader's own rules before it is placed:
a form that would not load is refused with the loader's message, naming the file. A form with sections
still marked `待改写` is placed, like an Excel form with cells still empty: the year stays to fill, is never
published, and `make check` names each section; the listing names them too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms.hand_out import form_format
from nianbao.forms.word_form import title
from nianbao.forms.word_reader import narrative_md, read_form
from nianbao.inputs import snapshot
from nianbao.inputs.files import read_bytes
from nianbao.inputs.load import agencies_on_file, load_profile, narrative_parts
from nianbao.inputs.prose import to_rewrite
from nianbao.inputs.workbook import Identity, identity, open_book, read_book
from nianbao.paths import SUMMARY, Project
from nianbao.year import written
from nianbao.year.data_files import replace_and_write


@dataclass
class Collected:
    """What `collect` did: the forms placed (with their cells still empty or invalid), the files they
    replaced (kept aside), those refused, the files skipped as no form at all (each with why), and the
    forms placed before (the same bytes: a folder collected again)."""

    placed: list[tuple[str, str, int]] = field(default_factory=list)  # (from, placed at, faults)
    replaced: list[tuple[str, str, str]] = field(default_factory=list)  # (placed at, replaced, kept at)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    already: list[tuple[str, str]] = field(default_factory=list)  # (file, the same form placed)
    # the headings of a placed narrative's sections still marked 待改写, by where it was placed
    to_rewrite: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Placing:
    """Where a returned form goes, how many of its cells are still empty or invalid, and the files of
    the year's figures it replaces (the tool's own, unchanged)."""

    name: str
    data: bytes
    faults: int
    replacing: tuple[Path, ...] = ()
    to_rewrite: tuple[str, ...] = ()  # a narrative's sections still marked 待改写


class SameFormError(Exception):
    """The same form as the one placed for its year: nothing to do."""


# Files a folder of returned forms holds that are no form, and why, by the end of their names.
OTHER_FILES = {
    ".xls": "是旧版 Excel 97-2003 工作簿，请另存为 .xlsx",
    ".et": "是 WPS 表格文件，请另存为 .xlsx",
    ".ods": "是 OpenDocument 表格，请另存为 .xlsx",
    ".xlsm": "是带宏的工作簿，请另存为 .xlsx",
    ".csv": "是 CSV 文件，不是填报表：请用 make workbook 生成的 .xlsx 填报表",
    ".doc": "是旧版 Word 97-2003 文档，请另存为 .docx",
    ".wps": "是 WPS 文字文件，请另存为 .docx",
    ".odt": "是 OpenDocument 文本，请另存为 .docx",
    ".docm": "是带宏的 Word 文档，请另存为 .docx",
    ".rtf": "是 RTF 文档，请另存为 .docx",
}
FORMS = (".xlsx", ".docx")


def collect(project: Project, folder: Path) -> Collected:
    """Place every returned form in `folder` at `data/<agency>/<year>/figures.xlsx`, matched by its
    hidden sheet (replacing only what the rule above allows); refuse a form that cannot be read as one
    (damaged, hostile), of an unknown agency, of another format, for a year whose figures are a
    person's, or found twice in the folder. Every other file is skipped, saying why: a lock file, an
    .xls or .ods, a folder, a pipe, a file too large, the same form as the one placed."""
    if not folder.is_dir():
        raise DataError(f"找不到文件夹 {folder}", hint="make collect DIR=<收回的填报表所在的文件夹>")
    outcome = Collected()
    chosen: dict[Path, Placing] = {}
    # `..` resolved in the name (not links): `DIR=../收回的表格` is a folder beside the project, whose
    # files are no links out of it
    folder = Path(os.path.normpath(folder.absolute()))
    try:
        paths = sorted(folder.iterdir())
    except OSError as err:  # no permission to list it, a broken disk
        raise DataError(f"无法读取文件夹 {shown_name(str(folder))}：{err.strerror}") from None
    for path in paths:
        name = shown_name(path.name)
        why = _skipped(path)
        if why is not None:
            outcome.skipped.append((name, why))
            continue
        try:
            data = read_bytes(path, name)  # the one reader: a regular file only, never a wait
        except DataError as err:
            outcome.skipped.append((name, err.message))
            continue
        try:
            target, placing = _target(project, name, data, chosen)
        except SameFormError as same:
            outcome.already.append((name, str(same)))
            continue
        except NianbaoError as err:
            outcome.refused.append((name, err.message))
            continue
        chosen[target] = placing
    files = {target: placing.data for target, placing in chosen.items()}
    sources = {target: placing.name for target, placing in chosen.items()}
    replacing = [path for placing in chosen.values() for path in placing.replacing]
    done = replace_and_write(project, files, "collect", sources, replacing)
    outcome.placed = [(p.name, project.relative(target), p.faults) for target, p in chosen.items()]
    by = {project.relative(old): project.relative(t) for t, p in chosen.items() for old in p.replacing}
    outcome.replaced = [(by[replaced], replaced, kept) for replaced, kept in done.aside]
    outcome.to_rewrite = {project.relative(t): list(p.to_rewrite) for t, p in chosen.items() if p.to_rewrite}
    return outcome


def nothing_to_collect(folder: Path) -> DataError:
    """A folder without a single form to read: the wrong folder, most likely."""
    return DataError(
        f"文件夹 {shown_name(str(folder))} 中没有可以放置的填报表（.xlsx 或 .docx 文件）",
        hint="把收回的填报表（填好交回的 .xlsx、.docx 文件）放进这个文件夹，再运行 make collect。",
    )


def shown_name(name: str) -> str:
    """A file's name as a listing prints it: a line break, a control character or bytes that are not
    UTF-8 in it shown as an escape (`\\u000a`), so no name can print a line of its own."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in name)


def _skipped(path: Path) -> str | None:
    """Why a file in the folder is no form to read (by its name alone), or None for an .xlsx or .docx."""
    name = path.name
    suffix = path.suffix.lower()
    if name.startswith("~$"):
        program = "Word" if suffix.startswith(".doc") else "Excel"
        return f"是 {program} / WPS 打开文件时留下的锁文件，不是填报表"
    if name.startswith("."):
        return "是隐藏文件，不是填报表"
    if suffix in FORMS:
        return None
    return OTHER_FILES.get(suffix, "不是 .xlsx 或 .docx 填报表")


def _target(project: Project, name: str, data: bytes, chosen: Mapping[Path, Placing]) -> tuple[Path, Placing]:
    """Where a returned form goes and what it replaces, or a `DataError` saying why it is refused and
    what to do (a form whose sheets or rows were changed is refused too)."""
    if name.lower().endswith(".docx"):
        return _word_target(project, name, data, chosen)
    book = open_book(data, name)
    found = identity(book, name)
    _known(project, found, agency_only=True)
    target = project.workbook(found.agency, found.year)
    if target in chosen:
        raise DataError(f"与 {chosen[target].name} 是同一机关同一年度的填报表，只放置了前者")
    replacing = _replacing(project, form_format(found.year), found, data)
    return target, Placing(name, data, _faults(book, name, found.year), replacing)


def _replacing(project: Project, fmt: ReportFormat, found: Identity, data: bytes) -> tuple[Path, ...]:
    """The files of the year's figures the form replaces: none when there are none; all of them when
    each is the tool's own and unchanged (next-year's to fill, a form placed before); else refused."""
    agency, year = found.agency, found.year
    folder = project.year_dir(agency, year)
    files = [project.workbook(agency, year), project.figures(agency, year)]
    files += [folder / table.file for table in fmt.file_tables]
    present = [path for path in files if path.exists() or path.is_symlink()]
    if not present:
        return ()
    record = written.read(project, agency, year)
    if files[0] in present and _same(files[0], data):
        raise SameFormError(f"已放置过：与 {project.relative(files[0])} 完全相同")
    if any(record.get(path.name, _PERSON).command == "import" for path in present):
        raise DataError(
            f"机关 {agency} 的 {year} 年度是从已发布的网页导入的历史年度，不用填报表替换；"
            f"要改正导入的数字，请直接修改 {project.relative(project.figures(agency, year))}"
        )
    theirs = [
        project.relative(p) for p in present if written.unchanged(project, agency, year, p.name) is None
    ]
    if theirs:
        raise DataError(
            f"机关 {agency} 的 {year} 年度已有数据：{'、'.join(theirs)} 是手工填写的，或生成后有人改过，"
            f"nianbao 不会替换它；要改用这份填报表，请先把它移出 {project.relative(folder)}/，"
            "再运行 make collect"
        )
    return tuple(present)


_PERSON = written.Written("", "")  # no entry in the record: a file a person put there


def _known(project: Project, found: Identity, *, agency_only: bool = False) -> ReportFormat:
    """The format of a form's year, when the form is an agency's of this project (or the district's,
    for the words) and of that year's format; else refused, saying what to do."""
    known = agencies_on_file(project)
    if not agency_only and project.summary_profile.is_file():
        known = [*known, SUMMARY]
    if found.agency not in known:
        raise DataError(
            f"机关 {found.agency} 没有档案（params/{found.agency}.yaml）：这份表不是本项目的机关的，"
            f"或是新增的机关；如是新增的机关，先建立 params/{found.agency}.yaml 再运行 make collect"
        )
    fmt = format_for_year(found.year)
    expected = fmt.id if fmt else "（不支持）"
    if fmt is None or found.format != expected:  # a form of last year's format handed out for the new year
        raise DataError(
            f"是 {found.format} 格式的填报表，{found.year} 年度应为 {expected} 格式；"
            f"请用 make workbook AGENCY={found.agency} YEAR={found.year} 生成这一年度的填报表，照填后交回"
        )
    return fmt


def _word_target(
    project: Project, name: str, data: bytes, chosen: Mapping[Path, Placing]
) -> tuple[Path, Placing]:
    """Where a returned Word form goes (the year's narrative.md) and what it replaces, or why not."""
    found, form = read_form(data, name)
    fmt = _known(project, found)
    agency, year = found.agency, found.year
    target = project.narrative(agency, year)
    if target in chosen:
        raise DataError(f"与 {chosen[target].name} 是同一机关同一年度的文字填报表，只放置了前者")
    if any(entry.command == "import" for entry in written.read(project, agency, year).values()):
        raise DataError(
            f"机关 {agency} 的 {year} 年度是从已发布的网页导入的历史年度，只供下一年度结转和比较，"
            "不生成报告，不用写文字"
        )
    text = narrative_md(form, fmt, title(load_profile(project, agency).name, year), name)
    narrative_parts(text, fmt, name)  # what the loader would refuse, refused now, naming the form
    markdown = text.encode("utf-8")
    replacing: tuple[Path, ...] = ()
    if target.exists() or target.is_symlink():
        if _same(target, markdown):
            raise SameFormError(f"已放置过：与 {project.relative(target)} 完全相同")
        if written.unchanged(project, agency, year, target.name) is None:
            folder = project.relative(project.year_dir(agency, year))
            raise DataError(
                f"机关 {agency} 的 {year} 年度已有文字：{project.relative(target)} 是手工写的，"
                "或生成后有人改过，"
                f"nianbao 不会替换它；要改用这份文字填报表，请先把它移出 {folder}/，再运行 make collect"
            )
        replacing = (target,)
    return target, Placing(name, markdown, 0, replacing, tuple(to_rewrite(text)))


def _same(path: Path, data: bytes) -> bool:
    """Whether `path` holds `data`: read as a regular file only (a FIFO there is not a wait)."""
    try:
        return snapshot.read_regular(path, snapshot.MAX_BYTES)[1] == data
    except OSError:  # NotRegularError too
        return False


def _faults(book: object, where: str, year: int) -> int:
    """How many input cells of a form are still empty or invalid (`make check` names each)."""
    return len(read_book(book, where, form_format(year), year)[1])
