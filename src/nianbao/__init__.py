"""nianbao: government information-disclosure annual reports, computed from data, checked, reproducible.

The sub-packages follow the pipeline, each importing only the stages before it (tests/unit/test_stages.py):
    formats/   report formats as data (<id>.yaml): sections, tables, labels, rules, what differs
    inputs/    data files → the checked model, read once into a snapshot (cells, load, checks, carry-over)
    figures/   checked model → derived figures (totals, shares, cumulative and year-on-year; numbers)
    drawing/   figures → tables and charts as data (table model, SVG and PNG), and their HTML
    notebook/  the template → the executed notebook (preprocessors, papermill, the project's kernel)
    publish/   executed notebook → published files (HTML, the document model), written atomically
    report.py  what the template's cells call; build.py the driver, one numbered step each
    batch/     every report, summary and the index, incrementally, in worker processes; cli.py
"""

import sys

# nbformat's validation imports jsonschema, whose format checker imports `rfc3987_syntax` when it is
# installed (it comes with JupyterLab's dependencies): building its grammar costs ~1.7 s of CPU in every
# process that reads a notebook, for a format ("iri") no notebook schema uses. An entry of None makes
# that optional import fail at once, as if the package were absent (jsonschema then skips that format).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
