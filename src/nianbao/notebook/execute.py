"""Derived figures → executed notebook: papermill runs the template in the project's own interpreter.

It runs the template as the before-execution preprocessors left it (`pipeline.py`: the report's
format's cells, placeholders filled) and returns papermill's notebook as it is: the after-execution
preprocessors normalise it (`normalise.py`).

Each code cell may run NIANBAO_CELL_TIMEOUT seconds (default 180); a cell still running then is stopped
and fails its report, like a cell that raises, with the notebook kept as evidence.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import ERROR_MARKER_TAG

from nianbao.errors import ConfigError, ExecutionError
from nianbao.inputs.snapshot import Snapshot
from nianbao.notebook.handover import hand_over
from nianbao.notebook.kernel import KERNEL_NAME, ProjectKernelManager
from nianbao.notebook.normalise import Normalise
from nianbao.paths import Project

TIMEOUT_VARIABLE = "NIANBAO_CELL_TIMEOUT"
DEFAULT_CELL_TIMEOUT = 180  # seconds
MAX_CELL_TIMEOUT = 86_400  # a day; far larger values overflow zmq's poll timeout (milliseconds, a C long)
ENGINE_NAME = "nianbao"
# nbclient's default `skip_cells_with_tag`: such cells are neither run nor counted.
SKIP_TAG = "skip-execution"


def cell_timeout(environ: Mapping[str, str] | None = None) -> int:
    """Seconds one code cell of the template may run: NIANBAO_CELL_TIMEOUT if set, else 180."""
    text = (os.environ if environ is None else environ).get(TIMEOUT_VARIABLE)
    if text is None:
        return DEFAULT_CELL_TIMEOUT
    if not re.fullmatch(r"[0-9]+", text.strip()) or not 0 < int(text) <= MAX_CELL_TIMEOUT:
        raise ConfigError(
            f"环境变量 {TIMEOUT_VARIABLE} 无效：应为 1 到 {MAX_CELL_TIMEOUT} 之间的整数"
            f"（每个代码单元格最多执行的秒数），实际为 {text!r}",
            hint=f"改为如 {TIMEOUT_VARIABLE}=600，或不设置它，使用默认的 {DEFAULT_CELL_TIMEOUT} 秒。",
        )
    return int(text)


class StoppedCellError(Exception):
    """A cell ran longer than its timeout; carries what nbclient's CellTimeoutError lacks and papermill
    drops: the notebook as far as it ran, and the index of the cell that was stopped."""

    def __init__(self, notebook: Any, cell_index: int, seconds: int) -> None:
        super().__init__(f"cell {cell_index} timed out after {seconds} s")
        self.notebook = notebook
        self.cell_index = cell_index
        self.seconds = seconds


class KeepTimedOutEngine(NBClientEngine):  # type: ignore[misc]
    """papermill's nbclient engine, keeping the notebook of a cell that timed out.

    On a timeout nbclient raises CellTimeoutError, which is not a CellExecutionError: papermill neither
    marks the cell as failed (its `finally` marks it "completed", and every cell after it too) nor saves
    the notebook, nor raises PapermillExecutionError. Here the stopped cell (the last one papermill
    started) is marked "failed" and the notebook travels on in `StoppedCellError`.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except CellTimeoutError as err:
            if "Cell execution timed out" not in str(err):
                raise  # a late IOPub message after the cell finished: not the cell's own timeout
            cells = nb_man.nb.cells
            index = max(
                i for i, cell in enumerate(cells) if cell.metadata.papermill["status"] != nb_man.PENDING
            )
            cells[index].metadata.papermill.update(status=nb_man.FAILED, exception=True)
            nb_man.nb.metadata.papermill["exception"] = True  # so papermill leaves later cells "pending"
            raise StoppedCellError(nb_man.nb, index, kwargs["execution_timeout"]) from err


papermill_engines.register(ENGINE_NAME, KeepTimedOutEngine)


class _WithoutTimeoutLog(logging.Filter):
    """nbclient logs "Timeout waiting for execute reply (180s)." through papermill's logger; the one
    message about it is ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Timeout waiting for execute reply")


logging.getLogger("papermill").addFilter(_WithoutTimeoutLog())


@dataclass(frozen=True)
class Run:
    """One run of a template notebook, a report's or the district summary's: the template file (named in
    messages), the parameters papermill injects, and where a failed run's notebook is kept."""

    template: Path
    parameters: Mapping[str, Any]
    failed: Path


