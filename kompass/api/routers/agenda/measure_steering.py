"""How a measure is steered: the roles involved in it (RACI), what it waits for (dependencies, never
in a circle), its status with the history, and its status reports (Sachstandsberichte).

Every member reads. Changing any of it is changing the measure: `EDIT_MEASURES` at its responsible
unit (`kompass.agenda.access`). The gate resolves `measure_id`, `measure_role_id` and
`dependency_id` inside the Kommune (404) and with that right for writes (403); a row asked for
under another measure is 404 as well. Ids in the body (a role, a measure, a council decision) are
looked up inside the Kommune: another Kommune's is reported exactly like an unknown one (422).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import access, selectors, services
from kompass.agenda.models import Measure, MeasureDependency, MeasureRole, MeasureStatus, StatusReport, TrafficLight
from kompass.api.agenda_objects import child_of
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda import reads
from kompass.api.routers.agenda.common import (
    BASE,
    READ_ERRORS,
    WRITE_ERRORS,
    DateText,
    Limit,
    LongText,
    Offset,
    body_ref,
    conflict_on_refusal,
    service_call,
)
from kompass.api.routers.agenda.measures import (
    AgendaMeasureDetailOut,
    AgendaMeasureRefOut,
    AgendaRaciOut,
    detail_answer,
)
from kompass.api.routers.common import api_change
from kompass.api.routers.roles.common import active_role
from kompass.api.schemas import DbId, InputSchema, Version, clean_text

router = Router()

if TYPE_CHECKING:
    StatusKey: TypeAlias = str
    LightKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    StatusKey = Literal[tuple(MeasureStatus.values)]
    LightKey = Literal[tuple(TrafficLight.values)]

MEASURE = BASE + "/massnahmen/{measure_id}"
RACI = MEASURE + "/beteiligte"
DEPENDENCIES = MEASURE + "/abhaengigkeiten"
REPORTS = MEASURE + "/sachstandsberichte"
Letter = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1,
        description="R, C oder I. A hat nur die verantwortliche Rolle der Maßnahme; sie wird an der Maßnahme "
        "geändert (`accountable_role_id`).",
    ),
    AfterValidator(clean_text),
]
Progress = Annotated[int, Field(ge=0, le=100, description="Fortschritt in Prozent, 0 bis 100.")]
STATUS_DOC = "idee, geplant, in_umsetzung, abgeschlossen oder gestoppt."
LIGHT_DOC = "gruen (im Plan), gelb (gefährdet) oder rot (kritisch)."

# --- shapes -----------------------------------------------------------------------------------------


class AgendaRaciRowOut(AgendaRaciOut):
    id: int = Field(description="Nummer der Zeile (zum Entfernen).")


class AgendaRaciPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaRaciRowOut]


class AgendaRaciSet(InputSchema):
    role_id: DbId = Field(description="Eine aktive Rolle der Kommune.")
    letter: Letter


class AgendaDependencyOut(Schema):
    id: int = Field(description="Nummer der Abhängigkeit (zum Entfernen).")
    measure: AgendaMeasureRefOut = Field(description="Die andere Maßnahme.")


class AgendaDependencyListOut(Schema):
    depends_on: list[AgendaDependencyOut] = Field(description="Maßnahmen, die vorher fertig sein müssen.")
    needed_by: list[AgendaDependencyOut] = Field(
        description="Maßnahmen, die auf diese warten (entfernt wird eine solche Abhängigkeit an jener Maßnahme)."
    )


class AgendaDependencyAdd(InputSchema):
    depends_on_id: DbId = Field(description="Die Maßnahme, die vorher fertig sein muss.")


class AgendaStatusChange(InputSchema):
    status: StatusKey = Field(description=STATUS_DOC)
    note: LongText = Field("", description="Warum (für den Statusverlauf).")
    version: Version


class AgendaSnapshotOut(Schema):
    kpi_id: int | None
    name: str
    unit: str
    value: float | None = Field(description="Der neueste Wert am Tag des Berichts; null: noch keiner.")
    measured_on: datetime.date | None
    status: str = Field(description="im_plan, gefaehrdet, nicht_im_plan oder keine_werte.")


class AgendaStatusReportOut(Schema):
    id: int
    measure_id: int
    reported_on: datetime.date
    period_end: datetime.date = Field(description="Bis zu diesem Tag reicht der Bericht.")
    light: str = Field(description=LIGHT_DOC)
    light_label: str
    progress: int
    text: str
    author_name: str
    decision_id: int | None = Field(description="Der Gremienbeschluss, dem der Bericht vorgelegt wurde.")
    kpi_snapshot: list[AgendaSnapshotOut] = Field(description="Die Kennzahlen der Maßnahme am Tag des Berichts.")
    created_at: datetime.datetime


class AgendaStatusReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaStatusReportOut]


class AgendaStatusReportCreate(InputSchema):
    light: LightKey = Field(description=LIGHT_DOC)
    progress: Progress
    text: LongText = ""
    reported_on: DateText | None = Field(None, description="Ohne Angabe: heute.")
    period_end: DateText | None = Field(None, description="Ohne Angabe: der Tag des Berichts.")
    decision_id: DbId | None = None


class AgendaSteeringFilters(Schema):
    limit: Limit = 100
    offset: Offset = 0


# --- building the answers -------------------------------------------------------------------------------


def _raci(row: MeasureRole) -> dict[str, Any]:
    return {"id": row.pk, "role_id": row.role_id, "role": row.role.name, "letter": row.letter}


def _ref(measure: Measure) -> dict[str, Any]:
    return {"id": measure.pk, "title": measure.title, "status": measure.status}


def _dependencies(request: HttpRequest) -> dict[str, Any]:
    needs, waiting = reads.dependency_edges(tenant(request).kommune, _measure(request))
    return {
        "depends_on": [{"id": e.pk, "measure": _ref(e.depends_on)} for e in needs],
        "needed_by": [{"id": e.pk, "measure": _ref(e.measure)} for e in waiting],
    }


def _snapshot_item(item: dict[str, Any]) -> dict[str, Any]:
    """A KPI as the report kept it (values stored as text, days as ISO text)."""
    try:
        value = float(Decimal(item["value"])) if item.get("value") is not None else None
    except (InvalidOperation, TypeError, ValueError):
        value = None
    try:
        day = datetime.date.fromisoformat(item["measured_on"]) if item.get("measured_on") else None
    except (TypeError, ValueError):
        day = None
    return {
        "kpi_id": item.get("kpi"),
        "name": item.get("name", ""),
        "unit": item.get("unit") or "",
        "value": value,
        "measured_on": day,
        "status": item.get("status") or "keine_werte",
    }


def _report(report: StatusReport) -> dict[str, Any]:
    fields = ("id", "measure_id", "reported_on", "period_end", "light", "progress", "text", "author_name")
    return {
        **{name: getattr(report, name) for name in fields},
        "light_label": str(report.get_light_display()),
        "decision_id": report.decision_id,
        "kpi_snapshot": [_snapshot_item(item) for item in report.kpi_snapshot or []],
        "created_at": report.created_at,
    }


def _measure(request: HttpRequest) -> Measure:
    return path_object(request, "measure_id")  # type: ignore[no-any-return]


# --- RACI ---------------------------------------------------------------------------------------------


@router.get(
    RACI,
    response={200: AgendaRaciPage, **READ_ERRORS},
    summary="Beteiligte Rollen einer Maßnahme (RACI)",
    url_name="agenda_raci_list",
)
def agenda_raci_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaSteeringFilters]
) -> dict[str, Any]:
    """Die Rollen, die an der Maßnahme beteiligt sind, mit ihrem Buchstaben: A (die verantwortliche Rolle), R, C
    oder I."""
    rows = reads.raci_rows(tenant(request).kommune, _measure(request))
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_raci(row) for row in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    RACI,
    response={200: AgendaRaciRowOut, **WRITE_ERRORS},
    summary="Rolle an einer Maßnahme beteiligen",
    url_name="agenda_raci_set",
)
def agenda_raci_set(request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaRaciSet) -> dict[str, Any]:
    """Gibt einer Rolle R, C oder I in der Maßnahme; ist sie schon beteiligt, wird ihr Buchstabe geändert. Die
    verantwortliche Rolle (A) wird an der Maßnahme geändert, nicht hier (422)."""
    ctx = tenant(request)
    role = active_role(ctx, payload.role_id)
    with api_change(request):
        row = service_call(
            lambda: services.measure_role_set(
                kommune=ctx.kommune, actor=ctx.user, measure=_measure(request), role=role, letter=payload.letter
            ),
            {"role": "role_id"},
        )
    assert row is not None  # a letter was sent, so the row exists
    return {"id": row.pk, "role_id": role.pk, "role": role.name, "letter": row.letter}


@router.delete(
    RACI + "/{measure_role_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Beteiligung einer Rolle entfernen",
    url_name="agenda_raci_delete",
)
def agenda_raci_delete(request: HttpRequest, kommune_slug: str, measure_id: int, measure_role_id: int) -> Status[None]:
    """Die Rolle ist nicht mehr beteiligt. Die verantwortliche Rolle (A) bleibt, solange sie es ist: 409."""
    ctx = tenant(request)
    row: MeasureRole = child_of(path_object(request, "measure_role_id"), _measure(request))
    with api_change(request):
        conflict_on_refusal(
            lambda: services.measure_role_set(
                kommune=ctx.kommune, actor=ctx.user, measure=_measure(request), role=row.role, letter=""
            )
        )
    return Status(204, None)


# --- dependencies -------------------------------------------------------------------------------------


@router.get(
    DEPENDENCIES,
    response={200: AgendaDependencyListOut, **READ_ERRORS},
    summary="Abhängigkeiten einer Maßnahme",
    url_name="agenda_dependency_list",
)
def agenda_dependency_list(request: HttpRequest, kommune_slug: str, measure_id: int) -> dict[str, Any]:
    """Was die Maßnahme zuerst braucht und welche Maßnahmen auf sie warten, jede Abhängigkeit mit ihrer Nummer."""
    return _dependencies(request)


@router.post(
    DEPENDENCIES,
    response={201: AgendaDependencyListOut, **WRITE_ERRORS},
    summary="Abhängigkeit erfassen",
    url_name="agenda_dependency_add",
)
def agenda_dependency_add(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaDependencyAdd
) -> Status[dict[str, Any]]:
    """Die Maßnahme braucht zuerst die Maßnahme `depends_on_id`. Schlösse das einen Kreis (auch über andere
    Maßnahmen), wird nichts gespeichert und 422 nennt den Kreis mit den Titeln („A → B → C → A“)."""
    ctx = tenant(request)
    message = _("Diese Maßnahme gibt es in dieser Kommune nicht.")
    other = body_ref(access.measure_for_view, ctx, payload.depends_on_id, "depends_on_id", message)
    assert other is not None
    with api_change(request):
        service_call(
            lambda: services.dependency_add(
                kommune=ctx.kommune, actor=ctx.user, measure=_measure(request), depends_on=other
            ),
            {"depends_on": "depends_on_id"},
        )
    return Status(201, _dependencies(request))


@router.delete(
    DEPENDENCIES + "/{dependency_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Abhängigkeit entfernen",
    url_name="agenda_dependency_remove",
)
def agenda_dependency_remove(
    request: HttpRequest, kommune_slug: str, measure_id: int, dependency_id: int
) -> Status[None]:
    """Entfernt eine Abhängigkeit dieser Maßnahme (eine, die sie zuerst braucht)."""
    ctx = tenant(request)
    dependency: MeasureDependency = child_of(path_object(request, "dependency_id"), _measure(request))
    with api_change(request):
        services.dependency_remove(kommune=ctx.kommune, actor=ctx.user, dependency=dependency)
    return Status(204, None)


# --- status and status reports ----------------------------------------------------------------------


@router.post(
    MEASURE + "/status",
    response={200: AgendaMeasureDetailOut, **WRITE_ERRORS},
    summary="Status einer Maßnahme ändern",
    url_name="agenda_measure_status",
)
def agenda_measure_status(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaStatusChange
) -> dict[str, Any]:
    """Setzt die Maßnahme in einen anderen Status (wie die Tafel); der Schritt kommt mit `note` in den
    Statusverlauf, derselbe Status ändert nichts. `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    measure = _measure(request)
    with api_change(request):
        service_call(
            lambda: services.measure_status_change(
                kommune=ctx.kommune,
                actor=ctx.user,
                measure=measure,
                status=payload.status,
                note=payload.note,
                expected_version=payload.version,
            )
        )
    return detail_answer(ctx, measure.pk)


@router.get(
    REPORTS,
    response={200: AgendaStatusReportPage, **READ_ERRORS},
    summary="Sachstandsberichte einer Maßnahme",
    url_name="agenda_status_report_list",
)
def agenda_status_report_list(
    request: HttpRequest, kommune_slug: str, measure_id: int, filters: Query[AgendaSteeringFilters]
) -> dict[str, Any]:
    """Die Sachstandsberichte, der neueste zuerst, jeder mit Ampel, Fortschritt, Text und den Kennzahlen am Tag
    des Berichts."""
    rows = selectors.status_reports(tenant(request).kommune, _measure(request))
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_report(r) for r in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    REPORTS,
    response={201: AgendaStatusReportOut, **WRITE_ERRORS},
    summary="Sachstandsbericht erfassen",
    url_name="agenda_status_report_create",
)
def agenda_status_report_create(
    request: HttpRequest, kommune_slug: str, measure_id: int, payload: AgendaStatusReportCreate
) -> Status[dict[str, Any]]:
    """Ein Sachstandsbericht: Ampel (mit ihren Worten), Fortschritt in Prozent, Text; die Kennzahlen der Maßnahme
    mit ihrem neuesten Wert werden mit ihm festgehalten. Er gilt als Bericht des Zeitraums für die Erinnerungen."""
    ctx = tenant(request)
    values = payload.model_dump(exclude_none=True)
    data = {("decision" if name == "decision_id" else name): value for name, value in values.items()}
    with api_change(request):
        report = service_call(
            lambda: services.status_report_create(
                kommune=ctx.kommune, actor=ctx.user, measure=_measure(request), data=data
            ),
            {"decision": "decision_id"},
        )
    return Status(201, _report(report))
