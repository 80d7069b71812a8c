"""Cell tags and notebook metadata every exporter reads (the HTML's nbconvert config and the document model
alike)."""

from __future__ import annotations

REVIEW_TAG = "nianbao-review"  # cells for reviewers only: kept in the executed notebook, left out of the HTML
# The notebook metadata holding the report's date (ISO 8601), set with its title before execution: the PDF's
# and the Word file's date, never read back out of the signature's text.
DATE_KEY = "date"
# The title in the parts a printed title may break between (`figures.derived.title_parts`), beside the
# title itself ("title"): the PDF breaks a long title only there.
TITLE_PARTS_KEY = "title_parts"
