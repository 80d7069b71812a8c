"""The district summary (汇总报告) as the batch and `make summary` build it: the driver's
`build.build_summary` (the summary's template notebook, run and exported like a report), with its record.

Its figures are the agencies' sum (`figures.district`), its template `notebooks/district_summary.ipynb`,
its profile `params/_district.yaml` and its prose `data/_district/<year>/narrative.md`. Which agencies it
sums is the year's state's to say (`year.state.summed_agencies`); the record lists them (and their years),
so an agency added or removed makes the summary stale.
"""

from __future__ import annotations

import contextlib

from nianbao import build
from nianbao.errors import NianbaoError
from nianbao.inputs import snapshot
from nianbao.paths import Project
from nianbao.year import freshness, records, state


def build_summary(project: Project, year: int) -> build.Built:
    """Write `output/_district/<year>/summary.{ipynb,html,…}` and its record; a user error is recorded,
    then raised."""
    code = freshness.code_signature(project)
    record_path = project.summary_record(year)
    try:
        with snapshot.recording(project.root) as listed:
            agencies = state.summed_agencies(project, year)
        built = build.build_summary(project, year, agencies)
    except NianbaoError as err:
        failure = records.build_record(records.FAILED, error=err.render(), code=code)
        with contextlib.suppress(NianbaoError):  # a full disk: the error itself is what matters
            records.write(record_path, failure)
        raise
    assert built.inputs is not None  # the driver always returns what it read
    listings = {**listed.listings, **built.inputs.listings}
    years = sorted({y for key, seen in listings.items() if key.startswith("years:") for y in seen})
    record = records.build_record(
        records.BUILT,
        outputs=records.digests(list(built.outputs), project.root),
        inputs=freshness.input_stamps(project, built.inputs, [y for y in years if y <= year]),
        listings=listings,
        code=code,
    )
    records.write(record_path, record)
    return built
