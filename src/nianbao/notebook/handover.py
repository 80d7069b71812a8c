"""Handing the build's snapshot of its inputs to the kernel, before the template runs.

The kernel's `open_report` then loads from that snapshot instead of the disk, so the tables the kernel
draws come from the very bytes the placeholders and the provenance were computed from. The hand-over is a
silent request outside the notebook: nothing of it (no cell, no execution count, no temporary path) is
recorded in the executed notebook.
"""

from __future__ import annotations

from typing import Any

from jupyter_core.utils import run_sync

from nianbao.inputs.snapshot import Snapshot

READY_TIMEOUT = 60  # seconds for a starting kernel to answer, as papermill's default start timeout
RECEIVER = "__import__('nianbao.report').report.receive_inputs"  # binds no name in the kernel


def hand_over(km: Any, inputs: Snapshot) -> None:
    """Send `inputs` to the kernel of `km` (started, perhaps still booting) and wait until it has them."""
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=READY_TIMEOUT)
        code = f"{RECEIVER}({inputs.to_json()!r})"
        reply = run_sync(client.execute_interactive)(
            code, silent=True, store_history=False, timeout=READY_TIMEOUT
        )
        if reply["content"]["status"] != "ok":  # a bug: the kernel could not take its inputs
            content = reply["content"]
            raise RuntimeError(
                f"the kernel refused the inputs: {content.get('ename')}: {content.get('evalue')}"
            )
    finally:
        client.stop_channels()
