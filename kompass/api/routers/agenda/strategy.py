"""The strategy of the digital agenda: the agenda and its versions (Fassungen), goals, council decisions.

Every member reads. The strategy is Kommune-wide: writing needs `EDIT_AGENDA` (Administration,
Redaktion without unit limit; `kompass.agenda.access`). The gate resolves `agenda_version_id`,
`goal_id` and `decision_id` inside the Kommune (404) and with that right for writes (403) before
the body is read. A decided version is read-only: changing it answers 409 with the reason.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import access, selectors, services
from kompass.agenda.models import AgendaVersion, CouncilDecision, DecisionResult, Effect, Goal, GoalKind
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda import reads
from kompass.api.routers.agenda.common import (
    AGENDA,
    BASE,
    READ_ERRORS,
    WRITE_ERRORS,
    DateText,
    Limit,
    LongText,
    Offset,
    Title,
    check_version,
    conflict_on_refusal,
    read_only_reason,
    refuse_if_decided,
    service_call,
)
from kompass.api.routers.common import api_change
from kompass.api.schemas import DbId, InputSchema, PatchSchema, Version, clean_text
from kompass.tenancy.context import TenantContext
from kompass.tenancy.models import Kommune

router = Router()

if TYPE_CHECKING:
    KindKey: TypeAlias = str
    EffectKey: TypeAlias = str
    ResultKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    KindKey = Literal[tuple(GoalKind.values)]
    EffectKey = Literal[tuple(Effect.values)]
    ResultKey = Literal[tuple(DecisionResult.values)]

Position = Annotated[int, Field(ge=0, le=1000)]
Ids = Annotated[list[DbId], Field(max_length=200)]
Url = Annotated[str, Field(max_length=500, description="Webadresse, beginnt mit https://."), AfterValidator(clean_text)]
Short = Annotated[str, Field(max_length=60), AfterValidator(clean_text)]
Subject = Annotated[str, Field(max_length=300), AfterValidator(clean_text)]

# --- shapes: agenda and versions --------------------------------------------------------------------


class AgendaLeitsatzOut(Schema):
    id: int
    text: str
    position: int
    version: int


class AgendaHandlungsfeldOut(Schema):
    id: int
    key: str = Field(description="Schlüssel; bleibt über die Fassungen gleich (Filter `handlungsfeld` der Maßnahmen).")
    name: str
    description: str
    framework_field_keys: list[str] = Field(description="Schlüssel der Felder des Orientierungsrahmens.")
    position: int
    version: int


class AgendaVersionSummaryOut(Schema):
    id: int
    number: int = Field(description="Nummer der Fassung (1, 2, …).")
    state: str = Field(description="entwurf oder beschlossen.")
    state_label: str
    decided_on: datetime.date | None
    decision_id: int | None = Field(description="Der Gremienbeschluss, mit dem die Fassung beschlossen wurde.")
    based_on_id: int | None = Field(description="Die beschlossene Fassung, aus der dieser Entwurf entstand.")
    read_only: bool = Field(description="true: beschlossen und damit eingefroren.")
    read_only_reason: str = Field(description="Warum die Fassung nicht geändert werden kann (leer bei Entwürfen).")
    version: int


class AgendaVersionOut(AgendaVersionSummaryOut):
    vision: str
    leitsaetze: list[AgendaLeitsatzOut]
    handlungsfelder: list[AgendaHandlungsfeldOut]


class AgendaVersionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaVersionSummaryOut]


class AgendaOut(Schema):
    created: bool = Field(description="Hat die Kommune eine Digitale Agenda angelegt?")
    title: str
    current: AgendaVersionOut | None = Field(
        description="Die geltende Fassung: die neueste beschlossene, vor dem ersten Beschluss der Entwurf."
    )
    decided_id: int | None = Field(description="Die neueste beschlossene Fassung.")
    draft_id: int | None = Field(description="Der Entwurf, an dem gerade gearbeitet wird.")


class AgendaIn(InputSchema):
    title: Title = Field("", description="Ohne Angabe: „Digitale Agenda“.")
    vision: LongText = ""


class AgendaVersionPatch(PatchSchema):
    NOT_NULL = frozenset({"vision"})

    vision: LongText | None = None


class AgendaPageFilters(Schema):
    limit: Limit = 100
    offset: Offset = 0


# --- shapes: goals ------------------------------------------------------------------------------------


class AgendaGoalOut(Schema):
    id: int
    kind: str = Field(description="wirkungsziel (strategisch) oder operativ (gehört zu einem Wirkungsziel).")
    kind_label: str
    parent_id: int | None = Field(description="Bei operativen Zielen: das Wirkungsziel.")
    title: str
    description: str
    effect: str = Field(description="Wem das Ziel dient: buerger_unternehmen, mitarbeitende oder leistungen_prozesse.")
    effect_label: str
    handlungsfeld_ids: list[int]
    kpi_ids: list[int] = Field(description="Kennzahlen, die das Ziel messen (jedes Ziel braucht mindestens eine).")
    measure_ids: list[int] = Field(description="Maßnahmen, die dem Ziel dienen.")
    position: int
    version: int


class AgendaGoalPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaGoalOut]


class AgendaGoalCreate(InputSchema):
    kind: KindKey
    parent_id: DbId | None = Field(None, description="Für ein operatives Ziel: das Wirkungsziel (Pflicht).")
    title: Title
    description: LongText = ""
    effect: EffectKey
    handlungsfeld_ids: Ids = Field(default_factory=list)
    position: Position | None = None


class AgendaGoalPatch(PatchSchema):
    NOT_NULL = frozenset({"kind", "title", "description", "effect", "handlungsfeld_ids", "position"})

    kind: KindKey | None = None
    parent_id: DbId | None = None
    title: Title | None = None
    description: LongText | None = None
    effect: EffectKey | None = None
    handlungsfeld_ids: Ids | None = None
    position: Position | None = None


class AgendaGoalFilters(Schema):
    art: KindKey | None = Field(None, description="Nur Wirkungsziele oder nur operative Ziele.")
    limit: Limit = 100
    offset: Offset = 0


GOAL_NAMES = {"parent": "parent_id", "handlungsfelder": "handlungsfeld_ids"}

# --- shapes: council decisions ------------------------------------------------------------------------


class AgendaDecisionOut(Schema):
    id: int
    body: str = Field(description="Gremium, z. B. Rat oder Hauptausschuss.")
    decided_on: datetime.date
    drucksache: str
    title: str = Field(description="Betreff.")
    beratungsfolge: str
    result: str = Field(description="beschlossen, geaendert, abgelehnt, vertagt oder kenntnis.")
    result_label: str
    link: str = Field(description="Webadresse im Ratsinformationssystem.")
    oparl_id: str = Field(description="Adresse des OParl-Objekts, wo das Ratsinformationssystem OParl anbietet.")
    version: int


class AgendaDecisionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaDecisionOut]


class AgendaDecisionCreate(InputSchema):
    body: Title
    decided_on: DateText
    drucksache: Short = ""
    title: Subject = ""
    beratungsfolge: LongText = ""
    result: ResultKey
    link: Url = ""
    oparl_id: Url = ""


class AgendaDecisionPatch(PatchSchema):
    NOT_NULL = frozenset({"body", "decided_on", "drucksache", "title", "beratungsfolge", "result", "link", "oparl_id"})

    body: Title | None = None
    decided_on: DateText | None = None
    drucksache: Short | None = None
    title: Subject | None = None
    beratungsfolge: LongText | None = None
    result: ResultKey | None = None
    link: Url | None = None
    oparl_id: Url | None = None


# --- building the answers -----------------------------------------------------------------------------


def _version_summary(version: AgendaVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "state": version.state,
        "state_label": str(version.get_state_display()),
        "decided_on": version.decided_on,
        "decision_id": version.decision_id,
        "based_on_id": version.based_on_id,
        "read_only": version.is_decided,
        "read_only_reason": read_only_reason(version),
        "version": version.version,
    }


def version_answer(kommune: Kommune, version: AgendaVersion) -> dict[str, Any]:
    """A version with its content (two queries)."""
    return {
        **_version_summary(version),
        "vision": version.vision,
        "leitsaetze": list(selectors.leitsaetze(kommune, version)),
        "handlungsfelder": list(selectors.handlungsfelder(kommune, version)),
    }


def _agenda(kommune: Kommune) -> dict[str, Any]:
    agenda = selectors.agenda(kommune)
    decided = selectors.decided_version(kommune)
    draft = selectors.draft_version(kommune)
    current = decided or draft
    return {
        "created": agenda is not None,
        "title": agenda.title if agenda is not None else "",
        "current": version_answer(kommune, current) if current is not None else None,
        "decided_id": decided.pk if decided else None,
        "draft_id": draft.pk if draft else None,
    }


def _goals(kommune: Kommune, goals: list[Goal]) -> list[dict[str, Any]]:
    links = reads.goal_links(kommune, [g.pk for g in goals])
    return [
        {
            "id": g.pk,
            "kind": g.kind,
            "kind_label": str(g.get_kind_display()),
            "parent_id": g.parent_id,
            "title": g.title,
            "description": g.description,
            "effect": g.effect,
            "effect_label": str(g.get_effect_display()),
            "handlungsfeld_ids": links.handlungsfeld_ids.get(g.pk, []),
            "kpi_ids": links.kpi_ids.get(g.pk, []),
            "measure_ids": links.measure_ids.get(g.pk, []),
            "position": g.position,
            "version": g.version,
        }
        for g in goals
    ]


def _goal(ctx: TenantContext, pk: int) -> dict[str, Any]:
    return _goals(ctx.kommune, [access.goal_for_view(ctx, pk)])[0]


def _decision(decision: CouncilDecision) -> dict[str, Any]:
    fields = ("body", "decided_on", "drucksache", "title", "beratungsfolge", "result", "link", "oparl_id", "version")
    return {
        "id": decision.pk,
        **{name: getattr(decision, name) for name in fields},
        "result_label": str(decision.get_result_display()),
    }


def _goal_data(values: dict[str, Any]) -> dict[str, Any]:
    """Body fields → the names the goal services take."""
    renames = {"parent_id": "parent", "handlungsfeld_ids": "handlungsfelder"}
    return {renames.get(name, name): value for name, value in values.items()}


# --- agenda and versions ------------------------------------------------------------------------------


@router.get(AGENDA, response=AgendaOut, summary="Digitale Agenda der Kommune", url_name="agenda_detail")
def agenda_detail(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Die geltende Fassung der Digitalen Agenda mit Stand, Vision, Leitsätzen und Handlungsfeldern (mit den
    Feldern des Orientierungsrahmens, die jedes abdeckt). Vor dem ersten Beschluss ist der Entwurf die geltende
    Fassung; ohne Agenda ist `created` false."""
    return _agenda(tenant(request).kommune)


