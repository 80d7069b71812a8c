"""Writing into data/: new files only, all or none, listed; never an overwrite."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.paths import Project
from nianbao.year import data_files, written


def test_new_files_are_written_and_listed(project: Project) -> None:
    files = {
        project.figures("minzheng", 2018): b"report:\n",
        project.narrative("minzheng", 2018): "# 概述\n".encode(),
    }
    listed = data_files.write_new(project, files, "next-year")
    assert listed == ["data/minzheng/2018/figures.yaml", "data/minzheng/2018/narrative.md"]
    assert all(path.read_bytes() == data for path, data in files.items())
    # no staging file left: beside the files, only the record of what the tool wrote
    assert [p.name for p in project.year_dir("minzheng", 2018).glob(".*")] == [written.RECORD]
    assert written.read(project, "minzheng", 2018) == {
        path.name: written.Written(written.digest(data), "next-year") for path, data in files.items()
    }


def test_an_existing_file_is_never_overwritten_and_nothing_is_written(project: Project) -> None:
    existing = project.figures("minzheng", 2017)
    before = existing.read_bytes()
    new = project.narrative("minzheng", 2018)
    with pytest.raises(DataError) as caught:
        data_files.write_new(project, {new: b"x", existing: b"overwritten?"}, "next-year")
    assert caught.value.render().startswith(
        "以下文件已存在，nianbao 不会覆盖：data/minzheng/2017/figures.yaml"
    )
    assert existing.read_bytes() == before
    assert not new.exists()


def test_a_file_appearing_meanwhile_is_kept_and_the_others_removed(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = project.figures("minzheng", 2018), project.narrative("minzheng", 2018)
    link = os.link

    def racing_link(source: str | Path, target: str | Path) -> None:
        if Path(target) == second:
            Path(target).write_bytes(b"a clerk's file")  # another program saved it just now
        link(source, target)

    monkeypatch.setattr(data_files.os, "link", racing_link)
    with pytest.raises(DataError, match=re.escape("data/minzheng/2018/narrative.md 在写入时被别人建立了")):
        data_files.write_new(project, {first: b"1", second: b"2"}, "next-year")
    assert second.read_bytes() == b"a clerk's file"
    assert not first.exists()  # all or none


@pytest.mark.parametrize("path", ["output/x.yaml", "data/../output/x.yaml", "notebooks/t.ipynb", "/etc/x"])
def test_only_data_and_params_can_be_written(project: Project, path: str) -> None:
    with pytest.raises(ValueError, match="outside data and params"):
        data_files.write_new(project, {Path(path): b""}, "next-year")
