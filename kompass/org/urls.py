"""Pages of the Verwaltungsgliederung below `/k/<kommune_slug>/`, each declaring who may use it.

The declarations (`kompass.tenancy.routes`) are what the isolation test derives every persona's
expected answer from; the views enforce them.
"""

from __future__ import annotations

from kompass.org import import_views, views
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

app_name = "org"

UNITS = "organisation/einheiten/"
UNIT = {"pk": "unit"}
PERSON = {"pk": "person"}
EDIT_ORG = edits(Capability.EDIT_ORG)
EDIT_PEOPLE = edits(Capability.EDIT_PEOPLE)
IMPORT = posts(Capability.IMPORT)

urlpatterns = [
    tenant_path("organisation/", views.tree, name="tree", access=reads()),
    tenant_path(UNITS, views.unit_list, name="unit_list", access=reads()),
    tenant_path(UNITS + "neu/", views.unit_create, name="unit_create", access=EDIT_ORG),
    tenant_path(UNITS + "<int:pk>/", views.unit_detail, name="unit_detail", access=reads(), objects=UNIT),
    tenant_path(UNITS + "<int:pk>/bearbeiten/", views.unit_edit, name="unit_edit", access=EDIT_ORG, objects=UNIT),
    tenant_path(UNITS + "<int:pk>/loeschen/", views.unit_delete, name="unit_delete", access=EDIT_ORG, objects=UNIT),
    tenant_path("personen/", views.person_list, name="person_list", access=reads()),
    tenant_path("personen/neu/", views.person_create, name="person_create", access=EDIT_PEOPLE),
    tenant_path("personen/<int:pk>/", views.person_detail, name="person_detail", access=reads(), objects=PERSON),
    tenant_path(
        "personen/<int:pk>/bearbeiten/", views.person_edit, name="person_edit", access=EDIT_PEOPLE, objects=PERSON
    ),
    tenant_path(
        "personen/<int:pk>/loeschen/", views.person_delete, name="person_delete", access=EDIT_PEOPLE, objects=PERSON
    ),
    # The search behind the combobox of person and unit fields (JSON, or option markup for htmx).
    tenant_path("suche/personen/", views.search_people, name="search_people", access=reads()),
    tenant_path("suche/einheiten/", views.search_units, name="search_units", access=reads()),
    # Every member sees the page and may export; importing needs the Kommune-wide IMPORT capability.
    tenant_path("import-export/", import_views.import_export, name="import_export", access=reads()),
    tenant_path("import-export/vorschau/", import_views.import_preview, name="import_preview", access=IMPORT),
    tenant_path("import-export/bestaetigen/", import_views.import_confirm, name="import_confirm", access=IMPORT),
    tenant_path("import-export/export/<slug:kind>.<slug:fmt>", import_views.export, name="export", access=reads()),
    # Empty templates and filled examples of each kind (stable URLs, linked from "Erste Schritte").
    tenant_path(
        "import-export/vorlage/<slug:kind>.<slug:fmt>",
        import_views.import_template,
        name="import_template",
        access=reads(),
    ),
    tenant_path(
        "import-export/beispiel/<slug:kind>.<slug:fmt>",
        import_views.import_example,
        name="import_example",
        access=reads(),
    ),
]
