"""The Word form of a year's words: `output/workbooks/<agency>-<year>.docx` (`make workbook[s]`).

Agencies write their narrative in Word or WPS. Beside the Excel form of the figures, each gets a Word
form: titled with the agency and year, one heading per narrative section of the year's format (Word's own
Heading 1 and Heading 2 styles, which WPS and LibreOffice keep: the five parts of 总体情况 are Heading 2
under its Heading 1), and beneath each the text to start from —
- this year's narrative.md when there is one (begun by `make next-year`: last year's text under its
  `待改写` line; or words already written), as it is;
- else last year's text (the latest year with words), under a `待改写` line;
- else the `待改写` line saying what the section is for (the format's `hint:`).
Its identity (agency, year, format) is in the document's custom properties (`word_identity`). The same
year gives the same bytes (`publish.stable_zip`, fixed core properties). `make collect` reads the
returned form back (`word_reader`) into `data/<agency>/<year>/narrative.md`.

The district summary's narrative (`data/_district/<year>/narrative.md`) gets the same form,
`_district-<year>.docx`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX

from nianbao.errors import DataError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms import word_identity
from nianbao.inputs.files import read_text
from nianbao.inputs.load import load_narrative, load_profile, narrative_parts
from nianbao.inputs.prose import REWRITE, rewrite_line
from nianbao.inputs.workbook import Identity
from nianbao.paths import SUMMARY, YEAR_FOLDER, Project
from nianbao.publish import document, stable_zip, word, word_styles
from nianbao.publish.document import Heading, Items, Paragraph, Span

GENERATOR = "nianbao"
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # never when it was written: the same bytes each time
# What the form says above its first heading; read back, these lines (and the title) are the form's own.
INSTRUCTIONS = (
    "填写说明：请在每个标题下面写本年度的情况。标题是报告的各段，不要改动、删除或增加标题（也不要改标题的样式）；"
    "每段写完删去“待改写”一行。",
    "可以分段，可以加粗，可以用编号或项目符号列表和简单的表格；要引用数字，可以写占位符，"
    "如 {{ apply.new.total }}。写好后在 Word / WPS 中直接保存（.docx），与 Excel 填报表一起交回。",
)
SECTION_STYLES = {1: "Heading 1", 2: "Heading 2"}  # Word's own styles: WPS and LibreOffice keep them
TITLE_STYLE = "Title"


@dataclass(frozen=True)
class FormHeading:
    """A heading of the form: a section (its prose id) or the group its parts are under (id None)."""

    level: int
    text: str
    id: str | None


def form_headings(fmt: ReportFormat) -> list[FormHeading]:
    """The format's narrative sections in order, the parts of a section under its own heading."""
    headings: list[FormHeading] = []
    group: str | None = None
    for spec in fmt.prose:
        if spec.part_of is not None and spec.part_of != group:
            headings.append(FormHeading(1, fmt.section(spec.part_of).label, None))
        group = spec.part_of
        headings.append(FormHeading(2 if spec.part_of else 1, spec.heading, spec.id))
    return headings


def title(name: str, year: int) -> str:
    return f"{name} {year} 年度政府信息公开工作年度报告 文字部分"


def write_word_form(project: Project, agency: str, year: int) -> bytes:
    """The Word form's bytes for one agency (or the district, `_district`) and year."""
    fmt = format_for_year(year)
    if fmt is None:
        raise DataError(f"nianbao 不支持 {year} 年度的报告格式，无法生成文字填报表")
    name = load_profile(project, agency).name
    return form_bytes(
        title(name, year), Identity(agency, year, fmt.id), fmt, texts(project, fmt, agency, year)
    )


def form_bytes(heading: str, identity: Identity, fmt: ReportFormat, sections: Mapping[str, str]) -> bytes:
    """The form: the title, what to do, and each heading with its Markdown text (by prose id)."""
    form = docx.Document()
    word_styles.set_up(form)
    body = form.element.body
    for child in list(body):  # the template's one empty paragraph (its section properties stay)
        if child.tag.endswith("}p"):
            body.remove(child)
    form.add_paragraph(word.clean(heading), style=TITLE_STYLE)
    for line in INSTRUCTIONS:
        word.paragraph(form, word_styles.BODY, [Span(line)])
    for one in form_headings(fmt):
        form.add_paragraph(one.text, style=SECTION_STYLES[one.level])
        if one.id is not None:
            _text(form, sections.get(one.id, ""))
    _properties(form, heading)
    word_identity.attach(form, identity)
    word.drop_thumbnail(form)
    saved = io.BytesIO()
    form.save(saved)
    return stable_zip.rewritten(saved.getvalue())


