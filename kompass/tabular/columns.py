"""The columns of an import file, how its header row is matched against them, and its data rows.

Column names are case-insensitive and their order is free. A column the importer does not
know, a column that appears twice, or a missing required column rejects the file: silently
ignoring a misspelt "uebergeordnet" would flatten the whole tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext as _

from kompass.tabular.reading import CONTROL_CHARS, Table
from kompass.tabular.report import ImportReport


@dataclass(frozen=True)
class Columns:
    """Required columns must be present; an absent optional column leaves that field as it is."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


def max_length(model: type[Model], field_name: str) -> int:
    """The length limit of a text field, checked before writing (the services check it via full_clean)."""
    return int(getattr(model._meta.get_field(field_name), "max_length", 0) or 0)


@dataclass
class Record:
    """One data row: its row number in the file and its values by column name."""

    row: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class HeaderFit:
    """How a header row compares with a kind's columns: the required ones it lacks, the names it
    has that the kind does not know, and the names both share."""

    missing: tuple[str, ...]
    unknown: tuple[str, ...]
    known: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Every required column is there (unknown ones may be, and will be reported)."""
        return not self.missing

    @property
    def exact(self) -> bool:
        return not self.missing and not self.unknown

    @property
    def distance(self) -> int:
        return len(self.missing) + len(self.unknown)


def header_fit(header: Sequence[str], columns: Columns) -> HeaderFit:
    """Compare a header row (lower-case cells, empty ones ignored) with the kind's columns."""
    names = [name for name in header if name]
    return HeaderFit(
        missing=tuple(c for c in columns.required if c not in names),
        unknown=tuple(dict.fromkeys(n for n in names if n not in columns.all)),
        known=tuple(dict.fromkeys(n for n in names if n in columns.all)),
    )


def match_header(table: Table, columns: Columns, report: ImportReport) -> dict[int, str] | None:
    """Column index → column name, or None (with issues in `report`) if the header is not usable."""
    positions: dict[int, str] = {}
    seen: set[str] = set()
    row = table.header_row
    allowed = ", ".join(columns.all)
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name not in columns.all:
            report.add(
                row,
                name,
                _("Unbekannte Spalte „%(name)s“. Erlaubt sind: %(allowed)s.") % {"name": name, "allowed": allowed},
            )
        elif name in seen:
            report.add(row, name, _("Die Spalte „%(name)s“ kommt mehrfach vor.") % {"name": name})
        else:
            seen.add(name)
            positions[index] = name
    for name in columns.required:
        if name not in seen:
            report.add(row, name, _("Die Pflichtspalte „%(name)s“ fehlt.") % {"name": name})
    return None if report.issues else positions


def records(table: Table, positions: dict[int, str], report: ImportReport) -> list[Record]:
    """The data rows by column name; values outside named columns and control characters are issues."""
    result = []
    for row, cells in table.records:
        values = dict.fromkeys(positions.values(), "")
        for index, value in enumerate(cells):
            name = positions.get(index)
            if name is None:
                if value:
                    report.add(
                        row, "", _("Spalte %(n)d hat keine Überschrift, enthält aber einen Wert.") % {"n": index + 1}
                    )
                continue
            if CONTROL_CHARS.search(value):
                report.add(row, name, _("Der Wert enthält unzulässige Steuerzeichen."))
            values[name] = value
        result.append(Record(row, values))
    return result
