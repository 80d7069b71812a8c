"""The one derive engine: every figure that is computed from typed ones, for any format.

For one year, in the order its format lists them: the totals (`Sum`s — a table's 总计 column and
（七）总计 row, the appendix's sum rows, the categories' total; a total a person typed is kept, so the
rules can compare it), then the chains (`Chain`s — 历年累计 = last year's + this year's). Across the
years of a model: each year with its own format, chained from the opening balance when the format's
history has one. Year on year: the changes the format states. The checks and the figures both read
what this module computes; nothing else adds figures up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nianbao.formats import ReportFormat, Sum, format_for_year
from nianbao.inputs.model import AgencyYear, Number, Opening, YearData

Values = dict[str, Number]


def year_values(fmt: ReportFormat, data: YearData, before: Mapping[str, Number] | None) -> Values:
    """One year's figures, typed and computed; `before`: last year's (or the opening balance's)."""
    values: Values = dict(data.values)
    categories = sum(count for _, count in data.categories)
    if data.categories:  # the categories' own sum, which a typed total is checked against
        values.update({spec.sum_key: categories for spec in fmt.category_specs})
    _add_sums(fmt.sums, values, categories if data.categories else None)
    for chain in fmt.history.chains:
        if before is None or chain.key not in before:
            raise ValueError(f"{data.year}: {chain.key} has no value the year before")  # a loader's bug
        values[chain.key] = before[chain.key] + values[chain.of]
    return values


def _add_sums(sums: Sequence[Sum], values: Values, categories: int | None = 0) -> None:
    """Each total not typed: its parts' sum (a categories' total only when categories were typed)."""
    for total in sums:
        if total.key in values or (total.categories and categories is None):
            continue
        start = categories if total.categories and categories is not None else 0
        values[total.key] = sum((values[part] for part in total.parts), start)


def opening_values(fmt: ReportFormat, opening: Opening) -> Values:
    """The opening balance as the year before the first: typed rows as given, the others summed."""
    key = fmt.history.key
    values: Values = {f"{key}.{row}": value for row, value in opening.cumulative.items()}
    _add_sums(fmt.history.opening_sums, values)
    return values


def format_of(year: int) -> ReportFormat:
    fmt = format_for_year(year)
    if fmt is None:
        raise ValueError(f"no format for {year}")  # a loaded year always has one
    return fmt


def history_values(model: AgencyYear) -> dict[int, Values]:
    """Every year of the model, computed with its own format, each chained to the one before; the
    opening balance (when there is one) as the year `as_of`."""
    years: dict[int, Values] = {}
    before: Values | None = None
    if model.opening is not None:
        before = years[model.opening.as_of] = opening_values(model.format, model.opening)
    for year in sorted(model.history):
        before = years[year] = year_values(format_of(year), model.history[year], before)
    return years


@dataclass(frozen=True)
class Change:
    """A figure this year and last year (one of the format's `changes`)."""

    id: str
    label: str
    unit: str
    current: Number
    previous: Number

    @property
    def delta(self) -> Decimal:
        return Decimal(self.current) - Decimal(self.previous)

    @property
    def rate(self) -> Decimal | None:
        """The change in percent of last year's figure; None from a zero base."""
        return abs(self.delta) * 100 / Decimal(self.previous) if self.previous else None


def changes(
    fmt: ReportFormat, values: Mapping[str, Number], previous: Mapping[str, Number] | None
) -> tuple[Change, ...]:
    """The changes from last year the format states; none when last year is not on file."""
    if previous is None:
        return ()
    return tuple(
        Change(spec.id, spec.label, spec.unit, values[spec.key], previous[spec.key]) for spec in fmt.changes
    )


def year_totals(fmt: ReportFormat, data: YearData) -> Values:
    """One year's figures and totals, without chains: enough to compare it with a year of another
    format (its chained figures would need every year before it)."""
    values: Values = dict(data.values)
    categories = sum(count for _, count in data.categories)
    if data.categories:
        values.update({spec.sum_key: categories for spec in fmt.category_specs})
    _add_sums(fmt.sums, values, categories if data.categories else None)
    return values


def earlier_changes(fmt: ReportFormat, values: Mapping[str, Number], earlier: YearData) -> tuple[Change, ...]:
    """The changes from the year before in another format (a 2018 pre2019 year for a 2019 report), for
    the figures `fmt` declares comparable (`earlier_comparable:`, each key mapped to the other's)."""
    before = year_totals(format_of(earlier.year), earlier)
    found: list[Change] = []
    for spec in fmt.earlier_comparable:
        missing = [key for key in spec.earlier if key not in before]
        if missing:  # a definition's bug: the mapping names a figure the earlier format lacks
            raise ValueError(f"earlier_comparable {spec.id}: {earlier.year} has no {missing}")
        current = sum((Decimal(values[key]) for key in spec.keys), Decimal(0))
        previous = sum((Decimal(before[key]) for key in spec.earlier), Decimal(0))
        found.append(Change(spec.id, spec.label, spec.unit, _plain(current), _plain(previous)))
    return tuple(found)


def _plain(value: Decimal) -> Number:
    """A sum of counts as a count (int), of amounts as an amount."""
    return int(value) if value == value.to_integral_value() else value
