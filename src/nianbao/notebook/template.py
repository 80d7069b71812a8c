"""A template notebook (the report's or the summary's), read through the build's snapshot (so it is read
once and recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from nianbao.inputs import snapshot


def read_template(template: Path) -> Any:
    text = snapshot.read_bytes(template).decode("utf-8")
    return nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
