from django.urls import path

from kompass.org import views

app_name = "org"

urlpatterns = [
    path("k/<slug:kommune_slug>/organisation/", views.tree, name="tree"),
    path("k/<slug:kommune_slug>/organisation/einheiten/", views.unit_list, name="unit_list"),
    path("k/<slug:kommune_slug>/organisation/einheiten/neu/", views.unit_create, name="unit_create"),
    path("k/<slug:kommune_slug>/organisation/einheiten/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("k/<slug:kommune_slug>/organisation/einheiten/<int:pk>/bearbeiten/", views.unit_edit, name="unit_edit"),
    path("k/<slug:kommune_slug>/organisation/einheiten/<int:pk>/loeschen/", views.unit_delete, name="unit_delete"),
    path("k/<slug:kommune_slug>/personen/", views.person_list, name="person_list"),
    path("k/<slug:kommune_slug>/personen/neu/", views.person_create, name="person_create"),
    path("k/<slug:kommune_slug>/personen/<int:pk>/", views.person_detail, name="person_detail"),
    path("k/<slug:kommune_slug>/personen/<int:pk>/bearbeiten/", views.person_edit, name="person_edit"),
    path("k/<slug:kommune_slug>/personen/<int:pk>/loeschen/", views.person_delete, name="person_delete"),
]

from kompass.org import import_views  # noqa: E402

urlpatterns += [
    path("k/<slug:kommune_slug>/import-export/", import_views.import_export, name="import_export"),
]

urlpatterns += [
    path("k/<slug:kommune_slug>/import-export/vorschau/", import_views.import_preview, name="import_preview"),
    path("k/<slug:kommune_slug>/import-export/bestaetigen/", import_views.import_confirm, name="import_confirm"),
    path("k/<slug:kommune_slug>/import-export/export/<slug:kind>.<slug:fmt>", import_views.export, name="export"),
]
