"""The Kommune's own identity provider, kept by its Administration below
`/k/<kommune_slug>/verwaltung/anmeldung/` (docs/security.md A3): the provider (issuer, client id, the
name of the environment variable with its secret — never a secret), and which of its groups give
which membership. Every change runs through `services` (one transaction, audit entry, version)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.core.forms_util import form_page, form_version, success
from kompass.sso import access, selectors, services
from kompass.sso.forms import GroupMappingForm, ProviderForm, VersionForm
from kompass.sso.models import OidcGroupMapping, OidcProvider
from kompass.tenancy.decorators import TenantRequest, tenant_view

FORM_TEMPLATE = "sso/provider_form.html"
DELETE_TEMPLATE = "sso/confirm_delete.html"


def _index(request: TenantRequest) -> str:
    return reverse("sso:providers", args=[request.tenant.kommune.slug])


def _crumbs(request: TenantRequest, here: str | None = None) -> list[tuple[str, str | None]]:
    title = _("Anmeldung über Identitätsanbieter")
    return [(title, _index(request) if here else None), *([(here, None)] if here else [])]


def _done(request: TenantRequest, message: str) -> HttpResponse:
    return success(request, message, "sso:providers", request.tenant.kommune.slug)


@require_safe
@tenant_view
def providers(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(access.CAPABILITY)
    rows = list(selectors.providers(ctx.kommune))
    login = request.build_absolute_uri(reverse("accounts:login"))
    context: dict[str, Any] = {
        "providers": [
            {
                "provider": provider,
                "login_url": f"{login}?anbieter={provider.slug}",
                "callback_url": request.build_absolute_uri(reverse("sso:oidc_callback", args=[provider.slug])),
            }
            for provider in rows
        ],
        "secret_env": services.secret_env_base(ctx.kommune),
        "breadcrumbs": _crumbs(request),
    }
    return render(request, "sso/providers.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def provider_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(access.CAPABILITY)
    initial = {"client_secret_env": services.secret_env_base(ctx.kommune)}
    form = ProviderForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda: services.provider_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data()),
        done=lambda provider: _done(
            request, _("Der Identitätsanbieter „%(name)s“ ist eingerichtet.") % {"name": provider}
        ),
        template=FORM_TEMPLATE,
        context={"title": _("Identitätsanbieter einrichten"), "breadcrumbs": _crumbs(request, _("Neu"))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def provider_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    provider = access.provider_for(ctx, pk)
    form = ProviderForm(request.POST or None, initial=ProviderForm.initial_for(provider))

    def save() -> OidcProvider:
        return services.provider_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            provider=provider,
            data=form.service_data(),
            expected_version=form_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda _provider: _done(request, _("Die Änderungen wurden gespeichert.")),
        template=FORM_TEMPLATE,
        context={
            "title": _("%(name)s bearbeiten") % {"name": provider.name},
            "breadcrumbs": _crumbs(request, provider.name),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def provider_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    provider = access.provider_for(ctx, pk)
    form = VersionForm(request.POST or None, initial={"version": provider.version})
    return form_page(
        request,
        form,
        lambda: services.provider_delete(
            kommune=ctx.kommune, actor=ctx.user, provider=provider, expected_version=form_version(form)
        ),
        done=lambda _none: _done(request, _("Der Identitätsanbieter „%(name)s“ wurde gelöscht.") % {"name": provider}),
        template=DELETE_TEMPLATE,
        context={
            "object": provider,
            "title": _("Identitätsanbieter „%(name)s“ löschen") % {"name": provider.name},
            "consequence": _(
                "Seine Gruppenzuordnungen werden mit gelöscht; die Mitgliedschaften, die er gegeben hat, bleiben "
                "bestehen. Über ihn kann sich danach niemand mehr anmelden."
            ),
            "cancel_url": _index(request),
            "breadcrumbs": _crumbs(request, _("Löschen")),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def mapping_create(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    provider = access.provider_for(ctx, pk)
    form = GroupMappingForm(request.POST or None, kommune=ctx.kommune, initial={"role": "reader"})
    return form_page(
        request,
        form,
        lambda: services.group_mapping_create(
            kommune=ctx.kommune, actor=ctx.user, provider=provider, data=form.service_data()
        ),
        done=lambda mapping: _done(request, _("Die Gruppe „%(group)s“ ist zugeordnet.") % {"group": mapping.group}),
        template=FORM_TEMPLATE,
        context={
            "title": _("Gruppe von %(name)s zuordnen") % {"name": provider.name},
            "breadcrumbs": _crumbs(request, _("Gruppe zuordnen")),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def mapping_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    mapping = access.mapping_for(ctx, pk)
    form = GroupMappingForm(request.POST or None, kommune=ctx.kommune, initial=GroupMappingForm.initial_for(mapping))

    def save() -> OidcGroupMapping:
        return services.group_mapping_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            mapping=mapping,
            data=form.service_data(),
            expected_version=form_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda _mapping: _done(request, _("Die Änderungen wurden gespeichert.")),
        template=FORM_TEMPLATE,
        context={
            "title": _("Gruppe „%(group)s“ bearbeiten") % {"group": mapping.group},
            "breadcrumbs": _crumbs(request, mapping.group),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def mapping_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    mapping = access.mapping_for(ctx, pk)
    form = VersionForm(request.POST or None, initial={"version": mapping.version})
    return form_page(
        request,
        form,
        lambda: services.group_mapping_delete(
            kommune=ctx.kommune, actor=ctx.user, mapping=mapping, expected_version=form_version(form)
        ),
        done=lambda _none: _done(
            request, _("Die Zuordnung der Gruppe „%(group)s“ wurde gelöscht.") % {"group": mapping.group}
        ),
        template=DELETE_TEMPLATE,
        context={
            "object": mapping.group,
            "title": _("Zuordnung der Gruppe „%(group)s“ löschen") % {"group": mapping.group},
            "consequence": _("Bei der nächsten Anmeldung endet die Mitgliedschaft, die nur diese Gruppe gegeben hat."),
            "cancel_url": _index(request),
            "breadcrumbs": _crumbs(request, _("Löschen")),
        },
    )
