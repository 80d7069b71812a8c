"""A key given twice is refused, in any two spellings, naming the field and both lines.

`read_yaml` refuses the same key twice in one mapping; `flatten` refuses two spellings of one dotted key
(`apply: {online: 0}` and `apply.online: 5`), which YAML itself sees as two different keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nianbao.errors import DataError
from nianbao.inputs.files import Reader, flatten, read_yaml

WHERE = "data/x/2017/figures.yaml"


def parse(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "figures.yaml"
    path.write_text(text, encoding="utf-8")
    return read_yaml(path, WHERE)


def flat(tmp_path: Path, text: str, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return flatten(parse(tmp_path, text), WHERE, keep=keep)


def refusal(tmp_path: Path, text: str, keep: tuple[str, ...] = ()) -> DataError:
    with pytest.raises(DataError) as caught:
        flat(tmp_path, text, keep)
    assert caught.value.path == WHERE
    return caught.value


# ---------------------------------------------------------------- the same key twice in one mapping


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "字段 a 出现了两次（第 1 行和第 3 行）", id="top-level"),
        pytest.param(
            "apply:\n  online: 0\n  in_person: 0\n  online: 5\n",
            "字段 apply.online 出现了两次（第 2 行和第 4 行）",
            id="nested",
        ),
        pytest.param("a: {b: {c: 1, c: 2}}\n", "字段 a.b.c 出现了两次（都在第 1 行）", id="flow"),
        pytest.param("a:\n  - b: 1\n    b: 2\n", "字段 a.b 出现了两次（第 2 行和第 3 行）", id="in-a-list"),
        pytest.param(
            "a: 1\na: 2\nx:\n  y: 1\n  y: 2\n", "字段 a 出现了两次（第 1 行和第 2 行）", id="the-first-one"
        ),
        pytest.param(
            "x:\n  y: 1\n  y: 2\n  y: 3\n", "字段 x.y 出现了两次（第 2 行和第 3 行）", id="three-times"
        ),
    ],
)
def test_read_yaml_refuses_a_key_twice_naming_the_dotted_field_and_both_lines(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(DataError) as caught:
        parse(tmp_path, text)
    assert caught.value.message == message
    assert caught.value.path == WHERE
    assert caught.value.hint is not None
    assert "apply.online" in caught.value.hint


def test_read_yaml_gives_ordinary_dicts(tmp_path: Path) -> None:
    content = parse(tmp_path, "apply:\n  online: 0\nreport: {number: 2}\n")
    assert content == {"apply": {"online": 0}, "report": {"number": 2}}
    assert isinstance(content, dict)


# ---------------------------------------------------------------- one key in two spellings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "apply:\n  online: 0\nother: 1\napply.online: 5\n",
            "字段 apply.online 出现了两次（第 2 行和第 4 行）",
            id="nested-then-dotted",
        ),
        pytest.param(
            "apply.online: 5\napply:\n  online: 0\n",
            "字段 apply.online 出现了两次（第 1 行和第 3 行）",
            id="dotted-then-nested",
        ),
        pytest.param(
            "a:\n  b:\n    c: 1\na.b:\n  c: 2\n",
            "字段 a.b.c 出现了两次（第 3 行和第 5 行）",
            id="nested-through-different-paths",
        ),
        pytest.param(
            "a:\n  b.c: 1\na.b:\n  c: 2\n",
            "字段 a.b.c 出现了两次（第 2 行和第 4 行）",
            id="dotted-at-different-depths",
        ),
        pytest.param(
            "a:\n  b:\n    c: 1\n  b.c: 2\n",
            "字段 a.b.c 出现了两次（第 3 行和第 4 行）",
            id="within-one-mapping",
        ),
        pytest.param(
            "a.b.c: 1\na:\n  b:\n    c: 2\n",
            "字段 a.b.c 出现了两次（第 1 行和第 4 行）",
            id="fully-dotted-then-nested",
        ),
        pytest.param("1: a\n'1': b\n", "字段 1 出现了两次（第 1 行和第 2 行）", id="number-and-text"),
    ],
)
def test_flatten_refuses_one_field_in_two_spellings(tmp_path: Path, text: str, message: str) -> None:
    error = refusal(tmp_path, text)
    assert error.message == message
    assert error.hint is not None


def test_different_fields_under_one_prefix_still_merge(tmp_path: Path) -> None:
    text = "apply:\n  online: 0\napply.in_person: 2\na:\n  b:\n    c: 1\na.b:\n  d: 2\n"
    assert flat(tmp_path, text) == {"apply.online": 0, "apply.in_person": 2, "a.b.c": 1, "a.b.d": 2}


def test_plain_dicts_have_no_lines_to_name(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        flatten({"a": {"b": 1}, "a.b": 2}, WHERE)
    assert caught.value.message == "字段 a.b 出现了两次"


# ---------------------------------------------------------------- kept keys (not flattened)


def test_kept_mappings_are_not_flattened(tmp_path: Path) -> None:
    text = "cumulative:\n  active.total: 1\n  apply:\n    online: 2\nas_of: 2016\n"
    assert flat(tmp_path, text, keep=("cumulative",)) == {
        "cumulative": {"active.total": 1, "apply": {"online": 2}},
        "as_of": 2016,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "active:\n  categories:\n    其它: 4\nactive.categories:\n  工作动态: 2\n",
            "字段 active.categories 出现了两次（第 2 行和第 4 行）",
            id="kept-key-nested-and-dotted",
        ),
        pytest.param(
            "active:\n  categories:\n    其它: 4\nactive.categories.其它: 5\n",
            "字段 active.categories.其它 出现了两次（第 3 行和第 4 行）",
            id="kept-content-and-dotted-outside",
        ),
        pytest.param(
            "cumulative.active.total: 2\ncumulative:\n  active.total: 1\n",
            "字段 cumulative.active.total 出现了两次（第 1 行和第 3 行）",
            id="dotted-outside-then-kept-content",
        ),
        pytest.param(
            "cumulative:\n  active.total: 1\n  active:\n    total: 2\n",
            "字段 cumulative.active.total 出现了两次（第 2 行和第 4 行）",
            id="two-spellings-inside-the-kept-mapping",
        ),
    ],
)
def test_kept_keys_are_fields_too(tmp_path: Path, text: str, message: str) -> None:
    error = refusal(tmp_path, text, keep=("active.categories", "cumulative"))
    assert error.message == message


def test_a_reader_section_refuses_two_spellings(tmp_path: Path) -> None:
    content = parse(tmp_path, "published_cumulative:\n  active.total: 1\n  active:\n    total: 2\n")
    reader = Reader({"published_cumulative": content["published_cumulative"]}, WHERE)
    with pytest.raises(DataError) as caught:
        reader.section("published_cumulative")
    assert caught.value.message == "字段 published_cumulative.active.total 出现了两次（第 2 行和第 4 行）"
    assert caught.value.path == WHERE


def test_a_reader_section_is_flattened_under_its_key(tmp_path: Path) -> None:
    content = parse(tmp_path, "published_cumulative:\n  active.total: 1\n  apply:\n    online: 2\n")
    section = Reader(content, WHERE).section("published_cumulative")
    assert section.content == {"published_cumulative.active.total": 1, "published_cumulative.apply.online": 2}


# ---------------------------------------------------------------- anchors, aliases and merge keys


def test_an_alias_is_refused_not_expanded(tmp_path: Path) -> None:
    """Clerk data never needs anchors and aliases (issue 12): one alias under two keys was once two
    fields; now it is refused, anchor and alias both named, before anything is expanded."""
    error = refusal(tmp_path, "a: &same {x: 1}\nb: *same\n")
    assert error.message == "第 1 行：不能用 YAML 锚点 &same；第 2 行：不能用 YAML 别名 *same"


def test_an_alias_giving_a_field_twice_is_refused_as_an_alias(tmp_path: Path) -> None:
    error = refusal(tmp_path, "a:\n  b: &same\n    c: 1\na.b: *same\n")
    assert error.message == "第 2 行：不能用 YAML 锚点 &same；第 4 行：不能用 YAML 别名 *same"


def test_an_alias_pointing_back_is_a_user_error_not_a_crash(tmp_path: Path) -> None:
    error = refusal(tmp_path, "a: &loop\n  b: *loop\n")
    assert error.message == "第 1 行：不能用 YAML 锚点 &loop；第 2 行：不能用 YAML 别名 *loop"


def test_merge_keys_are_refused_with_their_alias(tmp_path: Path) -> None:
    """`<<:` has never been read; its alias is now refused first (the merge itself would need one)."""
    error = refusal(tmp_path, "base: &base {online: 1}\napply:\n  <<: *base\n  online: 5\n")
    assert error.message == "第 1 行：不能用 YAML 锚点 &base；第 3 行：不能用 YAML 别名 *base"


def test_an_unhashable_key_is_a_yaml_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        parse(tmp_path, "? [a, b]\n: 1\n")
    assert caught.value.message == "YAML 格式错误第 1 行：found unhashable key"
