"""`make reports`: every stale report of the project, in parallel, then the district summaries and the index.

This process stays light: it asks where every agency-year stands (plan.py, from the one model in
year/state.py) and only if something is to build starts worker processes (pool.py), each warm with the
heavy imports, one fresh kernel per report. A report that fails does not stop the batch: the others are
built, the failure is listed with its reason at the end, its last good report stays in place, and the
exit status is 1. A year still to fill, or whose words are still to write, is no failure: it is not
built, it is counted and listed once, a line each; a district summary waiting for such years says so
once, without their lists; a year without the district's narrative has no summary at all.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nianbao.batch import plan
from nianbao.paths import Project
from nianbao.year import freshness, records, state
from nianbao.year.state import Stage, YearState


@dataclass
class Outcome:
    """What a batch did; `ok` is False when any report or summary failed."""

    built: list[plan.Job] = field(default_factory=list)
    fresh: list[plan.Job] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    waiting: list[YearState] = field(default_factory=list)  # still to fill, or words to write
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (which report, what to review)
    summaries: list[int] = field(default_factory=list)  # the years whose summary was rebuilt
    summaries_failed: list[tuple[str, str]] = field(default_factory=list)
    summaries_waiting: list[tuple[int, str]] = field(default_factory=list)  # (year, for what)
    index_failed: str | None = None  # why output/index.html could not be written
    rss_mb: float = 0.0  # the largest worker's peak resident memory

    @property
    def ok(self) -> bool:
        return not self.failed and not self.summaries_failed and self.index_failed is None


def jobs_from_make(default: int = 1) -> int:
    """How many workers `make -j N` asked for (make passes -jN in MAKEFLAGS to its recipes)."""
    # Variables given on make's command line follow " -- " in MAKEFLAGS: only the flags before it count.
    flags = os.environ.get("MAKEFLAGS", "").split(" -- ", 1)[0]
    match = re.search(r"(?:^|\s)-j\s*(\d*)", flags)
    if not match:
        return default
    return int(match.group(1)) if match.group(1) else os.cpu_count() or 1


def _serve(root: str, jobs: Any, results: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it ends us
    end_with_parent()
    from nianbao.batch.pool import serve  # only the workers import the heavy modules

    serve(root, jobs, results)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def end_with_parent() -> None:
    """On Linux, have this worker sent SIGTERM (it then unwinds, killing its kernels and removing its
    runtime folder) when the batch ends however it ends, `kill -9` included: daemonic workers are only
    ended by the batch's own exit handlers, which a killed batch never runs."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() == 1:  # the batch ended before that took hold
            sys.exit(1)


def tidy(project: Project) -> None:
    """What runs that were killed left behind: their runtime folders in the temporary folder (kernel
    connection files and sockets, papermill's working folders) and staged files in output/."""
    from nianbao.notebook import runtime
    from nianbao.publish.atomic import sweep_staged

    runtime.sweep()
    sweep_staged(project.output_root)


def run_jobs(project: Project, todo: list[plan.Job], workers: int, outcome: Outcome) -> None:
    """Build `todo` with `workers` warm processes, showing progress; fill `outcome`."""
    context = multiprocessing.get_context("spawn")  # the same on every platform; no forked threads
    jobs: Any = context.Queue()
    results: Any = context.Queue()
    count = max(1, min(workers, len(todo)))
    for n, job in enumerate(todo):
        jobs.put((job, n < len(todo) - count))
    for _ in range(count):
        jobs.put(None)
    processes = [
        context.Process(target=_serve, args=(str(project.root), jobs, results), daemon=True)
        for _ in range(count)
    ]
    for process in processes:
        process.start()
    progress = Progress(len(todo))
    pending = set(todo)
    try:
        while pending:
            try:
                result = results.get(timeout=0.5)
            except queue.Empty:
                if not any(process.is_alive() for process in processes):
                    break
                continue
            job = result["job"]
            pending.discard(job)
            outcome.rss_mb = max(outcome.rss_mb, result.get("rss_mb", 0.0))
            outcome.warnings += [(str(job), warning) for warning in result.get("warnings", [])]
            if result["status"] == "built":
                outcome.built.append(job)
            elif result["status"] != "to_fill":  # still to fill: listed with the others, from its state
                outcome.failed.append((str(job), result["error"]))
            progress.step(job, result["status"], result["seconds"])
    except KeyboardInterrupt:  # stop now: every report not yet published keeps its previous version
        for process in processes:
            process.terminate()  # a worker unwinds and kills its kernels
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        raise
    finally:
        progress.close()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
    for job in sorted(pending):
        outcome.failed.append((str(job), "生成进程意外退出，没有结果 / the worker died"))


