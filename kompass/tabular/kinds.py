"""The kinds of table a Kommune can import and export (filled by the domain apps in `AppConfig.ready`).

A kind is one file format of the import and export page, the API and the management commands:
org units and people (org app), role assignments (roles app) … Each brings its columns, its step
that checks the rows against the Kommune's data and writes them, and its export. The page, the API
and the commands look kinds up here, so no app below names one above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from kompass.core.registry import Registry
from kompass.core.security_log import security_event
from kompass.tabular.columns import Columns, Record
from kompass.tabular.report import ImportReport
from kompass.tabular.writing import ExportFile

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from kompass.tenancy.models import Kommune

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# (kommune, actor, rows, report): checks every row and, if the report stays free of issues and it is
# no dry run, writes. Runs inside the import's transaction and change context (source "import").
CheckAndApply = Callable[["Kommune", Any, list[Record], ImportReport], None]
# (kommune, fmt) → the Kommune's data of this kind as a CSV or XLSX file in the import's columns.
Export = Callable[["Kommune", str], ExportFile]


@dataclass(frozen=True)
class TableKind:
    """One kind of import and export file.

    `key`: the kind's name in code, reports and the API (`"orgunits"`); `label`: German, plural
    (`"Organisationseinheiten"`); `slug`: the German word of the export URL and file name
    (`…/export/organisationseinheiten.csv`); `order`: position on the page; `key_label`: the
    heading of the preview's column that names each row (`"Kennung"`); `description`: how the
    columns are filled, in German and starting with the label, for the page's "Aufbau der Dateien".
    `name_label`: the heading of the preview's column with the row's names in plain words
    (`ImportRow.label`); `header`: the columns in the order the template and the example write
    them (default: required, then optional); `example`: rows in that order, a small Kommune that
    imports without error in the order of the kinds; `column_help`: (column, what it holds) pairs.
    """

    key: str
    label: _StrOrPromise
    slug: str
    columns: Columns
    check_and_apply: CheckAndApply
    export: Export
    order: int = 0
    key_label: _StrOrPromise = ""
    description: _StrOrPromise = ""
    name_label: _StrOrPromise = ""
    header: tuple[str, ...] = ()
    example: tuple[tuple[str, ...], ...] = ()
    column_help: tuple[tuple[str, _StrOrPromise], ...] = ()

    @property
    def columns_in_order(self) -> tuple[str, ...]:
        return self.header or self.columns.all

    def help_for(self, column: str) -> _StrOrPromise:
        return next((text for name, text in self.column_help if name == column), "")


def _validate(kind: TableKind) -> None:
    problems = []
    if not str(kind.label).strip():
        problems.append("no label")
    if not kind.columns.required or len(set(kind.columns.all)) != len(kind.columns.all):
        problems.append("no required column, or a column twice")
    if not SLUG.match(kind.slug):
        problems.append(f"slug {kind.slug!r} is not a URL slug")
    if any(other.slug == kind.slug and other.key != kind.key for other in TABLE_KINDS):
        problems.append(f"slug {kind.slug!r} is taken")
    if not callable(kind.check_and_apply) or not callable(kind.export):
        problems.append("check_and_apply and export must be callable")
    if kind.header and sorted(kind.header) != sorted(kind.columns.all):
        problems.append("header must name every column once")
    if any(len(row) != len(kind.columns_in_order) for row in kind.example):
        problems.append("an example row does not have one value per column")
    if any(name not in kind.columns.all for name, _text in kind.column_help):
        problems.append("column_help names an unknown column")
    if problems:
        raise ImproperlyConfigured(f"table kind {kind.key!r}: {'; '.join(problems)}")


TABLE_KINDS: Registry[TableKind] = Registry("tabular.kinds", _validate)


def by_slug(slug: str) -> TableKind | None:
    """The kind whose export URL uses `slug`."""
    return next((kind for kind in TABLE_KINDS if kind.slug == slug), None)


def columns_for(key: str) -> Columns:
    """The columns of a registered kind (KeyError for an unknown one)."""
    return TABLE_KINDS[key].columns


def export_file(*, kind: str, kommune: Kommune, fmt: str) -> ExportFile:
    """The export of the registered `kind` for `kommune` in `fmt` (csv | xlsx)."""
    table_kind = TABLE_KINDS.get(kind)
    if table_kind is None:
        raise ValueError(f"unknown export {kind}.{fmt}")
    security_event("export", kommune_id=kommune.pk, kind=kind, format=fmt)  # L3: exports of personal data
    return table_kind.export(kommune, fmt)
