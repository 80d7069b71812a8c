"""Benchmark of the batch (not a test): N synthetic agencies built three ways in one run.

1. naive: the papermill CLI then the nbconvert CLI, one pair per report (what a shell loop would do);
2. `make reports -j2` (and `-j1`, for the speed-up from a second worker);
3. the plain-Python floor: the same figures, tables and matplotlib chart written as HTML in one
   process, no kernel at all;
4. what the PDF adds per report: `publish.pdf` over the executed notebooks of (2), in one process, after
   loading its fonts and compiler once (as a batch worker does).
5. what the Word file (report.docx) adds per report: the time to make it from the executed notebook,
   and its size beside the page's.
Then a no-op `make reports` over a project of 200 agencies whose reports are all up to date.

Everything happens in temporary projects made by nianbao.synthetic; the real data/ is never touched.
Run from the project root: `make bench` or `.venv/bin/python benchmarks/bench_batch.py --agencies 50`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from tests.synthetic import make_project

from nianbao.formats import format_for_year
from nianbao.notebook.cells import SelectFormatCells

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
YEAR = 2017


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measured(action: Callable[[], object], who: int = resource.RUSAGE_CHILDREN) -> tuple[float, float]:
    """(wall seconds, CPU seconds of `who`) of one action: CPU time does not depend on what else the
    machine is doing, wall time does."""
    before = cpu(who)
    wall = timed(action)
    return wall, cpu(who) - before


def run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def make(project: Path, *args: str) -> None:
    """`make` as a user runs it, in this environment (-o: do not reinstall it from the copy)."""
    stamp = Path(sys.prefix) / ".nianbao-installed"
    run(["make", "--no-print-directory", "-o", str(stamp), *args, f"VENV={sys.prefix}"], project)


def agencies(project: Path) -> list[str]:
    return sorted(path.stem for path in (project / "params").glob("*.yaml"))


def naive(project: Path, count: int) -> tuple[float, float]:
    """papermill + nbconvert CLIs per report; (wall, CPU) seconds per report over `count` reports."""
    out = project / "naive"
    out.mkdir()
    # The template holds the cells of every format; the build keeps those of the report's format. A
    # shell loop would run a copy made once per format, as here.
    fmt = format_for_year(YEAR)
    assert fmt is not None
    template = out / f"template-{fmt.id}.ipynb"
    selected, _ = SelectFormatCells(format_id=fmt.id)(
        nbformat.read(project / "notebooks/annual_report.ipynb", 4), {}
    )
    nbformat.write(selected, template)

    def loop() -> None:
        for agency in agencies(project)[:count]:
            executed = out / f"{agency}.ipynb"
            papermill = [str(BIN / "papermill"), str(template), str(executed)]
            run([*papermill, "-k", "nianbao", "-p", "agency", agency, "-p", "year", str(YEAR)], project)
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], project)

    wall, used = measured(loop)
    return wall / count, used / count


def floor(project: Path) -> tuple[float, float, float]:
    """(import seconds, wall and CPU seconds per report) of the computation alone, in this process."""
    started = time.perf_counter()
    from nianbao.drawing import charts, table_html, tables
    from nianbao.figures.derived import Figures
    from nianbao.inputs.load import load_agency_year
    from nianbao.paths import Project

    imports = time.perf_counter() - started
    target = Project(project)
    out = project / "floor"
    out.mkdir()

    def loop() -> None:
        for agency in agencies(project):
            figures = Figures.derive(load_agency_year(target, agency, YEAR))
            body = [
                f"<h1>{figures.title}</h1>",
                str(table_html.html(tables.category_table(figures))),
                charts.category_chart(figures).svg,  # its PNG is drawn too, as in every report
                str(table_html.html(tables.appendix_table(figures))),
            ]
            (out / f"{agency}.html").write_text("\n".join(body), encoding="utf-8")

    wall, used = measured(loop, resource.RUSAGE_SELF)
    return imports, wall / len(agencies(project)), used / len(agencies(project))


def pdf_cost(project: Path) -> tuple[float, float, float]:
    """(setup seconds once per process, wall and CPU seconds per report) of the PDF alone, from the
    executed notebooks a batch left in `project` (the batch's own times include it)."""
    from nianbao.publish import export, pdf
    from nianbao.publish.document import Document

    notebooks = sorted((project / "output").glob(f"*/{YEAR}/report.ipynb"))
    setup = timed(lambda: pdf.render(Document("年度报告", None, ())))  # fonts parsed, compiler warm
    loaded = [nbformat.read(path, as_version=4) for path in notebooks]  # type: ignore[no-untyped-call]

    def loop() -> None:
        for notebook in loaded:
            export.to_pdf(export.FinishedNotebook(notebook))

    wall, used = measured(loop, resource.RUSAGE_SELF)
    return setup, wall / len(loaded), used / len(loaded)


def word_cost(project: Path) -> tuple[float, float, float, float]:
    """(wall and CPU seconds per report to make report.docx from its executed notebook, mean KB of the
    .docx, of the .html), over the reports a batch built in `project`."""
    from nianbao.publish import export

    notebooks = sorted((project / "output").glob(f"*/{YEAR}/report.ipynb"))
    read = [nbformat.read(path, 4) for path in notebooks]
    wall, used = measured(
        lambda: [export.to_docx(export.FinishedNotebook(notebook)) for notebook in read], resource.RUSAGE_SELF
    )
    sizes = [
        (path.with_suffix(".docx").stat().st_size, path.with_suffix(".html").stat().st_size)
        for path in notebooks
    ]
    count = len(notebooks)
    return (
        wall / count,
        used / count,
        sum(d for d, _ in sizes) / count / 1024,
        sum(h for _, h in sizes) / count / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50, help="synthetic agencies per way (default 50)")
    parser.add_argument("--naive", type=int, help="reports for the naive loop (default: all)")
    parser.add_argument("--noop-agencies", type=int, default=200)
    args = parser.parse_args()
    n = args.agencies
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        work = Path(tmp)
        base = make_project(work / "base", ROOT, n, years=(YEAR,))
        copies = {name: work / name for name in ("naive", "j1", "j2", "floor")}
        for target in copies.values():
            shutil.copytree(base, target)

        j2, j2_cpu = (seconds / n for seconds in measured(lambda: make(copies["j2"], "-j2", "reports")))
        j1, j1_cpu = (seconds / n for seconds in measured(lambda: make(copies["j1"], "-j1", "reports")))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # before the naive loop
        naive_per, naive_cpu = naive(copies["naive"], args.naive or n)
        imports, floor_per, floor_cpu = floor(copies["floor"])
        pdf_setup, pdf_per, pdf_cpu = pdf_cost(copies["j1"])
        docx_per, docx_cpu, docx_kb, html_kb = word_cost(copies["j1"])

        big = make_project(work / "noop", ROOT, args.noop_agencies, years=(YEAR,))
        make(big, "-j2", "reports")
        noop = statistics.median(timed(lambda: make(big, "reports")) for _ in range(5))

    print(f"nianbao batch benchmark: {n} synthetic agencies, one report each (year {YEAR})")
    print(f"{'way':<34}{'wall s/report':>14}{'CPU s/report':>14}")
    print(f"{'naive papermill + nbconvert CLI':<34}{naive_per:>14.3f}{naive_cpu:>14.3f}")
    print(f"{'make reports -j1':<34}{j1:>14.3f}{j1_cpu:>14.3f}")
    print(f"{'make reports -j2':<34}{j2:>14.3f}{j2_cpu:>14.3f}")
    print(f"{'plain-Python floor':<34}{floor_per:>14.3f}{floor_cpu:>14.3f}   + {imports:.2f} s imports")
    print(f"{'of which report.pdf':<34}{pdf_per:>14.3f}{pdf_cpu:>14.3f}   + {pdf_setup:.2f} s per worker")
    print(f"batch -j2 / floor: {j2 / floor_per:.1f}x   naive / batch -j2: {naive_per / j2:.1f}x")
    print(
        f"-j1 / -j2: {j1 / j2:.2f}x   (CPU: batch -j2 / floor {j2_cpu / floor_cpu:.1f}x, "
        f"naive / batch -j2 {naive_cpu / j2_cpu:.1f}x)"
    )
    print(f"load average while measuring (other work on this machine): {os.getloadavg()[0]:.1f}")
    print(f"no-op make reports over {args.noop_agencies} agencies: {noop:.3f} s (median of 5)")
    print(
        f"report.docx adds {docx_per:.3f} s wall, {docx_cpu:.3f} s CPU per report "
        f"({docx_per / j1:.0%} of a -j1 report); {docx_kb:.0f} KB beside a {html_kb:.0f} KB page"
    )
    print(f"peak RSS of the largest batch process (worker or zygote): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
