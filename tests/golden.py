"""The golden file: the SHA-256 of every page and notebook the sample project publishes.

A refactor must leave it unchanged; a change that is meant to change output regenerates it with
`make golden` and says why in its commit. `tests/e2e/test_batch.py` compares a fresh batch with it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.year import records
from tests.conftest import copy_project

GOLDEN = Path(__file__).resolve().parent / "golden" / "sample-outputs.sha256"


def published(root: Path) -> dict[str, str]:
    """Every published file under `root`/output (not the build records, which hold modification times)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((root / "output").rglob("*.*"))
        if path.name not in records.FILE_NAMES
    }


def dumps(hashes: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))


def read() -> dict[str, str]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def main() -> int:
    """Build every sample report, summary and the index in a temporary copy; write their hashes."""
    with tempfile.TemporaryDirectory(prefix="nianbao-golden-") as folder:
        root = copy_project(Path(folder) / "project")
        env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
        command = [sys.executable, "-m", "nianbao.cli", "reports"]
        subprocess.run(command, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(dumps(published(root)), encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(Path.cwd()) if GOLDEN.is_relative_to(Path.cwd()) else GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
