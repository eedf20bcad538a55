"""The import and export page: upload → preview (a dry run) → confirm; and the export downloads.

Between preview and confirm the uploaded bytes stay on the server, in the database-backed
session (compressed), so any app process can finish the import; on confirm the file is
checked again from scratch. Nothing from the client is trusted but the file itself.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import zlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kompass.core.ratelimit import limited
from kompass.core.widgets import GermanFileInput
from kompass.org.importers import KIND_ORGUNITS
from kompass.tabular.importing import kinds_fitting, run_import
from kompass.tabular.kinds import TABLE_KINDS, TableKind, by_slug
from kompass.tabular.report import ImportReport
from kompass.tabular.writing import FORMATS, sample_file
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view

PREVIEW_ROWS = 200
SHOWN_ISSUES = 500


def kind_choices() -> list[tuple[str, Any]]:
    """Every registered import kind (org units, people, and those of higher apps), read per request."""
    return [(kind.key, kind.label) for kind in TABLE_KINDS]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Was möchten Sie importieren?"),
        choices=kind_choices,
        initial=KIND_ORGUNITS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=gettext_lazy("Datei (CSV oder XLSX)"), widget=GermanFileInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV in UTF-8 oder Windows-1252 mit Semikolon oder Komma als Trennzeichen, oder eine Excel-Arbeitsmappe "
            "(XLSX; bei mehreren Tabellenblättern wird das passende gelesen oder erfragt). Höchstens %(size)s MB und "
            "%(rows)s Zeilen."
        ) % {
            "size": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß. Erlaubt sind höchstens %(size)s MB.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class RecheckForm(forms.Form):
    """Check the kept upload again: as another kind, or from the sheet the user picked."""

    token = forms.CharField(max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Was möchten Sie importieren?"), choices=kind_choices)
    sheet = forms.CharField(label=gettext_lazy("Tabellenblatt"), max_length=200, required=False)


# --- the uploaded file between preview and confirm ---------------------------------------------


def _session_key(ctx: Any) -> str:
    return f"kompass.import.{ctx.kommune.pk}"


def _keep_pending(request: TenantRequest, kind: str, filename: str, data: bytes, sheet: str = "") -> str:
    token = secrets.token_urlsafe(16)
    request.session[_session_key(request.tenant)] = {
        "token": token,
        "kind": kind,
        "filename": filename[:200],
        "sheet": sheet[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": base64.b64encode(zlib.compress(data, 6)).decode("ascii"),
    }
    return token


def _take_pending(request: TenantRequest, token: str) -> dict[str, Any] | None:
    """The pending upload for this token (removed from the session), or None."""
    pending = request.session.pop(_session_key(request.tenant), None)
    if not isinstance(pending, dict):
        return None
    expected = str(pending.get("token", ""))
    if not expected or not secrets.compare_digest(expected.encode(), token.encode()):
        return None
    data = zlib.decompress(base64.b64decode(pending["data"]))
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        return None
    return {**pending, "data": data}


# --- views ---------------------------------------------------------------------------------


def _page(
    request: TenantRequest,
    form: ImportForm | None,
    report: ImportReport | None = None,
    token: str = "",
) -> HttpResponse:
    """The page; like every form page of the app, a rejected upload is shown with status 200."""
    ctx = request.tenant
    slug = ctx.kommune.slug
    kinds = list(TABLE_KINDS)
    # Export URLs use German words: …/export/organisationseinheiten.csv
    exports = [
        (kind.label, [(fmt.upper(), reverse("org:export", args=[slug, kind.slug, fmt])) for fmt in FORMATS])
        for kind in kinds
    ]
    suggested = TABLE_KINDS.get(report.suggested_kind) if report and report.suggested_kind else None
    return render(
        request,
        "org/import_export.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "exports": exports,
            "can_import": ctx.can(Capability.IMPORT),
            "kinds": kinds,
            "layouts": [_layout(slug, kind) for kind in kinds],
            "kind_label": _kind_label(report),
            "suggested": suggested,
            "sheets": [(sheet, kinds_fitting(sheet.header)) for sheet in report.sheets] if report else [],
            "kind_choices": kind_choices(),
            "key_label": _key_label(report),
            "name_label": _name_label(report),
            "preview_rows": report.rows[:PREVIEW_ROWS] if report else [],
            "shown_issues": report.issues[:SHOWN_ISSUES] if report else [],
            "preview_limit": PREVIEW_ROWS,
            "issue_limit": SHOWN_ISSUES,
            "breadcrumbs": [(_("Import und Export"), None)],
        },
    )


def _key_label(report: ImportReport | None) -> str:
    kind = TABLE_KINDS.get(report.kind) if report else None
    return str(kind.key_label) if kind and kind.key_label else _("Kennung")


def _name_label(report: ImportReport | None) -> str:
    kind = TABLE_KINDS.get(report.kind) if report else None
    return str(kind.name_label) if kind and kind.name_label else _("Name")


def _kind_label(report: ImportReport | None) -> str:
    kind = TABLE_KINDS.get(report.kind) if report else None
    return str(kind.label) if kind else ""


def _layout(slug: str, kind: TableKind) -> dict[str, Any]:
    """A kind's columns explained, with its template and example files, for "Aufbau der Dateien"."""
    required = set(kind.columns.required)
    return {
        "kind": kind,
        "columns": [(name, name in required, kind.help_for(name)) for name in kind.columns_in_order],
        "templates": [(fmt.upper(), reverse("org:import_template", args=[slug, kind.slug, fmt])) for fmt in FORMATS],
        "examples": [(fmt.upper(), reverse("org:import_example", args=[slug, kind.slug, fmt])) for fmt in FORMATS]
        if kind.example
        else [],
    }


