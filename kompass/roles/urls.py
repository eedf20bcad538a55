from django.urls import path

from kompass.roles import views

app_name = "roles"

P = "k/<slug:kommune_slug>/rollen/"

urlpatterns = [
    path(P, views.role_list, name="role_list"),
    path(P + "uebernehmen/", views.catalogue_adopt, name="catalogue_adopt"),
    path(P + "katalog/", views.catalogue_list, name="catalogue_list"),
    path(P + "katalog/<int:catalogue_id>/<slug:role_key>/", views.catalogue_role, name="catalogue_role"),
    path(P + "neu/", views.role_create, name="role_create"),
    path(P + "<int:pk>/", views.role_detail, name="role_detail"),
    path(P + "<int:pk>/bearbeiten/", views.role_edit, name="role_edit"),
    path(P + "<int:pk>/loeschen/", views.role_delete, name="role_delete"),
    path(P + "<int:pk>/beziehungen/neu/", views.relation_create, name="relation_create"),
    path(P + "<int:pk>/beziehungen/entfernen/", views.relation_delete, name="relation_delete"),
    path(P + "aktualisierung/", views.catalogue_updates, name="catalogue_updates"),
    path(
        P + "aktualisierung/<int:pk>/uebernehmen/",
        views.role_take_catalogue_version,
        name="role_take_catalogue_version",
    ),
    path(P + "aktualisierung/hinzufuegen/", views.role_add_from_catalogue, name="role_add_from_catalogue"),
    path(P + "zuordnungen/", views.assignment_list, name="assignment_list"),
    path(P + "zuordnungen/neu/", views.assignment_create, name="assignment_create"),
    path(P + "zuordnungen/<int:pk>/bearbeiten/", views.assignment_edit, name="assignment_edit"),
    path(P + "zuordnungen/<int:pk>/beenden/", views.assignment_end, name="assignment_end"),
    path(P + "zuordnungen/<int:pk>/loeschen/", views.assignment_delete, name="assignment_delete"),
    path(P + "lotsen/", views.lotsen, name="lotsen"),
    path(P + "check/", views.checks, name="checks"),
]

from kompass.roles import urls_reports  # noqa: E402 - matrix, exports, PDFs, network graph

urlpatterns += urls_reports.urlpatterns
