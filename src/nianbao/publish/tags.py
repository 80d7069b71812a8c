"""Cell tags the published files read (one home for each, so the exporters and the document agree)."""

REVIEW_TAG = "nianbao-review"  # cells for reviewers only: kept in the executed notebook, left out of the HTML
