"""KPIs (Kennzahlen) of the digital agenda with their computed status, their values, and the push of
measured values from other systems.

Every member reads. A KPI of a measure is changed by whoever may change the measure
(`EDIT_MEASURES` at its responsible unit); a KPI of a goal, or of nothing, is strategy
(`EDIT_AGENDA`). The gate resolves `kpi_id` inside the Kommune (404) and with that right for
writes (403). The push (`POST …/kennzahlen/werte`) is idempotent by KPI and day and all-or-nothing
(`services.kpi_values_push`); a KPI of another Kommune is reported exactly like an unknown one.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import access, kpi_status, selectors, services
from kompass.agenda.models import KPI, Direction, KPIValue, Measure
from kompass.api.errors import InputError
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda import reads
from kompass.api.routers.agenda.common import (
    BASE,
    READ_ERRORS,
    WRITE_ERRORS,
    DateText,
    Limit,
    Number,
    Offset,
    Title,
    body_ref,
    check_version,
    number,
    service_call,
)
from kompass.api.routers.common import api_change
from kompass.api.routers.roles.common import role_ref
from kompass.api.schemas import DbId, InputSchema, PatchSchema, Version, clean_text
from kompass.tenancy.context import TenantContext

router = Router()

if TYPE_CHECKING:
    DirectionKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    DirectionKey = Literal[tuple(Direction.values)]

KPIS = BASE + "/kennzahlen"
UnitText = Annotated[
    str, Field(max_length=40, description="Einheit, z. B. %, Anzahl, Tage."), AfterValidator(clean_text)
]
SourceText = Annotated[str, Field(max_length=300), AfterValidator(clean_text)]
Note = Annotated[str, Field(max_length=500), AfterValidator(clean_text)]
PeriodDays = Annotated[int, Field(ge=1, le=3650, description="Erhebungszeitraum in Tagen (wie oft gemessen wird).")]
KPI_NAMES = {"owner_role": "owner_role_id", "goal": "goal_id", "measure": "measure_id", "impact_step": "impact_step_id"}
PUSH_NAMES = {"kpi": "kpi_id", "measured_on": "date", "value": "value", "note": "note"}
MAX_PUSH = 10000

# --- shapes ----------------------------------------------------------------------------------------


class AgendaLatestOut(Schema):
    value: float
    measured_on: datetime.date


class AgendaStatusOut(Schema):
    code: str = Field(description="im_plan, gefaehrdet, nicht_im_plan oder keine_werte.")
    label: str
    expected: float | None = Field(description="Das Soll laut gerader Linie am Stichtag des letzten Werts.")
    behind_percent: float | None = Field(
        description="Um wie viel Prozent der Strecke Ausgangs- → Zielwert der letzte Wert hinter dem Soll liegt "
        "(negativ: davor)."
    )


class AgendaKpiOut(Schema):
    id: int
    name: str
    unit: str
    direction: str = Field(description="steigend oder fallend: welche Richtung besser ist.")
    baseline_value: float
    baseline_on: datetime.date
    target_value: float
    target_on: datetime.date
    data_source: str
    owner_role_id: int | None
    owner_role: str | None = Field(description="Name der Rolle, die die Kennzahl verantwortet.")
    period_days: int
    is_public: bool = Field(description="Auf der öffentlichen Seite der Kommune gezeigt.")
    goal_id: int | None
    measure_id: int | None
    impact_step_id: int | None
    latest: AgendaLatestOut | None = Field(description="Der neueste gemessene Wert.")
    status: AgendaStatusOut
    version: int


class AgendaKpiPage(Schema):
    count: int
    limit: int
    offset: int
    status_rule: str = Field(description="Wie der Status berechnet wird (gilt für jede Kennzahl).")
    items: list[AgendaKpiOut]


class AgendaValueOut(Schema):
    measured_on: datetime.date
    value: float
    note: str
    source: str = Field(description="manuell, import oder api.")


class AgendaKpiDetailOut(AgendaKpiOut):
    status_rule: str
    values: list[AgendaValueOut] = Field(description="Alle gemessenen Werte, der älteste zuerst.")


class AgendaValuePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaValueOut]


class AgendaKpiCreate(InputSchema):
    name: Title
    unit: UnitText = ""
    direction: DirectionKey = Direction.STEIGEND.value
    baseline_value: Number
    baseline_on: DateText
    target_value: Number
    target_on: DateText
    data_source: SourceText = ""
    owner_role_id: DbId | None = None
    period_days: PeriodDays = 90
    is_public: bool = False
    goal_id: DbId | None = None
    measure_id: DbId | None = None
    impact_step_id: DbId | None = Field(None, description="Eine Stufe der Wirkungskette einer Maßnahme.")


class AgendaKpiPatch(PatchSchema):
    NOT_NULL = frozenset(
        {"name", "unit", "direction", "baseline_value", "baseline_on", "target_value", "target_on", "data_source"}
        | {"period_days", "is_public"}
    )

    name: Title | None = None
    unit: UnitText | None = None
    direction: DirectionKey | None = None
    baseline_value: Number | None = None
    baseline_on: DateText | None = None
    target_value: Number | None = None
    target_on: DateText | None = None
    data_source: SourceText | None = None
    owner_role_id: DbId | None = None
    period_days: PeriodDays | None = None
    is_public: bool | None = None
    goal_id: DbId | None = None
    measure_id: DbId | None = None
    impact_step_id: DbId | None = None


class AgendaKpiFilters(Schema):
    measure_id: DbId | None = Field(None, description="Nur Kennzahlen dieser Maßnahme.")
    goal_id: DbId | None = Field(None, description="Nur Kennzahlen dieses Ziels.")
    limit: Limit = 100
    offset: Offset = 0


class AgendaValueFilters(Schema):
    von: datetime.date | None = Field(None, description="Nur Werte ab diesem Tag (JJJJ-MM-TT).")
    bis: datetime.date | None = Field(None, description="Nur Werte bis zu diesem Tag (JJJJ-MM-TT).")
    limit: Limit = 500
    offset: Offset = 0


class AgendaPushItem(InputSchema):
    kpi_id: DbId = Field(description="Die Nummer der Kennzahl.")
    date: DateText = Field(description="Stichtag, JJJJ-MM-TT (ISO 8601).")
    value: Number
    note: Note = ""


class AgendaPushIn(InputSchema):
    items: list[AgendaPushItem] = Field(max_length=MAX_PUSH, description="Die Werte, höchstens 10.000 je Aufruf.")


class AgendaPushOut(Schema):
    created: int = Field(description="Neu gespeicherte Werte.")
    updated: int = Field(description="Werte, die einen anderen Wert desselben Tages ersetzt haben.")
    unchanged: int = Field(description="Werte, die schon so gespeichert waren (wiederholte Lieferung).")


# --- building the answers ----------------------------------------------------------------------------


def _status(status: kpi_status.KpiStatus) -> dict[str, Any]:
    return {
        "code": status.code,
        "label": status.label,
        "expected": number(status.expected),
        "behind_percent": float(round(status.behind * 100, 1)) if status.behind is not None else None,
    }


def _kpi(kpi: KPI, latest: KPIValue | None) -> dict[str, Any]:
    fields = ("name", "unit", "direction", "baseline_on", "target_on", "data_source", "period_days", "is_public")
    return {
        "id": kpi.pk,
        **{name: getattr(kpi, name) for name in fields},
        "baseline_value": float(kpi.baseline_value),
        "target_value": float(kpi.target_value),
        "owner_role_id": kpi.owner_role_id,
        "owner_role": kpi.owner_role.name if kpi.owner_role is not None else None,
        "goal_id": kpi.goal_id,
        "measure_id": kpi.measure_id,
        "impact_step_id": kpi.impact_step_id,
        "latest": {"value": float(latest.value), "measured_on": latest.measured_on} if latest else None,
        "status": _status(selectors.status_of(kpi, latest)),
        "version": kpi.version,
    }


def _value(value: KPIValue) -> dict[str, Any]:
    return {"measured_on": value.measured_on, "value": float(value.value), "note": value.note, "source": value.source}


def _detail(ctx: TenantContext, pk: int) -> dict[str, Any]:
    kommune = ctx.kommune
    kpi = selectors.kpis(kommune).get(pk=access.kpi_for_view(ctx, pk).pk)
    values = list(selectors.kpi_values(kommune, kpi))
    return {
        **_kpi(kpi, values[-1] if values else None),
        "status_rule": kpi_status.explanation(),
        "values": [_value(v) for v in values],
    }


def _kpi_place(ctx: TenantContext, measure: Measure | None) -> None:
    """SECURITY: a KPI of a measure follows the measure's place; any other KPI is strategy."""
    if measure is not None:
        access.require_measure_editor(ctx, measure)
    else:
        access.require_strategy_editor(ctx)


