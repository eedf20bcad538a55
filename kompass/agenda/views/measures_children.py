"""What hangs on a measure: milestones, budget lines, risks, steps of the impact chain (each created,
changed and deleted), the RACI rows and the dependencies (picked with the search combobox).

Everything here needs `EDIT_MEASURES` at the measure's responsible unit (`access.measure_for_edit`);
a child is looked up inside its measure, so another measure's (or another Kommune's) id is 404. The
forms sit folded on the measure page and post here; a create or delete is POST only, a change has
its own page. Without script every form works; bad input comes back as a page with the German
messages next to the fields (400), nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.agenda import access, pickers, selectors, services
from kompass.agenda.forms_measures import (
    BudgetForm,
    DeleteForm,
    DependencyForm,
    ImpactStepForm,
    MilestoneForm,
    RaciForm,
    RiskForm,
)
from kompass.agenda.impact import impact_labels
from kompass.agenda.models import BudgetLine, ImpactStep, Measure, MeasureDependency, MeasureRole, Milestone, Risk
from kompass.agenda.views.measures import measure_crumbs
from kompass.agenda.views.measures_edit import FORM_METHODS, form_page_400
from kompass.audit.services import check_version
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import form_version
from kompass.core.pickers import SEARCH_LIMIT, search_answer, search_text
from kompass.tenancy.access import fetch
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view


@dataclass(frozen=True)
class Child:
    """One kind of thing that hangs on a measure, and the services that change it."""

    model: type[Model]
    form: Callable[..., forms.Form]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    keyword: str  # the service's name for the object ("milestone", "line", "risk", "step")
    anchor: str  # the section of the measure page
    noun: Any  # "Meilenstein", for the page titles
    created: Any
    saved: Any
    deleted: Any


def _impact_form(ctx: TenantContext, *args: Any, **kwargs: Any) -> forms.Form:
    return ImpactStepForm(*args, labels=impact_labels(selectors.settings(ctx.kommune).impact_labels), **kwargs)


def _plain(form_class: type[forms.Form]) -> Callable[..., forms.Form]:
    return lambda ctx, *args, **kwargs: form_class(*args, **kwargs)


MILESTONE = Child(
    Milestone,
    _plain(MilestoneForm),
    services.milestone_create,
    services.milestone_update,
    services.milestone_delete,
    "milestone",
    "meilensteine",
    gettext_lazy("Meilenstein"),
    gettext_lazy("Der Meilenstein wurde angelegt."),
    gettext_lazy("Der Meilenstein wurde gespeichert."),
    gettext_lazy("Der Meilenstein wurde gelöscht."),
)
BUDGET = Child(
    BudgetLine,
    _plain(BudgetForm),
    services.budget_line_create,
    services.budget_line_update,
    services.budget_line_delete,
    "line",
    "haushalt",
    gettext_lazy("Haushaltsansatz"),
    gettext_lazy("Der Haushaltsansatz wurde angelegt."),
    gettext_lazy("Der Haushaltsansatz wurde gespeichert."),
    gettext_lazy("Der Haushaltsansatz wurde gelöscht."),
)
RISK = Child(
    Risk,
    _plain(RiskForm),
    services.risk_create,
    services.risk_update,
    services.risk_delete,
    "risk",
    "risiken",
    gettext_lazy("Risiko"),
    gettext_lazy("Das Risiko wurde angelegt."),
    gettext_lazy("Das Risiko wurde gespeichert."),
    gettext_lazy("Das Risiko wurde gelöscht."),
)
IMPACT = Child(
    ImpactStep,
    _impact_form,
    services.impact_step_create,
    services.impact_step_update,
    services.impact_step_delete,
    "step",
    "wirkungskette",
    gettext_lazy("Stufe der Wirkungskette"),
    gettext_lazy("Die Stufe der Wirkungskette wurde angelegt."),
    gettext_lazy("Die Stufe der Wirkungskette wurde gespeichert."),
    gettext_lazy("Die Stufe der Wirkungskette wurde gelöscht."),
)


def detail_url(ctx: TenantContext, measure: Measure, anchor: str = "") -> str:
    return reverse("agenda:measure_detail", args=[ctx.kommune.slug, measure.pk]) + (f"#{anchor}" if anchor else "")


def _done(request: TenantRequest, message: Any, to: str) -> HttpResponse:
    messages.success(request, str(message))
    return HttpResponseRedirect(to)


def _child_page(
    request: TenantRequest,
    child: Child,
    measure: Measure,
    form: forms.Form,
    title: str,
    save: Callable[[], Any],
    done: Any,
) -> HttpResponse:
    ctx = request.tenant
    back = detail_url(ctx, measure, child.anchor)
    return form_page_400(
        request,
        form,
        save,
        done=lambda _result: _done(request, done, back),
        template="agenda/measures/child_form.html",
        context={
            "measure": measure,
            "title": title,
            "cancel": back,
            "breadcrumbs": [*measure_crumbs(ctx, measure), (str(child.noun), None)],
        },
    )


def _create_view(child: Child) -> Callable[..., HttpResponse]:
    @require_POST
    @tenant_view
    def view(request: TenantRequest, pk: int) -> HttpResponse:
        ctx = request.tenant
        measure = access.measure_for_edit(ctx, pk)
        form = child.form(ctx, request.POST)
        return _child_page(
            request,
            child,
            measure,
            form,
            _("%(noun)s für „%(title)s“ anlegen") % {"noun": child.noun, "title": measure.title},
            lambda: child.create(kommune=ctx.kommune, actor=ctx.user, measure=measure, data=form.service_data()),  # type: ignore[attr-defined]
            child.created,
        )

    return view


def _edit_view(child: Child) -> Callable[..., HttpResponse]:
    @require_http_methods(FORM_METHODS)
    @tenant_view
    def view(request: TenantRequest, pk: int, item: int) -> HttpResponse:
        ctx = request.tenant
        measure = access.measure_for_edit(ctx, pk)
        obj = fetch(ctx, child.model.objects.filter(measure=measure), item)  # type: ignore[attr-defined]
        form = child.form(ctx, request.POST or None, initial=_initial(obj))
        return _child_page(
            request,
            child,
            measure,
            form,
            _("%(noun)s von „%(title)s“ bearbeiten") % {"noun": child.noun, "title": measure.title},
            lambda: child.update(
                kommune=ctx.kommune,
                actor=ctx.user,
                data=form.service_data(),  # type: ignore[attr-defined]
                expected_version=form_version(form),
                **{child.keyword: obj},
            ),
            child.saved,
        )

    return view


def _initial(obj: Model) -> dict[str, Any]:
    forms_by_model: dict[type[Model], Any] = {
        Milestone: MilestoneForm,
        BudgetLine: BudgetForm,
        Risk: RiskForm,
        ImpactStep: ImpactStepForm,
    }
    return forms_by_model[type(obj)].initial_for(obj)  # type: ignore[no-any-return]


def _refused(
    request: TenantRequest, measure: Measure, errors: list[str], back: str, form: forms.Form | None = None
) -> HttpResponse:
    """400 with the reasons; with `form`, the form again to try once more (the dependency's)."""
    ctx = request.tenant
    return render(
        request,
        "agenda/measures/refused.html",
        {
            "measure": measure,
            "title": _("Die Änderung wurde nicht gespeichert"),
            "errors": errors,
            "back": back,
            "form": form,
            "action": reverse("agenda:dependency_add", args=[ctx.kommune.slug, measure.pk]) if form else "",
            "breadcrumbs": [*measure_crumbs(ctx, measure), (_("Nicht gespeichert"), None)],
        },
        status=400,
    )


def _delete_view(child: Child) -> Callable[..., HttpResponse]:
    @require_POST
    @tenant_view
    def view(request: TenantRequest, pk: int, item: int) -> HttpResponse:
        ctx = request.tenant
        measure = access.measure_for_edit(ctx, pk)
        obj = fetch(ctx, child.model.objects.filter(measure=measure), item)  # type: ignore[attr-defined]
        back = detail_url(ctx, measure, child.anchor)
        form = DeleteForm(request.POST)
        try:
            check_version(obj, form_version(form))
            child.delete(kommune=ctx.kommune, actor=ctx.user, **{child.keyword: obj})
        except ConflictError as exc:
            return _refused(request, measure, [str(exc)], back)
        except ValidationError as exc:
            return _refused(request, measure, exc.messages, back)
        return _done(request, child.deleted, back)

    return view


milestone_create, milestone_edit, milestone_delete = (
    _create_view(MILESTONE),
    _edit_view(MILESTONE),
    _delete_view(MILESTONE),
)
budget_create, budget_edit, budget_delete = _create_view(BUDGET), _edit_view(BUDGET), _delete_view(BUDGET)
risk_create, risk_edit, risk_delete = _create_view(RISK), _edit_view(RISK), _delete_view(RISK)
impact_create, impact_edit, impact_delete = _create_view(IMPACT), _edit_view(IMPACT), _delete_view(IMPACT)


# --- RACI and dependencies ----------------------------------------------------------------------------


@require_POST
@tenant_view
def raci_set(request: TenantRequest, pk: int) -> HttpResponse:
    """Give a role R, C or I in the measure (A is the accountable role's and is set on the measure)."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    form = RaciForm(request.POST, kommune=ctx.kommune)
    back = detail_url(ctx, measure, "beteiligte")
    if not form.is_valid():
        return _refused(request, measure, [str(e) for errors in form.errors.values() for e in errors], back)
    try:
        services.measure_role_set(
            kommune=ctx.kommune,
            actor=ctx.user,
            measure=measure,
            role=form.cleaned_data["role"],
            letter=form.cleaned_data["letter"],
        )
    except ValidationError as exc:
        return _refused(request, measure, exc.messages, back)
    return _done(
        request,
        _("Die Rolle „%(role)s“ ist jetzt mit %(letter)s beteiligt.")
        % {"role": form.cleaned_data["role"].name, "letter": form.cleaned_data["letter"]},
        back,
    )


@require_POST
@tenant_view
def raci_delete(request: TenantRequest, pk: int, item: int) -> HttpResponse:
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    row = fetch(ctx, MeasureRole.objects.filter(measure=measure).select_related("role"), item)
    back = detail_url(ctx, measure, "beteiligte")
    try:
        services.measure_role_set(kommune=ctx.kommune, actor=ctx.user, measure=measure, role=row.role, letter="")
    except ValidationError as exc:
        return _refused(request, measure, exc.messages, back)
    return _done(request, _("Die Rolle „%(role)s“ ist nicht mehr beteiligt.") % {"role": row.role.name}, back)


@require_POST
@tenant_view
def dependency_add(request: TenantRequest, pk: int) -> HttpResponse:
    """This measure needs another one first; a cycle is refused with the cycle named. A refusal
    shows the field again (with the matches to choose from after an ambiguous text)."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    form = DependencyForm(request.POST, kommune=ctx.kommune, measure=measure, auto_id="abh-%s")
    back = detail_url(ctx, measure, "abhaengigkeiten")
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return _refused(request, measure, errors, back, form=form)
    try:
        services.dependency_add(
            kommune=ctx.kommune, actor=ctx.user, measure=measure, depends_on=form.cleaned_data["depends_on"]
        )
    except ValidationError as exc:
        again = DependencyForm(kommune=ctx.kommune, measure=measure, auto_id="abh-%s")
        return _refused(request, measure, exc.messages, back, form=again)
    return _done(
        request,
        _("„%(title)s“ braucht jetzt zuerst „%(other)s“.")
        % {"title": measure.title, "other": form.cleaned_data["depends_on"].title},
        back,
    )


@require_safe
@tenant_view
def dependency_search(request: TenantRequest, pk: int) -> HttpResponse:
    """The measures this one may come to need whose title contains the typed words (JSON for the
    combobox, option markup for htmx): at most 20, without the measure itself and those it needs
    already, in one query. For those who may change the measure, like the form it serves."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    options = pickers.search(ctx.kommune, measure, search_text(request), limit=SEARCH_LIMIT + 1)
    return search_answer(request, options)


@require_POST
@tenant_view
def dependency_remove(request: TenantRequest, pk: int, item: int) -> HttpResponse:
    """Remove a dependency of this measure (one it needs; those of others are theirs to change)."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    dependency = fetch(ctx, MeasureDependency.objects.filter(measure=measure).select_related("depends_on"), item)
    services.dependency_remove(kommune=ctx.kommune, actor=ctx.user, dependency=dependency)
    return _done(
        request,
        _("„%(title)s“ braucht „%(other)s“ nicht mehr zuerst.")
        % {"title": measure.title, "other": dependency.depends_on.title},
        detail_url(ctx, measure, "abhaengigkeiten"),
    )
