"""What a version of the agenda says: its Leitsätze and its Handlungsfelder (each with the fields of the
Orientierungsrahmen and the Gestaltungsfelder it covers). How a version moves on is `versions.py`.

Every member reads. The strategy is Kommune-wide: writing needs `EDIT_AGENDA` (Administration,
Redaktion without unit limit). The gate resolves `agenda_version_id`, `leitsatz_id` and
`handlungsfeld_id` inside the Kommune (404) and with that right for writes (403) before the body
is read. A decided version is read-only: changing it or what it says answers 409 with the reason,
as the vision of a decided version does.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.agenda import access, selectors, selectors_strategy, services
from kompass.agenda.models import AgendaVersion, Handlungsfeld, Leitsatz
from kompass.agenda.selectors_strategy import FieldName
from kompass.api.gate import path_object, tenant
from kompass.api.routers.agenda.common import (
    AGENDA,
    READ_ERRORS,
    WRITE_ERRORS,
    LongText,
    Title,
    check_version,
    conflict_on_refusal,
    field_errors,
    refuse_if_decided,
    service_call,
)
from kompass.api.routers.agenda.strategy import AgendaHandlungsfeldOut, AgendaLeitsatzOut, AgendaPageFilters
from kompass.api.routers.common import api_change
from kompass.api.schemas import InputSchema, PatchSchema, Version, clean_text
from kompass.tenancy.context import TenantContext
from kompass.tenancy.models import Kommune

router = Router()

VERSION = AGENDA + "/fassungen/{agenda_version_id}"
LEITSATZ = AGENDA + "/leitsaetze/{leitsatz_id}"
HANDLUNGSFELD = AGENDA + "/handlungsfelder/{handlungsfeld_id}"
Position = Annotated[int, Field(ge=0, le=1000)]
LeitsatzText = Annotated[str, Field(max_length=1000), AfterValidator(clean_text)]
FieldKey = Annotated[str, Field(max_length=60), AfterValidator(clean_text)]
FieldKeys = Annotated[list[FieldKey], Field(max_length=100)]
KeyText = Annotated[
    str,
    Field(
        max_length=60,
        description="Schlüssel, der über die Fassungen gleich bleibt; ohne Angabe aus dem Namen gebildet "
        "(„Verwaltung digital“ → verwaltung-digital).",
    ),
    AfterValidator(clean_text),
]
FIELDS_DOC = "Schlüssel der Felder des Orientierungsrahmens, die das Handlungsfeld abdeckt (ohne Gestaltungsfelder)."
GESTALTUNG_DOC = "Schlüssel der Gestaltungsfelder der örtlichen Gemeinschaft (Außensicht), auf die es wirkt."

# --- shapes -----------------------------------------------------------------------------------------


class AgendaLeitsatzDetailOut(AgendaLeitsatzOut):
    agenda_version_id: int


class AgendaLeitsatzPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaLeitsatzDetailOut]


class AgendaLeitsatzCreate(InputSchema):
    text: LeitsatzText


class AgendaLeitsatzPatch(PatchSchema):
    NOT_NULL = frozenset({"text", "position"})

    text: LeitsatzText | None = None
    position: Position | None = None


class AgendaFieldRefOut(Schema):
    key: str
    name: str = Field(description="Der Name in der Kommune; ein Schlüssel, den der Rahmen nicht mehr hat, heißt so.")
    known: bool = Field(description="false: Das Feld gibt es im Orientierungsrahmen der Kommune nicht mehr.")


class AgendaHandlungsfeldDetailOut(AgendaHandlungsfeldOut):
    agenda_version_id: int
    framework_fields: list[AgendaFieldRefOut] = Field(description="Die Felder des Orientierungsrahmens.")
    gestaltungsfelder: list[AgendaFieldRefOut] = Field(description="Die Gestaltungsfelder (Außensicht).")


class AgendaHandlungsfeldPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AgendaHandlungsfeldDetailOut]


class AgendaHandlungsfeldCreate(InputSchema):
    name: Title
    key: KeyText | None = None
    description: LongText = ""
    framework_field_keys: FieldKeys = Field(default_factory=list, description=FIELDS_DOC)
    gestaltungsfeld_keys: FieldKeys = Field(default_factory=list, description=GESTALTUNG_DOC)
    position: Position | None = None


class AgendaHandlungsfeldPatch(PatchSchema):
    NOT_NULL = frozenset({"name", "description", "framework_field_keys", "gestaltungsfeld_keys", "position"})

    name: Title | None = None
    description: LongText | None = None
    framework_field_keys: FieldKeys | None = Field(None, description=FIELDS_DOC + " Ersetzt die Liste.")
    gestaltungsfeld_keys: FieldKeys | None = Field(None, description=GESTALTUNG_DOC + " Ersetzt die Liste.")
    position: Position | None = None


# --- building the answers ---------------------------------------------------------------------------


def _leitsatz(item: Leitsatz) -> dict[str, Any]:
    fields = ("id", "text", "position", "version", "agenda_version_id")
    return {name: getattr(item, name) for name in fields}


def _field_ref(field: FieldName) -> dict[str, Any]:
    return {"key": field.key, "name": field.name, "known": field.known}


def _handlungsfeld(item: Handlungsfeld, known: dict[str, FieldName]) -> dict[str, Any]:
    keys = list(item.framework_field_keys or [])
    plain, gestaltung = selectors_strategy.field_names(keys, known)
    fields = ("id", "key", "name", "description", "position", "version", "agenda_version_id")
    return {
        **{name: getattr(item, name) for name in fields},
        "framework_field_keys": keys,
        "framework_fields": [_field_ref(f) for f in plain],
        "gestaltungsfelder": [_field_ref(f) for f in gestaltung],
    }


def _handlungsfeld_answer(ctx: TenantContext, pk: int) -> dict[str, Any]:
    """One Handlungsfeld read fresh after a write, with the names of its fields (two queries)."""
    item = access.handlungsfeld_for_view(ctx, pk)
    return _handlungsfeld(item, selectors_strategy.framework_fields(ctx.kommune))


def _field_keys(kommune: Kommune, stored: list[str], sent: dict[str, Any]) -> list[str] | None:
    """The fields and Gestaltungsfelder the body sends (each list replaces its part of the stored keys) as
    the one key list the services store; None when the body sends neither. A key in the wrong list is a field
    error; unknown keys are left to the service, which names them."""
    if "framework_field_keys" not in sent and "gestaltungsfeld_keys" not in sent:
        return None
    known = selectors_strategy.framework_fields(kommune)
    stored_plain, stored_gestaltung = selectors_strategy.field_names(stored, known)
    plain = sent.get("framework_field_keys", [f.key for f in stored_plain])
    gestaltung = sent.get("gestaltungsfeld_keys", [f.key for f in stored_gestaltung])
    errors: dict[str, list[str]] = {}
    misplaced = [key for key in plain if key in known and known[key].gestaltungsfeld]
    if misplaced:
        message = _("Gestaltungsfelder gehören in „gestaltungsfeld_keys“: %(keys)s.") % {"keys": ", ".join(misplaced)}
        errors["framework_field_keys"] = [message]
    inner = [key for key in gestaltung if key in known and not known[key].gestaltungsfeld]
    if inner:
        errors["gestaltungsfeld_keys"] = [
            _("Diese Felder sind keine Gestaltungsfelder: %(keys)s.") % {"keys": ", ".join(inner)}
        ]
    if errors:
        raise field_errors(ValidationError(errors), {})
    return [*plain, *gestaltung]


def _handlungsfeld_data(kommune: Kommune, values: dict[str, Any], stored: list[str]) -> dict[str, Any]:
    """Body fields → the names the Handlungsfeld services take (the two key lists as one)."""
    data = {k: v for k, v in values.items() if k not in ("framework_field_keys", "gestaltungsfeld_keys")}
    keys = _field_keys(kommune, stored, values)
    if keys is not None:
        data["framework_field_keys"] = keys
    return data


# --- Leitsätze ----------------------------------------------------------------------------------------


@router.get(
    VERSION + "/leitsaetze",
    response={200: AgendaLeitsatzPage, **READ_ERRORS},
    summary="Leitsätze einer Fassung",
    url_name="agenda_leitsatz_list",
)
def agenda_leitsatz_list(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, filters: Query[AgendaPageFilters]
) -> dict[str, Any]:
    """Die Leitsätze der Fassung in ihrer Reihenfolge."""
    rows = selectors.leitsaetze(tenant(request).kommune, path_object(request, "agenda_version_id"))
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_leitsatz(item) for item in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    VERSION + "/leitsaetze",
    response={201: AgendaLeitsatzDetailOut, **WRITE_ERRORS},
    summary="Leitsatz anlegen",
    url_name="agenda_leitsatz_create",
)
def agenda_leitsatz_create(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, payload: AgendaLeitsatzCreate
) -> Status[dict[str, Any]]:
    """Ein Leitsatz am Ende der Liste eines Entwurfs. Eine beschlossene Fassung ist eingefroren: 409 mit dem Grund."""
    ctx = tenant(request)
    version: AgendaVersion = path_object(request, "agenda_version_id")
    refuse_if_decided(version)
    with api_change(request):
        item = service_call(
            lambda: services.leitsatz_create(
                kommune=ctx.kommune, actor=ctx.user, version=version, data={"text": payload.text}
            )
        )
    return Status(201, _leitsatz(item))


@router.get(
    LEITSATZ,
    response={200: AgendaLeitsatzDetailOut, **READ_ERRORS},
    summary="Ein Leitsatz",
    url_name="agenda_leitsatz_detail",
)
def agenda_leitsatz_detail(request: HttpRequest, kommune_slug: str, leitsatz_id: int) -> dict[str, Any]:
    return _leitsatz(path_object(request, "leitsatz_id"))


@router.patch(
    LEITSATZ,
    response={200: AgendaLeitsatzDetailOut, **WRITE_ERRORS},
    summary="Leitsatz ändern",
    url_name="agenda_leitsatz_update",
)
def agenda_leitsatz_update(
    request: HttpRequest, kommune_slug: str, leitsatz_id: int, payload: AgendaLeitsatzPatch
) -> dict[str, Any]:
    """Ändert Text oder Position eines Leitsatzes im Entwurf. In einer beschlossenen Fassung: 409. `version` muss
    die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    item: Leitsatz = path_object(request, "leitsatz_id")
    refuse_if_decided(item.agenda_version)
    with api_change(request):
        changed = service_call(
            lambda: services.leitsatz_update(
                kommune=ctx.kommune,
                actor=ctx.user,
                leitsatz=item,
                data=payload.changes(),
                expected_version=payload.version,
            )
        )
    return _leitsatz(changed)


