"""What hangs on a measure, each listed, created, changed and deleted: milestones, budget lines (per
year, with the Haushalt reference and funding), risks and the steps of its impact chain.

Every member reads. Changing any of them is changing the measure: `EDIT_MEASURES` at its
responsible unit (`kompass.agenda.access`), so a Redaktion limited to a subtree changes those of
the measures inside it. The gate resolves `measure_id` and the child's id inside the Kommune (404)
and with that right for writes (403); a child asked for under another measure is 404 as well.
Amounts and dates may be written the German way („1.234,56 €“, „31.12.2026“). Each child carries
`version`: a change or delete with a stale one answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import impact, selectors, services
from kompass.agenda.models import BudgetLine, HaushaltKind, ImpactLevel, ImpactStep, Measure, Milestone, Risk
from kompass.api.agenda_objects import child_of
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda.common import (
    BASE,
    READ_ERRORS,
    WRITE_ERRORS,
    DateText,
    Limit,
    LongText,
    Number,
    Offset,
    Score,
    Title,
    check_version,
    number,
    service_call,
)
from kompass.api.routers.agenda.measures import (
    AgendaBudgetLineOut,
    AgendaImpactStepOut,
    AgendaMilestoneOut,
    AgendaRiskOut,
)
from kompass.api.routers.common import api_change
from kompass.api.schemas import DbId, InputSchema, PatchSchema, Version, clean_text
from kompass.tenancy.models import Kommune

router = Router()

if TYPE_CHECKING:
    HaushaltKey: TypeAlias = str
    LevelKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    HaushaltKey = Literal[tuple(HaushaltKind.values)]
    LevelKey = Literal[tuple(ImpactLevel.values)]

MEASURE = BASE + "/massnahmen/{measure_id}"
MILESTONES = MEASURE + "/meilensteine"
BUDGET = MEASURE + "/haushaltsansaetze"
RISKS = MEASURE + "/risiken"
CHAIN = MEASURE + "/wirkungskette"
Year = Annotated[int, Field(ge=2000, le=2100, description="Haushaltsjahr.")]
Ref = Annotated[str, Field(max_length=60), AfterValidator(clean_text)]
StepText = Annotated[str, Field(max_length=2000), AfterValidator(clean_text)]
Position = Annotated[int, Field(ge=0, le=1000)]
DECISION_NAMES = {"decision": "decision_id"}
HAUSHALT_DOC = "produkt, kostenstelle oder investition (Investitionsnummer)."
LEVEL_DOC = (
    "input, output, effekt, impact oder outcome: neutrale Codes; die Bezeichnungen (KGSt oder EU/PHINEO) folgen der "
    "Einstellung der Kommune."
)

# --- shapes -------------------------------------------------------------------------------------------


class AgendaChildFilters(Schema):
    limit: Limit = 100
    offset: Offset = 0


class AgendaMilestonePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaMilestoneOut]


class AgendaMilestoneCreate(InputSchema):
    title: Title
    due_on: DateText
    done_on: DateText | None = Field(None, description="Wann er erreicht wurde; leer: noch offen.")


class AgendaMilestonePatch(PatchSchema):
    NOT_NULL = frozenset({"title", "due_on"})

    title: Title | None = None
    due_on: DateText | None = None
    done_on: DateText | None = Field(None, description="null: wieder offen.")


class AgendaBudgetLinePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaBudgetLineOut]


class AgendaBudgetLineCreate(InputSchema):
    year: Year
    planned: Number | None = Field(None, description="Geplant (EUR); ohne Angabe 0. Auch „12.345,67 €“.")
    spent: Number | None = Field(None, description="Ausgegeben (EUR); ohne Angabe 0.")
    haushalt_kind: HaushaltKey = Field(description=HAUSHALT_DOC)
    haushalt_ref: Ref = ""
    funding_programme: Title = ""
    funding_amount: Number | None = Field(None, description="Fördersumme (EUR).")
    decision_id: DbId | None = Field(None, description="Der Haushaltsbeschluss (ein erfasster Gremienbeschluss).")


class AgendaBudgetLinePatch(PatchSchema):
    NOT_NULL = frozenset({"year", "planned", "spent", "haushalt_kind", "haushalt_ref", "funding_programme"})

    year: Year | None = None
    planned: Number | None = None
    spent: Number | None = None
    haushalt_kind: HaushaltKey | None = Field(None, description=HAUSHALT_DOC)
    haushalt_ref: Ref | None = None
    funding_programme: Title | None = None
    funding_amount: Number | None = Field(None, description="null: keine Förderung.")
    decision_id: DbId | None = Field(None, description="null: ohne Haushaltsbeschluss.")


class AgendaRiskPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaRiskOut]


class AgendaRiskCreate(InputSchema):
    title: Title
    likelihood: Score = Field(3, description="Eintrittswahrscheinlichkeit 1 (gering) bis 5 (hoch).")
    impact: Score = Field(3, description="Auswirkung 1 (gering) bis 5 (hoch).")
    mitigation: LongText = ""


class AgendaRiskPatch(PatchSchema):
    NOT_NULL = frozenset({"title", "likelihood", "impact", "mitigation"})

    title: Title | None = None
    likelihood: Score | None = None
    impact: Score | None = None
    mitigation: LongText | None = None


class AgendaImpactStepPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaImpactStepOut]


class AgendaImpactStepCreate(InputSchema):
    level: LevelKey = Field(description=LEVEL_DOC)
    text: StepText
    position: Position | None = Field(None, description="Ohne Angabe: nach der Stufe (Input zuerst).")


class AgendaImpactStepPatch(PatchSchema):
    NOT_NULL = frozenset({"level", "text", "position"})

    level: LevelKey | None = Field(None, description=LEVEL_DOC)
    text: StepText | None = None
    position: Position | None = None


# --- building the answers ---------------------------------------------------------------------------


def _milestone(item: Milestone) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ("id", "title", "due_on", "done_on", "version")}


def _budget_line(item: BudgetLine) -> dict[str, Any]:
    fields = ("id", "year", "haushalt_kind", "haushalt_ref", "funding_programme", "decision_id", "version")
    return {
        **{name: getattr(item, name) for name in fields},
        "planned": number(item.planned),
        "spent": number(item.spent),
        "funding_amount": number(item.funding_amount),
    }


def _risk(item: Risk) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ("id", "title", "likelihood", "impact", "mitigation", "version")}


def _step_converter(kommune: Kommune) -> Callable[[ImpactStep], dict[str, Any]]:
    """Steps with the level names the Kommune chose (KGSt or EU/PHINEO); one query for the setting."""
    labels = impact.impact_labels(selectors.settings(kommune).impact_labels)

    def convert(step: ImpactStep) -> dict[str, Any]:
        fields = ("id", "level", "text", "position", "version")
        return {**{name: getattr(step, name) for name in fields}, "level_label": labels.get(step.level, step.level)}

    return convert


def _measure(request: HttpRequest) -> Measure:
    return path_object(request, "measure_id")  # type: ignore[no-any-return]


def _child(request: HttpRequest, param: str) -> Any:
    """The child the path names, if it hangs on the measure the path names (404 otherwise)."""
    return child_of(path_object(request, param), _measure(request))


def _rows(request: HttpRequest, model: type[Model], *order: str) -> QuerySet[Any]:
    kommune = tenant(request).kommune
    return model.objects.for_kommune(kommune).filter(measure=_measure(request)).order_by(*order)  # type: ignore[attr-defined,no-any-return]


def _page(rows: QuerySet[Any], filters: AgendaChildFilters, convert: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [convert(item) for item in rows[filters.offset : filters.offset + filters.limit]],
    }


def _renamed(values: dict[str, Any]) -> dict[str, Any]:
    """Body fields → the names the services take (`decision_id` → `decision`)."""
    return {("decision" if name == "decision_id" else name): value for name, value in values.items()}


def _create(request: HttpRequest, create: Callable[..., Any], data: dict[str, Any]) -> Any:
    ctx = tenant(request)
    with api_change(request):
        return service_call(
            lambda: create(kommune=ctx.kommune, actor=ctx.user, measure=_measure(request), data=data), DECISION_NAMES
        )


def _update(request: HttpRequest, update: Callable[..., Any], keyword: str, child: Any, payload: PatchSchema) -> Any:
    ctx = tenant(request)
    data = _renamed(payload.changes())
    with api_change(request):
        return service_call(
            lambda: update(
                kommune=ctx.kommune, actor=ctx.user, data=data, expected_version=payload.version, **{keyword: child}
            ),
            DECISION_NAMES,
        )


def _delete(request: HttpRequest, delete: Callable[..., Any], keyword: str, child: Any, version: int) -> Status[None]:
    ctx = tenant(request)
    check_version(child, version)
    with api_change(request):
        delete(kommune=ctx.kommune, actor=ctx.user, **{keyword: child})
    return Status(204, None)


# --- milestones ---------------------------------------------------------------------------------------


@router.get(
    MILESTONES,
    response={200: AgendaMilestonePage, **READ_ERRORS},
    summary="Meilensteine einer Maßnahme",
    url_name="agenda_milestone_list",
)
def agenda_milestone_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaChildFilters]
) -> dict[str, Any]:
    """Die Meilensteine nach Fälligkeit."""
    return _page(_rows(request, Milestone, "due_on", "pk"), filters, _milestone)


@router.post(
    MILESTONES,
    response={201: AgendaMilestoneOut, **WRITE_ERRORS},
    summary="Meilenstein anlegen",
    url_name="agenda_milestone_create",
)
def agenda_milestone_create(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaMilestoneCreate
) -> Status[dict[str, Any]]:
    """Ein Meilenstein mit Fälligkeit (und, wenn schon erreicht, dem Tag)."""
    return Status(201, _milestone(_create(request, services.milestone_create, payload.model_dump(exclude_none=True))))


@router.patch(
    MILESTONES + "/{milestone_id}",
    response={200: AgendaMilestoneOut, **WRITE_ERRORS},
    summary="Meilenstein ändern",
    url_name="agenda_milestone_update",
)
def agenda_milestone_update(
    request: HttpRequest, kommune_slug: str, measure_id: int, milestone_id: int, payload: AgendaMilestonePatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder; `done_on` null macht ihn wieder offen. `version` muss die zuletzt gelesene
    sein, sonst 409."""
    child = _child(request, "milestone_id")
    return _milestone(_update(request, services.milestone_update, "milestone", child, payload))


