"""How a version of the agenda moves on: deciding a draft (frozen from then on), a new draft from a
decided version, and what a version changes against another (the readable diff).

Every member reads the diff. Deciding and a new draft are strategy: `EDIT_AGENDA` (Administration,
Redaktion without unit limit). The gate resolves `agenda_version_id` inside the Kommune (404) and
with that right for writes (403) before the body is read. A decided version cannot be decided
again, and a new draft needs a decided version and no other draft: 409 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kompass.agenda import access, selectors, services
from kompass.agenda.models import AgendaVersion
from kompass.api.errors import InputError
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda.common import (
    AGENDA,
    READ_ERRORS,
    WRITE_ERRORS,
    DateText,
    conflict_on_refusal,
    refuse_if_decided,
    service_call,
)
from kompass.api.routers.agenda.strategy import AgendaVersionOut, version_answer
from kompass.api.routers.common import api_change
from kompass.api.schemas import DbId, InputSchema, Version
from kompass.tenancy.models import Kommune

router = Router()

VERSION = AGENDA + "/fassungen/{agenda_version_id}"

# --- shapes -----------------------------------------------------------------------------------------


class AgendaVersionDecide(InputSchema):
    decided_on: DateText = Field(description="Der Tag der Sitzung, in der die Fassung beschlossen wurde.")
    decision_id: DbId | None = Field(
        None, description="Der erfasste Gremienbeschluss (Ergebnis beschlossen oder geändert beschlossen)."
    )
    version: Version


class AgendaTextChangeOut(Schema):
    old: str
    new: str


class AgendaAttributeChangeOut(Schema):
    label: str = Field(description="Was sich geändert hat, z. B. Name.")
    old: str
    new: str


class AgendaFieldChangeOut(Schema):
    name: str
    changes: list[AgendaAttributeChangeOut]


class AgendaFieldOfActionOut(Schema):
    key: str
    name: str


class AgendaDiffOut(Schema):
    version_id: int
    base_id: int | None = Field(description="Die Fassung, mit der verglichen wird; null: keine Grundlage.")
    base_number: int | None
    is_empty: bool = Field(description="true: Die beiden Fassungen sagen dasselbe.")
    vision: AgendaTextChangeOut | None
    leitsaetze_added: list[str]
    leitsaetze_removed: list[str]
    leitsaetze_changed: list[AgendaTextChangeOut]
    handlungsfelder_added: list[AgendaFieldOfActionOut]
    handlungsfelder_removed: list[AgendaFieldOfActionOut]
    handlungsfelder_changed: list[AgendaFieldChangeOut]
    lines: list[str] = Field(description="Jede Änderung als deutscher Satz, wie sie die Seite und der Rat lesen.")


class AgendaDiffFilters(Schema):
    gegen: DbId | None = Field(
        None, description="Mit dieser Fassung vergleichen; ohne Angabe mit der, aus der die Fassung entstand."
    )


# --- building the answers ---------------------------------------------------------------------------


def _diff(version: AgendaVersion, base: AgendaVersion | None, kommune: Kommune) -> dict[str, Any]:
    diff = selectors.diff_between(kommune, base, version) if base is not None else None
    empty: dict[str, Any] = {
        "vision": None,
        "leitsaetze_added": [],
        "leitsaetze_removed": [],
        "leitsaetze_changed": [],
        "handlungsfelder_added": [],
        "handlungsfelder_removed": [],
        "handlungsfelder_changed": [],
    }
    answer = {"version_id": version.pk, "base_id": None, "base_number": None, "is_empty": True, "lines": [], **empty}
    if base is None or diff is None:
        return answer
    return {
        **answer,
        "base_id": base.pk,
        "base_number": base.number,
        "is_empty": diff.is_empty,
        "lines": diff.lines(),
        "vision": {"old": diff.vision[0], "new": diff.vision[1]} if diff.vision else None,
        "leitsaetze_added": diff.leitsaetze_added,
        "leitsaetze_removed": diff.leitsaetze_removed,
        "leitsaetze_changed": [{"old": old, "new": new} for old, new in diff.leitsaetze_changed],
        "handlungsfelder_added": [{"key": h.key, "name": h.name} for h in diff.handlungsfelder_added],
        "handlungsfelder_removed": [{"key": h.key, "name": h.name} for h in diff.handlungsfelder_removed],
        "handlungsfelder_changed": [
            {"name": c.name, "changes": [{"label": str(a), "old": o, "new": n} for a, o, n in c.attributes]}
            for c in diff.handlungsfelder_changed
        ],
    }


# --- deciding a draft, a new draft, the diff ------------------------------------------------------------


@router.post(
    VERSION + "/beschliessen",
    response={200: AgendaVersionOut, **WRITE_ERRORS},
    summary="Entwurf als beschlossen festhalten",
    url_name="agenda_version_decide",
)
def agenda_version_decide(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, payload: AgendaVersionDecide
) -> dict[str, Any]:
    """Hält fest, dass der Rat (oder das zuständige Gremium) den Entwurf beschlossen hat: am Tag `decided_on`,
    mit dem erfassten Beschluss `decision_id`, wenn es ihn gibt (er muss zustimmen). Danach ist die Fassung
    eingefroren und gilt; Ziele und Maßnahmen wechseln zu ihren Handlungsfeldern mit demselben Schlüssel. Eine
    Fassung ohne Handlungsfelder kann nicht beschlossen werden (422). Schon beschlossen: 409. `version` muss die
    zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    version: AgendaVersion = path_object(request, "agenda_version_id")
    refuse_if_decided(version)
    data = {"decided_on": payload.decided_on, "decision": payload.decision_id}
    with api_change(request):
        service_call(
            lambda: services.version_decide(
                kommune=ctx.kommune, actor=ctx.user, version=version, data=data, expected_version=payload.version
            ),
            {"decision": "decision_id"},
        )
    return version_answer(ctx.kommune, access.version_for_view(ctx, version.pk))


