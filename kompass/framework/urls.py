"""Pages of the Kommune's Orientierungsrahmen below `/k/<kommune_slug>/orientierungsrahmen/`, each
declaring who may use them (`kompass.tenancy.routes`): every member reads; changes need the
Kommune-wide `EDIT_FRAMEWORK`."""

from __future__ import annotations

from kompass.framework.views import edit, measures, tree, updates
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

app_name = "framework"

P = "orientierungsrahmen/"
FIELD = {"pk": "field"}
CRITERION = {"pk": "criterion"}
EDIT = edits(Capability.EDIT_FRAMEWORK)
ACT = posts(Capability.EDIT_FRAMEWORK)

urlpatterns = [
    tenant_path(P, tree.overview, name="overview", access=reads()),
    tenant_path(P + "uebernehmen/", tree.adopt, name="adopt", access=ACT),
    tenant_path(P + "felder/<int:pk>/", tree.field_detail, name="field_detail", access=reads(), objects=FIELD),
    tenant_path(P + "felder/<int:pk>/bearbeiten/", edit.field_edit, name="field_edit", access=EDIT, objects=FIELD),
    tenant_path(
        P + "felder/<int:pk>/kriterien/neu/", edit.criterion_create, name="criterion_create", access=EDIT, objects=FIELD
    ),
    tenant_path(
        P + "kriterien/<int:pk>/bearbeiten/", edit.criterion_edit, name="criterion_edit", access=EDIT, objects=CRITERION
    ),
    tenant_path(
        P + "kriterien/<int:pk>/loeschen/",
        edit.criterion_delete,
        name="criterion_delete",
        access=EDIT,
        objects=CRITERION,
    ),
    # Katalog-Aktualisierung: the page for every member, each "übernehmen" for EDIT_FRAMEWORK.
    tenant_path(P + "aktualisierung/", updates.update_list, name="updates", access=reads()),
    tenant_path(
        P + "aktualisierung/felder/<int:pk>/", updates.update_field, name="update_field", access=ACT, objects=FIELD
    ),
    tenant_path(
        P + "aktualisierung/kriterien/<int:pk>/",
        updates.update_criterion,
        name="update_criterion",
        access=ACT,
        objects=CRITERION,
    ),
    tenant_path(P + "aktualisierung/neues-feld/", updates.add_field, name="update_add_field", access=ACT),
    tenant_path(P + "aktualisierung/neues-kriterium/", updates.add_criterion, name="update_add_criterion", access=ACT),
    tenant_path(P + "aktualisierung/als-aktuell-markieren/", updates.mark_current, name="mark_current", access=ACT),
    tenant_path(P + "massnahmen/", measures.measure_list, name="measures", access=reads()),
]