class Progress:
    """n/N, the report just finished and how long that report took (its own build, not the time since
    the batch began): a tqdm bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="份", desc="生成报告", file=sys.stderr)

    def step(self, job: plan.Job, status: str, seconds: float) -> None:
        self.done += 1
        mark = {"built": "已生成", "to_fill": "待填"}.get(status, "失败")
        if self.bar is not None:
            self.bar.set_postfix_str(f"{job} {mark}（{seconds:.1f} 秒）")
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {job} {mark}（{seconds:.1f} 秒）", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(project: Project, year: int | None, workers: int) -> Outcome:
    """Every stale report (of `year`, or of every year), then the summaries and the index."""
    code = freshness.code_signature(project)
    planned = plan.plan(project, year, code)
    todo = planned.todo
    outcome = Outcome(fresh=planned.fresh)
    if todo:
        run_jobs(project, todo, workers, outcome)
        for job in todo:  # what each build found, from the records it left
            planned.states[job] = state.of(project, job.agency, job.year, code)
    outcome.waiting = [planned.states[job] for job in planned.waiting]
    if project.summary_profile.is_file():  # a project without a district profile has no summaries
        years = sorted({job.year for job, found in planned.states.items() if found.stage != Stage.HISTORY})
        summaries = [state.summary_of(project, y, planned.states.values()) for y in years]
        build_summaries(project, summaries, outcome, code)
    outcome.index_failed = index_failure(project, planned.by_key(), code)
    return outcome


def index_failure(project: Project, known: Mapping[tuple[str, int], YearState], code: str) -> str | None:
    """Write the index; None when it was written, else why not (the batch still prints its list)."""
    from nianbao.batch import failures
    from nianbao.batch.index import write_index

    try:
        write_index(project, known, code)
    except Exception as err:
        return failures.reason(project, err, project.index_failure_log)
    return None


def build_summaries(
    project: Project, summaries: list[state.SummaryState], outcome: Outcome, code: str
) -> None:
    """The stale district summaries of those wanted (a district narrative for the year); one waiting
    for its agencies is said once, one that fails is listed like a report."""
    for summary in summaries:
        year = summary.year
        if not summary.wanted or not summary.agencies:
            continue  # no district narrative for the year: nobody asked for its summary
        if summary.waiting or summary.blocked:
            outcome.summaries_waiting.append((year, waiting_for(summary)))
            continue
        if plan.summary_up_to_date(project, year, code):
            continue
        from nianbao.batch import failures
        from nianbao.batch.summary import build_summary  # matplotlib: only when a summary is stale
        from nianbao.errors import NianbaoError

        try:
            build_summary(project, year)
        except Exception as err:  # a user error or a bug: this summary fails, the batch goes on
            why = failures.reason(project, err, project.summary_failure_log(year))
            if not isinstance(err, NianbaoError):  # build_summary recorded a user error itself
                with contextlib.suppress(Exception):
                    records.write(
                        project.summary_record(year), records.build_record(records.FAILED, error=why)
                    )
            outcome.summaries_failed.append((f"汇总 {year}", why))
        else:
            outcome.summaries.append(year)


def waiting_for(summary: state.SummaryState) -> str:
    """Why a summary is not made yet, in a few words (its agencies' own lines, above, say the rest)."""
    if summary.waiting:
        return f"待填，{len(summary.waiting)} 个机关还没有填完（见上），都完成后再生成"
    blocked = "、".join(str(s) for s in summary.blocked)
    return f"没有生成：{blocked} 的数据有误（见上），改正后再生成"


def waiting_line(found: YearState) -> str:
    """One line for a year still to fill or whose words are still to write."""
    if found.stage == Stage.WORDS:
        return f"{found}（待写文字：写在 data/{found.agency}/{found.year}/narrative.md）"
    return f"{found}（还有 {len(found.items)} 处待填或待改写）"


def print_summary(outcome: Outcome) -> None:
    for what, warning in outcome.warnings:
        print(f"警告：{what}：{warning}", file=sys.stderr)
    built, fresh, waiting, failed = (
        len(outcome.built),
        len(outcome.fresh),
        len(outcome.waiting),
        len(outcome.failed),
    )
    to_fill, in_english = (f"，待填 {waiting} 份", f", to fill {waiting}") if waiting else ("", "")
    print(
        f"已生成 {built} 份，无需重新生成 {fresh} 份，失败 {failed} 份{to_fill}"
        f" / built {built}, up to date {fresh}, failed {failed}{in_english}"
    )
    if outcome.waiting:
        print(
            f"待填 {waiting} 份（不是失败：填好、写好后再运行 make reports；"
            "make check AGENCY=… YEAR=… 逐处列出）/ still to fill:"
        )
        for found in outcome.waiting:
            print(f"  {waiting_line(found)}")
    if outcome.summaries:
        print(f"汇总报告 / summaries: {'、'.join(str(year) for year in outcome.summaries)}")
    for year, why in outcome.summaries_waiting:
        print(f"汇总 {year}：{why} / summary {year} waits for its agencies")
    if outcome.failed or outcome.summaries_failed:
        print("失败的报告（除非下面另有说明，上一次成功生成的报告保持不变）/ failed:", file=sys.stderr)
        for what, why in [*outcome.failed, *outcome.summaries_failed]:
            print(f"  {what}：{why}", file=sys.stderr)
    if outcome.index_failed is not None:
        print(f"索引页没有更新 / index not written：{outcome.index_failed}", file=sys.stderr)
