"""Public interface of the org-unit and people import (implemented in `kompass.org.imports`).

Callers (upload page, management commands, API) use exactly this:
`run_import(kind=…, kommune=…, actor=…, filename=…, data=…, dry_run=…) -> ImportReport`.
Other apps add import kinds through `kompass.org.imports.EXTRA_KINDS` (role assignments).
"""

from __future__ import annotations

from kompass.org.imports import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    COLUMNS,
    FILE_ROW,
    KIND_ASSIGNMENTS,
    KIND_ORGUNITS,
    KIND_PEOPLE,
    KINDS,
    ImportIssue,
    ImportKind,
    ImportReport,
    ImportRow,
    columns_for,
    extra_kind,
    run_import,
)

__all__ = [
    "ACTION_CHANGED",
    "ACTION_NEW",
    "ACTION_UNCHANGED",
    "COLUMNS",
    "FILE_ROW",
    "KINDS",
    "KIND_ASSIGNMENTS",
    "KIND_ORGUNITS",
    "KIND_PEOPLE",
    "ImportIssue",
    "ImportKind",
    "ImportReport",
    "ImportRow",
    "columns_for",
    "extra_kind",
    "run_import",
]
