"""Measures (Maßnahmen) of the digital agenda: list, one measure with everything that hangs on it,
create, change (status with its history), delete.

Every member reads. A measure has a place in the Verwaltungsgliederung, its responsible unit:
changing it needs `EDIT_MEASURES` there (`kompass.agenda.access`), so a Redaktion limited to a
subtree changes the measures inside it; a measure without responsible unit is Kommune-wide. The
gate resolves `measure_id` inside the Kommune (404) and with that right for writes (403); moving a
measure to another unit needs the right there too. The owner is never stored: it is the current
holder of the accountable role (`kompass.agenda.ownership`), so it follows the role model.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import access, impact, ownership, priority, selectors, services
from kompass.agenda.models import AgendaSettings, Measure, MeasureStatus
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda import reads
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
from kompass.api.routers.common import api_change, unit_ref
from kompass.api.routers.roles.common import role_ref
from kompass.api.schemas import DbId, InputSchema, PatchSchema, Version, clean_text
from kompass.org.models import OrgUnit
from kompass.tenancy.context import TenantContext

router = Router()

if TYPE_CHECKING:
    StatusKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    StatusKey = Literal[tuple(MeasureStatus.values)]

MEASURES = BASE + "/massnahmen"
Ids = Annotated[list[DbId], Field(max_length=200)]
ActivityKey = Annotated[
    str,
    Field(
        max_length=100, description="Schlüssel der Aktivität der Verantwortungsmatrix: ihre RACI-Zeile wird übernommen."
    ),
    AfterValidator(clean_text),
]
ReportPeriod = Annotated[
    int, Field(ge=7, le=730, description="Tage zwischen zwei Sachstandsberichten; leer: wie in den Einstellungen.")
]
MEASURE_NAMES = {
    "accountable_role": "accountable_role_id",
    "responsible_unit": "responsible_unit_id",
    "handlungsfelder": "handlungsfeld_ids",
    "goals": "goal_ids",
}
STATUS_DOC = "idee, geplant, in_umsetzung, abgeschlossen oder gestoppt."

# --- shapes ----------------------------------------------------------------------------------------


class AgendaOwnerOut(Schema):
    role_id: int | None = Field(description="Die verantwortliche Rolle (A) der Maßnahme.")
    role: str | None = Field(description="Name der verantwortlichen Rolle.")
    holder: str | None = Field(description="Wer die Rolle für diese Maßnahme zurzeit hat; null: niemand eindeutig.")
    state: str = Field(description="eindeutig, niemand (Rolle unbesetzt), mehrdeutig oder keine_rolle.")
    reason: str = Field(description="Wie die Verantwortung aus dem Rollenmodell folgt, in einem Satz.")


class AgendaMeasureOut(Schema):
    id: int
    title: str
    status: str = Field(description=STATUS_DOC)
    status_label: str
    handlungsfeld_ids: list[int]
    handlungsfeld_keys: list[str]
    goal_ids: list[int]
    accountable_role_id: int | None
    responsible_unit_id: int | None = Field(description="Die federführende Einheit; sie bestimmt, wer ändern darf.")
    responsible_unit_name: str | None
    owner: AgendaOwnerOut
    benefit: int = Field(description="Nutzen 1 (gering) bis 5 (hoch).")
    urgency: int = Field(description="Dringlichkeit 1 bis 5.")
    effort: int = Field(description="Aufwand 1 bis 5.")
    priority: float = Field(description="Prioritätswert 1 bis 5 nach der Formel der Kommune (`priority_formula`).")
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    version: int
    updated_at: datetime.datetime


class AgendaMeasurePage(Schema):
    count: int
    limit: int
    offset: int
    priority_formula: str = Field(description="Wie der Prioritätswert berechnet wird, mit den Gewichten der Kommune.")
    items: list[AgendaMeasureOut]


class AgendaMilestoneOut(Schema):
    id: int
    title: str
    due_on: datetime.date
    done_on: datetime.date | None
    version: int


class AgendaBudgetLineOut(Schema):
    id: int
    year: int
    planned: float = Field(description="Geplant (EUR).")
    spent: float = Field(description="Ausgegeben (EUR).")
    haushalt_kind: str = Field(description="produkt, kostenstelle oder investition.")
    haushalt_ref: str = Field(description="Produkt, Kostenstelle oder Investitionsnummer im Haushalt.")
    funding_programme: str
    funding_amount: float | None
    decision_id: int | None = Field(description="Der Haushaltsbeschluss.")
    version: int


class AgendaRiskOut(Schema):
    id: int
    title: str
    likelihood: int
    impact: int
    mitigation: str
    version: int


class AgendaRaciOut(Schema):
    role_id: int
    role: str
    letter: str = Field(description="R, A, C oder I; A hat nur die verantwortliche Rolle.")


class AgendaImpactStepOut(Schema):
    id: int
    level: str = Field(description="input, output, effekt, impact oder outcome (neutrale Codes).")
    level_label: str = Field(description="Bezeichnung nach der Einstellung der Kommune (KGSt oder EU/PHINEO).")
    text: str
    position: int
    version: int


class AgendaMeasureRefOut(Schema):
    id: int
    title: str
    status: str


class AgendaDependenciesOut(Schema):
    depends_on: list[AgendaMeasureRefOut] = Field(description="Maßnahmen, die vorher fertig sein müssen.")
    needed_by: list[AgendaMeasureRefOut] = Field(description="Maßnahmen, die auf diese warten.")


class AgendaStatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: datetime.datetime
    changed_by_name: str
    note: str


class AgendaMeasureDetailOut(AgendaMeasureOut):
    description: str
    beneficiaries: str
    fte: float | None = Field(description="Personaleinsatz in Vollzeitäquivalenten.")
    report_period_days: int | None
    activity_key: str | None
    priority_formula: str
    origin_recommendation_id: int | None = Field(description="Die Empfehlung der Selbstbewertung, aus der sie stammt.")
    origin_field_key: str
    origin_field_name: str
    origin_gap: str
    milestones: list[AgendaMilestoneOut]
    budget_lines: list[AgendaBudgetLineOut]
    risks: list[AgendaRiskOut]
    raci: list[AgendaRaciOut]
    impact_steps: list[AgendaImpactStepOut]
    dependencies: AgendaDependenciesOut
    status_history: list[AgendaStatusChangeOut]
    kpi_ids: list[int]


class AgendaMeasureCreate(InputSchema):
    title: Title
    description: LongText = ""
    status: StatusKey = Field(MeasureStatus.IDEE.value, description=STATUS_DOC)
    handlungsfeld_ids: Ids = Field(default_factory=list)
    goal_ids: Ids = Field(default_factory=list)
    accountable_role_id: DbId | None = None
    responsible_unit_id: DbId | None = Field(
        None, description="Redaktion mit Beschränkung: eine Einheit in ihrem Bereich (Pflicht)."
    )
    activity: ActivityKey | None = None
    benefit: Score = 3
    urgency: Score = 3
    effort: Score = 3
    starts_on: DateText | None = None
    ends_on: DateText | None = None
    fte: Number | None = None
    beneficiaries: LongText = ""
    report_period_days: ReportPeriod | None = None


class AgendaMeasurePatch(PatchSchema):
    NOT_NULL = frozenset(
        {"title", "description", "status", "handlungsfeld_ids", "goal_ids", "benefit", "urgency", "effort"}
        | {"beneficiaries", "note"}
    )

    title: Title | None = None
    description: LongText | None = None
    status: StatusKey | None = Field(None, description=STATUS_DOC + " Ein Wechsel kommt in den Statusverlauf.")
    note: LongText | None = Field(None, description="Anmerkung zum Statuswechsel (für den Verlauf).")
    handlungsfeld_ids: Ids | None = None
    goal_ids: Ids | None = None
    accountable_role_id: DbId | None = None
    responsible_unit_id: DbId | None = None
    benefit: Score | None = None
    urgency: Score | None = None
    effort: Score | None = None
    starts_on: DateText | None = None
    ends_on: DateText | None = None
    fte: Number | None = None
    beneficiaries: LongText | None = None
    report_period_days: ReportPeriod | None = None


class AgendaMeasureFilters(Schema):
    status: StatusKey | None = Field(None, description="Nur Maßnahmen in diesem Status.")
    handlungsfeld: str | None = Field(
        None, max_length=60, description="Nur Maßnahmen im Handlungsfeld mit diesem Schlüssel."
    )
    limit: Limit = 50
    offset: Offset = 0


# --- building the answers ----------------------------------------------------------------------------


def _owner(measure: Measure, owner: ownership.Ownership) -> dict[str, Any]:
    role = measure.accountable_role
    name = role.name if role is not None else ""
    person = owner.person
    reasons = {
        ownership.EINDEUTIG: _("%(person)s hat die verantwortliche Rolle „%(role)s“ für diese Maßnahme."),
        ownership.NIEMAND: _("Niemand hat die verantwortliche Rolle „%(role)s“ zurzeit."),
        ownership.MEHRDEUTIG: _(
            "Mehrere Personen haben die Rolle „%(role)s“, und keine allein für die federführende Einheit oder eine "
            "übergeordnete."
        ),
        ownership.KEINE_ROLLE: _("Die Maßnahme nennt keine verantwortliche Rolle."),
    }
    return {
        "role_id": measure.accountable_role_id,
        "role": name or None,
        "holder": str(person) if person is not None else None,
        "state": owner.state,
        "reason": reasons[owner.state] % {"person": str(person), "role": name},
    }


def _measure(measure: Measure, owner: ownership.Ownership, agenda_settings: AgendaSettings) -> dict[str, Any]:
    fields = measure.handlungsfelder.all()  # prefetched by selectors.measures
    unit = measure.responsible_unit
    return {
        **{
            name: getattr(measure, name)
            for name in ("title", "status", "benefit", "urgency", "effort", "starts_on", "ends_on", "version")
        },
        "id": measure.pk,
        "status_label": str(measure.get_status_display()),
        "handlungsfeld_ids": [h.pk for h in fields],
        "handlungsfeld_keys": [h.key for h in fields],
        "goal_ids": [g.pk for g in measure.goals.all()],
        "accountable_role_id": measure.accountable_role_id,
        "responsible_unit_id": measure.responsible_unit_id,
        "responsible_unit_name": unit.name if unit is not None else None,
        "owner": _owner(measure, owner),
        "priority": float(selectors.priority_of(measure, agenda_settings)),  # type: ignore[arg-type]
        "updated_at": measure.updated_at,
    }


def _formula(agenda_settings: AgendaSettings) -> str:
    return priority.formula_text(priority.weights_of(agenda_settings))


def _ref(measure: Measure) -> dict[str, Any]:
    return {"id": measure.pk, "title": measure.title, "status": measure.status}


def detail_answer(ctx: TenantContext, pk: int) -> dict[str, Any]:
    """One measure with everything that hangs on it, read fresh after a write."""
    kommune = ctx.kommune
    measure = selectors.measures(kommune).get(pk=access.measure_for_view(ctx, pk).pk)
    agenda_settings = selectors.settings(kommune)
    parts = reads.measure_parts(kommune, measure)
    labels = impact.impact_labels(agenda_settings.impact_labels)
    return {
        **_measure(measure, selectors.owner_of(kommune, measure), agenda_settings),
        "description": measure.description,
        "beneficiaries": measure.beneficiaries,
        "fte": number(measure.fte),
        "report_period_days": measure.report_period_days,
        "activity_key": measure.activity.key if measure.activity is not None else None,
        "priority_formula": _formula(agenda_settings),
        "origin_recommendation_id": measure.origin_recommendation_id,
        "origin_field_key": measure.origin_field_key,
        "origin_field_name": measure.origin_field_name,
        "origin_gap": measure.origin_gap,
        "milestones": parts.milestones,
        "budget_lines": [
            {
                **{n: getattr(b, n) for n in ("id", "year", "haushalt_kind", "haushalt_ref", "funding_programme")},
                "planned": number(b.planned),
                "spent": number(b.spent),
                "funding_amount": number(b.funding_amount),
                "decision_id": b.decision_id,
                "version": b.version,
            }
            for b in parts.budget_lines
        ],
        "risks": parts.risks,
        "raci": [{"role_id": r.role_id, "role": r.role.name, "letter": r.letter} for r in parts.roles],
        "impact_steps": [
            {
                "id": s.pk,
                "level": s.level,
                "level_label": labels.get(s.level, s.level),
                "text": s.text,
                "position": s.position,
                "version": s.version,
            }
            for s in parts.impact_steps
        ],
        "dependencies": {
            "depends_on": [_ref(m) for m in parts.depends_on],
            "needed_by": [_ref(m) for m in parts.needed_by],
        },
        "status_history": list(selectors.status_history(kommune, measure)),
        "kpi_ids": parts.kpi_ids,
    }


def _place(ctx: TenantContext, unit: OrgUnit | None) -> None:
    """SECURITY: the member may change measures at this place (a measure without unit is Kommune-wide)."""
    access.require_measure_editor(ctx, Measure(kommune=ctx.kommune, responsible_unit=unit))


def _measure_data(ctx: TenantContext, values: dict[str, Any]) -> dict[str, Any]:
    """Body fields → the names and objects the measure services take; ids looked up in the Kommune
    (docs/security.md T2)."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "accountable_role_id":
            data["accountable_role"] = role_ref(ctx, value, name)
        elif name == "responsible_unit_id":
            data["responsible_unit"] = unit_ref(ctx, value, name)
        elif name == "handlungsfeld_ids":
            data["handlungsfelder"] = value
        elif name == "goal_ids":
            data["goals"] = value
        else:
            data[name] = value
    return data