def execute(
    project: Project, run: Run, work_dir: Path, template: Any, inputs: Snapshot, km: Any = None
) -> Any:
    """Step 4: run `template` (`run.template` prepared for this report or summary) with papermill in
    `work_dir`, the kernel loading from `inputs` (the build's snapshot); on a failing cell keep the
    evidence.

    With `km` (a started kernel manager) papermill/nbclient use that kernel and leave it running:
    the caller shuts it down. Without, a kernel is started for this report and shut down after it."""
    if km is None:
        for attempt in (1, 2):
            try:
                with own_kernel(project) as started:
                    return execute(project, run, work_dir, template, inputs, started)
            except RuntimeError as err:
                # jupyter_client's words for a kernel that never came up; nothing of the report ran in it.
                if KERNEL_DIED not in str(err):
                    raise
                if attempt == 2:
                    raise kernel_died() from err
    executed = work_dir / run.template.name
    timeout = cell_timeout()
    hand_over(km, inputs)
    try:
        notebook = papermill.execute_notebook(
            template,
            str(executed),
            parameters=dict(run.parameters),
            kernel_name=KERNEL_NAME,
            cwd=str(project.root),
            progress_bar=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=ProjectKernelManager,
            record_timing=False,
            km=km,
            engine_name=ENGINE_NAME,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as err:
        # papermill saved the notebook with its error banner before raising: keep it away from the report.
        failed_copy = run.failed
        saved = keep_evidence(failed_copy, executed.read_bytes())
        raise ExecutionError(
            f"模板第 {err.exec_count} 个代码单元格执行失败：{err.ename}: {err.evalue}",
            path=project.relative(run.template),
            hint=evidence_note(project, failed_copy, saved, "出错的单元格")
            + "上一次成功生成的报告没有被改动。",
        ) from err
    except DeadKernelError as err:
        # The kernel process ended mid-run (out of memory, killed by another program): not the data's fault.
        raise ExecutionError(
            "执行报告的内核（Python 进程）在运行模板时意外退出，报告没有生成",
            path=project.relative(run.template),
            hint="多半是电脑内存不足，或它被其他程序结束了：关闭其他程序后重新运行；"
            "上一次成功生成的报告没有被改动。",
        ) from err
    except StoppedCellError as err:
        # With `km` the hung kernel is left running: the caller stops it (the batch does after each report).
        stopped = (
            f"模板第 {code_cell_number(err.notebook, err.cell_index)} 个代码单元格"
            f"执行超过 {err.seconds} 秒仍未结束，已停止"
        )
        failed_copy = run.failed
        mark_timed_out(err.notebook, err.cell_index, stopped)
        evidence = Normalise(
            input_path=project.relative(run.template), output_path=project.relative(failed_copy)
        )
        saved = keep_evidence(failed_copy, dumps(evidence(err.notebook, {})[0]))
        raise ExecutionError(
            f"{stopped}。",
            path=project.relative(run.template),
            hint=evidence_note(project, failed_copy, saved, "这个单元格")
            + f"若它确实需要更久，可用环境变量 {TIMEOUT_VARIABLE} 设置每个代码单元格最多执行的秒数"
            f"（默认 {DEFAULT_CELL_TIMEOUT}），如 {TIMEOUT_VARIABLE}=600。上一次成功生成的报告没有被改动。",
        ) from err
    return notebook


KERNEL_DIED = "Kernel died before replying to kernel_info"


def kernel_died() -> ExecutionError:
    """A kernel that ended before its first answer, twice: one line, not jupyter_client's traceback."""
    return ExecutionError(
        "报告的内核（执行模板的 Python 进程）连续两次在启动时退出，报告没有执行",
        hint="多半是电脑内存不足或负载过高：关闭其他程序，或用 make -j1 reports 少开几个进程后重新运行；"
        "上一次成功生成的报告没有被改动。",
    )


@contextlib.contextmanager
def own_kernel(project: Project) -> Iterator[ProjectKernelManager]:
    """A project kernel for one report, started in the project root and shut down after it."""
    km = ProjectKernelManager()
    run_sync(km.start_kernel)(cwd=str(project.root))
    try:
        yield km
    finally:
        if km.last_client is not None:
            km.last_client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)


def keep_evidence(path: Path, data: bytes) -> bool:
    """Save a failed run's notebook whole or not at all (a full disk must not leave half a file; the
    failure itself is what the user must hear about, so a write that fails is let go); True if saved."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.evidence.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def evidence_note(project: Project, path: Path, saved: bool, cell: str) -> str:
    if saved:
        return f"出错的笔记本保存在 {project.relative(path)}，打开后顶部的红色提示指向{cell}；"
    return f"出错的笔记本没能保存到 {project.relative(path)}（磁盘已满或没有写入权限）；"


def code_cell_number(notebook: Any, index: int) -> int:
    """Cell `index`'s number as nbclient counts code cells (its execution count): the code cells it ran
    up to this one, the injected parameters included, empty ones not."""
    return sum(
        1
        for cell in notebook.cells[: index + 1]
        if cell.cell_type == "code" and cell.source.strip() and SKIP_TAG not in cell.metadata.get("tags", [])
    )


STOPPED = 'style="color:red; font-size:2em;"'


def mark_timed_out(notebook: Any, index: int, message: str) -> None:
    """papermill's kind of banner, for a timeout: a red note on top linking to one above the stopped cell."""
    top = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        f'<span {STOPPED}>{message}：<a href="#nianbao-timeout-cell">见此单元格</a></span>'
    )
    anchor = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        f'<span id="nianbao-timeout-cell" {STOPPED}>下面这个单元格执行超时，已停止：</span>'
    )
    for cell in (top, anchor):
        cell.metadata["tags"] = [ERROR_MARKER_TAG]  # papermill drops such cells if the notebook is re-run
    notebook.cells.insert(index, anchor)
    notebook.cells.insert(0, top)


def dumps(notebook: Any) -> bytes:
    """The notebook's bytes as written: nbformat's JSON (sorted keys) and a final newline."""
    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    return (text + "\n").encode("utf-8")