@router.delete(
    MILESTONES + "/{milestone_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Meilenstein löschen",
    url_name="agenda_milestone_delete",
)
def agenda_milestone_delete(
    request: HttpRequest, kommune_slug: str, measure_id: int, milestone_id: int, version: Version
) -> Status[None]:
    """`version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    return _delete(request, services.milestone_delete, "milestone", _child(request, "milestone_id"), version)


# --- budget lines ------------------------------------------------------------------------------------


@router.get(
    BUDGET,
    response={200: AgendaBudgetLinePage, **READ_ERRORS},
    summary="Haushaltsansätze einer Maßnahme",
    url_name="agenda_budget_line_list",
)
def agenda_budget_line_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaChildFilters]
) -> dict[str, Any]:
    """Geplante und ausgegebene Beträge je Haushaltsjahr mit Haushaltsstelle und Förderung."""
    return _page(_rows(request, BudgetLine, "year", "pk"), filters, _budget_line)


@router.post(
    BUDGET,
    response={201: AgendaBudgetLineOut, **WRITE_ERRORS},
    summary="Haushaltsansatz anlegen",
    url_name="agenda_budget_line_create",
)
def agenda_budget_line_create(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaBudgetLineCreate
) -> Status[dict[str, Any]]:
    """Geld der Maßnahme in einem Haushaltsjahr: Beträge als Zahl oder deutsch geschrieben („12.345,67 €“), die
    Haushaltsstelle (Produkt, Kostenstelle oder Investitionsnummer), Förderung und der Haushaltsbeschluss."""
    data = _renamed(payload.model_dump(exclude_none=True))
    return Status(201, _budget_line(_create(request, services.budget_line_create, data)))


@router.patch(
    BUDGET + "/{budget_line_id}",
    response={200: AgendaBudgetLineOut, **WRITE_ERRORS},
    summary="Haushaltsansatz ändern",
    url_name="agenda_budget_line_update",
)
def agenda_budget_line_update(
    request: HttpRequest, kommune_slug: str, measure_id: int, budget_line_id: int, payload: AgendaBudgetLinePatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409."""
    child = _child(request, "budget_line_id")
    return _budget_line(_update(request, services.budget_line_update, "line", child, payload))


