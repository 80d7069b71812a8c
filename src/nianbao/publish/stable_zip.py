"""A zip package (.docx) rewritten so the same content gives the same bytes.

python-docx stamps every member with the time it was saved, and a zip records the system that wrote
it; both change from run to run and machine to machine. The rewrite keeps each member's bytes and gives
them one fixed time, fixed attributes and a fixed order: `[Content_Types].xml` first (where Office
expects it), then the package's relationships, then the rest by name.
"""

from __future__ import annotations

import io
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record
FIRST = ("[Content_Types].xml", "_rels/.rels")


def rewritten(package: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(members, key=_order):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # as written on Windows, whichever system writes it
            info.external_attr = 0
            target.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def _order(name: str) -> tuple[int, str]:
    return (FIRST.index(name) if name in FIRST else len(FIRST), name)
