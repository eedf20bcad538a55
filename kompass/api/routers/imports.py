"""Imports of org units and people from CSV or XLSX, with the same importer as the upload page.

Sent as `multipart/form-data` with the file in `file` and `dry_run` (true: only check and report).
The whole file runs in one transaction: one bad row and nothing changes (docs/security.md I1). A file that can
be imported answers 200 with the report; a rejected file 422 with every problem (row, column,
German reason) in `detail` and the full report in `report`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from kompass.api.errors import InputError
from kompass.api.gate import tenant
from kompass.api.schemas import ErrorOut, ImportRejectedOut, ImportReportOut, ValidationErrorOut, clean_text
from kompass.core.ratelimit import enforce
from kompass.org.importers import KIND_ORGUNITS, KIND_PEOPLE
from kompass.tabular.importing import run_import
from kompass.tabular.report import FILE_ROW, ImportReport
from kompass.tenancy.capabilities import Capability

router = Router(tags=["Importe"])
BASE = "/kommunen/{kommune_slug}/importe"
RESPONSES: dict[int, Any] = {
    200: ImportReportOut,
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ImportRejectedOut | ValidationErrorOut,
}


@router.post(BASE + "/organisationseinheiten", response=RESPONSES, summary="Organisationseinheiten importieren")
def import_orgunits(
    request: HttpRequest, kommune_slug: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status[dict[str, Any]]:
    """Spalten: `kennung;name;typ;uebergeordnet;leitung_email` (Kopfzeile, Reihenfolge beliebig)."""
    return _import(request, KIND_ORGUNITS, file, dry_run)


@router.post(BASE + "/personen", response=RESPONSES, summary="Personen importieren")
def import_persons(
    request: HttpRequest, kommune_slug: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status[dict[str, Any]]:
    """Spalten: `email;vorname;nachname;funktion;organisationseinheit` (Kennung der Einheit)."""
    return _import(request, KIND_PEOPLE, file, dry_run)


def _import(request: HttpRequest, kind: str, file: UploadedFile, dry_run: bool) -> Status[dict[str, Any]]:
    ctx = tenant(request)
    ctx.require(Capability.IMPORT)
    enforce(request, "import.user", "import.kommune")  # the same counters as the import pages (docs/security.md S7)
    max_bytes = settings.IMPORT_MAX_BYTES
    if file.size is not None and file.size > max_bytes:
        raise InputError(
            "body",
            "file",
            _("Die Datei ist zu groß. Erlaubt sind höchstens %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)},
        )
    filename = clean_text(file.name or "")[:200]
    report = run_import(
        kind=kind,
        kommune=ctx.kommune,
        actor=ctx.user,
        filename=filename,
        data=file.read(max_bytes + 1),
        dry_run=dry_run,
    )
    body = _report(report)
    if report.ok:
        return Status(200, body)
    return Status(422, {"detail": [_issue(issue) for issue in report.issues], "report": body})


def _report(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "filename": report.filename,
        "import_id": report.import_id,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rows": [{"row": r.row, "key": r.key, "action": r.action, "changed": r.changed} for r in report.rows],
        "issues": [{"row": i.row, "column": i.column, "message": i.message} for i in report.issues],
    }


def _issue(issue: Any) -> dict[str, Any]:
    loc: list[str | int] = ["body", "file"]
    if issue.row != FILE_ROW:
        loc.append(issue.row)
    if issue.column:
        loc.append(issue.column)
    return {"loc": loc, "msg": str(issue), "type": "import_error"}
