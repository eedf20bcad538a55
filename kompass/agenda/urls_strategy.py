"""Routes of the agenda's strategy area (joined in `kompass/agenda/urls.py`): the overview, versions
with vision, Leitsätze and Handlungsfelder, goals, council decisions and the settings. Every member
reads; changes need the Kommune-wide `EDIT_AGENDA`."""

from __future__ import annotations

from kompass.agenda.views import strategy, strategy_decisions, strategy_goals, strategy_versions
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

P = "agenda/"
VERSION = {"pk": "agenda_version"}
LEITSATZ = {"pk": "leitsatz"}
HANDLUNGSFELD = {"pk": "handlungsfeld"}
GOAL = {"pk": "goal"}
DECISION = {"pk": "decision"}
EDIT = edits(Capability.EDIT_AGENDA)
ACT = posts(Capability.EDIT_AGENDA)

urlpatterns = [
    tenant_path(P, strategy.overview, name="overview", access=reads()),
    tenant_path(P + "anlegen/", strategy.create, name="create", access=ACT),
    tenant_path(P + "einstellungen/", strategy.agenda_settings, name="settings", access=EDIT),
    tenant_path(P + "umbenennen/", strategy.rename, name="rename", access=EDIT),
    # Versions (Fassungen) and what they say: vision, Leitsätze, Handlungsfelder.
    tenant_path(P + "fassungen/", strategy_versions.version_list, name="version_list", access=reads()),
    tenant_path(
        P + "fassungen/<int:pk>/",
        strategy_versions.version_detail,
        name="version_detail",
        access=reads(),
        objects=VERSION,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/vergleich/",
        strategy_versions.version_diff,
        name="version_diff",
        access=reads(),
        objects=VERSION,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/bearbeiten/",
        strategy_versions.version_edit,
        name="version_edit",
        access=EDIT,
        objects=VERSION,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/beschliessen/",
        strategy_versions.version_decide,
        name="version_decide",
        access=EDIT,
        objects=VERSION,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/neuer-entwurf/",
        strategy_versions.version_new_draft,
        name="version_new_draft",
        access=ACT,
        objects=VERSION,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/leitsaetze/neu/",
        strategy_versions.leitsatz_create,
        name="leitsatz_create",
        access=EDIT,
        objects=VERSION,
    ),
    tenant_path(
        P + "leitsaetze/<int:pk>/bearbeiten/",
        strategy_versions.leitsatz_edit,
        name="leitsatz_edit",
        access=EDIT,
        objects=LEITSATZ,
    ),
    tenant_path(
        P + "leitsaetze/<int:pk>/loeschen/",
        strategy_versions.leitsatz_delete,
        name="leitsatz_delete",
        access=EDIT,
        objects=LEITSATZ,
    ),
    tenant_path(
        P + "fassungen/<int:pk>/handlungsfelder/neu/",
        strategy_versions.handlungsfeld_create,
        name="handlungsfeld_create",
        access=EDIT,
        objects=VERSION,
    ),
    tenant_path(
        P + "handlungsfelder/<int:pk>/",
        strategy_versions.handlungsfeld_detail,
        name="handlungsfeld_detail",
        access=reads(),
        objects=HANDLUNGSFELD,
    ),
    tenant_path(
        P + "handlungsfelder/<int:pk>/bearbeiten/",
        strategy_versions.handlungsfeld_edit,
        name="handlungsfeld_edit",
        access=EDIT,
        objects=HANDLUNGSFELD,
    ),
    tenant_path(
        P + "handlungsfelder/<int:pk>/loeschen/",
        strategy_versions.handlungsfeld_delete,
        name="handlungsfeld_delete",
        access=EDIT,
        objects=HANDLUNGSFELD,
    ),
    # Goals: Wirkungsziele and operative goals.
    tenant_path(P + "ziele/", strategy_goals.goal_list, name="goal_list", access=reads()),
    tenant_path(P + "ziele/neu/", strategy_goals.goal_create, name="goal_create", access=EDIT),
    tenant_path(P + "ziele/<int:pk>/", strategy_goals.goal_detail, name="goal_detail", access=reads(), objects=GOAL),
    tenant_path(
        P + "ziele/<int:pk>/bearbeiten/", strategy_goals.goal_edit, name="goal_edit", access=EDIT, objects=GOAL
    ),
    tenant_path(
        P + "ziele/<int:pk>/loeschen/", strategy_goals.goal_delete, name="goal_delete", access=EDIT, objects=GOAL
    ),
    # Council decisions.
    tenant_path(P + "beschluesse/", strategy_decisions.decision_list, name="decision_list", access=reads()),
    tenant_path(P + "beschluesse/neu/", strategy_decisions.decision_create, name="decision_create", access=EDIT),
    tenant_path(
        P + "beschluesse/<int:pk>/",
        strategy_decisions.decision_detail,
        name="decision_detail",
        access=reads(),
        objects=DECISION,
    ),
    tenant_path(
        P + "beschluesse/<int:pk>/bearbeiten/",
        strategy_decisions.decision_edit,
        name="decision_edit",
        access=EDIT,
        objects=DECISION,
    ),
    tenant_path(
        P + "beschluesse/<int:pk>/loeschen/",
        strategy_decisions.decision_delete,
        name="decision_delete",
        access=EDIT,
        objects=DECISION,
    ),
]