@router.post(
    VERSION + "/neuer-entwurf",
    response={201: AgendaVersionOut, **WRITE_ERRORS},
    summary="Neuen Entwurf aus einer beschlossenen Fassung anlegen",
    url_name="agenda_version_new_draft",
)
def agenda_version_new_draft(request: HttpRequest, kommune_slug: str, agenda_version_id: int) -> Status[dict[str, Any]]:
    """Legt die nächste Fassung als Entwurf an, mit Vision, Leitsätzen und Handlungsfeldern der beschlossenen
    Fassung; bis zu ihrem Beschluss gilt die beschlossene weiter. Aus einem Entwurf, oder wenn es schon einen
    Entwurf gibt: 409 mit dem Grund."""
    ctx = tenant(request)
    source: AgendaVersion = path_object(request, "agenda_version_id")
    with api_change(request):
        draft = conflict_on_refusal(
            lambda: services.version_new_draft(kommune=ctx.kommune, actor=ctx.user, source=source)
        )
    return Status(201, version_answer(ctx.kommune, access.version_for_view(ctx, draft.pk)))


@router.get(
    VERSION + "/vergleich",
    response={200: AgendaDiffOut, **READ_ERRORS},
    summary="Was eine Fassung gegenüber einer anderen ändert",
    url_name="agenda_version_diff",
)
def agenda_version_diff(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, filters: Query[AgendaDiffFilters]
) -> dict[str, Any]:
    """Was die Fassung gegenüber der Fassung, aus der sie entstand (oder der Fassung `gegen`), ändert: Vision,
    Leitsätze (neu, gestrichen, geändert) und Handlungsfelder (nach Schlüssel), jede Änderung auch als Satz in
    `lines`. Eine Fassung ohne Grundlage hat einen leeren Vergleich mit `base_id` null."""
    ctx = tenant(request)
    version: AgendaVersion = path_object(request, "agenda_version_id")
    base_id = filters.gegen if filters.gegen is not None else version.based_on_id
    base = None
    if base_id is not None:
        try:
            base = access.version_for_view(ctx, base_id)
        except Http404:
            raise InputError("query", "gegen", _("Diese Fassung gibt es in dieser Kommune nicht.")) from None
    return _diff(version, base, ctx.kommune)
