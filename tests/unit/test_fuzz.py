"""Property-based fuzzing of the loaders: whatever a file holds, the result is a checked model or one
user error (a `NianbaoError`) — never a traceback. The same examples run every time (derandomized)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.build import check_report
from nianbao.errors import NianbaoError
from nianbao.paths import Project
from tests.conftest import copy_project

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow],
)
FILES = {
    "figures": "data/minzheng/2017/figures.yaml",
    "profile": "params/minzheng.yaml",
    "opening": "data/minzheng/opening.yaml",
    "narrative": "data/minzheng/2017/narrative.md",
}
# A national-format year (gb2021): its figures.yaml and its table 三 as Excel saves it.
NATIONAL = {
    "figures": "data/shili/2025/figures.yaml",
    "applications": "data/shili/2025/applications.csv",
}
FEWER = settings(FUZZ, max_examples=50)  # a national year's check reads more files: fewer examples


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One project copy for a whole module: each example rewrites one file and puts it back."""
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    yield Project(root)
    shutil.rmtree(root)


def outcome(project: Project, relative: str, content: bytes) -> str:
    """Check the report with `relative` replaced by `content`: "ok" or "user error", else the test fails."""
    path = project.root / relative
    original = path.read_bytes()
    path.write_bytes(content)
    agency, year = relative.split("/")[1:3] if relative.startswith("data/shili/") else ("minzheng", "2017")
    try:
        check_report(project, agency, int(year))
    except NianbaoError as err:
        assert err.render().strip(), "a user error always says something"
        return "user error"
    finally:
        path.write_bytes(original)
    return "ok"


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(st.sampled_from(sorted(FILES.values())), st.binary(max_size=300))
def test_any_bytes_in_any_file(shared: Project, relative: str, content: bytes) -> None:
    assert outcome(shared, relative, content) in {"ok", "user error"}


@FUZZ
@given(st.sampled_from([FILES["figures"], FILES["profile"], FILES["opening"]]), st.text(max_size=400))
def test_any_text_in_a_yaml_file(shared: Project, relative: str, content: str) -> None:
    assert outcome(shared, relative, content.encode("utf-8")) in {"ok", "user error"}


@FUZZ
@given(st.sampled_from([FILES["figures"], FILES["profile"], FILES["opening"]]), st.data())
def test_one_value_replaced_by_anything(shared: Project, relative: str, data: st.DataObject) -> None:
    """The real file with one (possibly nested) value swapped for any YAML value: near misses go deep."""
    document = yaml.safe_load((shared.root / relative).read_text(encoding="utf-8"))
    path: list[str] = []
    node = document
    while isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node, key=str)))
        path.append(key)
        if not isinstance(node[key], dict) or data.draw(st.booleans()):
            break
        node = node[key]
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(values)
    content = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    assert outcome(shared, relative, content) in {"ok", "user error"}


@FUZZ
@given(st.text(max_size=300))
def test_any_narrative_text_including_placeholders(shared: Project, prose: str) -> None:
    original = (shared.root / FILES["narrative"]).read_text(encoding="utf-8")
    content = original.replace("无。", prose.replace("\x00", ""))
    assert outcome(shared, FILES["narrative"], content.encode("utf-8")) in {"ok", "user error"}


@FUZZ
@given(
    st.lists(st.sampled_from(["{{", "}}", "{%", "%}", "if", "for", "x", ".", "active", "total", " ", "|"]))
)
def test_placeholder_fragments(shared: Project, parts: list[str]) -> None:
    original = (shared.root / FILES["narrative"]).read_text(encoding="utf-8")
    content = original.replace("无。", "".join(parts))
    assert outcome(shared, FILES["narrative"], content.encode("utf-8")) in {"ok", "user error"}


def test_the_untouched_sample_is_ok(shared: Project) -> None:
    relative = FILES["figures"]
    assert outcome(shared, relative, (shared.root / relative).read_bytes()) == "ok"


# ---------------------------------------------------------------- the national formats' files (issue 12)


@FEWER
@given(st.sampled_from(sorted(NATIONAL.values())), st.binary(max_size=300))
def test_any_bytes_in_a_national_file(shared: Project, relative: str, content: bytes) -> None:
    assert outcome(shared, relative, content) in {"ok", "user error"}


