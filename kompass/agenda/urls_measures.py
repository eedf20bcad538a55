"""Routes of the agenda's measures (joined in `kompass/agenda/urls.py`): the portfolio with its chart,
roadmap and board for every member; changes need `EDIT_MEASURES` at the measure's responsible unit.
A child of a measure is addressed by the measure (`pk`) and itself (`item`)."""

from __future__ import annotations

from typing import Any

from kompass.agenda.views import board, measures, measures_children, measures_edit
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

P = "agenda/massnahmen/"
M = P + "<int:pk>/"
MEASURE = {"pk": "measure"}
EDIT = edits(Capability.EDIT_MEASURES)
ACT = posts(Capability.EDIT_MEASURES)


def _children(segment: str, prefix: str, kind: str, module: Any) -> list[Any]:
    """create (POST), edit (page) and delete (POST) of one kind of child of a measure."""
    item = {"pk": "measure", "item": kind}
    return [
        tenant_path(
            M + f"{segment}/neu/",
            getattr(module, f"{prefix}_create"),
            name=f"{prefix}_create",
            access=ACT,
            objects=MEASURE,
        ),
        tenant_path(
            M + f"{segment}/<int:item>/bearbeiten/",
            getattr(module, f"{prefix}_edit"),
            name=f"{prefix}_edit",
            access=EDIT,
            objects=item,
        ),
        tenant_path(
            M + f"{segment}/<int:item>/loeschen/",
            getattr(module, f"{prefix}_delete"),
            name=f"{prefix}_delete",
            access=ACT,
            objects=item,
        ),
    ]


urlpatterns = [
    tenant_path(P, measures.portfolio, name="portfolio", access=reads()),
    tenant_path(P + "portfolio-diagramm/", measures.bubble, name="bubble", access=reads()),
    tenant_path(P + "zeitplan/", measures.roadmap, name="roadmap", access=reads()),
    tenant_path(P + "tafel/", board.board, name="board", access=reads()),
    tenant_path(P + "neu/", measures_edit.measure_create, name="measure_create", access=EDIT),
    tenant_path(
        P + "aus-empfehlung/<int:pk>/",
        measures_edit.measure_from_recommendation,
        name="measure_from_recommendation",
        access=ACT,
        objects={"pk": "recommendation"},
    ),
    tenant_path(M, measures.measure_detail, name="measure_detail", access=reads(), objects=MEASURE),
    tenant_path(M + "bearbeiten/", measures_edit.measure_edit, name="measure_edit", access=EDIT, objects=MEASURE),
    tenant_path(M + "loeschen/", measures_edit.measure_delete, name="measure_delete", access=EDIT, objects=MEASURE),
    tenant_path(M + "status/", measures_edit.measure_status, name="measure_status", access=ACT, objects=MEASURE),
    *_children("meilensteine", "milestone", "milestone", measures_children),
    *_children("haushalt", "budget", "budget_line", measures_children),
    *_children("risiken", "risk", "risk", measures_children),
    *_children("wirkungskette", "impact", "impact_step", measures_children),
    tenant_path(M + "beteiligte/", measures_children.raci_set, name="raci_set", access=ACT, objects=MEASURE),
    tenant_path(
        M + "beteiligte/<int:item>/entfernen/",
        measures_children.raci_delete,
        name="raci_delete",
        access=ACT,
        objects={"pk": "measure", "item": "measure_role"},
    ),
    tenant_path(
        M + "abhaengigkeiten/", measures_children.dependency_add, name="dependency_add", access=ACT, objects=MEASURE
    ),
    # The search behind the dependency combobox (JSON, or option markup for htmx).
    tenant_path(
        M + "abhaengigkeiten/suche/",
        measures_children.dependency_search,
        name="dependency_search",
        access=reads(Capability.EDIT_MEASURES),
        objects=MEASURE,
    ),
    tenant_path(
        M + "abhaengigkeiten/<int:item>/entfernen/",
        measures_children.dependency_remove,
        name="dependency_remove",
        access=ACT,
        objects={"pk": "measure", "item": "dependency"},
    ),
]