# --- routes --------------------------------------------------------------------------------------------


@router.get(
    MEASURES, response=AgendaMeasurePage, summary="Maßnahmen der Digitalen Agenda", url_name="agenda_measure_list"
)
def agenda_measure_list(
    request: HttpRequest, kommune_slug: str, filters: Query[AgendaMeasureFilters]
) -> dict[str, Any]:
    """Die Maßnahmen nach Titel, mit Status, Handlungsfeldern, Priorität und der Person, die sie über ihre Rolle
    verantwortet; `status` und `handlungsfeld` (Schlüssel) filtern, seitenweise mit `limit` und `offset`."""
    kommune = tenant(request).kommune
    rows = selectors.measures(kommune)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.handlungsfeld:
        rows = rows.filter(handlungsfelder__key=filters.handlungsfeld).distinct()
    items = list(rows[filters.offset : filters.offset + filters.limit])
    owners = selectors.owners(kommune, items)
    agenda_settings = selectors.settings(kommune)
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "priority_formula": _formula(agenda_settings),
        "items": [_measure(m, owners[m.pk], agenda_settings) for m in items],
    }


@router.post(
    MEASURES,
    response={201: AgendaMeasureDetailOut, **WRITE_ERRORS},
    summary="Maßnahme anlegen",
    url_name="agenda_measure_create",
)
def agenda_measure_create(
    request: HttpRequest, kommune_slug: str, payload: AgendaMeasureCreate
) -> Status[dict[str, Any]]:
    """Legt eine Maßnahme an; ihr erster Status kommt in den Verlauf. Mit `activity` werden die beteiligten
    Rollen (RACI) aus der Verantwortungsmatrix übernommen. Beträge und Zahlen auch deutsch geschrieben („1,5“)."""
    ctx = tenant(request)
    data = _measure_data(ctx, payload.model_dump(exclude_none=True))
    _place(ctx, data.get("responsible_unit"))
    with api_change(request):
        measure = service_call(
            lambda: services.measure_create(kommune=ctx.kommune, actor=ctx.user, data=data), MEASURE_NAMES
        )
    return Status(201, detail_answer(ctx, measure.pk))