@require_safe
@tenant_view
def import_export(request: TenantRequest) -> HttpResponse:
    """The page: export links for every member, the upload form for those who may import."""
    ctx = request.tenant
    return _page(request, ImportForm() if ctx.can(Capability.IMPORT) else None)


@require_POST
@tenant_view
@limited("import.user", "import.kommune")
def import_preview(request: TenantRequest) -> HttpResponse:
    """Check the uploaded file without saving anything and show what the import would do."""
    ctx = request.tenant
    ctx.require(Capability.IMPORT)
    if "file" not in request.FILES and "token" in request.POST:
        return _recheck(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form)
    upload = form.cleaned_data["file"]
    return _checked(request, form, form.cleaned_data["kind"], upload.name, upload.read())


def _recheck(request: TenantRequest) -> HttpResponse:
    """The kept upload checked again as the kind and from the sheet the user chose (no new upload)."""
    ctx = request.tenant
    recheck = RecheckForm(request.POST)
    pending = _take_pending(request, recheck.data.get("token", ""))
    if pending is None:
        messages.error(request, _("Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."))
        return redirect(reverse("org:import_export", args=[ctx.kommune.slug]))
    if not recheck.is_valid():
        # Only a forged or outdated form gets here: check the file as it was kept.
        kind, sheet = pending["kind"], pending.get("sheet", "")
    else:
        kind, sheet = recheck.cleaned_data["kind"], recheck.cleaned_data["sheet"]
    form = ImportForm(initial={"kind": kind})
    return _checked(request, form, kind, pending["filename"], pending["data"], sheet)


def _checked(
    request: TenantRequest, form: ImportForm, kind: str, filename: str, data: bytes, sheet: str = ""
) -> HttpResponse:
    """Dry-run the file and show the preview, the sheets to choose from, or the errors. The file is
    kept for the next step when it can be imported or when the user has to choose (sheet, kind)."""
    ctx = request.tenant
    report = run_import(
        kind=kind, kommune=ctx.kommune, actor=ctx.user, filename=filename, data=data, dry_run=True, sheet=sheet
    )
    if report.ok:
        token = _keep_pending(request, kind, filename, data, report.sheet)
        return _page(request, ImportForm(initial={"kind": kind}), report, token)
    token = ""
    if report.needs_sheet or report.suggested_kind:
        token = _keep_pending(request, kind, filename, data, report.sheet)
    if not report.needs_sheet and form.is_bound:
        form.add_error(
            "file",
            _("Die Datei wurde abgelehnt (%(n)d Fehler, siehe unten). Es wurde nichts geändert.")
            % {"n": len(report.issues)},
        )
    return _page(request, form if form.is_bound else ImportForm(initial={"kind": kind}), report, token)


@require_POST
@tenant_view
@limited("import.user", "import.kommune")
def import_confirm(request: TenantRequest) -> HttpResponse:
    """Run the previewed import: the kept file is checked again and imported in one transaction."""
    ctx = request.tenant
    ctx.require(Capability.IMPORT)
    pending = _take_pending(request, request.POST.get("token", ""))
    target = reverse("org:import_export", args=[ctx.kommune.slug])
    if request.POST.get("action") == "cancel":
        messages.info(request, _("Der Import wurde verworfen. Es wurde nichts geändert."))
        return redirect(target)
    if pending is None:
        messages.error(request, _("Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."))
        return redirect(target)
    report = run_import(
        kind=pending["kind"],
        kommune=ctx.kommune,
        actor=ctx.user,
        filename=pending["filename"],
        data=pending["data"],
        dry_run=False,
        sheet=pending.get("sheet", ""),
    )
    if not report.ok:
        form = ImportForm(initial={"kind": pending["kind"]})
        return _page(request, form, report)
    messages.success(request, report.summary())
    return redirect(target)


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def export(request: TenantRequest, kind: str, fmt: str) -> HttpResponse:
    """Download the data of a registered kind (org units, people, role assignments …) of the Kommune
    as CSV or XLSX (every member may); `kind` is the kind's German slug."""
    ctx = request.tenant
    table_kind = by_slug(kind)
    if table_kind is None or fmt not in FORMATS:
        raise Http404
    result = table_kind.export(ctx.kommune, fmt)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@tenant_view
def import_template(request: TenantRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file of a kind: its header row only (`vorlage-<kind>.<fmt>`), the same for every Kommune."""
    return _sample(kind, fmt, example=False)


@require_safe
@tenant_view
def import_example(request: TenantRequest, kind: str, fmt: str) -> HttpResponse:
    """A filled example of a kind (`beispiel-<kind>.<fmt>`): together, the examples of all kinds import
    into an empty Kommune in the page's order."""
    return _sample(kind, fmt, example=True)


def _sample(slug: str, fmt: str, *, example: bool) -> HttpResponse:
    table_kind = by_slug(slug)
    if table_kind is None or fmt not in FORMATS or (example and not table_kind.example):
        raise Http404
    stem = f"{'beispiel' if example else 'vorlage'}-{table_kind.slug}"
    rows = [list(row) for row in table_kind.example] if example else []
    result = sample_file(header=table_kind.columns_in_order, rows=rows, fmt=fmt, stem=stem, title=str(table_kind.label))
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
