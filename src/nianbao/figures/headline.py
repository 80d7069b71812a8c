"""The few figures the index shows for every report, whatever its format: the format's `headline:`,
each under a column id that is the same column in every format."""

from __future__ import annotations

from nianbao.figures.derived import Figures
from nianbao.inputs.model import Number


def headline(figures: Figures) -> dict[str, Number]:
    """{column id: figure} of the report's format's headline figures."""
    return {item.id: figures.values[item.key] for item in figures.format.headline}
