"""output/index.html from the build records: every report, its status, its headline figures."""

from __future__ import annotations

import re
from typing import Any

from nianbao.batch import index, plan, records
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic


def record(project: Project, job: plan.Job, status: str, **fields: Any) -> None:
    records.write(project.build_record(job.agency, job.year), records.build_record(status, **fields))


def test_built_failed_and_missing_reports_are_listed(project: Project) -> None:
    built, failed = plan.Job("minzheng", 2017), plan.Job("shili-renshe", 2017)
    write_atomic(project.report_html(built.agency, built.year), b"")
    write_atomic(project.report_html(failed.agency, failed.year), b"")
    record(project, built, status="built", name="三元区民政局", headline={"active": 17, "apply": 0})
    record(
        project, failed, status="failed", name="示例区人力资源和社会保障局", error="figures.yaml: 数字错误"
    )

    page = index.render(project).decode("utf-8")

    assert '<td>三元区民政局</td><td class="unit">2017</td><td class="">已生成</td>' in page
    assert '<td class="num">17</td><td class="num">0</td><td><a href="minzheng/2017/report.html">' in page
    assert '<td class="failed">生成失败</td>' in page
    assert "figures.yaml: 数字错误" in page
    assert '<a href="shili-renshe/2017/report.html">上一次的报告</a>' in page
    assert page.count("尚未生成</td>") == len(plan.jobs(project)) - 2
    assert f"共 {len(plan.jobs(project))} 份报告：已生成 1 份，失败 1 份" in page


def test_the_page_is_self_contained_and_deterministic(project: Project) -> None:
    first = index.render(project)
    assert first == index.render(project)
    page = first.decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert ".nb-table" in page  # the reports' own stylesheet, inlined
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(""", page)


def test_text_from_a_record_is_escaped(project: Project) -> None:
    record(project, plan.Job("minzheng", 2017), status="failed", error="<script>x</script>")
    assert "<script>" not in index.render(project).decode("utf-8")


def test_the_index_is_only_rewritten_when_it_changes(project: Project) -> None:
    assert index.write_index(project)
    assert not index.write_index(project)
