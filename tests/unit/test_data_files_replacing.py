"""`replace_and_write`: a file the tool generated and nobody changed since is set aside (已替换/, numbered
when taken, never deleted) and listed in the year's record; anything else is never replaced; a failure
at any step puts everything back as it was — the file, the record, no 已替换/ folder left."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from nianbao.errors import DataError, OutputError
from nianbao.paths import Project
from nianbao.year import data_files, written

YAML, CSV = "report:\n  number: 待填\n".encode(), "\ufeff项目\r\n".encode()


def begun(project: Project) -> tuple[Path, Path, Path]:
    """minzheng 2018 as next-year leaves it: figures.yaml and a CSV, listed in the record."""
    figures, table = project.figures("minzheng", 2018), project.year_dir("minzheng", 2018) / "x.csv"
    data_files.write_new(project, {figures: YAML, table: CSV}, "next-year", "data/minzheng/2017")
    return figures, table, project.workbook("minzheng", 2018)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_tools_files_are_set_aside_and_the_record_says_so(project: Project) -> None:
    figures, table, form = begun(project)
    placed = data_files.replace_and_write(
        project, {form: b"xlsx"}, "collect", {form: "示例.xlsx"}, [figures, table]
    )
    assert placed.written == ["data/minzheng/2018/figures.xlsx"]
    assert placed.aside == [
        ("data/minzheng/2018/figures.yaml", "data/minzheng/2018/已替换/figures.yaml"),
        ("data/minzheng/2018/x.csv", "data/minzheng/2018/已替换/x.csv"),
    ]
    folder = project.year_dir("minzheng", 2018)
    assert tree(folder) == {
        written.RECORD: (folder / written.RECORD).read_bytes(),
        "figures.xlsx": b"xlsx",
        "已替换/figures.yaml": YAML,
        "已替换/x.csv": CSV,
    }
    assert json.loads((folder / written.RECORD).read_text("utf-8")) == {
        "files": {
            "figures.xlsx": {"sha256": written.digest(b"xlsx"), "command": "collect", "source": "示例.xlsx"}
        },
        "kept_aside": [
            {
                "name": "figures.yaml",
                "aside": "已替换/figures.yaml",
                "sha256": written.digest(YAML),
                "command": "next-year",
                "replaced_by": "collect",
                "source": "示例.xlsx",
            },
            {
                "name": "x.csv",
                "aside": "已替换/x.csv",
                "sha256": written.digest(CSV),
                "command": "next-year",
                "replaced_by": "collect",
                "source": "示例.xlsx",
            },
        ],
    }


def test_a_name_taken_in_the_aside_folder_is_numbered_and_both_kept(project: Project) -> None:
    _, _, form = begun(project)
    first = data_files.replace_and_write(project, {form: b"v1"}, "collect", "a.xlsx", [])
    assert first.aside == []
    second = data_files.replace_and_write(project, {form: b"v2"}, "collect", "b.xlsx", [form])
    third = data_files.replace_and_write(project, {form: b"v3"}, "collect", "c.xlsx", [form])
    assert [aside for _, aside in second.aside + third.aside] == [
        "data/minzheng/2018/已替换/figures.xlsx",
        "data/minzheng/2018/已替换/figures-2.xlsx",
    ]
    folder = project.year_dir("minzheng", 2018)
    assert (folder / "已替换/figures.xlsx").read_bytes() == b"v1"
    assert (folder / "已替换/figures-2.xlsx").read_bytes() == b"v2"
    assert form.read_bytes() == b"v3"
    assert written.read(project, "minzheng", 2018)["figures.xlsx"] == written.Written(
        written.digest(b"v3"), "collect", "c.xlsx"
    )


def test_a_file_a_person_changed_is_never_replaced(project: Project) -> None:
    figures, table, form = begun(project)
    figures.write_bytes(YAML + "# 我填了一半\n".encode())
    before = tree(project.year_dir("minzheng", 2018))
    with pytest.raises(DataError, match=r"^data/minzheng/2018/figures\.yaml 刚刚被改动了"):
        data_files.replace_and_write(project, {form: b"xlsx"}, "collect", None, [table, figures])
    assert tree(project.year_dir("minzheng", 2018)) == before  # the CSV set aside first is back


def test_a_file_not_in_the_record_is_never_replaced(project: Project) -> None:
    with pytest.raises(
        DataError, match=r"^data/minzheng/2017/figures\.yaml 刚刚被改动了（或不是 nianbao 生成的）"
    ):
        data_files.replace_and_write(project, {}, "collect", None, [project.figures("minzheng", 2017)])
    assert project.figures("minzheng", 2017).is_file()


@pytest.mark.parametrize("failing", ["figures.xlsx", written.RECORD])
def test_a_full_disk_at_any_step_puts_everything_back(
    project: Project, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    figures, table, form = begun(project)
    folder = project.year_dir("minzheng", 2018)
    before = tree(folder)
    fsync = os.fsync

    def full(handle: int) -> None:  # full when the new form, or the new record, is written
        if any(
            Path(f"/proc/self/fd/{handle}").resolve().name.startswith(p) for p in (failing, f".{failing}")
        ):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(handle)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        data_files.replace_and_write(project, {form: b"xlsx"}, "collect", None, [figures, table])
    assert caught.value.render().startswith(f"无法写入 data/minzheng/2018/{failing}：磁盘空间已满")
    monkeypatch.undo()
    assert tree(folder) == before
    assert not (folder / written.ASIDE).exists()
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_only_a_known_command_is_recorded(project: Project) -> None:
    with pytest.raises(ValueError, match="unknown command"):
        data_files.write_new(project, {project.figures("minzheng", 2018): b""}, "typed")
    assert not project.year_dir("minzheng", 2018).exists()
