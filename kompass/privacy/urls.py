"""The Datenschutz pages below `/k/<kommune_slug>/datenschutz/`, for the Administration only."""

from __future__ import annotations

from kompass.privacy import views
from kompass.privacy.access import CAPABILITY
from kompass.tenancy.routes import edits, reads, tenant_path

app_name = "privacy"

BASE = "datenschutz/"
PERSON = {"pk": "person"}
MEMBER = {"pk": "membership"}
READ = reads(CAPABILITY)
ERASE = edits(CAPABILITY)


def _routes(prefix: str, kind: str, objects: dict[str, str]) -> list:
    view = {name: getattr(views, f"{kind}_{name}") for name in ("detail", "json", "pdf", "erase")}
    return [
        tenant_path(prefix, view["detail"], name=f"{kind}_detail", access=READ, objects=objects, namespace=app_name),
        tenant_path(
            prefix + "auskunft.json",
            view["json"],
            name=f"{kind}_json",
            access=READ,
            objects=objects,
            namespace=app_name,
        ),
        tenant_path(
            prefix + "auskunft.pdf", view["pdf"], name=f"{kind}_pdf", access=READ, objects=objects, namespace=app_name
        ),
        tenant_path(
            prefix + "loeschen/", view["erase"], name=f"{kind}_erase", access=ERASE, objects=objects, namespace=app_name
        ),
    ]


urlpatterns = [
    # The search is a POST that changes nothing (the name stays out of the address).
    tenant_path(BASE, views.index, name="index", access=edits(CAPABILITY), namespace=app_name),
    *_routes(BASE + "personen/<int:pk>/", "person", PERSON),
    *_routes(BASE + "mitglieder/<int:pk>/", "member", MEMBER),
]
