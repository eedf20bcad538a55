"""What an import run tells its caller: counts, the action per row, and every problem found.

The report is the same for a dry run and a real run, so the preview a user confirms is
exactly what the import then does (docs/security.md I1, I2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ACTION_NEW = "neu"
ACTION_CHANGED = "geändert"
ACTION_UNCHANGED = "unverändert"

# Row 0 stands for the file as a whole (encoding, size, format), not a line in it.
FILE_ROW = 0
# Import ids (uuid hex) are shown by their first characters, as the audit log shows them.
SHORT_ID_LENGTH = 8


@dataclass(frozen=True)
class SheetHeader:
    """One sheet of a workbook: its position (from 1), name and the lower-case cells of its first
    non-empty row (empty for an empty sheet), so the user can tell the sheets apart."""

    position: int
    name: str
    header: tuple[str, ...]


@dataclass
class ImportIssue:
    """One reason to reject the file: where (row as the user sees it, header = row 1; column) and why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == FILE_ROW:
            return _("Datei: %(message)s") % {"message": self.message}
        if not self.column:
            return _("Zeile %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Zeile %(row)d, Spalte %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportRow:
    """What the import does (or would do) with one row of the file."""

    row: int
    key: str
    action: str
    changed: list[str] = field(default_factory=list)
    # The row's names in plain words (unit name, person's name …), shown next to the key so that the
    # user can check umlauts and other letters before applying.
    label: str = ""


@dataclass
class ImportReport:
    """The outcome of one import run (or dry run) of one file of one kind."""

    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    import_id: str = ""
    filename: str = ""
    # Workbooks: the sheet that was read, and every sheet when the user has to pick one.
    sheet: str = ""
    sheets: list[SheetHeader] = field(default_factory=list)
    # The key of another kind whose columns the file's header fits (the user chose the wrong kind).
    suggested_kind: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def short_id(self) -> str:
        return self.import_id[:SHORT_ID_LENGTH]

    @property
    def needs_sheet(self) -> bool:
        """The workbook has several sheets and none (or more than one) fits the kind's columns."""
        return bool(self.sheets)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """One German sentence with the counts, for messages and command output."""
        values = {"new": self.created, "changed": self.updated, "same": self.unchanged, "id": self.short_id}
        if self.dry_run:
            return _("Probelauf, nichts gespeichert: %(new)d neu, %(changed)d geändert, %(same)d unverändert.") % values
        return (
            _("Import abgeschlossen: %(new)d neu, %(changed)d geändert, %(same)d unverändert (Import-ID %(id)s).")
            % values
        )

    def add(self, row: int, column: str, message: str) -> None:
        self.issues.append(ImportIssue(row, column, message))

    def record(self, rows: list[ImportRow]) -> None:
        """Take over the per-row actions and count them."""
        self.rows = rows
        self.created = sum(1 for r in rows if r.action == ACTION_NEW)
        self.updated = sum(1 for r in rows if r.action == ACTION_CHANGED)
        self.unchanged = sum(1 for r in rows if r.action == ACTION_UNCHANGED)

    def clear_actions(self) -> None:
        """A rejected file changes nothing: the counts say so."""
        self.rows, self.created, self.updated, self.unchanged = [], 0, 0, 0
