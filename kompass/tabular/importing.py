"""The all-or-nothing import of a table file (issue 2 §6; checks I1–I3), for every registered kind.

`run_import` is the one entry point for the upload page, the management commands and the API.
It reads the file, matches its header against the kind's columns, lets the kind check every row
against the Kommune's data, and — unless it is a dry run or a single problem was found — the kind
writes all changes in one transaction with one import id on every audit entry. Bad input never
raises: the report lists each problem with row, column and a German reason, and nothing is
changed. Permissions are the caller's job (`ctx.require(Capability.IMPORT)`).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from kompass.audit.context import change_context, new_request_id
from kompass.core.actors import Actor
from kompass.tabular.columns import Record, match_header, records
from kompass.tabular.kinds import TABLE_KINDS, TableKind
from kompass.tabular.reading import FileRejected, read_table
from kompass.tabular.report import FILE_ROW, ImportReport
from kompass.tenancy.models import Kommune

logger = logging.getLogger(__name__)


def run_import(*, kind: str, kommune: Kommune, actor: Actor, filename: str, data: bytes, dry_run: bool) -> ImportReport:
    """Import (or, with `dry_run`, only check) the file `data` of the given kind into `kommune`."""
    import_id = new_request_id()
    report = ImportReport(kind=kind, dry_run=dry_run, import_id=import_id, filename=filename)
    table_kind = TABLE_KINDS.get(kind)
    if table_kind is None:
        report.add(FILE_ROW, "", _("Unbekannte Importart „%(kind)s“.") % {"kind": kind})
        return report
    try:
        table = read_table(bytes(data))
    except FileRejected as exc:
        report.issues.append(exc.issue)
        return report
    positions = match_header(table, table_kind.columns, report)
    if positions is None:
        return report
    rows = records(table, positions, report)
    if not rows and not report.issues:
        report.add(FILE_ROW, "", _("Die Datei enthält nur die Kopfzeile, aber keine Daten."))
        return report
    with change_context("import", import_id):
        try:
            _check_and_apply(table_kind, kommune, actor, rows, report)
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


def _check_and_apply(kind: TableKind, kommune: Kommune, actor: Actor, rows: list[Record], report: ImportReport) -> None:
    """Validate against the Kommune's data and, if all is well and it is no dry run, write."""
    with transaction.atomic():
        kind.check_and_apply(kommune, actor, rows, report)
    if not report.ok:
        report.clear_actions()
    report.issues.sort(key=lambda issue: issue.row)