@router.post(
    AGENDA, response={201: AgendaOut, **WRITE_ERRORS}, summary="Digitale Agenda anlegen", url_name="agenda_create"
)
def agenda_create(request: HttpRequest, kommune_slug: str, payload: AgendaIn) -> Status[dict[str, Any]]:
    """Legt die Digitale Agenda der Kommune mit Fassung 1 als Entwurf an. Hat die Kommune schon eine: 409."""
    ctx = tenant(request)
    access.require_strategy_editor(ctx)
    with api_change(request):
        conflict_on_refusal(
            lambda: services.agenda_create(
                kommune=ctx.kommune, actor=ctx.user, title=payload.title, vision=payload.vision
            )
        )
    return Status(201, _agenda(ctx.kommune))


@router.get(
    AGENDA + "/fassungen",
    response=AgendaVersionPage,
    summary="Fassungen der Digitalen Agenda",
    url_name="agenda_versions",
)
def agenda_versions(request: HttpRequest, kommune_slug: str, filters: Query[AgendaPageFilters]) -> dict[str, Any]:
    """Alle Fassungen, die älteste zuerst: beschlossene (eingefroren) und der Entwurf."""
    rows = selectors.versions(tenant(request).kommune)
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_version_summary(v) for v in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.get(
    AGENDA + "/fassungen/{agenda_version_id}",
    response={200: AgendaVersionOut, **READ_ERRORS},
    summary="Eine Fassung der Digitalen Agenda",
    url_name="agenda_version_detail",
)
def agenda_version_detail(request: HttpRequest, kommune_slug: str, agenda_version_id: int) -> dict[str, Any]:
    """Die Fassung mit Vision, Leitsätzen und Handlungsfeldern."""
    return version_answer(tenant(request).kommune, path_object(request, "agenda_version_id"))


