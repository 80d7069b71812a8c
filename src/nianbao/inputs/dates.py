"""The Chinese date (2018年1月30日): how a report writes it, and how nianbao reads one back — typed by a
clerk in a cell, or printed in a published page. Every output that needs the report's date as a date (the
PDF's and the Word file's creation date) takes it from the document model, never from this text."""

from __future__ import annotations

import datetime as dt
import re

# In running text (a published page): 年, 月 and 日 written out, spaces allowed between the parts.
IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# As a clerk types it in a date field: 2018-01-30, 2018/1/30, 2018.1.30 or 2018年1月30日.
AS_TYPED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def written(value: dt.date) -> str:
    """The date as a report prints it: 2018年1月30日 (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def typed(text: str) -> dt.date | None:
    """The date a field holds (AS_TYPED, the whole text), or None when it holds none (2月30日 is none)."""
    found = AS_TYPED.fullmatch(text.strip())
    return _date(*found.groups()) if found else None


def in_text(text: str) -> list[dt.date]:
    """Every date a text prints (IN_TEXT), in order; a day that does not exist (2月30日) is skipped."""
    return [date for date in (_date(*found) for found in IN_TEXT.findall(text)) if date is not None]


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
