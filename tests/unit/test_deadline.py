"""The legal deadline of publication is declared by each format (`deadline:`), not in code: the 2007
条例 (Art. 31) gives 3月31日 for every report; the 2019 条例 (Art. 49) 1月31日 for departments and 3月31日
for a government's own report. The check record carries it, for the index."""

from __future__ import annotations

import datetime as dt

import pytest

from nianbao.formats import format_for_year
from nianbao.formats.parse import _month_day
from nianbao.formats.schema import DefinitionError


@pytest.mark.parametrize(
    ("year", "agency", "government", "article"),
    [
        (2017, "03-31", "03-31", "第三十一条"),
        (2019, "01-31", "03-31", "第四十九条"),
        (2025, "01-31", "03-31", "第四十九条"),
    ],
)
def test_each_format_declares_its_deadline(year: int, agency: str, government: str, article: str) -> None:
    fmt = format_for_year(year)
    assert fmt is not None and fmt.deadline is not None
    assert fmt.deadline.of_agency(year) == dt.date.fromisoformat(f"{year + 1}-{agency}")
    assert fmt.deadline.of_government(year) == dt.date.fromisoformat(f"{year + 1}-{government}")
    assert article in fmt.deadline.basis


@pytest.mark.parametrize(
    ("raw", "message"), [("02-30", "不是一个日期"), ("1-31", "应为“月-日”"), (131, "应为“月-日”")]
)
def test_a_wrong_deadline_is_refused(raw: object, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        _month_day(raw, "deadline.agency")
