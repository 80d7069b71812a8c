"""nianbao: government information-disclosure annual reports, computed from data, checked, reproducible.

The package folders follow the pipeline:
    load.py (data files → checked model: model.py, checks.py, narrative.py)
    figures.py (checked model → derived figures; numbers.py formats them)
    execute.py (template notebook → executed notebook; report.py, tables.py, charts.py run inside it)
    export.py (executed notebook → HTML, through templates/nianbao)
    build.py (the driver that runs these steps), cli.py (the command line)
Report formats are data: formats/<id>.yaml.
"""

import sys

# nbformat's validation imports jsonschema, whose format checker imports `rfc3987_syntax` when it is
# installed (it comes with JupyterLab's dependencies): building its grammar costs ~1.7 s of CPU in every
# process that reads a notebook, for a format ("iri") no notebook schema uses. An entry of None makes
# that optional import fail at once, as if the package were absent (jsonschema then skips that format).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