@router.delete(
    LEITSATZ,
    response={204: None, **WRITE_ERRORS},
    summary="Leitsatz löschen",
    url_name="agenda_leitsatz_delete",
)
def agenda_leitsatz_delete(request: HttpRequest, kommune_slug: str, leitsatz_id: int, version: Version) -> Status[None]:
    """Löscht einen Leitsatz aus dem Entwurf. In einer beschlossenen Fassung: 409. `version` (Pflicht) muss die
    zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    item: Leitsatz = path_object(request, "leitsatz_id")
    refuse_if_decided(item.agenda_version)
    check_version(item, version)
    with api_change(request):
        conflict_on_refusal(lambda: services.leitsatz_delete(kommune=ctx.kommune, actor=ctx.user, leitsatz=item))
    return Status(204, None)


# --- Handlungsfelder ------------------------------------------------------------------------------------


@router.get(
    VERSION + "/handlungsfelder",
    response={200: AgendaHandlungsfeldPage, **READ_ERRORS},
    summary="Handlungsfelder einer Fassung",
    url_name="agenda_handlungsfeld_list",
)
def agenda_handlungsfeld_list(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, filters: Query[AgendaPageFilters]
) -> dict[str, Any]:
    """Die Handlungsfelder der Fassung in ihrer Reihenfolge, jedes mit den Feldern des Orientierungsrahmens und
    den Gestaltungsfeldern, die es abdeckt (mit ihren Namen in der Kommune)."""
    kommune = tenant(request).kommune
    rows = selectors.handlungsfelder(kommune, path_object(request, "agenda_version_id"))
    known = selectors_strategy.framework_fields(kommune)
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_handlungsfeld(item, known) for item in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    VERSION + "/handlungsfelder",
    response={201: AgendaHandlungsfeldDetailOut, **WRITE_ERRORS},
    summary="Handlungsfeld anlegen",
    url_name="agenda_handlungsfeld_create",
)
def agenda_handlungsfeld_create(
    request: HttpRequest, kommune_slug: str, agenda_version_id: int, payload: AgendaHandlungsfeldCreate
) -> Status[dict[str, Any]]:
    """Ein Handlungsfeld eines Entwurfs mit den Feldern des Orientierungsrahmens und den Gestaltungsfeldern, die
    es abdeckt; Schlüssel, die der Orientierungsrahmen der Kommune nicht hat, werden abgelehnt (422). Eine
    beschlossene Fassung ist eingefroren: 409 mit dem Grund."""
    ctx = tenant(request)
    version: AgendaVersion = path_object(request, "agenda_version_id")
    refuse_if_decided(version)
    data = _handlungsfeld_data(ctx.kommune, payload.model_dump(exclude_none=True), [])
    with api_change(request):
        item = service_call(
            lambda: services.handlungsfeld_create(kommune=ctx.kommune, actor=ctx.user, version=version, data=data)
        )
    return Status(201, _handlungsfeld_answer(ctx, item.pk))


@router.get(
    HANDLUNGSFELD,
    response={200: AgendaHandlungsfeldDetailOut, **READ_ERRORS},
    summary="Ein Handlungsfeld",
    url_name="agenda_handlungsfeld_detail",
)
def agenda_handlungsfeld_detail(request: HttpRequest, kommune_slug: str, handlungsfeld_id: int) -> dict[str, Any]:
    return _handlungsfeld(
        path_object(request, "handlungsfeld_id"), selectors_strategy.framework_fields(tenant(request).kommune)
    )


@router.patch(
    HANDLUNGSFELD,
    response={200: AgendaHandlungsfeldDetailOut, **WRITE_ERRORS},
    summary="Handlungsfeld ändern",
    url_name="agenda_handlungsfeld_update",
)
def agenda_handlungsfeld_update(
    request: HttpRequest, kommune_slug: str, handlungsfeld_id: int, payload: AgendaHandlungsfeldPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Felder eines Handlungsfelds im Entwurf; `framework_field_keys` und
    `gestaltungsfeld_keys` ersetzen je ihre Liste. Der Schlüssel bleibt. In einer beschlossenen Fassung: 409.
    `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    item: Handlungsfeld = path_object(request, "handlungsfeld_id")
    refuse_if_decided(item.agenda_version)
    data = _handlungsfeld_data(ctx.kommune, payload.changes(), list(item.framework_field_keys or []))
    with api_change(request):
        service_call(
            lambda: services.handlungsfeld_update(
                kommune=ctx.kommune, actor=ctx.user, handlungsfeld=item, data=data, expected_version=payload.version
            )
        )
    return _handlungsfeld_answer(ctx, item.pk)


@router.delete(
    HANDLUNGSFELD,
    response={204: None, **WRITE_ERRORS},
    summary="Handlungsfeld löschen",
    url_name="agenda_handlungsfeld_delete",
)
def agenda_handlungsfeld_delete(
    request: HttpRequest, kommune_slug: str, handlungsfeld_id: int, version: Version
) -> Status[None]:
    """Löscht ein Handlungsfeld aus dem Entwurf; Ziele und Maßnahmen bleiben und verlieren nur die Zuordnung zu
    ihm. In einer beschlossenen Fassung: 409. `version` (Pflicht) muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    item: Handlungsfeld = path_object(request, "handlungsfeld_id")
    refuse_if_decided(item.agenda_version)
    check_version(item, version)
    with api_change(request):
        conflict_on_refusal(
            lambda: services.handlungsfeld_delete(kommune=ctx.kommune, actor=ctx.user, handlungsfeld=item)
        )
    return Status(204, None)