@router.patch(
    AGENDA + "/fassungen/{agenda_version_id}",
    response={200: AgendaVersionOut, **WRITE_ERRORS},
    summary="Vision eines Entwurfs ändern",
    url_name="agenda_version_update",
)
def agenda_version_update(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, payload: AgendaVersionPatch
) -> dict[str, Any]:
    """Ändert die Vision eines Entwurfs. Eine beschlossene Fassung ist eingefroren: 409 mit dem Grund.
    `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    version: AgendaVersion = path_object(request, "agenda_version_id")
    refuse_if_decided(version)
    with api_change(request):
        conflict_on_refusal(
            lambda: services.version_update(
                kommune=ctx.kommune,
                actor=ctx.user,
                version=version,
                data=payload.changes(),
                expected_version=payload.version,
            )
        )
    return version_answer(ctx.kommune, access.version_for_view(ctx, version.pk))


# --- goals --------------------------------------------------------------------------------------------


@router.get(BASE + "/ziele", response=AgendaGoalPage, summary="Ziele der Digitalen Agenda", url_name="agenda_goal_list")
def agenda_goal_list(request: HttpRequest, kommune_slug: str, filters: Query[AgendaGoalFilters]) -> dict[str, Any]:
    """Wirkungsziele und operative Ziele mit der Wirkung, der sie dienen, ihren Handlungsfeldern, Kennzahlen und
    Maßnahmen; seitenweise mit `limit` und `offset`."""
    kommune = tenant(request).kommune
    goals = reads.goals(kommune, kind=filters.art)
    rows = list(goals[filters.offset : filters.offset + filters.limit])
    return {"count": goals.count(), "limit": filters.limit, "offset": filters.offset, "items": _goals(kommune, rows)}


@router.post(
    BASE + "/ziele",
    response={201: AgendaGoalOut, **WRITE_ERRORS},
    summary="Ziel anlegen",
    url_name="agenda_goal_create",
)
def agenda_goal_create(request: HttpRequest, kommune_slug: str, payload: AgendaGoalCreate) -> Status[dict[str, Any]]:
    """Ein Wirkungsziel oder ein operatives Ziel unter einem Wirkungsziel (`parent_id`). Ids aus einer anderen
    Kommune werden nicht gefunden (422)."""
    ctx = tenant(request)
    access.require_strategy_editor(ctx)
    data = _goal_data(payload.model_dump(exclude_none=True))
    with api_change(request):
        goal = service_call(lambda: services.goal_create(kommune=ctx.kommune, actor=ctx.user, data=data), GOAL_NAMES)
    return Status(201, _goal(ctx, goal.pk))


@router.get(
    BASE + "/ziele/{goal_id}",
    response={200: AgendaGoalOut, **READ_ERRORS},
    summary="Ein Ziel",
    url_name="agenda_goal_detail",
)
def agenda_goal_detail(request: HttpRequest, kommune_slug: str, goal_id: int) -> dict[str, Any]:
    return _goals(tenant(request).kommune, [path_object(request, "goal_id")])[0]


@router.patch(
    BASE + "/ziele/{goal_id}",
    response={200: AgendaGoalOut, **WRITE_ERRORS},
    summary="Ziel ändern",
    url_name="agenda_goal_update",
)
def agenda_goal_update(
    request: HttpRequest, kommune_slug: str, goal_id: int, payload: AgendaGoalPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder; `handlungsfeld_ids` ersetzt die ganze Liste. `version` muss die zuletzt
    gelesene sein, sonst 409."""
    ctx = tenant(request)
    goal: Goal = path_object(request, "goal_id")
    data = _goal_data(payload.changes())
    with api_change(request):
        service_call(
            lambda: services.goal_update(
                kommune=ctx.kommune, actor=ctx.user, goal=goal, data=data, expected_version=payload.version
            ),
            GOAL_NAMES,
        )
    return _goal(ctx, goal.pk)