@FEWER
@given(st.data())
def test_one_csv_cell_replaced_by_any_text(shared: Project, data: st.DataObject) -> None:
    """applications.csv with one cell (a label or a figure) swapped for any text, quoted as Excel does."""
    relative = NATIONAL["applications"]
    rows = (shared.root / relative).read_text(encoding="utf-8-sig").splitlines()
    row = data.draw(st.integers(0, len(rows) - 1))
    cells = rows[row].split(",")
    cells[data.draw(st.integers(0, len(cells) - 1))] = (
        '"' + data.draw(st.text(max_size=20)).replace('"', '""') + '"'
    )
    rows[row] = ",".join(cells)
    assert outcome(shared, relative, "\n".join(rows).encode("utf-8")) in {"ok", "user error"}


@FEWER
@given(st.data())
def test_csv_rows_dropped_repeated_or_reordered(shared: Project, data: st.DataObject) -> None:
    relative = NATIONAL["applications"]
    rows = (shared.root / relative).read_text(encoding="utf-8-sig").splitlines()
    chosen = data.draw(st.lists(st.sampled_from(rows), max_size=len(rows) + 3))
    assert outcome(shared, relative, "\n".join(chosen).encode("utf-8")) in {"ok", "user error"}


@FEWER
@given(st.data())
def test_a_national_value_replaced_by_anything(shared: Project, data: st.DataObject) -> None:
    relative = NATIONAL["figures"]
    document = yaml.safe_load((shared.root / relative).read_text(encoding="utf-8"))
    section = data.draw(st.sampled_from(sorted(document)))
    if isinstance(document[section], dict) and document[section] and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(document[section], key=str)))
        document[section][key] = data.draw(values)
    else:
        document[section] = data.draw(values)
    content = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    assert outcome(shared, relative, content) in {"ok", "user error"}


# ---------------------------------------------------------------- YAML structure, not only values

# Key spellings a clerk or an editor may produce: case, width, spaces, dots, a near-miss.
respell = st.sampled_from(
    [
        str.upper,
        str.title,
        lambda k: f" {k}",
        lambda k: f"{k} ",
        lambda k: k.replace("_", "-"),
        lambda k: f"{k}.",
        lambda k: f".{k}",
        lambda k: k[:-1],
        lambda k: k + k[-1:],
        lambda k: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in k),
    ]
)


@FUZZ
@given(st.sampled_from([FILES["figures"], FILES["opening"], NATIONAL["figures"]]), st.data())
def test_a_key_spelled_otherwise(shared: Project, relative: str, data: st.DataObject) -> None:
    lines = (shared.root / relative).read_text(encoding="utf-8").splitlines()
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    i = data.draw(st.sampled_from(keyed))
    indent = len(lines[i]) - len(lines[i].lstrip())
    key, rest = lines[i].strip().split(":", 1)
    lines[i] = " " * indent + data.draw(respell)(key) + ":" + rest
    assert outcome(shared, relative, "\n".join(lines).encode("utf-8")) in {"ok", "user error"}


@FUZZ
@given(st.sampled_from([FILES["figures"], FILES["profile"], NATIONAL["figures"]]), st.data())
def test_anchors_and_aliases_anywhere(shared: Project, relative: str, data: st.DataObject) -> None:
    """An anchor put on one value and aliases to it put in place of others: always refused, at once."""
    lines = (shared.root / relative).read_text(encoding="utf-8").splitlines()
    valued = [i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")]
    anchored = data.draw(st.sampled_from(valued))
    key, value = lines[anchored].split(": ", 1)
    lines[anchored] = f"{key}: &x {value}"
    for i in data.draw(st.lists(st.sampled_from(valued), max_size=4)):
        if i != anchored:
            lines[i] = lines[i].split(": ", 1)[0] + ": *x"
    assert outcome(shared, relative, "\n".join(lines).encode("utf-8")) == "user error"


@FUZZ
@given(st.sampled_from([FILES["figures"], NATIONAL["figures"]]), st.integers(1, 400), st.booleans())
def test_a_value_nested_deep(shared: Project, relative: str, depth: int, flow: bool) -> None:
    """A value of the real file wrapped in `depth` levels of lists or mappings, in flow or block style."""
    text = (shared.root / relative).read_text(encoding="utf-8")
    if flow:
        nested = "[" * depth + "1" + "]" * depth
        content = text.replace("  number:", f"  extra: {nested}\n  number:", 1)
    else:
        nested = "".join("  " * (level + 2) + f"k{level}:\n" for level in range(depth))
        content = text.replace("  number:", f"  extra:\n{nested}{'  ' * (depth + 2)}v: 1\n  number:", 1)
    assert outcome(shared, relative, content.encode("utf-8")) == "user error"
