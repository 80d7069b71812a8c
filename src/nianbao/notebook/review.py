"""The reviewers' cell: the checks' warnings on top of the executed notebook, never on the public page."""

from __future__ import annotations

from typing import Any

import nbformat
from traitlets import List, Unicode

from nianbao.notebook.preprocessor import NotebookPreprocessor

# The box around the cell, as inline style: JupyterLab's sanitiser keeps `style` (these properties are on
# its allow-list) in a notebook that is not trusted, and a reviewer opens report.ipynb untrusted. A class
# would need a style sheet the notebook cannot carry.
WARNING_BOX = "border-left: 6px solid #b40000; background-color: #fff1f0; padding: 4px 16px; color: #1a1a1a"
PASSED_BOX = "border-left: 6px solid #2e7d32; background-color: #edf7ed; padding: 4px 16px; color: #1a1a1a"


class AddReviewNotes(NotebookPreprocessor):
    """Insert a first Markdown cell listing `warnings` (or saying there are none), tagged `tag`.

    The exporter removes cells with that tag, so the note stays in `report.ipynb` for reviewers only."""

    warnings = List(Unicode(), help="The checks' warnings, one message each.")
    tag = Unicode(
        help="The tag (and cell id) of cells for reviewers only, that the exporter leaves out."
    ).tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if not self.tag:
            raise ValueError("AddReviewNotes needs the tag the exporter removes")
        cell = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
            f"<!-- 仅供审阅，不进入公开的 HTML -->\n{self.text()}", id=self.tag, metadata={"tags": [self.tag]}
        )
        nb.cells.insert(0, cell)
        return nb, resources

    def text(self) -> str:
        """The note in a coloured box (Markdown inside: the blank lines end the HTML block)."""
        if not self.warnings:
            return box(PASSED_BOX, "✓ **校验结果**：全部规则通过，没有警告。")
        lines = "\n".join(f"- {warning}" for warning in self.warnings)
        heading = (
            f"⚠ **校验警告（{len(self.warnings)} 条）**："
            "请审阅者逐条核实，需要更正的请改正所列文件后重新生成。"
        )
        return box(WARNING_BOX, f"{heading}\n\n{lines}")


def box(style: str, markdown: str) -> str:
    return f'<div style="{style}">\n\n{markdown}\n\n</div>'
