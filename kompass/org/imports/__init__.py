"""Importing org units and people from CSV or XLSX files (issue 2 §6; checks I1–I3).

`run_import` is the one entry point for the upload page, the management commands and the
API. It reads the file, checks every row against the Kommune's data, and — unless it is a
dry run or a single problem was found — writes all changes in one transaction with one
import id on every audit entry. Bad input never raises: the report lists each problem with
row, column and a German reason, and nothing is changed. Permissions are the caller's job
(`ctx.require(Capability.IMPORT)`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kompass.audit.context import change_context, new_request_id
from kompass.org import import_services
from kompass.org.imports import orgunits, people
from kompass.org.imports.columns import COLUMNS, Columns, Record, match_header, records
from kompass.org.imports.files import FileRejected, read_table
from kompass.org.imports.report import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    FILE_ROW,
    KIND_ASSIGNMENTS,
    KIND_ORGUNITS,
    KIND_PEOPLE,
    KINDS,
    ImportIssue,
    ImportReport,
    ImportRow,
)
from kompass.tenancy.models import Kommune

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class ImportKind:
    """An import kind another app provides: its columns and its step that checks the rows against
    the Kommune's data and — if the report stays free of issues and it is no dry run — writes them.
    The step runs inside the import's transaction and change context (source "import")."""

    columns: Columns
    check_and_apply: Callable[[Kommune, Any, list[Record], ImportReport], None]


# Kinds implemented by other apps: kind → dotted path of their `ImportKind`, loaded on first use
# so that the org app does not import the other app at start-up.
EXTRA_KINDS: dict[str, str] = {KIND_ASSIGNMENTS: "kompass.roles.importers.IMPORT_KIND"}


def extra_kind(kind: str) -> ImportKind | None:
    path = EXTRA_KINDS.get(kind)
    return import_string(path) if path else None  # type: ignore[no-any-return]


def columns_for(kind: str) -> Columns:
    """The columns of any import kind (org units, people, or a kind of another app)."""
    if kind in COLUMNS:
        return COLUMNS[kind]
    extra = extra_kind(kind)
    if extra is None:
        raise KeyError(kind)
    return extra.columns


def run_import(*, kind: str, kommune: Kommune, actor: Any, filename: str, data: bytes, dry_run: bool) -> ImportReport:
    """Import (or, with `dry_run`, only check) the file `data` of the given kind into `kommune`."""
    import_id = new_request_id()
    report = ImportReport(kind=kind, dry_run=dry_run, import_id=import_id, filename=filename)
    if kind not in KINDS and kind not in EXTRA_KINDS:
        report.add(FILE_ROW, "", _("Unbekannte Importart „%(kind)s“.") % {"kind": kind})
        return report
    try:
        table = read_table(bytes(data))
    except FileRejected as exc:
        report.issues.append(exc.issue)
        return report
    positions = match_header(table, columns_for(kind), report)
    if positions is None:
        return report
    rows = records(table, positions, report)
    if not rows and not report.issues:
        report.add(FILE_ROW, "", _("Die Datei enthält nur die Kopfzeile, aber keine Daten."))
        return report
    with change_context("import", import_id):
        try:
            _check_and_apply(kind, kommune, actor, rows, report)
        except (IntegrityError, DatabaseError):
            # Someone changed the same data while the import ran; the transaction is rolled back.
            logger.warning("import %s rolled back after a database error", import_id, exc_info=True)
            report.clear_actions()
            report.add(
                FILE_ROW,
                "",
                _(
                    "Die Daten wurden während des Imports gleichzeitig geändert. Es wurde nichts "
                    "übernommen; bitte starten Sie den Import erneut."
                ),
            )
    return report


def _check_and_apply(kind: str, kommune: Kommune, actor: Any, rows: list[Any], report: ImportReport) -> None:
    """Validate against the Kommune's data and, if all is well and it is no dry run, write."""
    lock = not report.dry_run
    extra = extra_kind(kind)
    with transaction.atomic():
        if extra is not None:
            extra.check_and_apply(kommune, actor, rows, report)
        elif kind == KIND_ORGUNITS:
            unit_state = import_services.load_orgunit_state(kommune, lock=lock)
            unit_rows = orgunits.validate(rows, unit_state, report)
            report.record(orgunits.actions(unit_rows, unit_state))
            if report.ok and not report.dry_run:
                changes = [r.change for r in unit_rows]
                import_services.orgunits_apply(kommune=kommune, actor=actor, state=unit_state, changes=changes)
        else:
            person_state = import_services.load_person_state(kommune, lock=lock)
            person_rows = people.validate(rows, person_state, report)
            report.record(people.actions(person_rows, person_state))
            if report.ok and not report.dry_run:
                import_services.people_apply(kommune=kommune, actor=actor, changes=[r.change for r in person_rows])
    if not report.ok:
        report.clear_actions()
    report.issues.sort(key=lambda issue: issue.row)
