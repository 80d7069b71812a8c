"""Formats found in NIANBAO_FORMATS_PATH: a format defined only in YAML (tests/custom_format.py, years
3000–3001) loads, checks, derives and fills its template cells with no change to the package; a wrong
definition is one clear message naming its file. (Its HTML: tests/e2e/test_custom_format.py.)"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.batch import index
from nianbao.build import check_report
from nianbao.cli import main
from nianbao.errors import ConfigError, DataError, FormatError
from nianbao.figures.derived import Figures
from nianbao.figures.headline import headline
from nianbao.formats import PATH_VARIABLE, all_formats, format_for_year, index_columns
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from tests import custom_format
from tests.custom_format import AGENCY, DEFINITION, FORMAT_ID, YEAR


@pytest.fixture
def formats(tmp_path: Path) -> Path:
    return tmp_path / "formats"


@pytest.fixture
def custom(project: Project, formats: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    custom_format.install(project.root, formats)
    monkeypatch.setenv(PATH_VARIABLE, str(formats))
    return project


def test_the_format_governs_its_years_only(custom: Project, formats: Path) -> None:
    fmt = format_for_year(YEAR)
    assert fmt is not None and fmt.id == FORMAT_ID
    assert fmt.files == ((formats / f"{FORMAT_ID}.yaml").resolve(),)
    assert format_for_year(3001) is fmt
    assert [f.id for f in (format_for_year(2999), format_for_year(3002))] == ["gb2021", "gb2021"]
    assert [f.id for f in all_formats()] == ["pre2019", "gb2019", "gb2021", FORMAT_ID]


def test_it_loads_derives_and_fills_every_placeholder_of_its_cells(custom: Project) -> None:
    model = load_agency_year(custom, AGENCY, YEAR)
    assert sorted(model.history) == [YEAR]  # 2999 is no year of it
    figures = Figures.derive(model)
    assert figures.values["letters.mail.received"] == 30
    assert figures.shares == {
        "share.letters.mail.received": Decimal(75),
        "share.letters.email.received": Decimal(25),
    }
    context = figures.context()
    assert context["share"]["letters"]["mail"]["received"] == "75%"
    assert context["report"]["title"] == "三元区民政局3000年来信办理工作年度报告"
    assert check_report(custom, AGENCY, YEAR) == ()  # the template's cells for it fill without a fault


def test_its_rule_fails_on_a_bad_fixture_with_its_message(custom: Project) -> None:
    figures = custom.figures(AGENCY, YEAR)
    figures.write_text(figures.read_text(encoding="utf-8").replace("answered: 28", "answered: 31"), "utf-8")
    with pytest.raises(FormatError) as caught:
        check_report(custom, AGENCY, YEAR)
    assert caught.value.render() == (
        "data/ceshi/3000/figures.yaml: 规则 T1 不成立：信函：答复件数不能大于收到件数。"
        "实际为：“信函：答复件数”（第 5 行）为 31；“信函：收到件数”（第 5 行）为 30（31 > 30）"
    )


def test_its_cells_are_read_by_the_cell_value_contract(custom: Project) -> None:
    figures = custom.figures(AGENCY, YEAR)
    figures.write_text(figures.read_text(encoding="utf-8").replace("received: 10", "received: 待填"), "utf-8")
    with pytest.raises(
        DataError, match=re.escape("字段 letters.email.received（电子邮件：收到件数）还没有填写")
    ):
        check_report(custom, AGENCY, YEAR)


def test_without_the_variable_year_3000_is_read_as_the_format_in_force(
    project: Project, formats: Path
) -> None:
    custom_format.install(project.root, formats)
    with pytest.raises(
        DataError, match=r"^data/ceshi/3000/figures\.yaml: 未知字段 letters\.mail\.received；"
    ):
        load_agency_year(project, AGENCY, YEAR)  # gb2021 governs every year from 2021 on


def test_its_headline_is_a_column_of_the_index(custom: Project, formats: Path) -> None:
    definition = DEFINITION + "headline:\n  - {id: letters, label: 来信（件）, key: letters.mail.received}\n"
    (formats / f"{FORMAT_ID}.yaml").write_text(definition, encoding="utf-8")
    assert index_columns() == (
        ("active", "主动公开（条）"),
        ("apply", "受理申请（条）"),
        ("letters", "来信（件）"),
    )
    assert headline(Figures.derive(load_agency_year(custom, AGENCY, YEAR))) == {"letters": 30}
    page = index.render(custom).decode("utf-8")
    assert "<th>受理申请（条）</th><th>来信（件）</th><th>报告</th>" in page
    assert '<td class="num">—</td><td class="num">—</td><td class="num">—</td>' in page  # nothing built yet


# ---------------------------------------------------------------- wrong definitions


def broken(old: str, new: str) -> str:
    assert DEFINITION.count(old) == 1, old
    return DEFINITION.replace(old, new)


BROKEN = [
    pytest.param(
        broken("sections:", "sectoins:"),
        "格式定义有误：有未知的键 sectoins（是不是 sections？）；可用的键：id、title、extends、years、",
        id="unknown-key",
    ),
    pytest.param(broken("years: {first: 3000, last: 3001}\n", ""), "格式定义有误：缺少 years", id="no-years"),
    pytest.param(
        broken("first: 3000", "first: 三千"),
        "格式定义有误：years.first 应为四位数字的年份，实际为 '三千'",
        id="year-in-words",
    ),
    pytest.param(
        broken("{kind: carry_over}", "{kind: yearly}"),
        "格式定义有误：history.kind 应为 cumulative、carry_over 之一，实际为 'yearly'",
        id="history-kind",
    ),
    pytest.param(
        broken('right: "{x}.received"', 'right: "{x}.recieved"'),
        "格式定义有误：规则 T1 中的 letters.mail.recieved 不是本格式的数字（既不是填写的，也不是计算的）",
        id="rule-reads-an-unknown-figure",
    ),
    pytest.param(
        broken("{id: received, label: 收到件数}", "{id: received, lable: 收到件数}"),
        "格式定义有误：active.blocks[0].columns[0] 中有未知的键 lable（是不是 label？）",
        id="column-key-typo",
    ),
    pytest.param(
        broken("{id: received, label: 收到件数}", "{id: received, label: 收到件数, type: number}"),
        "格式定义有误：active.blocks[0].columns[0].type 应为 count、signed、amount 之一，实际为 'number'",
        id="unknown-type",
    ),
    pytest.param(
        broken("id: letters3000", "id: letters"), "格式定义有误：id 应与文件名相同", id="id-not-name"
    ),
    pytest.param(
        broken("{first: 3000, last: 3001}", "{first: 2019, last: 2020}"),
        "格式 gb2019（2019—2020）和格式 letters3000（2019—2020）适用的年度重叠",
        id="years-of-a-shipped-format",
    ),
    pytest.param(
        broken("id: letters3000", "id: letters3000\nextends: _nothing"),
        "格式定义有误：找不到 extends 指定的共用部分 _nothing.yaml",
        id="unknown-part",
    ),
    pytest.param(
        DEFINITION + "headline:\n  - {id: apply, label: 来信（件）, key: letters.mail.received}\n",
        "格式定义有误：索引页的列 apply 的标题是 来信（件），而格式 pre2019 中是 受理申请（条）",
        id="headline-heading-differs",
    ),
    pytest.param(broken("sections:", "sections: ["), "格式定义的 YAML 格式错误第 ", id="yaml-syntax"),
    pytest.param("- 一种格式\n", "格式定义有误：文件内容应为“键: 值”的一组", id="not-a-mapping"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_wrong_definition_is_one_message_naming_its_file(
    formats: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    formats.mkdir()
    (formats / f"{FORMAT_ID}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(PATH_VARIABLE, str(formats))
    with pytest.raises(ConfigError) as caught:
        all_formats()
    assert caught.value.render().startswith(f"{(formats / FORMAT_ID).resolve()}.yaml: {message}")


def test_a_missing_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match=f"环境变量 {PATH_VARIABLE} 指定的文件夹 .*nowhere 不存在"):
        format_for_year(2017)


def test_the_command_line_reports_a_wrong_definition_once(
    project: Project, formats: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    formats.mkdir()
    (formats / f"{FORMAT_ID}.yaml").write_text(broken("sections:", "sectoins:"), encoding="utf-8")
    monkeypatch.setenv(PATH_VARIABLE, str(formats))
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)
    assert main(["report", "minzheng", "2017"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("错误：") and "有未知的键 sectoins（是不是 sections？）" in err
    assert "Traceback" not in err
