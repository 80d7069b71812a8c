"""A figure a placeholder names that this report does not have: another format's, one a report may leave
out and this one did, a change from a year not on file. It stands in the placeholders' context so that
using it says why in words (“2018 年度格式没有与上年相比”), never “no such name”; testing it is false
(`{% if yoy.new %}`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class AbsentFigureError(Exception):
    """A placeholder printed, looped over or computed with a figure the report does not have."""


class Absent:
    """The node `path` of the names in `words` (dotted name → why it is absent, in words)."""

    def __init__(self, words: Mapping[str, str], path: str) -> None:
        self.words = words
        self.path = path

    @property
    def message(self) -> str:
        """Why the name is absent: its own words or the nearest above it (`yoy.apply` for
        `yoy.apply.text`), else those of the first name under it."""
        parts = self.path.split(".")
        for depth in range(len(parts), 0, -1):
            if ".".join(parts[:depth]) in self.words:
                return self.words[".".join(parts[:depth])]
        under = (words for name, words in self.words.items() if name.startswith(f"{self.path}."))
        return next(under, f"没有 {self.path}")

    def child(self, name: object) -> Absent:
        return Absent(self.words, f"{self.path}.{name}")

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        raise AbsentFigureError(self.message)

    def __str__(self) -> str:
        raise AbsentFigureError(self.message)

    def __repr__(self) -> str:
        return f"Absent({self.path!r})"


class Names(dict[str, Any]):
    """One level of the placeholders' context (`share`, `share.apply`, …) that knows which names missing
    from it are absent figures, and why: a dict like any other, compared and iterated as one."""

    def __init__(self, items: Mapping[str, Any], path: str, words: Mapping[str, str]) -> None:
        super().__init__(items)
        self.path = path
        self.words = words

    def absent(self, name: object) -> Absent | None:
        """The absent figure `name` stands for below this level, if it is one."""
        full = f"{self.path}.{name}"
        if full in self.words or any(other.startswith(f"{full}.") for other in self.words):
            return Absent(self.words, full)
        return None


def mark_absent(context: dict[str, Any], words: Mapping[str, str]) -> None:
    """Let each name of `words` (dotted) that `context` lacks say why (`Absent`): a missing first name
    is put in as an `Absent`; each level below is made a `Names`, which gives one for a missing name.
    The context's own values are left as they are."""
    for root in {name.split(".", 1)[0] for name in words}:
        if root not in context:
            context[root] = Absent(words, root)
    for key, value in list(context.items()):
        if isinstance(value, dict):
            context[key] = _names(value, key, words)


def _names(level: Mapping[str, Any], path: str, words: Mapping[str, str]) -> Names:
    return Names(
        {
            key: _names(value, f"{path}.{key}", words) if isinstance(value, dict) else value
            for key, value in level.items()
        },
        path,
        words,
    )
