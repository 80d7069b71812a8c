"""output/index.html from the build records: every report, its status, its headline figures."""

from __future__ import annotations

import re
from typing import Any

from nianbao.batch import index, plan
from nianbao.build import Built
from nianbao.figures.derived import Figures
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.template import read_template
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic
from nianbao.year import freshness, records, state


def record(project: Project, job: plan.Job, status: str, **fields: Any) -> None:
    records.write(project.build_record(job.agency, job.year), records.build_record(status, **fields))


def built(project: Project, job: plan.Job, names: tuple[str, ...] = ("report.ipynb", "report.html")) -> None:
    """What a successful build leaves, without a kernel: its files (empty) and its records."""
    with snapshot.recording(project.root) as inputs:
        figures = Figures.derive(load_agency_year(project, job.agency, job.year))
        read_template(project.template)
    files = [project.report_file(job.agency, job.year, name) for name in names]
    for path in files:
        write_atomic(path, b"")
    plan.record_built(project, Built(files[0], files[1], (), figures, inputs, tuple(files[1:])))


def failed(project: Project, job: plan.Job, error: str, checked: bool = False) -> None:
    """A build of the files as they are that failed (`checked`: over the data)."""
    plan.record_failed(
        project, job, error, checked, files=freshness.year_stamps(project, job.agency, job.year)
    )


def test_built_failed_and_missing_reports_are_listed(project: Project) -> None:
    done, broken = plan.Job("minzheng", 2017), plan.Job("shili-renshe", 2017)
    built(project, done)
    built(project, broken)
    failed(project, broken, "第 3 个单元格执行失败")

    page = index.render(project).decode("utf-8")

    assert '<td>三元区民政局</td><td class="unit">2017</td><td class="">已生成</td>' in page
    assert '<a href="minzheng/2017/report.html">网页</a>' in page
    assert '<td class="failed">生成失败</td>' in page
    assert "第 3 个单元格执行失败（上一次成功生成的报告保持不变）；运行 make reports 重试" in page
    assert '<a href="shili-renshe/2017/report.html">网页</a>' in page  # the last good report
    assert page.count("尚未校验</td>") == len(plan.jobs(project)) - 2
    rows = len(state.of_project(project))
    assert f"共 {rows} 份报告：" in page


def test_the_page_is_self_contained_and_deterministic(project: Project) -> None:
    first = index.render(project)
    assert first == index.render(project)
    page = first.decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert ".nb-table" in page  # the reports' own stylesheet, inlined
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(""", page)


def test_text_from_a_record_is_escaped(project: Project) -> None:
    failed(project, plan.Job("minzheng", 2017), "<script>x</script>")
    page = index.render(project).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_index_is_only_rewritten_when_it_changes(project: Project) -> None:
    assert index.write_index(project)
    assert not index.write_index(project)


def check(project: Project, job: plan.Job, error: str | None = None, **fields: Any) -> None:
    """A check record of the year's files as they are."""
    files = freshness.year_stamps(project, job.agency, job.year)
    records.write(
        project.check_record(job.agency, job.year), records.check_record(error, [], files=files, **fields)
    )


def test_the_dashboard_shows_each_state_its_deadline_and_every_file(project: Project) -> None:
    """One agency × year in each state, from the records alone; a year's line counts them."""
    done, late, to_fill = plan.Job("minzheng", 2017), plan.Job("shili", 2025), plan.Job("shili", 2024)
    invalid, broken, imported = plan.Job("shili", 2023), plan.Job("shili", 2022), plan.Job("shili", 2021)
    valid = plan.Job("shili", 2020)
    built(project, done, ("report.ipynb", "report.html", "report.pdf", "report.docx"))
    check(project, done, date="2018-01-30", deadline="2018-03-31")
    built(project, late)
    check(project, late, date="2026-02-03", deadline="2026-01-31")
    check(
        project,
        to_fill,
        "还有 2 处",
        to_fill=["data/shili/2024/figures.yaml: 第 6 行：字段 report.number", "x"],
    )
    check(project, invalid, "data/shili/2023/figures.yaml: 第 9 行：字段 a 应为非负整数\n  处理办法：…")
    failed(project, broken, "第 3 个单元格执行失败")
    project.narrative(imported.agency, imported.year).unlink()  # as `nianbao import` leaves a year
    project.year_dir(imported.agency, imported.year).joinpath("applications.csv").unlink()
    records.write(
        project.check_record(valid.agency, valid.year),
        records.check_record(None, ["w1", "w2"], files=freshness.year_stamps(project, "shili", 2020)),
    )

    page = index.render(project).decode("utf-8")

    assert (
        '<td>三元区民政局</td><td class="unit">2017</td><td class="">已生成</td>'
        '<td class="unit">2018-01-30</td>' in page
    )
    assert (
        '<a href="minzheng/2017/report.html">网页</a> · <a href="minzheng/2017/report.docx">Word</a> · '
        '<a href="minzheng/2017/report.ipynb">笔记本（审阅用）</a> · '
        '<a href="minzheng/2017/report.pdf">PDF</a>'
    ) in page
    assert (
        '<td class="failed">2026-02-03（逾期：法定期限 2026-01-31）</td><td class="num">不适用</td>' in page
    )
    assert "还有 2 处待填或待改写，第一处：data/shili/2024/figures.yaml: 第 6 行：字段 report.number" in page
    assert "填好后运行 make check AGENCY=shili YEAR=2024" in page
    assert '<td class="failed">数据有误</td>' in page
    assert "数据有误（1 处），第一处：data/shili/2023/figures.yaml: 第 9 行：字段 a 应为非负整数；" in page
    assert '<td class="failed">生成失败</td>' in page and "第 3 个单元格执行失败" in page
    assert '<td>示例市示例局</td><td class="unit">2021</td><td class="">已导入</td>' in page
    assert "从已发布的网页导入的历史年度（没有 narrative.md），供下一年度衔接，不生成报告</td>" in page
    assert '<td class="">校验通过</td>' in page and "校验通过：运行 make reports 生成" in page
    # the district works on 2025 (shili began it): every agency without it has one row for it
    missing = [a for a in project.agencies() if 2025 not in project.years(a)]
    assert page.count('<td class="failed">缺少数据</td>') == len(missing)
    assert (
        "还没有这一年度的数据（上一次的数据是 2017 年度，中间 2018—2024 年度没有数据）："
        "运行 make next-year AGENCY=minzheng YEAR=2025 开始这一年度"
    ) in page
    # 2025: shili late but built (done), the others missing
    assert (
        f'<tr><td class="unit">2025</td><td class="num">{len(missing) + 1}</td><td class="num">1</td>'
        f'<td class="num">{len(missing)}</td><td class="num">0</td><td class="num">1</td></tr>'
    ) in page


def test_a_started_year_shows_as_to_fill_after_check(project: Project, monkeypatch: Any) -> None:
    from nianbao import cli
    from nianbao.authoring.next_year import start_next_year

    monkeypatch.chdir(project.root)
    start_next_year(project, "minzheng")
    assert cli.main(["check", "--agency", "minzheng", "--year", "2018"]) == 1
    page = index.render(project).decode("utf-8")
    assert '<td>minzheng</td><td class="unit">2018</td><td class="failed">待填</td>' in page
    assert "处待填或待改写，第一处：data/minzheng/2018/figures.yaml: 第 6 行：字段 report.number" in page
