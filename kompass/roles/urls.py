from django.urls import path

from kompass.roles.views import assignments, catalogue, checks, model

app_name = "roles"

P = "k/<slug:kommune_slug>/rollen/"

urlpatterns = [
    path(P, model.role_list, name="role_list"),
    path(P + "uebernehmen/", catalogue.catalogue_adopt, name="catalogue_adopt"),
    path(P + "katalog/", catalogue.catalogue_list, name="catalogue_list"),
    path(P + "katalog/<int:catalogue_id>/<slug:role_key>/", catalogue.catalogue_role, name="catalogue_role"),
    path(P + "neu/", model.role_create, name="role_create"),
    path(P + "<int:pk>/", model.role_detail, name="role_detail"),
    path(P + "<int:pk>/bearbeiten/", model.role_edit, name="role_edit"),
    path(P + "<int:pk>/loeschen/", model.role_delete, name="role_delete"),
    path(P + "<int:pk>/beziehungen/neu/", model.relation_create, name="relation_create"),
    path(P + "<int:pk>/beziehungen/entfernen/", model.relation_delete, name="relation_delete"),
    path(P + "aktualisierung/", catalogue.catalogue_updates, name="catalogue_updates"),
    path(
        P + "aktualisierung/<int:pk>/uebernehmen/",
        catalogue.role_take_catalogue_version,
        name="role_take_catalogue_version",
    ),
    path(P + "aktualisierung/hinzufuegen/", catalogue.role_add_from_catalogue, name="role_add_from_catalogue"),
    path(
        P + "aktualisierung/beziehungen/<int:pk>/uebernehmen/",
        catalogue.relation_take_catalogue_version,
        name="relation_take_catalogue_version",
    ),
    path(
        P + "aktualisierung/beziehungen/hinzufuegen/",
        catalogue.relation_add_from_catalogue,
        name="relation_add_from_catalogue",
    ),
    path(P + "zuordnungen/", assignments.assignment_list, name="assignment_list"),
    path(P + "zuordnungen/neu/", assignments.assignment_create, name="assignment_create"),
    path(P + "zuordnungen/<int:pk>/bearbeiten/", assignments.assignment_edit, name="assignment_edit"),
    path(P + "zuordnungen/<int:pk>/beenden/", assignments.assignment_end, name="assignment_end"),
    path(P + "zuordnungen/<int:pk>/loeschen/", assignments.assignment_delete, name="assignment_delete"),
    path(P + "lotsen/", checks.lotsen, name="lotsen"),
    path(P + "check/", checks.checks, name="checks"),
]

from kompass.roles import urls_reports  # noqa: E402 - matrix, exports, PDFs, network graph

urlpatterns += urls_reports.urlpatterns
