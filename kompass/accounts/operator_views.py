"""The operator area (`/betrieb/kommunen/`): the platform operators run the platform in the browser.

Operators are superusers without membership. Here they list the Kommunen, open a new one with the
invitation of its first Administration, and suspend or reactivate one. None of these pages shows
data of a Kommune — no units, people or member names; for that the operator gives a reason and gets
the read-only, logged operator access (`views.operator_access`). Everyone else gets 404, so the
area is not even confirmed to exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kompass.accounts import operator_selectors, services
from kompass.accounts.invitations import mail_is_configured
from kompass.accounts.models import User
from kompass.accounts.operator_forms import (
    REACTIVATE,
    SUSPEND,
    KommuneFilterForm,
    KommuneOpenForm,
    KommuneStatusForm,
)
from kompass.core.forms_util import save_form
from kompass.core.listing import ListPage
from kompass.tenancy.models import Kommune

P = ParamSpec("P")


def operator_view(view: Callable[Concatenate[HttpRequest, P], HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; anyone but a platform operator gets 404."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _operator(request: HttpRequest) -> User:
    return cast(User, request.user)


KOMMUNEN = ListPage(
    template="accounts/operator/kommune_list.html",
    partial="accounts/operator/partials/kommune_table.html",
    form=KommuneFilterForm,
    sorts=operator_selectors.SORT_KEYS,
    default_sort="name",
)


@require_http_methods(["GET", "HEAD"])
@operator_view
def kommune_list(request: HttpRequest) -> HttpResponse:
    return KOMMUNEN.render(
        request,
        lambda filters, sort: operator_selectors.kommune_overview(
            query=filters.get("q", ""), status=filters.get("status", ""), sort=sort
        ),
        context={"breadcrumbs": [(_("Kommunen der Plattform"), None)]},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def kommune_create(request: HttpRequest) -> HttpResponse:
    """Open a Kommune and invite its first Administration; without mail the link is shown to copy."""
    form = KommuneOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = save_form(
            form,
            lambda: services.kommune_open(
                operator=_operator(request),
                data=form.kommune_data(),
                admin_email=data["admin_email"],
                admin_first_name=data["admin_first_name"],
                admin_last_name=data["admin_last_name"],
            ),
            rename=KommuneOpenForm.RENAME,
        )
        if opened is not None:
            return _created(request, *opened)
    return render(request, "accounts/operator/kommune_form.html", {"form": form, "breadcrumbs": _crumbs(_("Anlegen"))})


def _created(request: HttpRequest, kommune: Kommune, invitation: Any, link: str) -> HttpResponse:
    mailed = mail_is_configured() and invitation.last_sent_at is not None
    if mailed:
        messages.success(
            request,
            _("Die Kommune „%(name)s“ ist angelegt; die Einladung ging an %(email)s.")
            % {"name": kommune.name, "email": invitation.email},
        )
        return redirect("accounts:operator_kommunen")
    # SECURITY: the link holds the invitation's only secret; it is shown once, on this answer only.
    return render(
        request,
        "accounts/operator/kommune_created.html",
        {
            "kommune": kommune,
            "invitation": invitation,
            "link": request.build_absolute_uri(link),
            "mail_configured": mail_is_configured(),
            "breadcrumbs": _crumbs(_("Angelegt")),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def kommune_status(request: HttpRequest, kommune_slug: str) -> HttpResponse:
    """Confirm suspending (or reactivating) a Kommune, with a reason for its log."""
    kommune = get_object_or_404(Kommune, slug=kommune_slug)
    suspending = not kommune.is_suspended
    form = KommuneStatusForm(
        request.POST or None, suspending=suspending, initial={"action": SUSPEND if suspending else REACTIVATE}
    )
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["action"]
        if wanted != (SUSPEND if suspending else REACTIVATE):
            # The page was opened before someone else changed the status: do nothing.
            form.add_error(None, _status_changed(kommune))
        else:
            change = services.kommune_suspend if suspending else services.kommune_reactivate
            done = save_form(
                form,
                lambda: change(kommune=kommune, operator=_operator(request), reason=form.cleaned_data["reason"]),
            )
            if done is not None:
                messages.success(request, _done_message(done))
                return redirect("accounts:operator_kommunen")
    title = _("Kommune sperren") if suspending else _("Sperre aufheben")
    return render(
        request,
        "accounts/operator/kommune_status.html",
        {"form": form, "kommune": kommune, "suspending": suspending, "title": title, "breadcrumbs": _crumbs(title)},
    )


def _status_changed(kommune: Kommune) -> str:
    if kommune.is_suspended:
        return _("Die Kommune ist inzwischen gesperrt. Prüfen Sie, ob Sie die Sperre aufheben wollen.")
    return _("Die Sperre ist inzwischen aufgehoben. Prüfen Sie, ob Sie die Kommune sperren wollen.")


def _done_message(kommune: Kommune) -> str:
    if kommune.is_suspended:
        return _("Die Kommune „%(name)s“ ist gesperrt.") % {"name": kommune.name}
    return _("Die Sperre der Kommune „%(name)s“ ist aufgehoben.") % {"name": kommune.name}


def _crumbs(here: str) -> list[tuple[str, str | None]]:
    return [(_("Kommunen der Plattform"), reverse("accounts:operator_kommunen")), (here, None)]
