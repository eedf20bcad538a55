"""The responsibility matrix as one table for the page and its files (XLSX, CSV, PDF).

Rows are the digitalisation activities, columns the Kommune's active roles, each cell R, A, C, I
or empty; every row also carries its check (exactly one A, at least one R). Spreadsheet cells
that a program would run as a formula get a leading apostrophe and are stored as text (docs/security.md I4), also
in the header, because role names are the Kommune's own text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.core.formulas import escape_formula
from kompass.reports import workbooks
from kompass.roles import selectors
from kompass.roles.models import ActivityTemplate, Raci, RaciCell, Role
from kompass.tabular.writing import CONTENT_TYPES as TABLE_CONTENT_TYPES
from kompass.tabular.writing import ExportFile, to_csv
from kompass.tenancy.models import Kommune

CONTENT_TYPES = {**TABLE_CONTENT_TYPES, "pdf": "application/pdf"}


def letter_meanings() -> list[tuple[str, str]]:
    """The legend: each RACI letter with its German meaning ("führt durch (Responsible)")."""
    return [(value, str(label).removeprefix(f"{value} – ")) for value, label in Raci.choices]


def row_problems(letters: list[str]) -> list[str]:
    """What is wrong with one activity's row: exactly one A and at least one R are required
    (RACI principle; KGSt-Bericht 9/2016, clearly regulated responsibilities). Short labels for
    the matrix; the full explanation is on the Rollen-Check page."""
    problems = []
    accountable = letters.count("A")
    if accountable == 0:
        problems.append(_("kein A"))
    elif accountable > 1:
        problems.append(_("%(n)d× A") % {"n": accountable})
    if "R" not in letters:
        problems.append(_("kein R"))
    return problems


@dataclass
class MatrixRow:
    activity: ActivityTemplate
    cells: list[tuple[Role, str]]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def letters(self) -> list[str]:
        return [letter for _role, letter in self.cells]

    @property
    def status_text(self) -> str:
        return _("in Ordnung") if self.ok else ", ".join(self.problems)


@dataclass
class MatrixTable:
    kommune: Kommune
    roles: list[Role]
    rows: list[MatrixRow]

    @property
    def open_rows(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


def matrix_table(kommune: Kommune) -> MatrixTable:
    """The Kommune's matrix with a check per row, in three queries whatever its size."""
    data = selectors.matrix(kommune)
    rows = []
    for activity, cells in data.rows():
        rows.append(MatrixRow(activity, cells, row_problems([letter for _r, letter in cells])))
    return MatrixTable(kommune, data.roles, rows)


def row_status(kommune: Kommune, activity: ActivityTemplate) -> MatrixRow:
    """The check of one row after a change (two queries)."""
    roles = list(selectors.roles(kommune).filter(is_active=True).order_by("position", "id"))
    letters = dict(RaciCell.objects.for_kommune(kommune).filter(activity=activity).values_list("role_id", "letter"))
    cells = [(role, letters.get(role.pk, "")) for role in roles]
    return MatrixRow(activity, cells, row_problems([letter for _r, letter in cells]))


# --- files -----------------------------------------------------------------------------------


def filename(kommune: Kommune, fmt: str) -> str:
    return f"verantwortungsmatrix-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def _header(table: MatrixTable) -> list[str]:
    return [_("Aktivität"), _("Beschreibung"), *[role.name for role in table.roles], _("Prüfung")]


def _rows(table: MatrixTable) -> list[list[str]]:
    return [[row.activity.name, row.activity.description, *row.letters, row.status_text] for row in table.rows]


def matrix_csv(table: MatrixTable) -> ExportFile:
    """UTF-8 with BOM, `;`, CRLF; the header is escaped too (role names are free text)."""
    header = [escape_formula(value) for value in _header(table)]
    return ExportFile(to_csv(header, _rows(table)), CONTENT_TYPES["csv"], filename(table.kommune, "csv"))


def matrix_xlsx(table: MatrixTable) -> ExportFile:
    """Sheet 1 the matrix (header row and activity column frozen), sheet 2 the legend."""
    widths = [38, 50, *[14] * len(table.roles), 22]
    matrix = workbooks.Sheet(_("Verantwortungsmatrix"), _header(table), _rows(table), widths, frozen_columns=2)
    content = workbooks.workbook([matrix], _legend(table))
    return ExportFile(content, CONTENT_TYPES["xlsx"], filename(table.kommune, "xlsx"))


def _legend(table: MatrixTable) -> workbooks.Legend:
    lines: list[tuple[str, str]] = [
        (_("Kommune"), table.kommune.name),
        (_("Stand"), f"{timezone.localdate():%d.%m.%Y}"),
        ("", ""),
        *letter_meanings(),
        ("", ""),
        (_("Kurzname"), _("Rolle")),
        *[(role.short_name or role.name, role.name) for role in table.roles],
    ]
    return workbooks.Legend(lines, name=_("Legende"))
