"""The Papierkorb below `/k/<kommune_slug>/papierkorb/`: the Administration and the unlimited Redaktion."""

from __future__ import annotations

from kompass.tenancy.routes import edits, posts, reads, tenant_path
from kompass.trash import views
from kompass.trash.access import CAPABILITY

app_name = "trash"

ITEM = {"pk": "trash_item"}

urlpatterns = [
    tenant_path("papierkorb/", views.index, name="index", access=reads(CAPABILITY), namespace=app_name),
    tenant_path(
        "papierkorb/<int:pk>/wiederherstellen/",
        views.restore,
        name="restore",
        access=posts(CAPABILITY),
        objects=ITEM,
        namespace=app_name,
    ),
    tenant_path(
        "papierkorb/<int:pk>/endgueltig-loeschen/",
        views.purge,
        name="purge",
        access=edits(CAPABILITY),
        objects=ITEM,
        namespace=app_name,
    ),
]