def _step_measure(ctx: TenantContext, pk: int) -> Measure:
    return reads.impact_step_for_view(ctx, pk).measure


def _kpi_data(ctx: TenantContext, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Measure | None]]:
    """Body fields → the names and objects the KPI services take (ids looked up in the Kommune, T2), and the
    measure and impact step's measure the body names (for the place check)."""
    data: dict[str, Any] = {}
    named: dict[str, Measure | None] = {}
    for name, value in values.items():
        if name == "owner_role_id":
            data["owner_role"] = role_ref(ctx, value, name)
        elif name == "goal_id":
            message = _("Dieses Ziel gibt es in dieser Kommune nicht.")
            data["goal"] = body_ref(access.goal_for_view, ctx, value, name, message)
        elif name == "measure_id":
            message = _("Diese Maßnahme gibt es in dieser Kommune nicht.")
            data["measure"] = named["measure"] = body_ref(access.measure_for_view, ctx, value, name, message)
        elif name == "impact_step_id":
            message = _("Diese Stufe der Wirkungskette gibt es in dieser Kommune nicht.")
            data["impact_step"] = value
            named["step"] = body_ref(_step_measure, ctx, value, name, message)
        else:
            data[name] = value
    return data, named


def _target_measure(named: dict[str, Measure | None], current: Measure | None) -> Measure | None:
    """The measure the KPI will belong to: the one named, else the impact step's, else the current one."""
    measure = named.get("measure", current)
    return measure if measure is not None else named.get("step")


