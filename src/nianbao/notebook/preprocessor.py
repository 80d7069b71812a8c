"""The base of nianbao's notebook transforms: an nbconvert preprocessor that is on and typed."""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class NotebookPreprocessor(Preprocessor):
    """nbconvert's preprocessors are off until an exporter enables them; ours run wherever the pipeline
    lists them (`pipeline.py`), so they are enabled by default. Options are traitlets (`.tag(config=True)`),
    the report's data plain traits set by the pipeline."""

    enabled = Bool(True).tag(config=True)

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)  # type: ignore[no-untyped-call]

    def __call__(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        return super().__call__(nb, resources)  # type: ignore[no-untyped-call,no-any-return]
