"""Carry-over: the figures a year takes over from the year before, derived from that year's data.

What a year takes over is declared by its own format (`carry_over:` in its YAML): table 三's
二、上年结转 is the year before's 四、结转下年度继续办理 (both national formats), gb2019's 上一年项目数量
is the year before's plus its 本年增/减, and pre2019's opening balance is the year before's 历年累计. This is
the one function that computes them (`make next-year` builds on it); it writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nianbao.errors import DataError
from nianbao.formats import format_for_year
from nianbao.inputs.derive import history_values
from nianbao.inputs.model import AgencyYear, Number

FIGURES_FILE = "figures.yaml"


@dataclass(frozen=True)
class CarriedOver:
    """Next year's opening figures, by next year's keys.

    `files`: where each goes, relative to the agency's data folder (`2025/applications.csv`,
    `2018/figures.yaml`, or `opening.yaml` for an opening balance as of this year's end); `missing`: the
    figures next year's format takes over that this year cannot give (its format has no such figures,
    as 2018's pre2019 has no 结转下年度) — a person types them."""

    year: int  # the year they open
    figures: Mapping[str, Number]
    files: Mapping[str, str]
    missing: tuple[str, ...] = ()


def carry_over(model: AgencyYear, year: int | None = None) -> CarriedOver:
    """The figures `year` (by default `model.year + 1`) takes over from `model.year`, computed from the
    model's data. A later year (the years between not on file) takes over from the latest there is."""
    following = model.year + 1 if year is None else year
    fmt = format_for_year(following)
    if fmt is None:
        raise DataError(f"nianbao 不支持 {following} 年度的报告格式，无法得出该年度的期初数")
    values = history_values(model)[model.year]
    figures: dict[str, Number] = {}
    files: dict[str, str] = {}
    missing: list[str] = []
    for item in fmt.carry_over:
        if not all(part in values for part in item.parts):
            missing.append(item.key)
            continue
        figures[item.key] = sum((values[part] for part in item.parts), 0)
        file = fmt.file_of(item.key) or FIGURES_FILE
        opening = file == fmt.history.opening  # in the agency's folder, not a year's
        files[item.key] = file if opening else f"{following}/{file}"
    return CarriedOver(following, figures, files, tuple(missing))