# --- routes --------------------------------------------------------------------------------------------


@router.get(KPIS, response=AgendaKpiPage, summary="Kennzahlen der Digitalen Agenda", url_name="agenda_kpi_list")
def agenda_kpi_list(request: HttpRequest, kommune_slug: str, filters: Query[AgendaKpiFilters]) -> dict[str, Any]:
    """Die Kennzahlen nach Name, jede mit Ausgangs- und Zielwert, dem neuesten Wert und dem berechneten Status
    (im Plan, gefährdet, nicht im Plan, keine Werte); die Regel steht in `status_rule`."""
    kommune = tenant(request).kommune
    rows = selectors.kpis(kommune).order_by("name", "pk")
    if filters.measure_id is not None:
        rows = rows.filter(measure_id=filters.measure_id)
    if filters.goal_id is not None:
        rows = rows.filter(goal_id=filters.goal_id)
    items = list(rows[filters.offset : filters.offset + filters.limit])
    latest = selectors.latest_values(kommune, [k.pk for k in items])
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "status_rule": kpi_status.explanation(),
        "items": [_kpi(k, latest.get(k.pk)) for k in items],
    }


def _push_errors(exc: ValidationError) -> InputError:
    """The push's errors ("3.value") at the item they concern: `["body", "items", 3, "value"]`."""
    found = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    errors: list[dict[str, Any]] = []
    for name, messages in found:
        index, _dot, field = name.partition(".")
        loc: list[str | int] = ["body", "items"]
        if index.isdigit():
            loc += [int(index), PUSH_NAMES.get(field, field)]
        errors.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    error = InputError("body", "items", errors[0]["msg"] if errors else "")
    error.errors = errors
    return error


def _require_push_rights(ctx: TenantContext, items: list[AgendaPushItem]) -> None:
    """SECURITY: every KPI of the push that exists in the Kommune may be changed by the member (403 names the
    first that may not); unknown ids are left to the service, which reports them like another Kommune's."""
    kpis = reads.kpis_for_push(ctx.kommune, {item.kpi_id for item in items})
    for index, item in enumerate(items):
        kpi = kpis.get(item.kpi_id)
        if kpi is None:
            continue
        allowed = (
            access.can_edit_measure(ctx, kpi.measure) if kpi.measure is not None else access.can_edit_strategy(ctx)
        )
        if not allowed:
            raise PermissionDenied(
                _("Eintrag %(n)d: Werte der Kennzahl „%(name)s“ dürfen Sie nicht erfassen (außerhalb Ihres Bereichs).")
                % {"n": index, "name": kpi.name}
            )


@router.post(
    KPIS + "/werte",
    response={200: AgendaPushOut, **WRITE_ERRORS},
    summary="Kennzahlenwerte liefern",
    url_name="agenda_kpi_values_push",
)
def agenda_kpi_values_push(request: HttpRequest, kommune_slug: str, payload: AgendaPushIn) -> dict[str, int]:
    """Gemessene Werte aus einem anderen System: `items` mit je `kpi_id`, `date` (JJJJ-MM-TT) und `value` (Zahl
    oder deutsch geschrieben, „1.234,5“). Je Kennzahl und Tag gilt ein Wert: Eine wiederholte Lieferung ändert
    nichts, ein anderer Wert desselben Tages ersetzt den alten. Alles oder nichts: Ist ein Eintrag fehlerhaft
    (unbekannte Kennzahl, ungültiges Datum oder ungültige Zahl, derselbe Tag zweimal), wird nichts gespeichert
    und 422 nennt jeden Fehler mit der Nummer des Eintrags (ab 0) in `loc`."""
    ctx = tenant(request)
    _require_push_rights(ctx, payload.items)
    items = [
        {"kpi": item.kpi_id, "measured_on": item.date, "value": item.value, "note": item.note} for item in payload.items
    ]
    try:
        with api_change(request):
            outcome = services.kpi_values_push(kommune=ctx.kommune, actor=ctx.user, items=items)
    except ValidationError as exc:
        raise _push_errors(exc) from None
    return {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged}


