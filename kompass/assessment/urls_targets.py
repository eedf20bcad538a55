"""Pages of the target profile, gaps, recommendations and Kommunentyp below `selbstbewertung/`
(joined in `urls.py`), each declared with `tenant_path`: every member reads; changes need
`EDIT_FRAMEWORK`, the capability of the Kommune-wide framework."""

from __future__ import annotations

from kompass.assessment import views_targets as views
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

BASE = "selbstbewertung/"
EDIT = edits(Capability.EDIT_FRAMEWORK)

urlpatterns = [
    tenant_path(BASE + "soll/", views.targets, name="targets", access=reads()),
    tenant_path(
        BASE + "soll/felder/<int:pk>/", views.target_field, name="target_field", access=EDIT, objects={"pk": "field"}
    ),
    tenant_path(
        BASE + "soll/kriterien/<int:pk>/",
        views.target_criterion,
        name="target_criterion",
        access=EDIT,
        objects={"pk": "criterion"},
    ),
    tenant_path(BASE + "luecken/", views.gaps, name="gaps", access=reads()),
    tenant_path(BASE + "empfehlungen/", views.recommendations, name="recommendations", access=reads()),
    tenant_path(
        BASE + "empfehlungen/uebernehmen/",
        views.recommendation_accept,
        name="recommendation_accept",
        access=posts(Capability.EDIT_FRAMEWORK),
    ),
    tenant_path(
        BASE + "empfehlungen/<int:pk>/verwerfen/",
        views.recommendation_drop,
        name="recommendation_drop",
        access=EDIT,
        objects={"pk": "recommendation"},
    ),
    tenant_path(BASE + "kommunentyp/", views.kommunentyp, name="kommunentyp", access=reads()),
    tenant_path(BASE + "kommunentyp/fragebogen/", views.kommunentyp_answer, name="kommunentyp_answer", access=EDIT),
]
