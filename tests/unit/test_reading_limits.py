"""The one reader's rules (issue 12), with real bytes: encodings, what is a file, how much is read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nianbao.drawing.charts import bar_chart
from nianbao.errors import DataError
from nianbao.inputs import snapshot
from nianbao.inputs.files import decode, read_yaml

TEXT = "# 总体情况\n本机关依照条例公开信息。\n"


def refused(raw: bytes) -> str:
    with pytest.raises(DataError) as caught:
        decode(raw, "x.md")
    return caught.value.message


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030"],
)
def test_utf8_with_or_without_bom_and_gbk_are_read(raw: bytes) -> None:
    assert decode(raw, "x.md") == TEXT


def test_a_gbk_file_with_a_rare_name_character_is_gbk_not_big5() -> None:
    """镕 and 珺 are outside GB2312 and their GBK bytes are Big5 too: a few of them make no Big5 file."""
    text = "主要负责人：朱镕基、李珺\n" + "本机关依照条例公开信息，按时答复申请。\n" * 3
    assert "镕".encode("gbk").decode("big5")  # the trap: these bytes are valid Big5
    assert decode(text.encode("gbk"), "x.md") == text


def test_a_big5_file_is_named_as_big5() -> None:
    raw = "# 總體情況\n本機關依照《政府資訊公開條例》的規定公開資訊。\n".encode("big5")
    assert refused(raw) == "文件编码可能是 Big5（繁体）：应为 UTF-8 或 GBK/GB18030"


def test_gbk_then_utf8_names_the_first_utf8_line() -> None:
    raw = "总体\n情况\n".encode("gbk") + b"ascii\n" + "三\n".encode() + "四\n".encode("gbk")
    assert refused(raw) == "文件编码混杂：前面的行是 GBK 编码，第 4 行却是 UTF-8，无法确定按哪种编码读取"


def test_utf8_then_gbk_names_the_first_gbk_line() -> None:
    raw = "一\n".encode() + "二\n".encode("gbk")
    assert refused(raw) == "文件编码混杂：前面的行是 UTF-8 编码，第 2 行却不是 UTF-8，无法确定按哪种编码读取"


def test_a_gbk_line_that_is_utf8_by_chance_is_no_mix() -> None:
    """一 in GBK is D2 BB, which is valid UTF-8 (Cyrillic һ): a line of it alone is no UTF-8 line."""
    text = "一\n" + "第二行：本机关依照条例公开信息。\n"
    assert "一\n".encode("gbk").decode("utf-8")  # the trap
    assert decode(text.encode("gbk"), "x.md") == text


def test_bytes_of_no_encoding_are_refused() -> None:
    assert refused(b"a: \xff\xfe\xff\n") == "文件编码无法识别：应为 UTF-8 或 GBK/GB18030"


# ---------------------------------------------------------------- what is read, and how much


def read(path: Path, root: Path) -> bytes:
    with snapshot.recording(root) as recorded:
        data = recorded.read(path)
    return data


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * snapshot.MAX_BYTES)
    assert len(read(path, tmp_path)) == snapshot.MAX_BYTES
    path.write_bytes(b"#" * (snapshot.MAX_BYTES + 1))
    with pytest.raises(DataError) as caught:
        read(path, tmp_path)
    assert caught.value.render().startswith("big.yaml: 文件太大：超过 5 MB")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "narrative.md")  # opening it for reading would block until someone writes
    with pytest.raises(DataError) as caught:
        read(tmp_path / "narrative.md", tmp_path)
    assert caught.value.message == "这不是普通文件（是设备、管道或套接字），不能读取"


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        snapshot.read_bytes(Path("/dev/zero"))
    assert caught.value.message == "这不是普通文件（是设备、管道或套接字），不能读取"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    with pytest.raises(DataError) as caught:
        read(path, tmp_path)
    assert caught.value.message == "没有读取这个文件的权限"


def test_a_link_inside_the_project_is_named_as_itself_and_no_path_of_the_machine_is_kept(
    tmp_path: Path,
) -> None:
    """The record and the kernel's copy of the inputs name files relative to the project only."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data/2016.md").write_text(TEXT, encoding="utf-8")
    (tmp_path / "data/narrative.md").symlink_to("2016.md")
    with snapshot.recording(tmp_path) as recorded:
        recorded.read(tmp_path / "data/narrative.md")
    assert list(recorded.files) == ["data/narrative.md"]
    assert str(tmp_path) not in recorded.to_json()
    assert str(tmp_path) not in json.dumps(recorded.stamps())


# ---------------------------------------------------------------- YAML limits, each alone


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "[" * 21 + "]" * 21 + "\n", "第 1 行：嵌套超过 20 层"),  # found before parsing
        ("a: " + "[" * 20 + "]" * 20 + "\n", "第 1 行：嵌套超过 20 层"),  # the file's mapping is one level
        ("a: " + "[" * 19 + "]" * 19 + "\n", None),  # 20 levels: the limit itself is allowed
        ("a: '[[[[[[[[[[[[[[[[[[[[[['\n", None),  # brackets in quotes are text
        ("a: 123456789012345\n", None),
        ("a: 1234567890123456\n", "第 1 行：数字 1234567890123456… 有 16 位，超过 15 位"),
        ("a: !!binary aGk=\n", "第 1 行：不能用 YAML 标签 !!binary"),
        ("a: &x 1\n", "第 1 行：不能用 YAML 锚点 &x"),
    ],
)
def test_the_yaml_limits(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    if message is None:
        assert read_yaml(path, "f.yaml")
        return
    with pytest.raises(DataError) as caught:
        read_yaml(path, "f.yaml")
    assert caught.value.message == message


# ---------------------------------------------------------------- charts draw data text as text


@pytest.mark.parametrize("name", [r"$\undefined$", "费用$", "$5$ 与 $6$"])
def test_dollar_signs_in_data_are_text_not_mathtext(name: str) -> None:
    """With mathtext on, `$\\undefined$` raises and `$5$` loses its dollars; data is drawn as typed."""
    chart = bar_chart([name], [1], [f"1 条（{name}）"], f"条数（{name}）", png=True)
    assert chart.svg.startswith("<?xml")
    assert chart.png


def test_the_largest_count_the_limits_let_through_is_drawn() -> None:
    """15 digits (cells.MAX_DIGITS) is the largest count a file can give: the chart still draws it."""
    chart = bar_chart(["类别"], [10**15 - 1], ["999,999,999,999,999 条"], "条数", png=False)
    assert chart.svg.startswith("<?xml")


def test_a_file_the_system_will_not_open_is_named_even_when_run_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the permission test above checks, where root reads everything (CI): the open refused."""
    path = tmp_path / "figures.yaml"
    path.write_text("a: 1\n")

    def refused(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(snapshot.os, "open", refused)
    with pytest.raises(DataError) as caught:
        read(path, tmp_path)
    assert caught.value.message == "没有读取这个文件的权限"
    assert caught.value.hint == "请检查文件的权限或属主。"