@router.post(
    KPIS, response={201: AgendaKpiDetailOut, **WRITE_ERRORS}, summary="Kennzahl anlegen", url_name="agenda_kpi_create"
)
def agenda_kpi_create(request: HttpRequest, kommune_slug: str, payload: AgendaKpiCreate) -> Status[dict[str, Any]]:
    """Eine Kennzahl mit Ausgangs- und Zielwert (Zahl oder deutsch geschrieben) für ein Ziel, eine Maßnahme oder
    eine Stufe der Wirkungskette. Für eine Maßnahme außerhalb des eigenen Bereichs: 403."""
    ctx = tenant(request)
    data, named = _kpi_data(ctx, payload.model_dump(exclude_none=True))
    _kpi_place(ctx, _target_measure(named, None))
    with api_change(request):
        kpi = service_call(lambda: services.kpi_create(kommune=ctx.kommune, actor=ctx.user, data=data), KPI_NAMES)
    return Status(201, _detail(ctx, kpi.pk))


@router.get(
    KPIS + "/{kpi_id}",
    response={200: AgendaKpiDetailOut, **READ_ERRORS},
    summary="Eine Kennzahl mit ihren Werten",
    url_name="agenda_kpi_detail",
)
def agenda_kpi_detail(request: HttpRequest, kommune_slug: str, kpi_id: int) -> dict[str, Any]:
    """Die Kennzahl mit allen gemessenen Werten, dem berechneten Status und seiner Regel."""
    return _detail(tenant(request), path_object(request, "kpi_id").pk)


@router.patch(
    KPIS + "/{kpi_id}",
    response={200: AgendaKpiDetailOut, **WRITE_ERRORS},
    summary="Kennzahl ändern",
    url_name="agenda_kpi_update",
)
def agenda_kpi_update(request: HttpRequest, kommune_slug: str, kpi_id: int, payload: AgendaKpiPatch) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder. Wer die Kennzahl einer anderen Maßnahme (oder einem Ziel) zuordnet, braucht
    das Recht auch dort (sonst 403). `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    kpi: KPI = path_object(request, "kpi_id")
    data, named = _kpi_data(ctx, payload.changes())
    target = _target_measure(named, kpi.measure)
    if (target.pk if target else None) != kpi.measure_id:
        _kpi_place(ctx, target)
    with api_change(request):
        service_call(
            lambda: services.kpi_update(
                kommune=ctx.kommune, actor=ctx.user, kpi=kpi, data=data, expected_version=payload.version
            ),
            KPI_NAMES,
        )
    return _detail(ctx, kpi.pk)


@router.delete(
    KPIS + "/{kpi_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Kennzahl löschen",
    url_name="agenda_kpi_delete",
)
def agenda_kpi_delete(request: HttpRequest, kommune_slug: str, kpi_id: int, version: Version) -> Status[None]:
    """Löscht die Kennzahl mit allen Werten. `version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    kpi: KPI = path_object(request, "kpi_id")
    check_version(kpi, version)
    with api_change(request):
        services.kpi_delete(kommune=ctx.kommune, actor=ctx.user, kpi=kpi)
    return Status(204, None)


@router.get(
    KPIS + "/{kpi_id}/werte",
    response={200: AgendaValuePage, **READ_ERRORS},
    summary="Werte einer Kennzahl",
    url_name="agenda_kpi_values",
)
def agenda_kpi_values(
    request: HttpRequest, kommune_slug: str, kpi_id: int, filters: Query[AgendaValueFilters]
) -> dict[str, Any]:
    """Die gemessenen Werte, der älteste zuerst, mit Herkunft (von Hand, Import, Schnittstelle); `von` und `bis`
    grenzen den Zeitraum ein, seitenweise mit `limit` und `offset`."""
    rows = selectors.kpi_values(tenant(request).kommune, path_object(request, "kpi_id"))
    if filters.von is not None:
        rows = rows.filter(measured_on__gte=filters.von)
    if filters.bis is not None:
        rows = rows.filter(measured_on__lte=filters.bis)
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_value(v) for v in rows[filters.offset : filters.offset + filters.limit]],
    }
