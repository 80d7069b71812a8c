"""The tool's own record, in a year's folder, of the files it generated there (`year/written.py`)."""

from __future__ import annotations

import os
from pathlib import Path

from nianbao.paths import Project
from nianbao.year import written


def project_with(tmp_path: Path, record: bytes | None) -> Project:
    folder = tmp_path / "data" / "minzheng" / "2026"
    folder.mkdir(parents=True)
    (tmp_path / "params").mkdir()
    (folder / "figures.yaml").write_bytes(b"year: 2026\n")
    if record is not None:
        (folder / written.RECORD).write_bytes(record)
    return Project(tmp_path)


def test_a_file_written_and_unchanged_is_the_tools(tmp_path: Path) -> None:
    entry = written.Written(written.digest(b"year: 2026\n"), "next-year")
    project = project_with(tmp_path, written.record_bytes({"figures.yaml": entry}))
    assert written.read(project, "minzheng", 2026) == {"figures.yaml": entry}
    assert written.unchanged(project, "minzheng", 2026, "figures.yaml") == entry


def test_a_file_a_person_changed_is_not(tmp_path: Path) -> None:
    entry = written.Written(written.digest(b"year: 2026\n"), "next-year")
    project = project_with(tmp_path, written.record_bytes({"figures.yaml": entry}))
    (tmp_path / "data/minzheng/2026/figures.yaml").write_bytes(b"year: 2026\nnumber: 3\n")
    assert written.unchanged(project, "minzheng", 2026, "figures.yaml") is None


def test_no_record_or_a_broken_one_takes_nothing_as_the_tools(tmp_path: Path) -> None:
    assert written.read(project_with(tmp_path / "a", None), "minzheng", 2026) == {}
    for broken in (b"{", b"[]", b'{"files": {"figures.yaml": {"sha256": 1, "command": "x"}}}'):
        project = project_with(tmp_path / str(len(list(tmp_path.iterdir()))), broken)
        assert written.read(project, "minzheng", 2026) == {}


def test_a_record_that_is_a_fifo_is_no_record_never_a_wait(tmp_path: Path) -> None:
    project = project_with(tmp_path, None)
    os.mkfifo(project.year_dir("minzheng", 2026) / written.RECORD)
    assert written.read(project, "minzheng", 2026) == {}


def test_the_record_is_the_same_bytes_for_the_same_files() -> None:
    one = {"b.csv": written.Written("1", "collect", "表.xlsx"), "a.yaml": written.Written("2", "import")}
    assert written.record_bytes(one) == written.record_bytes(dict(reversed(list(one.items()))))
