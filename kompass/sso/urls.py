from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from kompass.sso import oidc_views, provider_views, views
from kompass.sso.access import CAPABILITY
from kompass.tenancy.routes import edits, reads, tenant_path

app_name = "sso"

# The Kommune's own identity provider, for its Administration (docs/security.md A3).
BASE = "verwaltung/anmeldung/"
PROVIDER = {"pk": "oidc_provider"}
MAPPING = {"pk": "oidc_mapping"}
EDIT = edits(CAPABILITY)


def _page(route: str, view: Callable[..., Any], name: str, **kwargs: Any) -> URLPattern:
    return tenant_path(BASE + route, view, name=name, namespace=app_name, **kwargs)


urlpatterns = [
    path("anmelden/bestaetigen/", views.verify, name="verify"),
    path("konto/zweiter-faktor/", views.manage, name="manage"),
    path("konto/zweiter-faktor/einrichten/", views.enrol, name="enrol"),
    path("konto/zweiter-faktor/codes/", views.recovery_codes, name="recovery_codes"),
    path("konto/zweiter-faktor/codes.txt", views.recovery_codes_download, name="recovery_codes_download"),
    # Public: the person is not logged in yet; the provider's signed ID token is the proof.
    path("anmelden/sso/<slug:provider>/", oidc_views.oidc_start, name="oidc_start"),
    path("anmelden/sso/<slug:provider>/rueckkehr/", oidc_views.oidc_callback, name="oidc_callback"),
    _page("", provider_views.providers, "providers", access=reads(CAPABILITY)),
    _page("neu/", provider_views.provider_create, "provider_create", access=EDIT),
    _page("<int:pk>/bearbeiten/", provider_views.provider_edit, "provider_edit", access=EDIT, objects=PROVIDER),
    _page("<int:pk>/loeschen/", provider_views.provider_delete, "provider_delete", access=EDIT, objects=PROVIDER),
    _page("<int:pk>/gruppen/neu/", provider_views.mapping_create, "mapping_create", access=EDIT, objects=PROVIDER),
    _page("gruppen/<int:pk>/bearbeiten/", provider_views.mapping_edit, "mapping_edit", access=EDIT, objects=MAPPING),
    _page("gruppen/<int:pk>/loeschen/", provider_views.mapping_delete, "mapping_delete", access=EDIT, objects=MAPPING),
]