@router.delete(
    BUDGET + "/{budget_line_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Haushaltsansatz löschen",
    url_name="agenda_budget_line_delete",
)
def agenda_budget_line_delete(
    request: HttpRequest, kommune_slug: str, measure_id: int, budget_line_id: int, version: Version
) -> Status[None]:
    """`version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    return _delete(request, services.budget_line_delete, "line", _child(request, "budget_line_id"), version)


# --- risks --------------------------------------------------------------------------------------------


@router.get(
    RISKS, response={200: AgendaRiskPage, **READ_ERRORS}, summary="Risiken einer Maßnahme", url_name="agenda_risk_list"
)
def agenda_risk_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaChildFilters]
) -> dict[str, Any]:
    return _page(_rows(request, Risk, "pk"), filters, _risk)


@router.post(
    RISKS, response={201: AgendaRiskOut, **WRITE_ERRORS}, summary="Risiko anlegen", url_name="agenda_risk_create"
)
def agenda_risk_create(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaRiskCreate
) -> Status[dict[str, Any]]:
    """Ein Risiko mit Eintrittswahrscheinlichkeit und Auswirkung (je 1 bis 5) und der Gegenmaßnahme."""
    return Status(201, _risk(_create(request, services.risk_create, payload.model_dump())))


@router.patch(
    RISKS + "/{risk_id}",
    response={200: AgendaRiskOut, **WRITE_ERRORS},
    summary="Risiko ändern",
    url_name="agenda_risk_update",
)
def agenda_risk_update(
    request: HttpRequest, kommune_slug: str, measure_id: int, risk_id: int, payload: AgendaRiskPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409."""
    return _risk(_update(request, services.risk_update, "risk", _child(request, "risk_id"), payload))


