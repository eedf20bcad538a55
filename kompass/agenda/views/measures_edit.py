"""Creating, changing, deleting and moving measures, and a draft measure from an accepted
recommendation of the self-assessment.

A measure has its place in the Verwaltungsgliederung, its responsible unit: `EDIT_MEASURES` there
(`access.can_edit_measure`). A Redaktion limited to a subtree creates and changes the measures whose
responsible unit lies inside it and cannot move one out of it; a measure without a unit, like one
from a recommendation, is Kommune-wide. Every POST answers 302 when it worked and 400 with the
German messages when it did not (nothing stored); a stale version is a conflict, said in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kompass.agenda import access, services
from kompass.agenda import selectors_measures as selectors
from kompass.agenda.forms_measures import DeleteForm, MeasureForm, StatusForm
from kompass.agenda.models import Measure
from kompass.agenda.views.measures import crumbs, measure_crumbs, portfolio_crumb
from kompass.assessment.models import Recommendation
from kompass.audit.services import check_version
from kompass.core.forms_util import form_page, form_version, save_form, success
from kompass.tenancy.access import fetch
from kompass.tenancy.decorators import TenantRequest, tenant_view

FORM_METHODS = ["GET", "HEAD", "POST"]


def form_page_400(request: TenantRequest, form: forms.BaseForm, save: Callable[[], Any], **kwargs: Any) -> HttpResponse:
    """`core.forms_util.form_page`, but a POST that stored nothing answers 400 (bad input, a refusal
    of the service or a stale version), so scripts and tests see the failure."""
    return form_page(request, form, save, refused_status=400, **kwargs)


def require_place(ctx: Any, unit: Any) -> None:
    """SECURITY: the responsible unit named in the body must lie where the member may edit measures."""
    access.require_measure_editor(ctx, Measure(kommune=ctx.kommune, responsible_unit=unit))


@require_http_methods(FORM_METHODS)
@tenant_view
def measure_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_measure_editor(ctx, None)  # the empty form: for everyone who may create one somewhere
    form = MeasureForm(request.POST or None, kommune=ctx.kommune)

    def save() -> Measure:
        require_place(ctx, form.cleaned_data.get("responsible_unit"))
        return services.measure_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data())

    return form_page_400(
        request,
        form,
        save,
        done=lambda measure: success(
            request,
            _("Die Maßnahme „%(title)s“ wurde angelegt.") % {"title": measure.title},
            "agenda:measure_detail",
            ctx.kommune.slug,
            measure.pk,
        ),
        template="agenda/measures/measure_form.html",
        context={
            "title": _("Neue Maßnahme"),
            "cancel": reverse("agenda:portfolio", args=[ctx.kommune.slug]),
            "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Neue Maßnahme"), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def measure_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    detail = selectors.measure_detail(ctx.kommune, measure) if request.method != "POST" else None
    initial = MeasureForm.initial_for(measure, detail.handlungsfelder, detail.goals) if detail else None
    form = MeasureForm(request.POST or None, kommune=ctx.kommune, initial=initial)

    def save() -> Measure:
        require_place(ctx, form.cleaned_data.get("responsible_unit"))
        return services.measure_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            measure=measure,
            data=form.service_data(),
            expected_version=form_version(form),
        )

    return form_page_400(
        request,
        form,
        save,
        done=lambda saved: success(
            request,
            _("Die Maßnahme „%(title)s“ wurde gespeichert.") % {"title": saved.title},
            "agenda:measure_detail",
            ctx.kommune.slug,
            measure.pk,
        ),
        template="agenda/measures/measure_form.html",
        context={
            "measure": measure,
            "title": _("Maßnahme „%(title)s“ bearbeiten") % {"title": measure.title},
            "cancel": reverse("agenda:measure_detail", args=[ctx.kommune.slug, measure.pk]),
            "breadcrumbs": [*measure_crumbs(ctx, measure), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def measure_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": measure.version})

    def save() -> None:
        check_version(measure, form_version(form))  # deleting what someone changed meanwhile is a conflict
        services.measure_delete(kommune=ctx.kommune, actor=ctx.user, measure=measure)

    return form_page_400(
        request,
        form,
        save,
        done=lambda _none: success(
            request,
            _("Die Maßnahme „%(title)s“ wurde in den Papierkorb verschoben und ist 30 Tage wiederherstellbar.")
            % {"title": measure.title},
            "agenda:portfolio",
            ctx.kommune.slug,
        ),
        template="agenda/measures/measure_delete.html",
        context={
            "measure": measure,
            "title": _("Maßnahme „%(title)s“ löschen") % {"title": measure.title},
            "breadcrumbs": [*measure_crumbs(ctx, measure), (_("Löschen"), None)],
        },
    )


def _back(request: TenantRequest, fallback: str) -> str:
    """Where a move returns to: the page it was sent from (the board or the measure), never elsewhere."""
    back = request.POST.get("back", "")
    if back and back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return fallback


@require_POST
@tenant_view
def measure_status(request: TenantRequest, pk: int) -> HttpResponse:
    """Move a measure to another status with a note (the board's move, also from the measure page);
    the step enters the status history."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    form = StatusForm(request.POST)
    detail_url = reverse("agenda:measure_detail", args=[ctx.kommune.slug, measure.pk])
    if form.is_valid():
        done = save_form(
            form,
            lambda: services.measure_status_change(
                kommune=ctx.kommune,
                actor=ctx.user,
                measure=measure,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                expected_version=form_version(form),
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("„%(title)s“ hat jetzt den Status „%(status)s“.")
                % {"title": measure.title, "status": done.get_status_display()},
            )
            return HttpResponseRedirect(_back(request, detail_url))
    return render(
        request,
        "agenda/measures/status_error.html",
        {
            "measure": measure,
            "form": form,
            "back": _back(request, detail_url),
            "title": _("Status von „%(title)s“ ändern") % {"title": measure.title},
            "breadcrumbs": [*measure_crumbs(ctx, measure), (_("Status ändern"), None)],
        },
        status=400,
    )


@require_POST
@tenant_view
def measure_from_recommendation(request: TenantRequest, pk: int) -> HttpResponse:
    """A draft measure (Idee) from an accepted recommendation; it keeps the field and the gap it came
    from and has no responsible unit yet, so it is Kommune-wide. Then its edit page."""
    ctx = request.tenant
    recommendation = fetch(ctx, Recommendation.objects.select_related("field"), pk)
    require_place(ctx, None)
    try:
        measure = services.measure_from_recommendation(
            kommune=ctx.kommune, actor=ctx.user, recommendation=recommendation
        )
    except ValidationError as exc:
        return render(
            request,
            "agenda/measures/refused.html",
            {
                "title": _("Die Empfehlung wurde nicht übernommen"),
                "errors": exc.messages,
                "back": reverse("agenda:portfolio", args=[ctx.kommune.slug]),
                "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Aus Empfehlung"), None)),
            },
            status=400,
        )
    return success(
        request,
        _(
            "Aus der Empfehlung „%(title)s“ ist die Maßnahme im Status „Idee“ entstanden. Ergänzen Sie verantwortliche "
            "Rolle, federführende Einheit, Zeitraum und Budget."
        )
        % {"title": recommendation.title},
        "agenda:measure_edit",
        ctx.kommune.slug,
        measure.pk,
    )
