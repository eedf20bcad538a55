"""Katalog-Aktualisierung: what a newer catalogue version changed, added or dropped, offered field by
field and criterion by criterion, and "Als aktuell markieren" once the Kommune has decided.

Every member reads the page; taking an offer needs `EDIT_FRAMEWORK`. An action names the Kommune's
field or criterion (another Kommune's: 404) or a row of the newest catalogue version; what it may
take is looked up again in the offer (`framework.updates`), so a stale or forged request changes
nothing and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kompass.framework import access, selectors, services, updates
from kompass.framework.forms import PickForm
from kompass.framework.views.common import framework_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view

NO_OFFER = gettext_lazy(
    "Dafür bietet die neueste Katalogfassung keine Änderung (mehr) an. Vielleicht wurde sie schon übernommen; "
    "eigene Kriterien Ihrer Kommune ändert der Katalog nie."
)


@require_safe
@tenant_view
def update_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    framework = selectors.framework(ctx.kommune)
    offer = updates.framework_updates(ctx.kommune) if framework is not None else None
    return render(
        request,
        "framework/updates.html",
        {
            "framework": framework,
            "offer": offer,
            "level_names": selectors.level_names(framework.catalogue if framework is not None else None),
            "can_edit": access.can_edit(ctx),
            "breadcrumbs": [framework_crumb(ctx), (_("Katalog-Aktualisierung"), None)],
        },
    )


def _apply(request: TenantRequest, call: Callable[[], Any], done: str) -> HttpResponse:
    """Run the service of one offer; say what happened and go back to the update page."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("framework:updates", request.tenant.kommune.slug)


def _no_offer(request: TenantRequest) -> HttpResponse:
    messages.error(request, str(NO_OFFER))
    return redirect("framework:updates", request.tenant.kommune.slug)


@require_POST
@tenant_view
def update_field(request: TenantRequest, pk: int) -> HttpResponse:
    """Take the changed texts of a field, or switch off a field the catalogue dropped."""
    ctx = request.tenant
    field = access.field_for_edit(ctx, pk)
    offer = updates.framework_updates(ctx.kommune)
    update = offer.field_update(field.pk) if offer is not None else None
    if update is None:
        return _no_offer(request)
    if update.kind == "dropped":
        return _apply(
            request,
            lambda: services.field_switch_off_dropped(kommune=ctx.kommune, actor=ctx.user, field=field),
            _("Das Feld „%(name)s“ ist abgeschaltet.") % {"name": field.name},
        )
    source = update.source
    assert source is not None
    return _apply(
        request,
        lambda: services.field_take_catalogue_version(
            kommune=ctx.kommune, actor=ctx.user, field=field, source=source, previous=update.previous
        ),
        _("Das Feld „%(name)s“ entspricht jetzt der Katalogfassung %(version)s.")
        % {"name": source.name, "version": offer.newest.version if offer else ""},
    )


@require_POST
@tenant_view
def update_criterion(request: TenantRequest, pk: int) -> HttpResponse:
    """Take the changed texts of a catalogue criterion, or switch off one the catalogue dropped."""
    ctx = request.tenant
    criterion = access.criterion_for_edit(ctx, pk)
    offer = updates.framework_updates(ctx.kommune)
    update = offer.criterion_update(criterion.pk) if offer is not None else None
    if update is None:
        return _no_offer(request)
    if update.kind == "dropped":
        return _apply(
            request,
            lambda: services.criterion_switch_off_dropped(kommune=ctx.kommune, actor=ctx.user, criterion=criterion),
            _("Das Kriterium „%(name)s“ ist abgeschaltet.") % {"name": criterion.name},
        )
    source = update.source
    assert source is not None
    return _apply(
        request,
        lambda: services.criterion_take_catalogue_version(
            kommune=ctx.kommune, actor=ctx.user, criterion=criterion, source=source, previous=update.previous
        ),
        _("Das Kriterium „%(name)s“ entspricht jetzt der Katalogfassung.") % {"name": source.name},
    )


def _picked(request: TenantRequest) -> int | None:
    form = PickForm(request.POST)
    return form.cleaned_data["pk"] if form.is_valid() else None


@require_POST
@tenant_view
def add_field(request: TenantRequest) -> HttpResponse:
    """Add a field that is new in the newest version, with its criteria."""
    ctx = request.tenant
    access.require_editor(ctx)
    offer = updates.framework_updates(ctx.kommune)
    pk = _picked(request)
    new = offer.new_field(pk) if offer is not None and pk is not None else None
    if new is None:
        return _no_offer(request)
    return _apply(
        request,
        lambda: services.field_add_from_catalogue(kommune=ctx.kommune, actor=ctx.user, source=new.source),
        _("Das Feld „%(name)s“ wurde in Ihren Orientierungsrahmen übernommen.") % {"name": new.source.name},
    )


@require_POST
@tenant_view
def add_criterion(request: TenantRequest) -> HttpResponse:
    """Add a criterion that is new in the newest version to the Kommune's field."""
    ctx = request.tenant
    access.require_editor(ctx)
    offer = updates.framework_updates(ctx.kommune)
    pk = _picked(request)
    found = offer.new_criterion(pk) if offer is not None and pk is not None else None
    if found is None:
        return _no_offer(request)
    field, source = found
    return _apply(
        request,
        lambda: services.criterion_add_from_catalogue(kommune=ctx.kommune, actor=ctx.user, field=field, source=source),
        _("Das Kriterium „%(name)s“ wurde in das Feld „%(field)s“ übernommen.")
        % {"name": source.name, "field": field.name},
    )


@require_POST
@tenant_view
def mark_current(request: TenantRequest) -> HttpResponse:
    """Make the newest version the adopted one: the offers not taken are no longer shown."""
    ctx = request.tenant
    access.require_editor(ctx)
    framework = selectors.framework(ctx.kommune)
    newest = updates.newer_catalogue(framework)
    if newest is None:
        messages.error(request, _("Ihr Orientierungsrahmen beruht bereits auf der neuesten Katalogfassung."))
        return redirect("framework:updates", ctx.kommune.slug)
    return _apply(
        request,
        lambda: services.framework_mark_current(kommune=ctx.kommune, actor=ctx.user, catalogue=newest),
        _("Fassung %(version)s gilt jetzt als aktuelle Fassung Ihres Orientierungsrahmens.")
        % {"version": newest.version},
    )
