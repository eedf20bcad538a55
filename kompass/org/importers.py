"""Public interface of the org-unit and people import (implemented in `kompass.org.imports`).

Callers (upload page, management commands, API) use exactly this:
`run_import(kind=…, kommune=…, actor=…, filename=…, data=…, dry_run=…) -> ImportReport`.
"""

from __future__ import annotations

from kompass.org.imports import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    COLUMNS,
    FILE_ROW,
    KIND_ORGUNITS,
    KIND_PEOPLE,
    KINDS,
    ImportIssue,
    ImportReport,
    ImportRow,
    run_import,
)

__all__ = [
    "ACTION_CHANGED",
    "ACTION_NEW",
    "ACTION_UNCHANGED",
    "COLUMNS",
    "FILE_ROW",
    "KINDS",
    "KIND_ORGUNITS",
    "KIND_PEOPLE",
    "ImportIssue",
    "ImportReport",
    "ImportRow",
    "run_import",
]
