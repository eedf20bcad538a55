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
from collections.abc import Sequence

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from kompass.audit.context import change_context, new_request_id
from kompass.core.actors import Actor
from kompass.tabular.columns import Record, header_fit, match_header, records
from kompass.tabular.kinds import TABLE_KINDS, TableKind
from kompass.tabular.reading import FileRejected, SheetPicker, read_table
from kompass.tabular.report import FILE_ROW, ImportIssue, ImportReport, SheetHeader
from kompass.tenancy.models import Kommune

logger = logging.getLogger(__name__)


def run_import(
    *,
    kind: str,
    kommune: Kommune,
    actor: Actor,
    filename: str,
    data: bytes,
    dry_run: bool,
    sheet: str = "",
) -> ImportReport:
    """Import (or, with `dry_run`, only check) the file `data` of the given kind into `kommune`.

    A workbook with several sheets is read from `sheet` if given, else from the one sheet whose
    header fits the kind's columns; if none or several fit, the report lists the sheets to choose
    from (`report.sheets`). A header that fits another kind better names it (`suggested_kind`).
    """
    import_id = new_request_id()
    report = ImportReport(kind=kind, dry_run=dry_run, import_id=import_id, filename=filename)
    table_kind = TABLE_KINDS.get(kind)
    if table_kind is None:
        report.add(FILE_ROW, "", _("Unbekannte Importart „%(kind)s“.") % {"kind": kind})
        return report
    try:
        table = read_table(bytes(data), filename=filename, pick_sheet=_sheet_picker(table_kind, sheet, report))
    except FileRejected as exc:
        report.issues.append(exc.issue)
        return report
    report.sheet = table.sheet
    positions = match_header(table, table_kind.columns, report)
    if positions is None:
        _suggest_kind(table_kind, [table.header], report)
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


# --- which sheet, which kind ------------------------------------------------------------------------


def _sheet_picker(kind: TableKind, wanted: str, report: ImportReport) -> SheetPicker:
    """The sheet named `wanted`, else the one whose header fits the kind's columns; otherwise the
    file is rejected and the report lists every sheet for the user to choose from."""

    def pick(sheets: list[SheetHeader]) -> SheetHeader:
        if wanted:
            for sheet in sheets:
                if sheet.name == wanted:
                    return sheet
        fits = [s for s in sheets if header_fit(s.header, kind.columns).complete]
        if len(fits) > 1:
            exact = [s for s in fits if header_fit(s.header, kind.columns).exact]
            fits = exact if len(exact) == 1 else fits
        if len(fits) == 1 and not wanted:
            return fits[0]
        report.sheets = sheets
        _suggest_kind(kind, [s.header for s in sheets], report, add_issue=not fits)
        values = {
            "n": len(sheets),
            "label": kind.label,
            "names": ", ".join(f"„{s.name}“" for s in (fits if fits and not wanted else sheets)),
            "required": ", ".join(kind.columns.required),
            "wanted": wanted,
        }
        if wanted:
            message = _(
                "Die Arbeitsmappe hat kein Tabellenblatt „%(wanted)s“. Bitte wählen Sie eines der vorhandenen: "
                "%(names)s."
            )
        elif fits:
            message = _(
                "Die Arbeitsmappe hat mehrere Tabellenblätter, deren Kopfzeile zu den Spalten für %(label)s passt "
                "(%(names)s). Bitte wählen Sie das Tabellenblatt, das importiert werden soll."
            )
        else:
            message = _(
                "Die Arbeitsmappe hat %(n)d Tabellenblätter (%(names)s), aber in keinem passt die Kopfzeile zu den "
                "Spalten für %(label)s (Pflichtspalten: %(required)s). Bitte wählen Sie das Tabellenblatt, das "
                "importiert werden soll."
            )
        raise FileRejected(message % values)

    return pick


def _suggest_kind(
    chosen: TableKind, headers: Sequence[Sequence[str]], report: ImportReport, *, add_issue: bool = True
) -> None:
    """Name the one kind whose columns a header fits (all required columns there) better than the
    chosen kind's; when the best fit is shared by several kinds, name none."""
    own = min(header_fit(header, chosen.columns).distance for header in headers)
    distances: dict[str, int] = {}
    for kind in TABLE_KINDS:
        for header in headers:
            fit = header_fit(header, kind.columns)
            if kind.key != chosen.key and fit.complete and fit.distance < own:
                distances[kind.key] = min(fit.distance, distances.get(kind.key, fit.distance))
    best = [key for key, distance in distances.items() if distance == min(distances.values(), default=-1)]
    if len(best) != 1:
        return
    report.suggested_kind = best[0]
    if add_issue:
        message = _(
            "Diese Datei sieht nach %(label)s aus – als %(label)s importieren? Gewählt war „%(chosen)s“, dazu passt "
            "die Kopfzeile nicht."
        ) % {"label": TABLE_KINDS[best[0]].label, "chosen": chosen.label}
        report.issues.insert(0, ImportIssue(FILE_ROW, "", message))


def kinds_fitting(header: Sequence[str]) -> list[TableKind]:
    """The registered kinds whose required columns the header has (for "passt zu" next to a sheet)."""
    return [kind for kind in TABLE_KINDS if header and header_fit(header, kind.columns).complete]
