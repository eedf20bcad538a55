"""Importing measured KPI values from a file: upload → preview (a dry run, nothing stored) → apply,
all or nothing (`services.kpi_values_import`); and the empty template file with the columns.

Kommune-wide (`EDIT_AGENDA`): a file may carry values of any KPI. Between preview and apply the
uploaded bytes stay on the server, in the session (compressed, with their hash), and are checked
again from scratch when applied; nothing from the client is trusted but the file itself.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import zlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from kompass.agenda import access, services
from kompass.agenda.forms_kpis import ImportForm
from kompass.agenda.views.kpis_common import FORM_METHODS, kpi_crumbs
from kompass.core.ratelimit import limited
from kompass.tabular.report import ImportReport
from kompass.tabular.writing import FORMATS, sample_file
from kompass.tenancy.decorators import TenantRequest, tenant_view

PREVIEW_ROWS = 200
SHOWN_ISSUES = 500
TEMPLATE_STEM = "vorlage-kennzahlenwerte"
# What each column holds, for the page and the template's users.
COLUMN_HELP = (
    ("kennzahl", True, gettext_lazy("Nummer der Kennzahl (wie auf ihrer Seite, z. B. 17 oder #17) oder ihr Name.")),
    ("datum", True, gettext_lazy("Stichtag als TT.MM.JJJJ oder JJJJ-MM-TT.")),
    ("wert", True, gettext_lazy("Der gemessene Wert, z. B. 1.234,56 oder 12,5.")),
    ("anmerkung", False, gettext_lazy("Freitext, höchstens 500 Zeichen.")),
)


def _session_key(request: TenantRequest) -> str:
    return f"kompass.agenda.kpi_import.{request.tenant.kommune.pk}"


def _keep(request: TenantRequest, filename: str, data: bytes) -> str:
    token = secrets.token_urlsafe(16)
    request.session[_session_key(request)] = {
        "token": token,
        "filename": filename[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": base64.b64encode(zlib.compress(data, 6)).decode("ascii"),
    }
    return token


def _take(request: TenantRequest, token: str) -> dict[str, Any] | None:
    """The kept upload for this token (removed from the session), or None."""
    pending = request.session.pop(_session_key(request), None)
    if not isinstance(pending, dict):
        return None
    expected = str(pending.get("token", ""))
    if not expected or not secrets.compare_digest(expected.encode(), token.encode()):
        return None
    data = zlib.decompress(base64.b64decode(pending["data"]))
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        return None
    return {**pending, "data": data}


def _page(
    request: TenantRequest, form: ImportForm, report: ImportReport | None = None, token: str = "", status: int = 200
) -> HttpResponse:
    slug = request.tenant.kommune.slug
    context = {
        "form": form,
        "report": report,
        "token": token,
        "preview_rows": report.rows[:PREVIEW_ROWS] if report else [],
        "shown_issues": report.issues[:SHOWN_ISSUES] if report else [],
        "preview_limit": PREVIEW_ROWS,
        "issue_limit": SHOWN_ISSUES,
        "columns": COLUMN_HELP,
        "templates": [(fmt.upper(), reverse("agenda:kpi_import_template", args=[slug, fmt])) for fmt in FORMATS],
        "breadcrumbs": [*kpi_crumbs(request.tenant), (_("Werte importieren"), None)],
    }
    return render(request, "agenda/kpis/import.html", context, status=status)


@require_http_methods(FORM_METHODS)
@tenant_view
@limited("import.user", "import.kommune", methods=["POST"])
def kpi_import(request: TenantRequest) -> HttpResponse:
    """GET: the upload form. POST with a file: the preview (200) or the rejected file (400), nothing
    stored. POST with `action=import` and the preview's token: apply the kept file (302)."""
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    if request.method != "POST":
        return _page(request, ImportForm())
    if "token" in request.POST and "file" not in request.FILES:
        return _apply(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    report = services.kpi_values_import(
        kommune=ctx.kommune, actor=ctx.user, filename=upload.name, data=data, dry_run=True
    )
    if not report.ok:
        form.add_error(
            "file",
            _("Die Datei wurde abgelehnt (%(n)d Fehler, siehe unten). Es wurde nichts geändert.")
            % {"n": len(report.issues)},
        )
        return _page(request, form, report, status=400)
    return _page(request, ImportForm(), report, _keep(request, upload.name, data))


def _apply(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    pending = _take(request, request.POST.get("token", ""))
    target = reverse("agenda:kpi_import", args=[ctx.kommune.slug])
    if request.POST.get("action") == "cancel":
        messages.info(request, _("Der Import wurde verworfen. Es wurde nichts geändert."))
        return redirect(target)
    if pending is None:
        messages.error(request, _("Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."))
        return _page(request, ImportForm(), status=400)
    report = services.kpi_values_import(
        kommune=ctx.kommune, actor=ctx.user, filename=pending["filename"], data=pending["data"], dry_run=False
    )
    if not report.ok:
        return _page(request, ImportForm(), report, status=400)
    messages.success(request, report.summary())
    return redirect(reverse("agenda:kpi_list", args=[ctx.kommune.slug]))


@require_safe
@tenant_view
def kpi_import_template(request: TenantRequest, fmt: str) -> HttpResponse:
    """The empty template (header row only) as CSV or XLSX, the same for every Kommune."""
    if fmt not in FORMATS:
        raise Http404
    header = [name for name, _required, _text in COLUMN_HELP]
    result = sample_file(header=header, rows=[], fmt=fmt, stem=TEMPLATE_STEM, title="Kennzahlenwerte")
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
