"""Derived figures → executed notebook: papermill runs the template in the project's own interpreter.

The result is normalised so that the same inputs give a byte-identical notebook: papermill's and
nbclient's timestamps are dropped, the injected-parameters cell gets a fixed id and paths are stored
relative to the project.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from nianbao.cells import select_cells
from nianbao.errors import ExecutionError
from nianbao.paths import Project

KERNEL_NAME = "nianbao"
PAPERMILL_VOLATILE = ("start_time", "end_time", "duration")


class ProjectKernelManager(AsyncKernelManager):
    """Starts the kernel with the very interpreter running nianbao, whatever kernelspecs are installed.

    A user-level `python3` (or even `nianbao`) kernelspec may point at another Python (papermill
    #251, #761); resolving the spec ourselves makes the kernel's interpreter explicit.
    """

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(
            name=KERNEL_NAME,
            display_name="nianbao",
            language="python",
            # The kernel talks to us over loopback TCP with signed messages; ipykernel 7 warns about the
            # missing transport encryption on every start, which would bury real messages in a batch.
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"],
            env={},
            metadata={},
        )

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # The kernel's own stdout/stderr carry only its logs (cell output travels over IOPub); on Ctrl-C
        # it logs a KeyboardInterrupt traceback that would bury our one calm message. NIANBAO_DEBUG keeps it.
        if os.environ.get("NIANBAO_DEBUG") != "1":
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)


def execute(project: Project, agency: str, year: int, work_dir: Path, format_id: str, km: Any = None) -> Any:
    """Step 3: run the template's cells for `format_id` with papermill in `work_dir`; on a failing cell
    keep the evidence.

    With `km` (a started kernel manager) papermill/nbclient use that kernel and leave it running:
    the caller shuts it down."""
    executed = work_dir / "report.ipynb"
    template = select_cells(nbformat.read(project.template, as_version=4), format_id)  # type: ignore[no-untyped-call]
    try:
        notebook = papermill.execute_notebook(
            template,
            str(executed),
            parameters={"agency": agency, "year": year},
            kernel_name=KERNEL_NAME,
            cwd=str(project.root),
            progress_bar=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=ProjectKernelManager,
            record_timing=False,
            km=km,
        )
    except PapermillExecutionError as err:
        # papermill saved the notebook with its error banner before raising: keep it away from the report.
        failed_copy = project.failed_notebook(agency, year)
        failed_copy.parent.mkdir(parents=True, exist_ok=True)
        failed_copy.write_bytes(executed.read_bytes())
        raise ExecutionError(
            f"模板第 {err.exec_count} 个代码单元格执行失败：{err.ename}: {err.evalue}",
            path=project.relative(project.template),
            hint=f"出错的笔记本保存在 {project.relative(failed_copy)}，打开后顶部的红色提示指向出错的单元格；"
            "上一次成功生成的报告没有被改动。",
        ) from err
    return normalise(notebook, project, output_path=project.report_notebook(agency, year))


def normalise(notebook: Any, project: Project, output_path: Path) -> Any:
    """Drop everything that changes from run to run without the inputs changing."""
    meta = notebook.metadata.get("papermill", {})
    for key in (*PAPERMILL_VOLATILE, "exception"):
        meta.pop(key, None)
    meta["input_path"] = project.relative(project.template)
    meta["output_path"] = project.relative(output_path)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for key in PAPERMILL_VOLATILE:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return notebook


def dumps(notebook: Any) -> bytes:
    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    return (text + "\n").encode("utf-8")
