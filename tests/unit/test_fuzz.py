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
    try:
        check_report(project, "minzheng", 2017)
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