def texts(project: Project, fmt: ReportFormat, agency: str, year: int) -> dict[str, str]:
    """Each section's text to start from, by prose id (see the module's docstring)."""
    path = project.narrative(agency, year)
    if path.exists() or path.is_symlink():
        where = project.relative(path)
        return narrative_parts(read_text(path, where), fmt, where)
    source = _latest_words(project, agency, year)
    last: dict[str, str] = {}
    if source is not None:
        earlier = format_for_year(source)
        if earlier is not None:
            by_id = load_narrative(project, earlier, agency, source)
            last = {spec.heading: by_id.get(spec.id, "") for spec in earlier.prose}
    found: dict[str, str] = {}
    for spec in fmt.prose:
        text = last.get(spec.heading)
        if text is None:
            found[spec.id] = rewrite_line(year, copied=False, hint=spec.hint)
        else:
            found[spec.id] = f"{rewrite_line(year, source=source)}\n\n{text}".rstrip()
    return found


def _latest_words(project: Project, agency: str, year: int) -> int | None:
    """The latest year before `year` with a narrative on file (the district's too)."""
    folder = project.agency_dir(agency)
    years = [
        int(child.name)
        for child in (folder.iterdir() if folder.is_dir() else ())
        if YEAR_FOLDER.fullmatch(child.name) and int(child.name) < year and (child / "narrative.md").is_file()
    ]
    return max(years, default=None)


def _text(form: WordDocument, markdown: str) -> None:
    """A section's Markdown as Word paragraphs: pipe tables as Word tables, the rest as the report's
    Word file shows it (bold, links by the one link policy, lists with their marks typed), the
    `待改写` line highlighted."""
    for kind, chunk in _chunks(markdown):
        if kind == "table":
            _table(form, chunk)
            continue
        # Typed text is data: markup in it is text, as the report shows it (the placeholder sandbox
        # escapes it the same way), so the Markdown reader is given it escaped.
        escaped = chunk.replace("&", "&amp;").replace("<", "&lt;")
        for block in document.from_markdown(escaped):
            _block(form, block)


def _block(form: WordDocument, block: Heading | Paragraph | Items) -> None:
    if isinstance(block, Heading):  # a sub-heading inside a section: below the section's own levels
        form.add_paragraph(word.clean(block.text), style=f"Heading {min(block.level + 1, 9)}")
    elif isinstance(block, Paragraph) and block.text.startswith(REWRITE):
        added = word.paragraph(form, word_styles.BODY, block.spans)
        for run in added.runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    else:
        word.add_block(form, block)


def _chunks(markdown: str) -> Iterator[tuple[str, str]]:
    """The text in pieces: runs of table lines (`| … |`) and the text between them."""
    kind, lines = "text", list[str]()
    for line in markdown.split("\n"):
        this = "table" if line.lstrip().startswith("|") else "text"
        if this != kind and lines:
            yield kind, "\n".join(lines)
            lines = []
        kind = this
        lines.append(line)
    if lines:
        yield kind, "\n".join(lines)


def _table(form: WordDocument, chunk: str) -> None:
    """A pipe table as a Word table (its delimiter row `| --- |` left out)."""
    rows = [_cells(line) for line in chunk.strip().split("\n")]
    rows = [row for row in rows if not all(set(cell) <= set(":- ") and cell for cell in row)]
    width = max((len(row) for row in rows), default=0)
    if not width:
        return
    grid = form.add_table(rows=len(rows), cols=width)
    grid.style = form.styles["Table Grid"]
    for cells, row in zip(rows, grid.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=False):
            escaped = text.replace("&", "&amp;").replace("<", "&lt;")
            blocks = document.from_markdown(escaped)
            spans = [span for block in blocks if isinstance(block, Paragraph) for span in block.spans]
            word.write(cell.paragraphs[0], word_styles.CELL, spans)


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    cells, current, escaped = [], "", False
    for char in inner:
        if char == "|" and not escaped:
            cells.append(current.strip())
            current = ""
            continue
        escaped = char == "\\" and not escaped
        current += char
    cells.append(current.strip())
    return [cell.replace("\\|", "|") for cell in cells]


def _properties(form: WordDocument, heading: str) -> None:
    core = form.core_properties
    core.title = word.clean(heading)[: word.PROPERTY_LIMIT]
    core.author = GENERATOR
    core.last_modified_by = GENERATOR
    core.comments = "nianbao 文字填报表：在各标题下写本年度的文字，保存后交回。"
    core.category = "政府信息公开工作年度报告"
    core.language = "zh-CN"
    core.revision = 1
    core.subject = core.keywords = core.content_status = core.identifier = core.version = ""
    core.created = core.modified = core.last_printed = FIXED_DATE


def district_form(project: Project, year: int) -> bytes | None:
    """The district's Word form, when the district has a profile (else there is no summary to write)."""
    return write_word_form(project, SUMMARY, year) if project.summary_profile.is_file() else None
