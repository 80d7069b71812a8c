"""Where everything lives in a nianbao project: the one home of every path.

A project is a folder with `params/`, `data/`, `notebooks/` and `output/`. Tests work on temporary
copies, so every path is built from a `Project` root, never from the current directory directly.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from nianbao.errors import NianbaoError

PACKAGE_DIR = Path(str(resources.files("nianbao")))
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The district summary's name under params/, data/ and output/: not a valid agency slug.
BUILD_RECORD, CHECK_RECORD = "build.json", "check.json"  # see year/records.py
SUMMARY = "_district"
YEAR_FOLDER = re.compile(r"[0-9]{4}")  # data/<agency>/<year>/: ASCII digits only


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def discover(cls, start: Path | None = None) -> Project:
        """The project that contains `start` (default: the current directory)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "params").is_dir() and (folder / "data").is_dir():
                return cls(folder)
        raise NianbaoError(
            f"在 {here} 及其上级目录中找不到 nianbao 项目（需要 params/ 和 data/ 两个文件夹）",
            hint="请在项目的根目录下运行。",
        )

    @property
    def template(self) -> Path:
        """The report's template notebook."""
        return self.root / "notebooks" / "annual_report.ipynb"

    @property
    def summary_template(self) -> Path:
        """The district summary's template notebook."""
        return self.root / "notebooks" / "district_summary.ipynb"

    def profile(self, agency: str) -> Path:
        return self.root / "params" / f"{agency}.yaml"

    def agency_dir(self, agency: str) -> Path:
        return self.root / "data" / agency

    def year_dir(self, agency: str, year: int) -> Path:
        return self.agency_dir(agency) / str(year)

    def figures(self, agency: str, year: int) -> Path:
        return self.year_dir(agency, year) / "figures.yaml"

    def workbook(self, agency: str, year: int) -> Path:
        """The year's figures as the Excel form returned by the agency (instead of figures.yaml)."""
        return self.year_dir(agency, year) / "figures.xlsx"

    def blank_form(self, agency: str, year: int) -> Path:
        """The Excel form to hand out (`make workbook`)."""
        return self.root / "output" / "workbooks" / f"{agency}-{year}.xlsx"

    def words_form(self, agency: str, year: int) -> Path:
        """The Word form of the year's words to hand out (`make workbook`), beside the Excel form."""
        return self.blank_form(agency, year).with_suffix(".docx")

    def narrative(self, agency: str, year: int) -> Path:
        return self.year_dir(agency, year) / "narrative.md"

    def opening(self, agency: str) -> Path:
        return self.agency_dir(agency) / "opening.yaml"

    def agencies(self) -> list[str]:
        """Every agency with a profile, by slug (the district's own profile, `_district.yaml`, is not one)."""
        return sorted(path.stem for path in (self.root / "params").glob("*.yaml") if path.stem != SUMMARY)

    def years(self, agency: str) -> list[int]:
        """Every year the agency has figures for (figures.yaml or the Excel form, figures.xlsx): folders
        named by four ASCII digits (`²⁰¹⁷` and `２０１７` pass `str.isdigit()`, and int() refuses the
        first); other folders are not years."""
        folder = self.agency_dir(agency)
        return sorted(
            int(p.name)
            for p in folder.glob("*")
            if YEAR_FOLDER.fullmatch(p.name)
            and any((p / name).is_file() for name in ("figures.yaml", "figures.xlsx"))
        )

    def listing(self, key: str) -> list[Any]:
        """What a build saw of the project's folders, by the key its record keeps: `agencies` (every
        agency) or `years:<agency>` (the years it has figures for). Compared again to tell staleness."""
        if key == "agencies":
            return list(self.agencies())
        if key.startswith("years:"):
            return list(self.years(key.removeprefix("years:")))
        raise ValueError(f"unknown listing {key!r}")

    def output_dir(self, agency: str, year: int) -> Path:
        return self.root / "output" / agency / str(year)

    def report_html(self, agency: str, year: int) -> Path:
        """The published page."""
        return self.report_file(agency, year, "report.html")

    def report_file(self, agency: str, year: int, name: str) -> Path:
        """A file published beside the executed notebook (`publish.export.OUTPUTS`)."""
        return self.output_dir(agency, year) / name

    def report_notebook(self, agency: str, year: int) -> Path:
        """The executed notebook, kept for review."""
        return self.output_dir(agency, year) / "report.ipynb"

    def failed_notebook(self, agency: str, year: int) -> Path:
        """Where a run whose cell failed leaves its notebook: apart from the published output."""
        return self.output_dir(agency, year) / "failed" / "report.ipynb"

    def failure_log(self, agency: str, year: int) -> Path:
        """Where a build that hit a bug (not a user error) keeps its traceback, for the developers."""
        return self.output_dir(agency, year) / "failed" / "error.log"

    def build_record(self, agency: str, year: int) -> Path:
        """What the last batch build of a report used and how it ended (for `make reports` and the index)."""
        return self.output_dir(agency, year) / BUILD_RECORD

    def check_record(self, agency: str, year: int) -> Path:
        """What the last check of a report's data found (`make check`, and every build)."""
        return self.output_dir(agency, year) / CHECK_RECORD

    @property
    def index_html(self) -> Path:
        return self.output_root / "index.html"

    # The district summary (汇总报告) has a profile and a narrative like an agency, under a name that
    # is not a valid agency slug: params/_district.yaml and data/_district/<year>/narrative.md.
    @property
    def summary_profile(self) -> Path:
        return self.profile(SUMMARY)

    def summary_narrative(self, year: int) -> Path:
        return self.narrative(SUMMARY, year)

    def summary_html(self, year: int) -> Path:
        return self.summary_file(year, "summary.html")

    def summary_file(self, year: int, name: str) -> Path:
        """A file of the district summary (`publish.export.OUTPUTS`)."""
        return self.output_dir(SUMMARY, year) / name

    def summary_notebook(self, year: int) -> Path:
        """The summary's executed notebook, kept for review."""
        return self.summary_file(year, "summary.ipynb")

    def summary_failed_notebook(self, year: int) -> Path:
        return self.output_dir(SUMMARY, year) / "failed" / "summary.ipynb"

    def summary_record(self, year: int) -> Path:
        return self.output_dir(SUMMARY, year) / BUILD_RECORD

    def summary_failure_log(self, year: int) -> Path:
        return self.output_dir(SUMMARY, year) / "failed" / "error.log"

    @property
    def output_root(self) -> Path:
        return self.root / "output"

    @property
    def lock_file(self) -> Path:
        """Held by the one build that writes output/ at a time (batch/lock.py); beside output/, not in it:
        nothing in output/ but what a build publishes."""
        return self.root / ".nianbao.lock"

    @property
    def index_failure_log(self) -> Path:
        return self.output_root / "index-error.log"

    def relative(self, path: Path) -> str:
        """`path` relative to the root, with forward slashes: what messages and metadata show. A link is
        named as it is (its own name, not its target's, which could be anywhere on this machine)."""
        named = Path(os.path.abspath(path))  # noqa: PTH100 (resolve() would follow links, and raise on a loop)
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):  # noqa: PTH100
            try:
                return named.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()