@router.delete(
    BASE + "/ziele/{goal_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Ziel löschen",
    url_name="agenda_goal_delete",
)
def agenda_goal_delete(request: HttpRequest, kommune_slug: str, goal_id: int, version: Version) -> Status[None]:
    """Löscht ein Ziel; seine Kennzahlen bleiben (ohne Ziel). Ein Wirkungsziel mit operativen Zielen: 409.
    `version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    goal: Goal = path_object(request, "goal_id")
    check_version(goal, version)
    with api_change(request):
        conflict_on_refusal(lambda: services.goal_delete(kommune=ctx.kommune, actor=ctx.user, goal=goal))
    return Status(204, None)


# --- council decisions --------------------------------------------------------------------------------


@router.get(
    BASE + "/beschluesse", response=AgendaDecisionPage, summary="Gremienbeschlüsse", url_name="agenda_decision_list"
)
def agenda_decision_list(request: HttpRequest, kommune_slug: str, filters: Query[AgendaPageFilters]) -> dict[str, Any]:
    """Beschlüsse von Rat und Ausschüssen zur Digitalen Agenda, der neueste zuerst."""
    rows = reads.decisions(tenant(request).kommune)
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_decision(d) for d in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    BASE + "/beschluesse",
    response={201: AgendaDecisionOut, **WRITE_ERRORS},
    summary="Gremienbeschluss erfassen",
    url_name="agenda_decision_create",
)
def agenda_decision_create(
    request: HttpRequest, kommune_slug: str, payload: AgendaDecisionCreate
) -> Status[dict[str, Any]]:
    """Erfasst einen Beschluss, wie ihn das Ratsinformationssystem nennt: Gremium, Datum, Drucksache,
    Beratungsfolge, Ergebnis und Link (oder OParl-Objekt)."""
    ctx = tenant(request)
    access.require_strategy_editor(ctx)
    data = payload.model_dump()
    with api_change(request):
        decision = service_call(
            lambda: services.council_decision_create(kommune=ctx.kommune, actor=ctx.user, data=data)
        )
    return Status(201, _decision(decision))


@router.get(
    BASE + "/beschluesse/{decision_id}",
    response={200: AgendaDecisionOut, **READ_ERRORS},
    summary="Ein Gremienbeschluss",
    url_name="agenda_decision_detail",
)
def agenda_decision_detail(request: HttpRequest, kommune_slug: str, decision_id: int) -> dict[str, Any]:
    return _decision(path_object(request, "decision_id"))


@router.patch(
    BASE + "/beschluesse/{decision_id}",
    response={200: AgendaDecisionOut, **WRITE_ERRORS},
    summary="Gremienbeschluss ändern",
    url_name="agenda_decision_update",
)
def agenda_decision_update(
    request: HttpRequest, kommune_slug: str, decision_id: int, payload: AgendaDecisionPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    decision: CouncilDecision = path_object(request, "decision_id")
    with api_change(request):
        changed = service_call(
            lambda: services.council_decision_update(
                kommune=ctx.kommune,
                actor=ctx.user,
                decision=decision,
                data=payload.changes(),
                expected_version=payload.version,
            )
        )
    return _decision(changed)


@router.delete(
    BASE + "/beschluesse/{decision_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Gremienbeschluss löschen",
    url_name="agenda_decision_delete",
)
def agenda_decision_delete(request: HttpRequest, kommune_slug: str, decision_id: int, version: Version) -> Status[None]:
    """Löscht einen Beschluss. Beruht eine beschlossene Fassung auf ihm: 409. `version` (Pflicht) muss die
    zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    decision: CouncilDecision = path_object(request, "decision_id")
    check_version(decision, version)
    with api_change(request):
        conflict_on_refusal(
            lambda: services.council_decision_delete(kommune=ctx.kommune, actor=ctx.user, decision=decision)
        )
    return Status(204, None)
