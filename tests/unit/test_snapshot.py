"""The snapshot of a build's inputs, and the records made from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.inputs import snapshot
from nianbao.inputs.snapshot import Snapshot
from nianbao.year import records


def test_a_file_is_read_once_and_later_reads_get_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"first")
    with snapshot.recording(tmp_path) as inputs:
        assert snapshot.read_bytes(path) == b"first"
        path.write_bytes(b"second, longer")
        assert snapshot.read_bytes(path) == b"first"
    assert inputs.stamps()["a.yaml"] == [5, inputs.stamps()["a.yaml"][1]]  # stamped when first read
    assert snapshot.read_bytes(path) == b"second, longer"  # no snapshot active: the disk


def test_a_missing_file_is_recorded_as_missing(tmp_path: Path) -> None:
    with snapshot.recording(tmp_path) as inputs, pytest.raises(FileNotFoundError):
        snapshot.read_bytes(tmp_path / "none.yaml")
    assert inputs.stamps() == {"none.yaml": None}
    assert inputs.digests() == {"none.yaml": None}


def test_a_replayed_snapshot_gives_what_was_recorded_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes("数字: 1\n".encode())
    with snapshot.recording(tmp_path) as inputs:
        snapshot.read_bytes(tmp_path / "a.yaml")
        assert snapshot.listing("years:x", lambda: [2017, 2018]) == [2017, 2018]
    (tmp_path / "a.yaml").unlink()
    replayed = Snapshot.from_json(tmp_path, inputs.to_json())
    with snapshot.using(replayed):
        assert snapshot.read_bytes(tmp_path / "a.yaml") == "数字: 1\n".encode()
        assert snapshot.listing("years:x", lambda: []) == [2017, 2018]
        with pytest.raises(RuntimeError, match="was not read by the build"):
            snapshot.read_bytes(tmp_path / "b.yaml")
    assert replayed.digests() == inputs.digests()


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3]",
        '{"schema": 1, "status": "built"}',
        json.dumps({**records.build_record("built"), "inputs": [1, 2]}),
        json.dumps({**records.build_record("built"), "schema": 0}),
        "not json",
        "[" * 100_000,
    ],
    ids=["a-list", "fields-missing", "inputs-a-list", "another-schema", "not-json", "deep"],
)
def test_a_record_not_of_the_schema_reads_as_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "build.json"
    path.write_text(text, encoding="utf-8")
    assert records.read(path) is None


def test_a_record_round_trips(tmp_path: Path) -> None:
    record = records.build_record(
        "built", name="三元区民政局", inputs={"a": [1, 2]}, listings={"years:x": [1]}
    )
    records.write(tmp_path / "build.json", record)
    assert records.read(tmp_path / "build.json") == record
    check = records.check_record("错误", [])
    records.write(tmp_path / "check.json", check)
    assert records.read_check(tmp_path / "check.json") == {**check, "status": "failed"}
