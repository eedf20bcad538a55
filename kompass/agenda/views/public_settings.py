"""The settings of the public transparency page (`agenda:public_settings`): the switch, the
introduction and the Kommune's own text in Leichte Sprache. Kommune-wide (`EDIT_AGENDA`); a bad
or stale form is answered 400 with the German messages, nothing stored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kompass.agenda import access, public_page, selectors
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import add_service_errors, form_version
from kompass.org.forms import VersionedForm
from kompass.tenancy.decorators import TenantRequest, tenant_view


class PublicSettingsForm(VersionedForm):
    public_page_enabled = forms.BooleanField(
        label=gettext_lazy("Öffentliche Seite der Digitalen Agenda zeigen"),
        required=False,
    )
    public_intro = forms.CharField(
        label=gettext_lazy("Einleitung"),
        required=False,
        max_length=public_page.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Steht oben auf der öffentlichen Seite. Leer: ein kurzer Standardtext."),
    )
    public_easy_text = forms.CharField(
        label=gettext_lazy("Eigener Text in Leichter Sprache"),
        required=False,
        max_length=public_page.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Ergänzt die Erklärung in Leichter Sprache. Kurze Sätze, ein Gedanke je Satz, Fachwörter erklären."
        ),
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("public_page_enabled", "public_intro", "public_easy_text")}


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def public_settings(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    current = selectors.settings(ctx.kommune)
    initial = {
        "public_page_enabled": current.public_page_enabled,
        "public_intro": current.public_intro,
        "public_easy_text": current.public_easy_text,
        "version": current.version,
    }
    form = PublicSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        return redirect("agenda:public_settings", ctx.kommune.slug)
    context = {
        "form": form,
        "has_decided": selectors.decided_version(ctx.kommune) is not None,
        "is_published": public_page.is_published(ctx.kommune),
        "public_url": reverse("public:agenda", args=[ctx.kommune.slug]),
        "easy_url": reverse("public:agenda_leichte_sprache", args=[ctx.kommune.slug]),
        "breadcrumbs": [
            (_("Ratsbericht"), reverse("agenda:council_report", args=[ctx.kommune.slug])),
            (_("Öffentliche Seite"), None),
        ],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "agenda/council/public_settings.html", context, status=status)


def _save(request: TenantRequest, form: PublicSettingsForm) -> bool:
    ctx = request.tenant
    try:
        saved = public_page.public_settings_update(
            kommune=ctx.kommune, actor=ctx.user, data=form.service_data(), expected_version=form_version(form)
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return False
    if saved.public_page_enabled:
        messages.success(request, _("Die öffentliche Seite der Digitalen Agenda ist eingeschaltet."))
    else:
        messages.success(request, _("Die öffentliche Seite der Digitalen Agenda ist ausgeschaltet."))
    return True
