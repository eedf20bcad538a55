"""The login page's other ways in: "Mit <Anbieter> anmelden" (an extension point of the page,
`login_options`: a list of label and URL the login template shows when it is not empty)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kompass.sso import oidc


def login_options(request: HttpRequest) -> dict[str, Any]:
    try:
        if request.path_info != reverse("accounts:login"):
            return {}
    except NoReverseMatch:
        return {}
    providers = [oidc.instance_provider()]
    chosen = request.GET.get("anbieter", "")
    if chosen and chosen != oidc.INSTANCE_KEY:
        providers.append(oidc.provider_by_key(chosen))
    options = [
        {
            "label": _("Mit %(name)s anmelden") % {"name": provider.name},
            "url": reverse("sso:oidc_start", kwargs={"provider": provider.key}),
        }
        for provider in providers
        if provider is not None
    ]
    return {"login_options": options}
