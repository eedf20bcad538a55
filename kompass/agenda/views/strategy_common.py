"""What the strategy pages share: breadcrumbs, the form body that answers 400 to bad input (and the
page that changes one text of the strategy), the read-only page of a decided version and the page
of a refused action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kompass.agenda.models import AgendaVersion
from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_page, form_version
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest

FORM_METHODS = ["GET", "HEAD", "POST"]
BAD_INPUT = 400


def agenda_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Digitale Agenda"), reverse("agenda:overview", args=[ctx.kommune.slug]))


def crumbs(ctx: TenantContext, *items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [agenda_crumb(ctx), *items]


def version_crumbs(ctx: TenantContext, version: AgendaVersion) -> list[tuple[str, str | None]]:
    return crumbs(
        ctx,
        (_("Fassungen"), reverse("agenda:version_list", args=[ctx.kommune.slug])),
        (
            _("Fassung %(n)d") % {"n": version.number},
            reverse("agenda:version_detail", args=[ctx.kommune.slug, version.pk]),
        ),
    )


def form_response(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    done: Callable[[Any], HttpResponse],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """`core.forms_util.form_page`, answering a POST that stored nothing with 400 (bad input, a
    refusing service or a stale version): the same page with every error next to its field."""
    return form_page(request, form, save, done=done, template=template, context=context, refused_status=BAD_INPUT)


def update_page(
    request: TenantRequest,
    form: forms.BaseForm,
    update: Callable[..., Any],
    *,
    field: str,
    done: Callable[[Any], HttpResponse],
    history: Model | None = None,
    **context: Any,
) -> HttpResponse:
    """The page that changes one text of a strategy object (the agenda's title, a version's vision, a
    Leitsatz): `update` is its `*_update` service with the object bound, called with the form's text
    as `data[field]` and the version the form loaded; `history` shows the object's Verlauf below."""
    if history is not None:
        context |= {
            "history": history_for(request.tenant, history),
            "history_type": history._meta.model_name,
            "history_id": history.pk,
        }
    return form_response(
        request,
        form,
        lambda: update(data={field: form.cleaned_data[field]}, expected_version=form_version(form)),
        done=done,
        template="agenda/strategy/form.html",
        context=context,
    )


def refused(request: HttpRequest, message: str, *, title: str, back: str, crumbs: Any = None) -> HttpResponse:
    """An action without a page of its own was refused (bad state or input): 400 with the reason."""
    return render(
        request,
        "agenda/strategy/refused.html",
        {"title": title, "message": message, "back": back, "breadcrumbs": crumbs},
        status=BAD_INPUT,
    )


def frozen(request: HttpRequest, ctx: TenantContext, version: AgendaVersion, title: str) -> HttpResponse:
    """A decided version is read-only: its form pages explain why instead of showing a form (a
    POST to them is refused with 400 and stores nothing)."""
    return render(
        request,
        "agenda/strategy/frozen.html",
        {
            "title": title,
            "agenda_version": version,
            "has_draft": AgendaVersion.objects.for_kommune(ctx.kommune).filter(state="entwurf").exists(),
            "breadcrumbs": [*version_crumbs(ctx, version), (title, None)],
        },
        status=BAD_INPUT if request.method == "POST" else 200,
    )