@router.delete(
    RISKS + "/{risk_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Risiko löschen",
    url_name="agenda_risk_delete",
)
def agenda_risk_delete(
    request: HttpRequest, kommune_slug: str, measure_id: int, risk_id: int, version: Version
) -> Status[None]:
    """`version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    return _delete(request, services.risk_delete, "risk", _child(request, "risk_id"), version)


# --- the impact chain ---------------------------------------------------------------------------------


@router.get(
    CHAIN,
    response={200: AgendaImpactStepPage, **READ_ERRORS},
    summary="Wirkungskette einer Maßnahme",
    url_name="agenda_impact_step_list",
)
def agenda_impact_step_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaChildFilters]
) -> dict[str, Any]:
    """Die Stufen Input → Output → Wirkung (Effekt, Impact, Outcome) in ihrer Reihenfolge, mit den Bezeichnungen,
    die die Kommune gewählt hat."""
    convert = _step_converter(tenant(request).kommune)
    return _page(_rows(request, ImpactStep, "position", "pk"), filters, convert)


@router.post(
    CHAIN,
    response={201: AgendaImpactStepOut, **WRITE_ERRORS},
    summary="Stufe der Wirkungskette anlegen",
    url_name="agenda_impact_step_create",
)
def agenda_impact_step_create(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaImpactStepCreate
) -> Status[dict[str, Any]]:
    """Eine Stufe der Wirkungskette (neutraler Code der Stufe und was dort geschieht)."""
    step = _create(request, services.impact_step_create, payload.model_dump(exclude_none=True))
    return Status(201, _step_converter(tenant(request).kommune)(step))


@router.patch(
    CHAIN + "/{impact_step_id}",
    response={200: AgendaImpactStepOut, **WRITE_ERRORS},
    summary="Stufe der Wirkungskette ändern",
    url_name="agenda_impact_step_update",
)
def agenda_impact_step_update(
    request: HttpRequest, kommune_slug: str, measure_id: int, impact_step_id: int, payload: AgendaImpactStepPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409."""
    step = _update(request, services.impact_step_update, "step", _child(request, "impact_step_id"), payload)
    return _step_converter(tenant(request).kommune)(step)


@router.delete(
    CHAIN + "/{impact_step_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Stufe der Wirkungskette löschen",
    url_name="agenda_impact_step_delete",
)
def agenda_impact_step_delete(
    request: HttpRequest, kommune_slug: str, measure_id: int, impact_step_id: int, version: Version
) -> Status[None]:
    """Kennzahlen dieser Stufe bleiben (ohne Stufe). `version` (Pflicht) muss die zuletzt gelesene sein, sonst
    409."""
    return _delete(request, services.impact_step_delete, "step", _child(request, "impact_step_id"), version)