@router.get(
    MEASURES + "/{measure_id}",
    response={200: AgendaMeasureDetailOut, **READ_ERRORS},
    summary="Eine Maßnahme",
    url_name="agenda_measure_detail",
)
def agenda_measure_detail(request: HttpRequest, kommune_slug: str, measure_id: int) -> dict[str, Any]:
    """Die Maßnahme mit Meilensteinen, Haushaltsansätzen, Risiken, beteiligten Rollen (RACI), Wirkungskette,
    Abhängigkeiten, Statusverlauf und der verantwortlichen Person, wie sie aus dem Rollenmodell folgt."""
    return detail_answer(tenant(request), path_object(request, "measure_id").pk)


@router.patch(
    MEASURES + "/{measure_id}",
    response={200: AgendaMeasureDetailOut, **WRITE_ERRORS},
    summary="Maßnahme ändern",
    url_name="agenda_measure_update",
)
def agenda_measure_update(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaMeasurePatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder; ein neuer `status` kommt mit `note` in den Statusverlauf. Listen
    (`handlungsfeld_ids`, `goal_ids`) ersetzen die ganze Liste. Eine neue federführende Einheit muss im eigenen
    Bereich liegen (sonst 403). `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    measure: Measure = path_object(request, "measure_id")
    data = _measure_data(ctx, payload.changes())
    if "responsible_unit" in data and data["responsible_unit"] != measure.responsible_unit:
        _place(ctx, data["responsible_unit"])
    with api_change(request):
        service_call(
            lambda: services.measure_update(
                kommune=ctx.kommune, actor=ctx.user, measure=measure, data=data, expected_version=payload.version
            ),
            MEASURE_NAMES,
        )
    return detail_answer(ctx, measure.pk)


@router.delete(
    MEASURES + "/{measure_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Maßnahme löschen",
    url_name="agenda_measure_delete",
)
def agenda_measure_delete(request: HttpRequest, kommune_slug: str, measure_id: int, version: Version) -> Status[None]:
    """Löscht die Maßnahme mit allem, was an ihr hängt (auch ihren Kennzahlen); eine Empfehlung, aus der sie
    stammt, ist wieder offen. `version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    measure: Measure = path_object(request, "measure_id")
    check_version(measure, version)
    with api_change(request):
        services.measure_delete(kommune=ctx.kommune, actor=ctx.user, measure=measure)
    return Status(204, None)
