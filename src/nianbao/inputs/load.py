"""Data files → checked model: the one loader, for every format.

Reads an agency's profile, each year's figures (figures.yaml, plus the tables its format types in a
file of their own, such as table 三's CSV), the opening balance when the format's history chains from
one, and the narrative; checks every key, reads every figure by the cell-value contract (`cells.py`),
applies the rules (`history.py`) and returns an `AgencyYear`. What to read comes from the format:
its fields, its lists of categories, its history's opening and published sections, its file tables.
Every fault becomes a `DataError` naming the file (relative to the project), the line, the field in
the form's own words, what was expected and what was found. Files are only read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.errors import DataError, NianbaoError, did_you_mean, together
from nianbao.formats import ReportFormat, all_formats, format_for_year, year_out_of_range
from nianbao.formats.publisher_checks import LEVELS
from nianbao.formats.spec import PERCENT_KINDS
from nianbao.formats.tables import CategorySpec
from nianbao.inputs import copy_checks, printable, prose_numbers, snapshot, stale_years
from nianbao.inputs.applications import read_applications
from nianbao.inputs.cells import Cell, Place, grouped, is_to_fill, left_out_to_fill, read_cell, shown
from nianbao.inputs.derive import history_values
from nianbao.inputs.files import (
    MAX_CATEGORIES,
    MAX_CATEGORY_CHARS,
    MAX_NARRATIVE_CHARS,
    Reader,
    read_text,
    read_yaml,
)
from nianbao.inputs.history import check_history, years_to_read
from nianbao.inputs.model import (
    PUBLISHERS,
    ROUNDINGS,
    SHARE_BASES,
    TRIMS,
    AgencyYear,
    Contact,
    Link,
    Mark,
    Number,
    Opening,
    PercentPolicy,
    Profile,
    YearData,
)
from nianbao.inputs.prose import parse_narrative
from nianbao.inputs.to_fill import check_filled
from nianbao.inputs.workbook import read_form
from nianbao.paths import SUMMARY, Project

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# a profile's `percent:` (how its shares are printed) and the values each key may take; each kind of
# figure (`percent.rates.decimals`) may take the same keys, which override the flat ones for that kind
PERCENT_CHOICES: dict[str, tuple[Any, ...]] = {
    "decimals": (0, 1, 2),
    "rounding": ROUNDINGS,
    "trim_zeros": TRIMS,
}
FLAT_PERCENT_KEYS = tuple(f"percent.{name}" for name in PERCENT_CHOICES)
PERCENT_KEYS = FLAT_PERCENT_KEYS + tuple(
    f"percent.{kind}.{name}" for kind in PERCENT_KINDS for name in PERCENT_CHOICES
)


def load_agency_year(project: Project, agency: str, year: int) -> AgencyYear:
    """Step 1: read and check everything one report needs."""
    return _load(project, agency, year, words=True)


def load_carried_year(project: Project, agency: str, year: int) -> AgencyYear:
    """A year as the next one takes it over (`make next-year`, a new year's form): its figures checked
    with the years they chain to, and its narrative when it has one. A year without words yet — imported
    from a published page, or a returned form whose narrative is still to write — has its figures to
    carry over all the same; then there is no text to copy (and none to check against the figures)."""
    narrative = project.narrative(agency, year)
    return _load(project, agency, year, words=_present(narrative) or narrative.is_symlink())


def _load(project: Project, agency: str, year: int, words: bool) -> AgencyYear:
    agency = check_agency(project, agency)
    fmt = check_year(project, agency, year)
    profile = load_profile(project, agency)
    check_filled(project, fmt, agency, year)  # everything still 待填 or 待改写, all listed at once
    on_file = years_on_file(project, agency)
    opening = load_opening(project, agency, fmt, on_file) if fmt.history.opening is not None else None
    years = years_to_read(project, agency, fmt, opening, year, on_file)
    history = {y: load_any_year(project, agency, y) for y in years}
    narrative = load_narrative(project, fmt, agency, year) if words else {}
    earlier, skipped = _earlier_year(project, agency, year, on_file, history)
    model = AgencyYear(fmt, profile, year, history, opening, narrative, earlier=earlier)
    # what may need correcting first; then the cells counted as 0 though no 0 was typed (—, /, printed
    # blanks), one warning per file and kind of mark, so they never drown the others
    marks = [*(opening.marks if opening else ()), *(m for y in sorted(history) for m in history[y].marks)]
    found = skipped + check_history(project, model) + (check_publisher(project, model) if words else ())
    return dataclasses.replace(model, warnings=found + tuple(grouped(marks)))


def _earlier_year(
    project: Project, agency: str, year: int, on_file: list[int], history: dict[int, YearData]
) -> tuple[YearData | None, tuple[str, ...]]:
    """The year before in another format (a 2018 pre2019 year for 2019), when on file, for the figures
    comparable across formats. Its own faults do not stop this report (its own build reports them):
    the comparison is left out, and a warning says why."""
    if year - 1 not in on_file or year - 1 in history or format_for_year(year - 1) is None:
        return None, ()
    try:
        return load_any_year(project, agency, year - 1), ()
    except DataError as error:
        return None, (f"{error}（因此本报告不与 {year - 1} 年度比较）",)


def check_publisher(project: Project, model: AgencyYear) -> tuple[str, ...]:
    """What publishers get wrong (issue 14): the 发文日期 and its deadline, last year's 文号, 发文日期 and
    text copied, the prose's numbers against the tables."""
    agency, year, current = model.profile.slug, model.year, model.current
    figures = project.relative(project.figures(agency, year))
    narrative = project.narrative(agency, year)
    where = project.relative(narrative)
    warnings = list(copy_checks.check_dates(model.format, current, model.profile.level, figures))
    before = model.previous or model.earlier
    if before is not None:
        warnings += copy_checks.check_copied(current, before, figures)
        previous = _last_narrative(project, agency, year - 1)
        warnings += copy_checks.check_repeated(model.format, model.narrative, previous, year - 1, where)
    years = history_values(model)
    text = read_text(narrative, where)
    warnings += prose_numbers.check_prose(
        text,
        where,
        model.format,
        _known_values(model, years[year]),
        previous=years.get(year - 1) if model.previous is not None else None,
        categories=current.categories,
        policy=model.profile.percent,
    )
    warnings += stale_years.check_years(text, where, model.format, year)
    return tuple(warnings)


def _known_values(model: AgencyYear, values: dict[str, Any]) -> dict[str, Any]:
    """The year's figures the prose may be compared with: without the chained (cumulative) ones when no
    opening balance is known — they count only the years on file, not what 累计 means in words."""
    key = model.format.history.key
    if model.opening is None or model.opening.known or key is None:
        return values
    return {name: value for name, value in values.items() if not name.startswith(f"{key}.")}


# ---------------------------------------------------------------- parameters


def agencies_on_file(project: Project) -> list[str]:
    return _listed(project, "agencies")


def years_on_file(project: Project, agency: str) -> list[int]:
    return _listed(project, f"years:{agency}")


def _listed(project: Project, key: str) -> list[Any]:
    """A listing of the project's folders, through the build's snapshot when there is one."""
    return snapshot.listing(key, lambda: project.listing(key))


def check_agency(project: Project, agency: str) -> str:
    """Refuse anything but a plain slug before any path is built from it."""
    if not SLUG.fullmatch(agency or ""):
        raise DataError(
            f"机关代号 {agency!r} 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
            hint="AGENCY 是 params/ 下档案文件的文件名（不含 .yaml）。",
        )
    known = agencies_on_file(project)
    if agency not in known:
        raise DataError(
            f"没有机关 {agency}{did_you_mean(agency, known)}。已有的机关：{'、'.join(known) or '（无）'}",
            hint=f"新增机关请先建立 params/{agency}.yaml。",
        )
    return agency


def check_year(project: Project, agency: str, year: int) -> ReportFormat:
    out_of_range = year_out_of_range(year)  # a folder data/<agency>/9999/: no date of its report exists
    if out_of_range is not None:
        where = project.relative(project.year_dir(agency, year))
        raise DataError(out_of_range.message, path=where, hint=out_of_range.hint)
    years = years_on_file(project, agency)
    if year not in years:
        on_file = "、".join(str(y) for y in years) or "（无）"
        raise DataError(
            f"机关 {agency} 没有 {year} 年度的数据。已有的年度：{on_file}",
            hint=f"开始新的年度请运行 make next-year AGENCY={agency}，再填写它新建的文件。",
        )
    fmt = format_for_year(year)
    if fmt is None:
        supported = "、".join(f.span for f in all_formats())
        raise DataError(f"nianbao 目前只支持以下年度的报告格式：{supported}；{year} 年度暂不支持")
    return fmt


# ---------------------------------------------------------------- the files of an agency


def _open(project: Project, path: Path, keep: list[str] | None = None) -> Reader:
    """A reader over one YAML file, nested keys flattened to dotted ones (except those in `keep`)."""
    where = project.relative(path)
    return Reader.of(read_yaml(path, where), where, keep=keep or [])


def load_profile(project: Project, agency: str) -> Profile:
    reader = _open(project, project.profile(agency))
    keys = (
        "name",
        "self_reference",
        "district",
        "doc_prefix",
        "website.name",
        "website.url",
        "portal.name",
        "portal.url",
        "contact.office",
        "contact.address",
        "contact.phone",
    )
    reader.only([*keys, *PERCENT_KEYS, "level"])
    t = reader.text
    return Profile(
        slug=agency,
        name=t("name"),
        self_reference=t("self_reference"),
        district=t("district"),
        doc_prefix=t("doc_prefix"),
        website=Link(t("website.name"), reader.url("website.url")),
        portal=Link(t("portal.name"), reader.url("portal.url")),
        contact=Contact(t("contact.office"), t("contact.address"), t("contact.phone")),
        percent=percent_policy(project, agency, reader),
        level=_level(reader),
    )


def _last_narrative(project: Project, agency: str, year: int) -> dict[str, str]:
    """Last year's prose by part, to compare with; none when it is not on file or does not parse
    (last year's report is not being built: its faults are its own build's to report)."""
    fmt = format_for_year(year)
    if fmt is None or not _present(project.narrative(agency, year)):
        return {}
    try:
        return load_narrative(project, fmt, agency, year)
    except DataError:
        return {}


def _level(reader: Reader) -> str | None:
    """`level: department|government` (which legal deadline the report has); None when not given."""
    if reader.content.get("level") is None:
        return None
    level = reader.text("level")
    if level not in LEVELS:
        line = reader.lines.get("level")
        at = f"第 {line} 行：" if line else ""
        raise reader.fail(
            f"{at}字段 level（机关的层级）应为 department（部门）或 government（政府），实际为 {level}"
        )
    return level


def _present(path: Path) -> bool:
    """Whether an optional input exists, asked through the build's snapshot (which records a missing file,
    so adding it later makes the report stale)."""
    try:
        snapshot.read_bytes(path)
    except FileNotFoundError:
        return False
    return True


def percent_policy(project: Project, agency: str, reader: Reader) -> PercentPolicy:
    """The profile's `percent:`; without one, the district's (`params/_district.yaml`), else the default.

    Only the keys given are taken (`percent: {decimals: 2}` keeps half_up and the trailing zeros); a kind's
    keys (`percent: {rates: {decimals: 0}}`) override the flat ones for that kind of figure alone."""
    if not any(key in reader.content for key in PERCENT_KEYS) and agency != SUMMARY:
        district = project.profile(SUMMARY)
        if _present(district):
            reader = _open(project, district)
    given = {key: _percent_value(reader, key) for key in PERCENT_KEYS if key in reader.content}
    flat = {key.removeprefix("percent."): value for key, value in given.items() if key in FLAT_PERCENT_KEYS}
    # no flat key: the publishers' default underneath; any: the others as they always were
    base = dataclasses.replace(PercentPolicy(), **flat) if flat else PUBLISHERS
    kinds = []
    for kind in PERCENT_KINDS:
        own = {
            key.removeprefix(f"percent.{kind}."): value
            for key, value in given.items()
            if key.startswith(f"percent.{kind}.")
        }
        if own:
            kinds.append((kind, dataclasses.replace(base, **own)))
    return dataclasses.replace(base, kinds=tuple(kinds))


def _percent_value(reader: Reader, key: str) -> Any:
    """One key of `percent:`, one of the values its name may take (the one message for all of them)."""
    value, name = reader.content[key], key.rsplit(".", 1)[1]
    allowed = PERCENT_CHOICES[name]
    if not any(isinstance(value, bool) == isinstance(a, bool) and value == a for a in allowed):
        line = reader.lines.get(key)
        at = f"第 {line} 行：" if line else ""
        choices = "、".join(str(v).lower() for v in allowed)
        raise reader.fail(f"{at}字段 {key}（占比的写法）应为 {choices} 之一，实际为 {shown(value)}")
    return value


def load_any_year(project: Project, agency: str, year: int) -> YearData:
    """One year's figures, read as the format of that year says."""
    fmt = format_for_year(year)
    if fmt is None:
        raise DataError(f"nianbao 不支持 {year} 年度的报告格式")
    return load_year(project, fmt, agency, year)


class Typed:
    """One year's figures as they are read: values by key, how odd cells were typed, their marks."""

    def __init__(self) -> None:
        self.values: dict[str, Number] = {}
        self.shown: dict[str, str] = {}
        self.marks: list[Mark] = []
        self.lines: dict[str, int] = {}

    def put(self, key: str, cell: Cell | None) -> None:
        if cell is None:  # computed here
            return
        self.values[key] = cell.value
        if cell.line is not None:
            self.lines[key] = cell.line
        if cell.shown is not None:
            self.shown[key] = cell.shown
        if cell.mark is not None:
            self.marks.append(cell.mark)


def load_year(project: Project, fmt: ReportFormat, agency: str, year: int) -> YearData:
    """One year's typed figures: from the Excel form (figures.xlsx) when the agency returned one, else
    figures.yaml field by field, then the tables typed in files of their own (table 三's CSV)."""
    form = project.workbook(agency, year)
    if _present(form):
        return load_form(project, fmt, agency, year, form)
    reader = _text_reader(project, fmt, agency, year)
    printed = _as_printed(reader)
    read = _typed(project, fmt, agency, year, reader, printed)
    # some published reports have no 文号: then none is printed
    number = reader.count("report.number") if "report.number" in reader.content else None
    date = reader.date("report.date")
    categories: tuple[tuple[str, int], ...] = ()
    for spec in fmt.category_specs:
        categories = _categories(reader, spec, read)
        _total_without_categories(fmt, spec, categories, read.values, reader.where)
    return YearData(
        year,
        number,
        date,
        read.values,
        categories,
        read.shown,
        tuple(read.marks),
        read.lines,
        printed,
        share_base=_share_base(reader, printed),
    )


@dataclass(frozen=True)
class Begun:
    """A year begun by `make next-year` (figures.yaml and its tables), as far as it is filled: what a
    form of it shows. A `待填` cell is no figure here (the form's cell is empty)."""

    values: dict[str, Number]
    shown: dict[str, str]
    number: int | None
    date: dt.date | None
    categories: tuple[tuple[str, int | None], ...]


def load_begun(project: Project, fmt: ReportFormat, agency: str, year: int) -> Begun:
    """The figures typed or carried over into a begun year's text files, every `待填` left out; any
    other cell is read as ever (a wrong one is refused, naming it)."""
    reader = _text_reader(project, fmt, agency, year)
    with left_out_to_fill():
        read = _typed(project, fmt, agency, year, reader, _as_printed(reader))
    content = reader.content
    number = content.get("report.number")
    date = content.get("report.date")
    categories: list[tuple[str, int | None]] = []
    for spec in fmt.category_specs:
        listed = content.get(spec.field)
        lines = getattr(listed, "lines", {})
        for name, raw in listed.items() if isinstance(listed, dict) else ():
            place = Place.field(reader.where, f"{spec.field}.{name}", spec.label(str(name)), lines.get(name))
            cell = None if is_to_fill(raw) else read_cell(raw, "count", spec.unit, place)
            categories.append((str(name).strip(), None if cell is None else int(cell.value)))
    return Begun(
        read.values,
        read.shown,
        None if number is None or is_to_fill(number) else reader.count("report.number"),
        None if date is None or is_to_fill(date) else reader.date("report.date"),
        tuple(categories),
    )


def _text_reader(project: Project, fmt: ReportFormat, agency: str, year: int) -> Reader:
    """figures.yaml, its keys checked: a list of categories and the published chain kept whole."""
    published = fmt.history.published
    lists, sections = [spec.field for spec in fmt.category_specs], [published] if published else []
    reader = _open(project, project.figures(agency, year), keep=[*lists, *sections])
    reader.only(["report.number", "report.date", "as_printed", "share_base", *lists, *fmt.fields, *sections])
    return reader


def _as_printed(reader: Reader) -> bool:
    printed = reader.content.get("as_printed", False)
    if not isinstance(printed, bool):
        raise reader.fail(f"字段 as_printed（照已发布的报告填写）应为 true 或 false，实际为 {shown(printed)}")
    return printed


def _typed(
    project: Project, fmt: ReportFormat, agency: str, year: int, reader: Reader, printed: bool
) -> Typed:
    """figures.yaml's figures field by field, the published chain, then the tables typed in files of
    their own (table 三's CSV); every wrong figure of figures.yaml in one message."""
    read = Typed()
    faults: list[NianbaoError] = []
    for key, field in fmt.fields.items():
        try:
            read.put(key, reader.figure(key, field.type, field.unit, field.label, computed=field.optional))
        except DataError as err:
            faults.append(err)
    if faults:
        raise together(faults)
    published = fmt.history.published
    if published is not None and published in reader.content:  # the chain as that year's report printed it
        section = reader.section(published)
        section.only(fmt.history.published_rows())
        for key in section.content:
            read.put(key, section.figure(key, "count", "", fmt.label(key)))
    for table in fmt.file_tables:
        path = project.year_dir(agency, year) / table.file
        for key, cell in read_applications(path, project.relative(path), table, printed).items():
            read.put(key, cell)
    return read


def _share_base(reader: Reader, printed: bool) -> str:
    """figures.yaml's `share_base:` (what the printed shares are of where a printed total differs from
    its parts), only in a year typed as printed; the parts' sum when not given."""
    if "share_base" not in reader.content:
        return "parts"
    value = reader.content["share_base"]
    line = reader.lines.get("share_base")
    at = f"第 {line} 行：" if line else ""
    if value not in SHARE_BASES:
        choices = "、".join(f"{key}（{words}）" for key, words in SHARE_BASES.items())
        raise reader.fail(f"{at}字段 share_base（占比的基数）应为 {choices}之一，实际为 {shown(value)}")
    if not printed:
        raise reader.fail(
            f"{at}字段 share_base（占比的基数）只用于照已发布的报告填写的年度（as_printed: true）："
            "本系统算出的合计总等于各项之和"
        )
    return str(value)


def load_form(project: Project, fmt: ReportFormat, agency: str, year: int, form: Path) -> YearData:
    """One year's figures from its Excel form; refused when the same figures are also typed as text."""
    where = project.relative(form)
    texts = [
        project.figures(agency, year),
        *(project.year_dir(agency, year) / t.file for t in fmt.file_tables),
    ]
    also = [project.relative(path) for path in texts if _present(path)]
    if also:
        raise DataError(
            f"{year} 年度的数字既有填报表 {where}，又有 {'、'.join(also)}："
            "只能有一种，nianbao 不知道该用哪一个",
            hint="保留正在使用的一种，把另一种移出这个文件夹。",
        )
    figures = read_form(form, where, fmt, agency, year)
    read = Typed()
    for key, cell in figures.cells.items():
        read.put(key, cell)
    read.marks += figures.marks
    for spec in fmt.category_specs:
        if not figures.categories and not spec.optional:
            raise DataError(f"工作表中{spec.label('…')}一个也没有填写：至少要有一类", path=where)
        _total_without_categories(fmt, spec, figures.categories, read.values, where)
    return YearData(
        year,
        figures.number,
        figures.date,
        read.values,
        figures.categories,
        read.shown,
        tuple(read.marks),
        source=where,
    )


def _total_without_categories(
    fmt: ReportFormat,
    spec: CategorySpec,
    categories: tuple[tuple[str, int], ...],
    values: dict[str, Number],
    where: str,
) -> None:
    """A report that lists no categories (they are optional) must give the total they would add up to
    when the appendix prints it (pre2019's 主动公开文件数)."""
    total = spec.total
    printed = total is not None and total in {row.id for row in fmt.appendix_rows}
    if categories or not printed or total in values:
        return
    raise DataError(
        f"没有列出{spec.name_column}（{spec.field}）时，必须填写字段 {total}（{fmt.label(str(total))}）",
        path=where,
        hint=f"照原报告填写 {total}，或按{spec.name_column}列出{spec.count_column}。",
    )


def _categories(reader: Reader, spec: CategorySpec, read: Typed) -> tuple[tuple[str, int], ...]:
    """The agency's categories and their counts, in the order written (at least one)."""
    if spec.optional and spec.field not in reader.content:
        return ()
    value = reader.get(spec.field)
    if not isinstance(value, dict) or not value:
        raise reader.fail(f"字段 {spec.field} 应为“类别名: 条数”的列表，至少一类，实际为 {shown(value)}")
    lines = getattr(value, "lines", {})
    if len(value) > MAX_CATEGORIES:
        raise reader.fail(
            f"字段 {spec.field} 有 {len(value)} 个类别，超过图表能画的 {MAX_CATEGORIES} 个；请合并相近的类别"
        )
    counts = []
    for name, raw in value.items():
        key = f"{spec.field}.{name}"
        if len(str(name)) > MAX_CATEGORY_CHARS:
            at = f"第 {lines[name]} 行：" if name in lines else ""
            raise reader.fail(
                f"{at}字段 {spec.field} 的类别名“{str(name)[:20]}…”有 {len(str(name))} 个字，"
                f"超过图表能画的 {MAX_CATEGORY_CHARS} 个字"
            )
        place = Place.field(reader.where, key, spec.label(str(name)), lines.get(name))
        cell = read_cell(raw, "count", spec.unit, place)
        if cell is None:
            raise ValueError(key)  # a figure that is not computed is never None
        read.marks += [cell.mark] if cell.mark else []
        counts.append((str(name).strip(), int(cell.value)))
    return tuple(counts)


def load_opening(project: Project, agency: str, fmt: ReportFormat, on_file: list[int]) -> Opening:
    """The opening balance: the chained figures up to the end of `as_of`, typed rows only. Without the
    file, an unknown balance: zero at the end of the year before the first on file (`known` False)."""
    key, name = str(fmt.history.key), str(fmt.history.opening)
    path = project.agency_dir(agency) / name
    if not _present(path):
        first = min((y for y in on_file if fmt.covers(y)), default=min(on_file, default=0))
        return Opening(first - 1, {row.id: 0 for row in fmt.history.opening_rows}, known=False)
    reader = _open(project, path, keep=[key])
    reader.only(["as_of", key])
    as_of = reader.count("as_of")
    balances: Any = reader.get(key)
    if not isinstance(balances, dict):
        raise reader.fail(f"字段 {key} 应为“指标: 累计数”的列表，实际为 {shown(balances)}")
    rows = Reader(
        {f"{key}.{k}": v for k, v in balances.items()},
        reader.where,
        {f"{key}.{k}": line for k, line in getattr(balances, "lines", {}).items()},
    )
    rows.only(f"{key}.{row.id}" for row in fmt.history.opening_rows)
    read = Typed()
    for row in fmt.history.opening_rows:
        read.put(row.id, rows.figure(f"{key}.{row.id}", "count", "", fmt.label(f"{key}.{row.id}")))
    return Opening(as_of, {row: int(value) for row, value in read.values.items()}, tuple(read.marks))


def load_narrative(project: Project, fmt: ReportFormat, agency: str, year: int) -> dict[str, str]:
    path = project.narrative(agency, year)
    where = project.relative(path)
    return narrative_parts(read_text(path, where), fmt, where)


def narrative_parts(text: str, fmt: ReportFormat, where: str) -> dict[str, str]:
    """A narrative's text as the loader takes it, split into the format's parts: every character one a
    report can carry, not too long, its headings the format's. `make collect` checks the narrative it
    would place from a Word form by these same rules."""
    printable.check_file(text, where)
    if len(text) > MAX_NARRATIVE_CHARS:
        raise DataError(
            f"叙述文字太长：{len(text)} 个字符，最多 {MAX_NARRATIVE_CHARS} 个",
            path=where,
            hint="年报正文通常只有几千字；请检查是不是粘贴进了别的文件。",
        )
    return parse_narrative(text, fmt, where=where)
