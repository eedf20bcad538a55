"""Versions of the agenda (Fassungen) with their vision, Leitsätze and Handlungsfelder: list,
detail, the diff against the version a draft was copied from, editing a draft, deciding it and
starting a new draft from a decided one.

Every member reads; changes need `EDIT_AGENDA`. A decided version is frozen: its form pages say
so and why (and refuse a POST with 400), and the way to change it is a new draft.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.agenda import access, selectors, selectors_strategy, services
from kompass.agenda.forms_strategy import DecideForm, HandlungsfeldForm, LeitsatzForm, VisionForm
from kompass.agenda.models import AgendaVersion, CouncilDecision, DecisionResult, Handlungsfeld, Leitsatz
from kompass.agenda.views.strategy_common import (
    FORM_METHODS,
    crumbs,
    form_response,
    frozen,
    refused,
    update_page,
    version_crumbs,
)
from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_version, success
from kompass.org.forms import DeleteForm
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view


def _detail(ctx: TenantContext, version: AgendaVersion) -> str:
    return reverse("agenda:version_detail", args=[ctx.kommune.slug, version.pk])


# --- versions ----------------------------------------------------------------------------------------


@require_safe
@tenant_view
def version_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    versions = selectors_strategy.version_state(ctx.kommune)
    counts = selectors_strategy.version_counts(ctx.kommune)
    rows = [(v, *counts.get(v.pk, (0, 0))) for v in reversed(versions.all)]
    return render(
        request,
        "agenda/strategy/version_list.html",
        {
            "rows": rows,
            "versions": versions,
            "has_agenda": selectors.agenda(ctx.kommune) is not None,
            "can_edit": access.can_edit_strategy(ctx),
            "breadcrumbs": crumbs(ctx, (_("Fassungen"), None)),
        },
    )


@require_safe
@tenant_view
def version_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_view(ctx, pk)
    versions = selectors_strategy.version_state(ctx.kommune)
    known = selectors_strategy.framework_fields(ctx.kommune)
    fields = [
        (hf, *selectors_strategy.field_names(list(hf.framework_field_keys or []), known))
        for hf in selectors.handlungsfelder(ctx.kommune, version)
    ]
    return render(
        request,
        "agenda/strategy/version_detail.html",
        {
            "agenda_version": version,
            "leitsaetze": list(selectors.leitsaetze(ctx.kommune, version)),
            "fields": fields,
            "in_force": versions.decided is not None and versions.decided.pk == version.pk,
            "draft": versions.draft,
            "can_edit": access.can_edit_strategy(ctx),
            "history": history_for(ctx, version),
            "breadcrumbs": [*version_crumbs(ctx, version)[:-1], (_("Fassung %(n)d") % {"n": version.number}, None)],
        },
    )


@require_safe
@tenant_view
def version_diff(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_view(ctx, pk)
    base = (
        access.version_for_view(ctx, version.based_on_id) if version.based_on_id is not None else None
    )  # same Kommune by construction; fetched through the choke point all the same
    diff = selectors.diff_between(ctx.kommune, base, version) if base is not None else None
    return render(
        request,
        "agenda/strategy/version_diff.html",
        {
            "agenda_version": version,
            "base": base,
            "diff": diff,
            "lines": diff.lines() if diff is not None else [],
            "breadcrumbs": [*version_crumbs(ctx, version), (_("Vergleich"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def version_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_edit(ctx, pk)
    title = _("Vision von Fassung %(n)d bearbeiten") % {"n": version.number}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = VisionForm(request.POST or None, initial=VisionForm.initial_for(version))
    return update_page(
        request,
        form,
        partial(services.version_update, kommune=ctx.kommune, actor=ctx.user, version=version),
        field="vision",
        done=lambda _saved: success(
            request, _("Die Vision wurde gespeichert."), "agenda:version_detail", ctx.kommune.slug, pk
        ),
        title=title,
        cancel=_detail(ctx, version),
        breadcrumbs=[*version_crumbs(ctx, version), (_("Vision"), None)],
    )


def _approving(ctx: TenantContext) -> list[CouncilDecision]:
    return list(
        CouncilDecision.objects.for_kommune(ctx.kommune)
        .filter(result__in=[DecisionResult.BESCHLOSSEN, DecisionResult.GEAENDERT])
        .order_by("-decided_on", "-id")
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def version_decide(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_edit(ctx, pk)
    title = _("Fassung %(n)d als beschlossen festhalten") % {"n": version.number}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = DecideForm(request.POST or None, decisions=_approving(ctx), initial={"version": version.version})
    base = version.based_on
    diff = selectors.diff_between(ctx.kommune, base, version) if base is not None else None
    return form_response(
        request,
        form,
        lambda: services.version_decide(
            kommune=ctx.kommune,
            actor=ctx.user,
            version=version,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Fassung %(n)d ist als beschlossen festgehalten und kann nicht mehr geändert werden.")
            % {"n": saved.number},
            "agenda:version_detail",
            ctx.kommune.slug,
            pk,
        ),
        template="agenda/strategy/version_decide.html",
        context={
            "title": title,
            "agenda_version": version,
            "counts": selectors_strategy.version_counts(ctx.kommune).get(version.pk, (0, 0)),
            "lines": diff.lines() if diff is not None else None,
            "base": base,
            "breadcrumbs": [*version_crumbs(ctx, version), (_("Beschluss"), None)],
        },
    )


@require_POST
@tenant_view
def version_new_draft(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_edit(ctx, pk)
    try:
        draft = services.version_new_draft(kommune=ctx.kommune, actor=ctx.user, source=version)
    except ValidationError as exc:
        return refused(
            request,
            " ".join(exc.messages),
            title=_("Neuen Entwurf anlegen"),
            back=_detail(ctx, version),
            crumbs=version_crumbs(ctx, version),
        )
    return success(
        request,
        _(
            "Fassung %(n)d ist als Entwurf angelegt, mit Vision, Leitsätzen und Handlungsfeldern von Fassung %(old)d. "
            "Bis zum Beschluss gilt weiter Fassung %(old)d."
        )
        % {"n": draft.number, "old": version.number},
        "agenda:version_detail",
        ctx.kommune.slug,
        draft.pk,
    )


# --- Leitsätze ----------------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@tenant_view
def leitsatz_create(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_edit(ctx, pk)
    title = _("Neuer Leitsatz für Fassung %(n)d") % {"n": version.number}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = LeitsatzForm(request.POST or None)
    return form_response(
        request,
        form,
        lambda: services.leitsatz_create(
            kommune=ctx.kommune, actor=ctx.user, version=version, data={"text": form.cleaned_data["text"]}
        ),
        done=lambda _saved: success(
            request, _("Der Leitsatz wurde angelegt."), "agenda:version_detail", ctx.kommune.slug, pk
        ),
        template="agenda/strategy/form.html",
        context={
            "title": title,
            "cancel": _detail(ctx, version) + "#leitsaetze",
            "breadcrumbs": [*version_crumbs(ctx, version), (_("Neuer Leitsatz"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def leitsatz_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    leitsatz = access.leitsatz_for_edit(ctx, pk)
    version = leitsatz.agenda_version
    title = _("Leitsatz bearbeiten")
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = LeitsatzForm(request.POST or None, initial=LeitsatzForm.initial_for(leitsatz))
    return update_page(
        request,
        form,
        partial(services.leitsatz_update, kommune=ctx.kommune, actor=ctx.user, leitsatz=leitsatz),
        field="text",
        done=lambda _saved: success(
            request, _("Der Leitsatz wurde gespeichert."), "agenda:version_detail", ctx.kommune.slug, version.pk
        ),
        history=leitsatz,
        title=title,
        cancel=_detail(ctx, version) + "#leitsaetze",
        breadcrumbs=[*version_crumbs(ctx, version), (title, None)],
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def leitsatz_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    leitsatz: Leitsatz = access.leitsatz_for_edit(ctx, pk)
    version = leitsatz.agenda_version
    title = _("Leitsatz löschen")
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = DeleteForm(request.POST or None, initial={"version": leitsatz.version})
    return form_response(
        request,
        form,
        lambda: services.leitsatz_delete(kommune=ctx.kommune, actor=ctx.user, leitsatz=leitsatz),
        done=lambda _none: success(
            request, _("Der Leitsatz wurde gelöscht."), "agenda:version_detail", ctx.kommune.slug, version.pk
        ),
        template="agenda/strategy/delete.html",
        context={
            "title": title,
            "question": _("Wollen Sie diesen Leitsatz aus dem Entwurf löschen?"),
            "quote": leitsatz.text,
            "cancel": _detail(ctx, version) + "#leitsaetze",
            "breadcrumbs": [*version_crumbs(ctx, version), (title, None)],
        },
    )


# --- Handlungsfelder ----------------------------------------------------------------------------------


def _hf_form(ctx: TenantContext, request: TenantRequest, hf: Handlungsfeld | None = None) -> HandlungsfeldForm:
    known = list(selectors_strategy.framework_fields(ctx.kommune).values())
    return HandlungsfeldForm(
        request.POST or None,
        fields=known,
        keep=list(hf.framework_field_keys or []) if hf is not None else [],
        initial=HandlungsfeldForm.initial_for(hf) if hf is not None else None,
    )


def _hf_context(ctx: TenantContext, version: AgendaVersion, title: str, cancel: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "cancel": cancel,
        "framework_url": selectors_strategy.maybe_url("framework:overview", ctx.kommune.slug),
        "breadcrumbs": [*version_crumbs(ctx, version), (title, None)],
        **extra,
    }


@require_http_methods(FORM_METHODS)
@tenant_view
def handlungsfeld_create(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    version = access.version_for_edit(ctx, pk)
    title = _("Neues Handlungsfeld für Fassung %(n)d") % {"n": version.number}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = _hf_form(ctx, request)
    return form_response(
        request,
        form,
        lambda: services.handlungsfeld_create(
            kommune=ctx.kommune, actor=ctx.user, version=version, data=form.service_data()
        ),
        done=lambda saved: success(
            request,
            _("Das Handlungsfeld „%(name)s“ wurde angelegt.") % {"name": saved.name},
            "agenda:handlungsfeld_detail",
            ctx.kommune.slug,
            saved.pk,
        ),
        template="agenda/strategy/handlungsfeld_form.html",
        context=_hf_context(ctx, version, title, _detail(ctx, version) + "#handlungsfelder"),
    )


@require_safe
@tenant_view
def handlungsfeld_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    hf = access.handlungsfeld_for_view(ctx, pk)
    version = hf.agenda_version
    plain, gestaltung = selectors_strategy.field_names(
        list(hf.framework_field_keys or []), selectors_strategy.framework_fields(ctx.kommune)
    )
    goals, measures = selectors_strategy.handlungsfeld_goals_and_measures(ctx.kommune, hf)
    node = selectors_strategy.FieldNode(hf, plain, gestaltung, goals, measures)
    return render(
        request,
        "agenda/strategy/handlungsfeld_detail.html",
        {
            "hf": hf,
            "node": node,
            "agenda_version": version,
            "can_edit": access.can_edit_strategy(ctx) and not version.is_decided,
            "history": history_for(ctx, hf),
            "breadcrumbs": [*version_crumbs(ctx, version), (hf.name, None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def handlungsfeld_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    hf = access.handlungsfeld_for_edit(ctx, pk)
    version = hf.agenda_version
    title = _("Handlungsfeld „%(name)s“ bearbeiten") % {"name": hf.name}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = _hf_form(ctx, request, hf)
    detail = reverse("agenda:handlungsfeld_detail", args=[ctx.kommune.slug, hf.pk])
    return form_response(
        request,
        form,
        lambda: services.handlungsfeld_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            handlungsfeld=hf,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Das Handlungsfeld „%(name)s“ wurde gespeichert.") % {"name": saved.name},
            "agenda:handlungsfeld_detail",
            ctx.kommune.slug,
            hf.pk,
        ),
        template="agenda/strategy/handlungsfeld_form.html",
        context=_hf_context(ctx, version, title, detail),
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def handlungsfeld_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    hf = access.handlungsfeld_for_edit(ctx, pk)
    version = hf.agenda_version
    title = _("Handlungsfeld „%(name)s“ löschen") % {"name": hf.name}
    if version.is_decided:
        return frozen(request, ctx, version, title)
    form = DeleteForm(request.POST or None, initial={"version": hf.version})
    return form_response(
        request,
        form,
        lambda: services.handlungsfeld_delete(kommune=ctx.kommune, actor=ctx.user, handlungsfeld=hf),
        done=lambda _none: success(
            request,
            _("Das Handlungsfeld „%(name)s“ wurde aus dem Entwurf gelöscht.") % {"name": hf.name},
            "agenda:version_detail",
            ctx.kommune.slug,
            version.pk,
        ),
        template="agenda/strategy/delete.html",
        context={
            "title": title,
            "question": _(
                "Wollen Sie das Handlungsfeld aus dem Entwurf löschen? Ziele und Maßnahmen bleiben erhalten; sie "
                "verlieren nur die Zuordnung zu diesem Handlungsfeld des Entwurfs."
            ),
            "quote": hf.name,
            "cancel": reverse("agenda:handlungsfeld_detail", args=[ctx.kommune.slug, hf.pk]),
            "breadcrumbs": [*version_crumbs(ctx, version), (title, None)],
        },
    )
