"""The template notebook, read through the build's snapshot (so it is read once and recorded)."""

from __future__ import annotations

from typing import Any

import nbformat

from nianbao.inputs import snapshot
from nianbao.paths import Project


def read_template(project: Project) -> Any:
    text = snapshot.read_bytes(project.template).decode("utf-8")
    return nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
