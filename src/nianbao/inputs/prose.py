"""The agency's prose: `narrative.md` split at its level-1 headings into the format's parts."""

from __future__ import annotations

import re

from nianbao.errors import DataError, did_you_mean
from nianbao.formats import ReportFormat

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
HEADING = re.compile(r"^#(?!#)\s*(.+?)\s*$", re.MULTILINE)
# A line break inside a Chinese paragraph is only a break in the editor: HTML would show it as a space.
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
SOFT_BREAK = re.compile(f"(?<=[{CJK}])\n(?=[{CJK}])")
# The line `make next-year` puts above last year's text in each section: visible text, not a comment
# (comments are dropped), so a section nobody rewrote is found (`to_rewrite`) and never published.
REWRITE = "待改写"


def rewrite_line(year: int, copied: bool = True, hint: str | None = None, source: int | None = None) -> str:
    """The marker line above a section's text copied from `source` (by default `year - 1`), or of a
    section with no text to copy, saying what it is for when the format says (`hint`)."""
    if not copied:
        about = f"（{hint}）" if hint else ""
        return f"{REWRITE}：请写 {year} 年度的情况{about}，写完删去这一行。"
    return (
        f"{REWRITE}：下面是 {year - 1 if source is None else source} 年度的文字，"
        f"请改写成 {year} 年度的情况，改完删去这一行。"
    )


def to_rewrite(text: str) -> list[str]:
    """The headings of the sections that still hold the `待改写` marker, in order."""
    text = COMMENT.sub("", text.replace("\r\n", "\n"))
    matches = list(HEADING.finditer(text))
    found = []
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following else len(text)
        if REWRITE in text[match.end() : end]:
            found.append(match.group(1))
    return found


def parse_narrative(text: str, fmt: ReportFormat, where: str) -> dict[str, str]:
    """Split `narrative.md` at its level-1 headings into the format's prose parts, by id."""
    text = COMMENT.sub("", text)
    by_heading = {spec.heading: spec.id for spec in fmt.prose}
    matches = list(HEADING.finditer(text))
    if text[: matches[0].start() if matches else len(text)].strip():
        raise DataError(
            f"第一个一级标题之前有文字；每段文字都应放在一个一级标题（# {fmt.prose[0].heading}）之下",
            path=where,
        )
    parts: dict[str, str] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        heading = match.group(1)
        if heading not in by_heading:
            raise DataError(
                f"未知的一级标题 “# {heading}”{did_you_mean(heading, by_heading)}；"
                f"应为：{'、'.join(by_heading)}",
                path=where,
            )
        if by_heading[heading] in parts:
            raise DataError(f"一级标题 “# {heading}” 出现了两次", path=where)
        end = following.start() if following else len(text)
        parts[by_heading[heading]] = SOFT_BREAK.sub("", text[match.end() : end].strip())
    missing = [spec.heading for spec in fmt.prose if spec.id not in parts]
    if missing:
        raise DataError(f"缺少一级标题：{'、'.join('# ' + h for h in missing)}", path=where)
    return parts
