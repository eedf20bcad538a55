"""Moved to `kompass.tabular.report`. Kept only until `kompass.api.routers.roles` imports
`KIND_ASSIGNMENTS` from `kompass.roles.importers`; do not use it in new code."""

from __future__ import annotations

from kompass.tabular.report import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    FILE_ROW,
    ImportIssue,
    ImportReport,
    ImportRow,
)

# The key of the role model's kind (registered by the roles app); a plain string, no import of roles.
KIND_ASSIGNMENTS = "assignments"

__all__ = [
    "ACTION_CHANGED",
    "ACTION_NEW",
    "ACTION_UNCHANGED",
    "FILE_ROW",
    "KIND_ASSIGNMENTS",
    "ImportIssue",
    "ImportReport",
    "ImportRow",
]
