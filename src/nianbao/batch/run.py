"""`make reports`: every stale report of the project, in parallel, then the district summaries and the index.

This process stays light: it decides what is stale (plan.py) and only if something is starts worker
processes (pool.py), each warm with the heavy imports, one fresh kernel per report. A report that fails
does not stop the batch: the others are built, the failure is listed with its reason at the end, its
last good report stays in place, and the exit status is 1.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

from nianbao.batch import plan
from nianbao.paths import Project
from nianbao.year import records


@dataclass
class Outcome:
    """What a batch did; `ok` is False when any report or summary failed."""

    built: list[plan.Job] = field(default_factory=list)
    fresh: list[plan.Job] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (which report, what to review)
    summaries: list[int] = field(default_factory=list)  # the years whose summary was rebuilt
    summaries_failed: list[tuple[str, str]] = field(default_factory=list)
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
            else:
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
        mark = "已生成" if status == "built" else "失败"
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
    todo, fresh = plan.stale(project, year)
    outcome = Outcome(fresh=fresh)
    if todo:
        run_jobs(project, todo, workers, outcome)
    if project.summary_profile.is_file():  # a project without a district profile has no summaries
        years = sorted({job.year for job in [*todo, *fresh]})
        build_summaries(project, years, outcome)
    outcome.index_failed = index_failure(project)
    return outcome


def index_failure(project: Project) -> str | None:
    """Write the index; None when it was written, else why not (the batch still prints its list)."""
    from nianbao.batch import failures
    from nianbao.batch.index import write_index

    try:
        write_index(project)
    except Exception as err:
        return failures.reason(project, err, project.index_failure_log)
    return None


def build_summaries(project: Project, years: list[int], outcome: Outcome) -> None:
    """The stale district summaries of `years`; a failure is listed like a report's."""
    code = plan.code_signature(project)
    for year in years:
        if plan.summary_up_to_date(project, year, code):
            continue
        from nianbao.batch import failures
        from nianbao.batch.summary import build_summary  # pandas and matplotlib: only when a summary is stale
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


def print_summary(outcome: Outcome) -> None:
    for what, warning in outcome.warnings:
        print(f"警告：{what}：{warning}", file=sys.stderr)
    print(
        f"已生成 {len(outcome.built)} 份，无需重新生成 {len(outcome.fresh)} 份，失败 {len(outcome.failed)} 份"
        f" / built {len(outcome.built)}, up to date {len(outcome.fresh)}, failed {len(outcome.failed)}"
    )
    if outcome.summaries:
        print(f"汇总报告 / summaries: {'、'.join(str(year) for year in outcome.summaries)}")
    if outcome.failed or outcome.summaries_failed:
        print("失败的报告（除非下面另有说明，上一次成功生成的报告保持不变）/ failed:", file=sys.stderr)
        for what, why in [*outcome.failed, *outcome.summaries_failed]:
            print(f"  {what}：{why}", file=sys.stderr)
    if outcome.index_failed is not None:
        print(f"索引页没有更新 / index not written：{outcome.index_failed}", file=sys.stderr)
