"""A bug in one report's build, told as that report's failure: one line for the clerk, the traceback kept.

A user error (`NianbaoError`) already is one Chinese line. Anything else is a bug in nianbao, and the
batch must go on with the other reports: its traceback is written to a log file beside the report
(`output/<agency>/<year>/failed/error.log`), and the failure list shows one line naming that file.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic


def reason(project: Project, err: BaseException, log: Path) -> str:
    """The one-line reason for `err`: its own message if a user error, else a note naming the log."""
    if isinstance(err, NianbaoError):
        return err.render()
    text = "".join(traceback.format_exception(err))
    try:
        write_atomic(log, text.encode("utf-8"))
    except (OSError, NianbaoError):  # the disk may be why it failed: the traceback then goes to stderr
        return (
            f"程序内部错误（{type(err).__name__}: {first_line(err)}），且无法写入日志文件；详细信息：\n{text}"
        )
    return (
        f"程序内部错误（{type(err).__name__}: {first_line(err)}），不是数据的问题；"
        f"详细信息已保存在 {project.relative(log)}，请把它发给技术支持"
    )


def first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= 200 else line[:200] + "…"
