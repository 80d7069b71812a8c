"""Cell tags every exporter reads (the HTML's nbconvert config and the document model alike)."""

from __future__ import annotations

REVIEW_TAG = "nianbao-review"  # cells for reviewers only: kept in the executed notebook, left out of the HTML
