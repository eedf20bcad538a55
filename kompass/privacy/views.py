"""The Datenschutz pages of a Kommune (Administration only): find a person or member, give the
Auskunft (DSGVO Art. 15) as JSON or PDF, and erase (Art. 17) after a typed confirmation.

Downloads are rate limited like every export and written to the log by pseudonym; the erasure
is POST only and runs `services.erase_person` in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.core.ratelimit import limited
from kompass.privacy import access, forms, pdf, selectors, services
from kompass.privacy.selectors import DataSubject
from kompass.tenancy.decorators import TenantRequest, tenant_view

Fetch = Callable[..., DataSubject]


def _crumbs(request: TenantRequest, here: str | None = None) -> list[tuple[str, str | None]]:
    index = reverse("privacy:index", args=[request.tenant.kommune.slug])
    return [(_("Datenschutz"), index if here else None), *([(here, None)] if here else [])]


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def index(request: TenantRequest) -> HttpResponse:
    """Search a person of the Verwaltungsgliederung or a member of the Kommune. The search is sent
    by POST, so a searched name never stands in an address, a browser history or a proxy log."""
    ctx = request.tenant
    ctx.require(access.CAPABILITY)
    form = forms.SearchForm(request.POST or None)
    people: list = []
    members: list = []
    if form.is_valid() and form.cleaned_data["q"]:
        people = selectors.people_find(ctx.kommune, form.cleaned_data["q"])
        members = selectors.members_find(ctx.kommune, form.cleaned_data["q"])
    context = {
        "form": form,
        "people": [(p, selectors.PICK_SOURCES[selectors.PEOPLE_SOURCE].label(p)) for p in people],
        "members": members,
        "searched": form.is_bound,
        "breadcrumbs": _crumbs(request),
    }
    return render(request, "privacy/index.html", context)


def _urls(request: TenantRequest, kind: str, pk: int) -> dict[str, str]:
    slug = request.tenant.kommune.slug
    return {name: reverse(f"privacy:{kind}_{name}", args=[slug, pk]) for name in ("detail", "json", "pdf", "erase")}


def _detail(request: TenantRequest, fetch: Fetch, kind: str, pk: int) -> HttpResponse:
    ds = fetch(request.tenant, pk)
    data = services.export_data(ds)
    context = {
        "subject": ds,
        "tables": data["tabellen"],
        "protocol_count": len(data["protokoll_ueber_die_person"]),
        "urls": _urls(request, kind, pk),
        "breadcrumbs": _crumbs(request, ds.label),
    }
    return render(request, "privacy/subject.html", context)


def _download(request: TenantRequest, fetch: Fetch, pk: int, fmt: str) -> HttpResponse:
    ds = fetch(request.tenant, pk)
    data = services.export_data(ds)
    if fmt == "json":
        content, content_type = services.export_json(data), "application/json; charset=utf-8"
    else:
        content, content_type = pdf.export_pdf(ds, data), pdf.CONTENT_TYPE
    if request.method != "HEAD":  # only a real download discloses something
        services.export_record(ds, actor=request.user, fmt=fmt.upper())
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="auskunft-{ds.kommune.slug}-{pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _erase(request: TenantRequest, fetch: Fetch, kind: str, pk: int) -> HttpResponse:
    ds = fetch(request.tenant, pk)
    form = forms.EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.erase_person(ds.kommune, person=ds.person, user=ds.user, actor=request.user)
        messages.success(
            request,
            _("Die Daten wurden gelöscht. Im Protokoll steht die Löschung unter %(names)s.")
            % {"names": ", ".join(result.pseudonyms)},
        )
        return redirect("privacy:index", request.tenant.kommune.slug)
    context = {
        "subject": ds,
        "form": form,
        "urls": _urls(request, kind, pk),
        "breadcrumbs": _crumbs(request, _("Löschen")),
    }
    return render(request, "privacy/erase.html", context, status=400 if form.is_bound else 200)


@require_safe
@tenant_view
def person_detail(request: TenantRequest, pk: int) -> HttpResponse:
    return _detail(request, access.person_subject, "person", pk)


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def person_json(request: TenantRequest, pk: int) -> HttpResponse:
    return _download(request, access.person_subject, pk, "json")


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def person_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    return _download(request, access.person_subject, pk, "pdf")


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def person_erase(request: TenantRequest, pk: int) -> HttpResponse:
    return _erase(request, access.person_subject, "person", pk)


@require_safe
@tenant_view
def member_detail(request: TenantRequest, pk: int) -> HttpResponse:
    return _detail(request, access.member_subject, "member", pk)


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def member_json(request: TenantRequest, pk: int) -> HttpResponse:
    return _download(request, access.member_subject, pk, "json")


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def member_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    return _download(request, access.member_subject, pk, "pdf")


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def member_erase(request: TenantRequest, pk: int) -> HttpResponse:
    return _erase(request, access.member_subject, "member", pk)
