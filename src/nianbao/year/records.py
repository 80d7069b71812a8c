"""The build and check records: one schema for what a build wrote and what a check found, per report.

`output/<agency>/<year>/build.json` (and `output/_district/<year>/build.json` for a summary) says how the
last build ended, every file it wrote with its SHA-256, the warnings, the headline figures, and every
input it read (from the build's snapshot) with the stamp it had when read — what `make reports` compares
to decide staleness. `output/<agency>/<year>/check.json` says what the last check of the data found;
`make check` writes it, and so does every build (a build checks first). The index reads only these
records: it never loads data.

A record that is missing, unreadable, not a regular file (a FIFO or device: never waited for) or not of
this schema reads as no record (the report is then
simply stale); records are written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nianbao.inputs.snapshot import MAX_BYTES, read_regular
from nianbao.paths import BUILD_RECORD, CHECK_RECORD
from nianbao.publish.atomic import write_atomic

SCHEMA = 1
MAX_RECORD_BYTES = MAX_BYTES  # a record lists a report's files: a few KB; a bigger file is none of ours
FILE_NAMES = (BUILD_RECORD, CHECK_RECORD)  # records, not published pages (they hold modification times)
BUILT, FAILED, OK = "built", "failed", "ok"
# Each field of a record and the JSON types it may hold; anything else makes the record unreadable.
BUILD_FIELDS: dict[str, tuple[type, ...]] = {
    "schema": (int,),
    "status": (str,),
    "error": (str, type(None)),
    "name": (str, type(None)),
    "format": (str, type(None)),
    "headline": (dict,),
    "warnings": (list,),
    "outputs": (dict,),
    "inputs": (dict,),
    "listings": (dict,),
    "code": (str, type(None)),
    # Added later: a failed build's stamps of the year's files (freshness.year_stamps), so that the
    # failure is known to be about the files as they are.
    "files": (dict, type(None)),
}
CHECK_FIELDS: dict[str, tuple[type, ...]] = {
    "schema": (int,),
    "status": (str,),
    "error": (str, type(None)),
    "warnings": (list,),
    # Added later, so a record without them still reads (as None): what is still 待填 / 待改写, the
    # report's date (发文日期, ISO) and the last day the law allows for it.
    "to_fill": (list, type(None)),
    "date": (str, type(None)),
    "deadline": (str, type(None)),
    # Added later: the year's files as the check found them (freshness.year_stamps); what it found is
    # trusted only while they are unchanged. A record without them is never trusted.
    "files": (dict, type(None)),
}


def build_record(
    status: str,
    *,
    error: str | None = None,
    name: str | None = None,
    format_id: str | None = None,
    headline: Mapping[str, Any] | None = None,
    warnings: list[str] | None = None,
    outputs: Mapping[str, str] | None = None,
    inputs: Mapping[str, Any] | None = None,
    listings: Mapping[str, list[Any]] | None = None,
    code: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "status": status,
        "error": error,
        "name": name,
        "format": format_id,
        "headline": dict(headline or {}),
        "warnings": list(warnings or []),
        "outputs": dict(outputs or {}),
        "inputs": dict(inputs or {}),
        "listings": dict(listings or {}),
        "code": code,
        "files": dict(files) if files is not None else None,
    }


def check_record(
    error: str | None,
    warnings: list[str],
    *,
    to_fill: list[str] | None = None,
    date: str | None = None,
    deadline: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "status": FAILED if error else OK,
        "error": error,
        "warnings": list(warnings),
        "to_fill": list(to_fill or []),
        "date": date,
        "deadline": deadline,
        "files": dict(files) if files is not None else None,
    }


def digests(paths: list[Path], root: Path) -> dict[str, str]:
    """Each written file (project-relative) with its SHA-256."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in paths
    }


def dumps(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write(path: Path, record: Mapping[str, Any]) -> None:
    write_atomic(path, dumps(record))


def read(path: Path, fields: Mapping[str, tuple[type, ...]] = BUILD_FIELDS) -> dict[str, Any] | None:
    """The record at `path`, or None when there is none of this schema there."""
    try:  # a regular file only: a FIFO or a device put in its place is no record, never a wait
        _, raw = read_regular(path, MAX_RECORD_BYTES)
        record = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_RECORD_BYTES else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        return None
    if any(not isinstance(record.get(key), types) for key, types in fields.items()):
        return None
    if fields is BUILD_FIELDS and not _well_formed(record):
        return None
    if not all(isinstance(name, str) and _stamp(seen) for name, seen in (record.get("files") or {}).items()):
        return None
    if not all(
        isinstance(item, str) for item in [*record.get("warnings", []), *(record.get("to_fill") or [])]
    ):
        return None
    return record


def _well_formed(record: Mapping[str, Any]) -> bool:
    """The insides of a build record are of this schema too: a foreign or hand-edited one (a list of
    inputs, a stamp that is a string, a name with a NUL) would otherwise crash whoever reads it."""
    return (
        all(isinstance(name, str) and _stamp(seen) for name, seen in record["inputs"].items())
        and all(isinstance(name, str) and isinstance(seen, list) for name, seen in record["listings"].items())
        and all(isinstance(name, str) and isinstance(sha, str) for name, sha in record["outputs"].items())
        and all(isinstance(key, str) and _scalar(value) for key, value in record["headline"].items())
        and all(isinstance(warning, str) for warning in record["warnings"])
        and not any("\0" in name for name in [*record["inputs"], *record["listings"], *record["outputs"]])
    )


def _stamp(seen: Any) -> bool:
    """A file's stamp: None (missing) or [size, mtime in ns], two integers."""
    return seen is None or (
        isinstance(seen, list) and len(seen) == 2 and all(type(n) is int for n in seen)  # not bool
    )


def _scalar(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def read_check(path: Path) -> dict[str, Any] | None:
    return read(path, CHECK_FIELDS)
