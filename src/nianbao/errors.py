"""The one exception family for faults a report author can fix.

A `NianbaoError` is raised where the fault is found, carries a message in Chinese first that names the
file, the field, what was expected and what was found, and is reported once, without a traceback, by the
CLI (the edge). Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path


class NianbaoError(Exception):
    """A fault in the input or the set-up that the person running nianbao can fix."""

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f"\n  处理办法：{self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"


class DataError(NianbaoError):
    """A data, profile or narrative file is missing, unreadable or has a wrong value."""


class FormatError(NianbaoError):
    """A figure breaks a consistency rule of the report format."""


class TemplateError(NianbaoError):
    """The template notebook or a narrative placeholder is wrong."""


class ExecutionError(NianbaoError):
    """A cell of the template notebook failed while the report was being executed."""


class OutputError(NianbaoError):
    """A file or folder nianbao writes cannot be written: a full disk or temporary folder, no permission."""


class ConfigError(NianbaoError):
    """A setting read from the environment (such as NIANBAO_CELL_TIMEOUT) has a wrong value."""


def together(faults: Sequence[NianbaoError]) -> NianbaoError:
    """Every fault found in one file, as one error of the first one's kind: their messages a line each,
    their hints once each (a clerk fixes the file in one go, not one fault per run)."""
    first = faults[0]
    if len(faults) == 1:
        return first
    hints = list(dict.fromkeys(fault.hint for fault in faults if fault.hint))
    return type(first)(
        "\n  ".join(fault.message for fault in faults), path=first.path, hint="".join(hints) or None
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A short Chinese suggestion of the closest valid choices, or '' when nothing is close."""
    # Chinese headings are two to six characters: one wrong character of two (概况 for 概述) is ratio 0.5.
    cutoff = 0.5 if len(word) <= 4 else 0.6
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=cutoff)
    return f"（是不是 {'、'.join(close)}？）" if close else ""
