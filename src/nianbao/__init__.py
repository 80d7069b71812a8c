"""nianbao: government information-disclosure annual reports, computed from data, checked, reproducible.

The package folders follow the pipeline:
    load.py (data files → checked model: model.py, checks.py, narrative.py)
    figures.py (checked model → derived figures; numbers.py formats them)
    execute.py (template notebook → executed notebook; report.py, tables.py, charts.py run inside it)
    export.py (executed notebook → HTML, through templates/nianbao)
    build.py (the driver that runs these steps), cli.py (the command line)
Report formats are data: formats/<id>.yaml.
"""
