"""The role model of a Kommune: catalogue, roles, adoption, assignments, matrix cells, Rollen-Check.

The same rules as the role pages (`kompass.roles.access`): every member reads; the Kommune-wide
model (roles, adoption, matrix) is changed by the Administration and a Redaktion without unit
limit; assignments by whoever may edit people at the assignment's place (its unit, else the
person's unit). The gate resolves `role_id`/`assignment_id` in the URL inside the Kommune (404)
and with the right to change them (403) before the body is read; ids in the body are looked up
inside the Kommune only (422 with the field).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import AfterValidator, Field

from kompass.api.errors import InputError
from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, page, person_ref, unit_ref
from kompass.api.routers.imports import RESPONSES as IMPORT_RESPONSES
from kompass.api.routers.imports import _import
from kompass.api.schemas import DbId, Email, ErrorOut, InputSchema, Name, PatchSchema, ValidationErrorOut, Version
from kompass.api.schemas import clean_text as _clean
from kompass.core.exceptions import ConflictError
from kompass.org.imports.report import KIND_ASSIGNMENTS
from kompass.org.models import Person
from kompass.roles import access, overview, selectors, services
from kompass.roles.markers import CHECK_MARKER_KEYS, MAX_MARKERS
from kompass.roles.models import (
    ActivityTemplate,
    Assignment,
    Catalogue,
    CatalogueRole,
    QualificationStatus,
    Raci,
    Role,
    RoleKind,
    RoleRelation,
)
from kompass.roles.rules import EXPIRY_WINDOW_DAYS
from kompass.tenancy.context import TenantContext

router = Router(tags=["Rollenmodell"])
BASE = "/kommunen/{kommune_slug}"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}

if TYPE_CHECKING:
    Letter: TypeAlias = str
    Qualification: TypeAlias = str
    Kind: TypeAlias = str
    AssignmentStatus: TypeAlias = str
    AssignmentSort: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    Letter = Literal[tuple(Raci.values)]
    Qualification = Literal[tuple(QualificationStatus.values)]
    Kind = Literal[tuple(RoleKind.values)]
    AssignmentStatus = Literal[tuple(selectors.ASSIGNMENT_STATUS)]
    AssignmentSort = Literal["person", "-person", "rolle", "-rolle", "bis", "-bis"]

LongText = Annotated[str, Field(max_length=5000), AfterValidator(_clean)]
ShortName = Annotated[str, Field(max_length=40), AfterValidator(_clean)]
Group = Annotated[str, Field(max_length=100), AfterValidator(_clean)]
RoleKey = Annotated[str, Field(max_length=50, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
TextList = Annotated[list[LongText], Field(max_length=50)]
Percent = Annotated[int, Field(ge=0, le=100)]
TimeShare = Annotated[Decimal, Field(ge=0, le=100, description="Prozent, 0 bis 100 (eine Nachkommastelle).")]
Mandate = Annotated[str, Field(max_length=300), AfterValidator(_clean)]
MarkerKey = Annotated[str, Field(max_length=60), AfterValidator(_clean)]
Markers = Annotated[
    list[MarkerKey],
    Field(
        max_length=MAX_MARKERS,
        description="Wofür die Rolle in den Rollen-Checks zählt (die ganze Liste): "
        + ", ".join(CHECK_MARKER_KEYS)
        + ". Weitere Markierungen aus dem Katalog (z. B. core) dürfen bleiben, aber nicht neu gesetzt werden.",
    ),
]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10**9)]


# --- shapes ----------------------------------------------------------------------------------------


class CatalogueRoleOut(Schema):
    key: str
    name: str
    short_name: str
    kind: str
    group: str
    purpose: str
    tasks: list[str]
    responsibilities: list[str]
    placement: str
    competences: list[str]
    time_share_percent: int | None
    time_share_note: str
    markers: list[str]
    source: str
    confidence: str
    confidence_note: str


class CatalogueRelationOut(Schema):
    from_key: str
    to_key: str
    relation_type: str
    note: str
    source: str
    confidence: str


class CatalogueOut(Schema):
    id: int
    key: str
    version: str
    name: str
    description: str
    source: str
    is_latest: bool = Field(description="Die neueste geladene Fassung des Katalogs (nur sie lässt sich übernehmen).")
    roles: list[CatalogueRoleOut]


class CatalogueDetailOut(CatalogueOut):
    relations: list[CatalogueRelationOut]


class CataloguePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CatalogueOut]


class RoleOut(CatalogueRoleOut):
    """A Kommune's role: the catalogue role's content fields (shared model base) plus its own."""

    id: int
    catalogue_key: str | None = Field(None, description="Aus welchem Katalog die Rolle stammt; null: eigene Rolle.")
    catalogue_version: str | None
    is_custom: bool
    not_filled: bool
    not_filled_reason: str
    is_active: bool
    position: int
    version: int
    holder_count: int = Field(description="Zahl der aktuellen Zuordnungen.")

    @staticmethod
    def resolve_catalogue_key(obj: Role) -> str | None:
        return obj.catalogue_role.catalogue.key if obj.catalogue_role is not None else None

    @staticmethod
    def resolve_catalogue_version(obj: Role) -> str | None:
        return obj.catalogue_role.catalogue.version if obj.catalogue_role is not None else None


class RolePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RoleOut]


class AssignmentOut(Schema):
    id: int
    person_id: int
    person_name: str
    person_email: str
    role_id: int
    role_key: str
    role_name: str
    org_unit_id: int | None = Field(description="Für diese Einheit; null: für die Einheit der Person.")
    org_unit_code: str | None
    time_share: float = Field(description="Zeitanteil in Prozent.")
    valid_from: datetime.date
    valid_until: datetime.date | None
    status: str = Field(description="aktuell, endet_bald (innerhalb von 60 Tagen), beendet oder kuenftig.")
    deputy_id: int | None
    mandate: str
    approved_by_id: int | None
    qualification: str
    version: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_person_name(obj: Assignment) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_person_email(obj: Assignment) -> str:
        return obj.person.email

    @staticmethod
    def resolve_role_key(obj: Assignment) -> str:
        return obj.role.key

    @staticmethod
    def resolve_role_name(obj: Assignment) -> str:
        return obj.role.name

    @staticmethod
    def resolve_org_unit_code(obj: Assignment) -> str | None:
        return obj.org_unit.code if obj.org_unit is not None else None

    @staticmethod
    def resolve_time_share(obj: Assignment) -> float:
        return float(obj.time_share)

    @staticmethod
    def resolve_status(obj: Assignment) -> str:
        return assignment_status(obj, selectors.today())


class AssignmentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AssignmentOut]


class RelationOut(Schema):
    id: int
    from_role_id: int
    from_role_key: str
    to_role_id: int
    to_role_key: str
    relation_type: str
    relation_type_label: str
    note: str

    @staticmethod
    def resolve_from_role_key(obj: RoleRelation) -> str:
        return obj.from_role.key

    @staticmethod
    def resolve_to_role_key(obj: RoleRelation) -> str:
        return obj.to_role.key

    @staticmethod
    def resolve_relation_type_label(obj: RoleRelation) -> str:
        return str(obj.get_relation_type_display())


class RoleDetailOut(RoleOut):
    holders: list[AssignmentOut] = Field(description="Die aktuellen Zuordnungen.")
    relations: list[RelationOut]


class RoleModelOut(Schema):
    catalogue_id: int
    catalogue_key: str
    catalogue_version: str
    adopted_at: datetime.datetime
    role_count: int


class ActivityOut(Schema):
    id: int
    key: str
    name: str
    description: str
    position: int


class MatrixRoleOut(Schema):
    id: int
    key: str
    name: str
    short_name: str


class CellOut(Schema):
    activity_id: int
    role_id: int
    letter: str | None = Field(description="R, A, C, I; null: leer.")


class MatrixOut(Schema):
    activities: list[ActivityOut]
    roles: list[MatrixRoleOut] = Field(description="Die aktiven Rollen (Spalten der Matrix).")
    cells: list[CellOut] = Field(description="Nur die gefüllten Zellen.")


class FindingOut(Schema):
    severity: str = Field(description="fehler, warnung oder hinweis.")
    severity_label: str
    rule: str
    title: str
    explanation: str
    source: str
    fix_url: str | None = Field(description="Die Seite, auf der sich der Befund beheben lässt.")


class CoverageUnitOut(Schema):
    unit_id: int
    code: str
    name: str
    lotsen: int


class CoverageOut(Schema):
    percent: int
    covered: int
    total: int
    units: list[CoverageUnitOut]


class CheckOut(Schema):
    has_model: bool
    total: int
    counts: dict[str, int]
    findings: list[FindingOut]
    lotsen_coverage: CoverageOut


# --- input -----------------------------------------------------------------------------------------


class CatalogueFilters(Schema):
    limit: Limit = 50
    offset: Offset = 0


class RoleFilters(Schema):
    aktiv: bool | None = Field(None, description="true: nur aktive, false: nur inaktive Rollen.")
    limit: Limit = 100
    offset: Offset = 0


class RoleCreate(InputSchema):
    name: Name
    key: RoleKey | None = Field(None, description="Schlüssel; ohne Angabe aus dem Namen gebildet.")
    short_name: ShortName = ""
    kind: Kind = "intern"
    group: Group = ""
    purpose: LongText = ""
    tasks: TextList = []
    responsibilities: TextList = []
    placement: LongText = ""
    competences: TextList = []
    time_share_percent: Percent | None = None
    time_share_note: LongText = ""
    markers: Markers = []
    not_filled: bool = False
    not_filled_reason: LongText = ""
    is_active: bool = True


class RolePatch(PatchSchema):
    NOT_NULL = frozenset(
        {"name", "short_name", "kind", "group", "purpose", "tasks", "responsibilities", "placement"}
        | {"competences", "time_share_note", "markers", "not_filled", "not_filled_reason", "is_active"}
    )

    name: Name | None = None
    short_name: ShortName | None = None
    kind: Kind | None = None
    group: Group | None = None
    purpose: LongText | None = None
    tasks: TextList | None = None
    responsibilities: TextList | None = None
    placement: LongText | None = None
    competences: TextList | None = None
    time_share_percent: Percent | None = None
    time_share_note: LongText | None = None
    markers: Markers | None = None
    not_filled: bool | None = None
    not_filled_reason: LongText | None = None
    is_active: bool | None = None


class AdoptIn(InputSchema):
    catalogue_id: DbId


class AssignmentFilters(Schema):
    status: AssignmentStatus = Field("aktuell", description="aktuell, endet_bald, beendet, kuenftig oder alle.")
    role_id: DbId | None = None
    unit_id: DbId | None = Field(None, description="Zuordnungen dieser Einheit und ihrer Untereinheiten.")
    person_id: DbId | None = None
    sort: AssignmentSort = "person"
    limit: Limit = 50
    offset: Offset = 0


class AssignmentCreate(InputSchema):
    person_id: DbId | None = Field(None, description="Die Person; alternativ `email`.")
    email: Email | None = Field(None, description="Dienstliche E-Mail-Adresse der Person; alternativ `person_id`.")
    role_id: DbId
    org_unit_id: DbId | None = None
    time_share: TimeShare = Decimal(0)
    valid_from: datetime.date | None = Field(None, description="Ohne Angabe: heute.")
    valid_until: datetime.date | None = None
    deputy_id: DbId | None = None
    mandate: Mandate = ""
    approved_by_id: DbId | None = None
    qualification: Qualification = "keine"


class AssignmentPatch(PatchSchema):
    NOT_NULL = frozenset({"person_id", "role_id", "time_share", "valid_from", "mandate", "qualification"})

    person_id: DbId | None = None
    role_id: DbId | None = None
    org_unit_id: DbId | None = None
    time_share: TimeShare | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    deputy_id: DbId | None = None
    mandate: Mandate | None = None
    approved_by_id: DbId | None = None
    qualification: Qualification | None = None


class CellIn(InputSchema):
    activity_id: DbId
    role_id: DbId
    letter: Letter | None = Field(description="R, A, C, I oder null (Zelle leeren).")
    expected: Letter | None = Field(description="Der Buchstabe, den Sie zuletzt gelesen haben (null: leer).")


# --- helpers ---------------------------------------------------------------------------------------


def assignment_status(a: Assignment, today: datetime.date) -> str:
    if a.valid_from > today:
        return "kuenftig"
    if a.valid_until is not None and a.valid_until < today:
        return "beendet"
    if a.valid_until is not None and a.valid_until <= today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS):
        return "endet_bald"
    return "aktuell"


def role_ref(ctx: TenantContext, pk: int | None, field: str, where: str = "body") -> Role | None:
    """A role the request names by id, looked up only inside the acting Kommune (T2)."""
    if pk is None:
        return None
    try:
        return access.role_for_view(ctx, pk)
    except Http404:
        raise InputError(where, field, _("Diese Rolle gibt es in dieser Kommune nicht.")) from None


def _active_role(ctx: TenantContext, pk: int, field: str = "role_id") -> Role:
    role = role_ref(ctx, pk, field)
    assert role is not None
    if not role.is_active:
        raise InputError("body", field, _("Die Rolle „%(name)s“ ist inaktiv.") % {"name": role.name})
    return role


def _person_by_email(ctx: TenantContext, email: str) -> Person:
    person = Person.objects.for_kommune(ctx.kommune).filter(email=email.strip().lower()).first()
    if person is None:
        raise InputError("body", "email", _("Keine Person dieser Kommune hat diese E-Mail-Adresse."))
    return person


def _with_catalogue(queryset: Any) -> Any:
    return queryset.select_related("catalogue_role__catalogue")


def _service_call(call: Any) -> Any:
    """Service errors named by the API's field names (`person` → `person_id` …)."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = {"person": "person_id", "role": "role_id", "deputy": "deputy_id", "approved_by": "approved_by_id"}
        raise ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()}) from None


# --- catalogue (global data, the same for every Kommune) --------------------------------------------


def _catalogues() -> Any:
    return Catalogue.objects.order_by("key", "id").prefetch_related(
        Prefetch("roles", queryset=CatalogueRole.objects.order_by("id"))
    )


def _mark_latest(catalogues: list[Catalogue]) -> list[Catalogue]:
    latest = {c.pk for c in overview.latest_catalogues().values()}
    for catalogue in catalogues:
        catalogue.is_latest = catalogue.pk in latest  # type: ignore[attr-defined]
    return catalogues


@router.get(BASE + "/katalog", response=CataloguePage, summary="Rollenkataloge", url_name="role_catalogue_list")
def catalogue_list(request: HttpRequest, kommune_slug: str, filters: Query[CatalogueFilters]) -> dict[str, Any]:
    """Die mitgelieferten Rollenkataloge (KGSt-orientiert, IT-PLR E-Kompetenz) in allen geladenen Fassungen."""
    result = page(_catalogues(), filters.limit, filters.offset)
    result["items"] = _mark_latest(result["items"])
    return result


@router.get(
    BASE + "/katalog/{catalogue_id}",
    response=CatalogueDetailOut,
    summary="Ein Rollenkatalog",
    url_name="role_catalogue_detail",
)
def catalogue_detail(request: HttpRequest, kommune_slug: str, catalogue_id: int) -> Catalogue:
    """Eine Katalogfassung mit ihren Rollen und den Beziehungen zwischen ihnen."""
    catalogue = _catalogues().prefetch_related("relations").get(pk=path_object(request, "catalogue_id").pk)
    return _mark_latest([catalogue])[0]


@router.post(
    BASE + "/rollenmodell",
    response={201: RoleModelOut, **WRITE_ERRORS},
    summary="Rollenkatalog übernehmen",
    url_name="role_model_adopt",
)
def role_model_adopt(request: HttpRequest, kommune_slug: str, payload: AdoptIn) -> Status[dict[str, Any]]:
    """Übernimmt die neueste Fassung eines Katalogs als Rollenmodell der Kommune (Rollen, Beziehungen,
    Vorschlag der Verantwortungsmatrix). Hat die Kommune schon ein Rollenmodell: 409."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    latest = {c.pk: c for c in overview.latest_catalogues().values()}
    catalogue = latest.get(payload.catalogue_id)
    if catalogue is None:
        known = Catalogue.objects.filter(pk=payload.catalogue_id).exists()
        message = (
            _("Bitte übernehmen Sie die neueste Fassung dieses Rollenkatalogs.")
            if known
            else _("Diesen Rollenkatalog gibt es nicht.")
        )
        raise InputError("body", "catalogue_id", message)
    try:
        with api_change(request):
            model = services.catalogue_adopt(kommune=ctx.kommune, actor=request.user, catalogue=catalogue)
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None
    body = {
        "catalogue_id": catalogue.pk,
        "catalogue_key": catalogue.key,
        "catalogue_version": catalogue.version,
        "adopted_at": model.adopted_at,
        "role_count": selectors.roles(ctx.kommune).count(),
    }
    return Status(201, body)


# --- roles -----------------------------------------------------------------------------------------


@router.get(BASE + "/rollen", response=RolePage, summary="Rollen der Kommune", url_name="role_list")
def role_list(request: HttpRequest, kommune_slug: str, filters: Query[RoleFilters]) -> dict[str, Any]:
    """Die Rollen des Rollenmodells in ihrer Reihenfolge, mit der Zahl der aktuellen Zuordnungen."""
    qs = _with_catalogue(selectors.role_list(tenant(request).kommune))
    if filters.aktiv is not None:
        qs = qs.filter(is_active=filters.aktiv)
    return page(qs, filters.limit, filters.offset)


@router.get(BASE + "/rollen/{role_id}", response=RoleDetailOut, summary="Eine Rolle", url_name="role_detail")
def role_detail(request: HttpRequest, kommune_slug: str, role_id: int) -> Role:
    """Die Rolle mit ihren aktuellen Zuordnungen und ihren Beziehungen zu anderen Rollen."""
    return _detail(tenant(request), path_object(request, "role_id"))


def _detail(ctx: TenantContext, role: Role) -> Role:
    kommune = ctx.kommune
    holders = list(selectors.role_holders(kommune, role))
    role.holders = holders  # type: ignore[attr-defined]
    role.holder_count = len(holders)  # type: ignore[attr-defined]
    role.relations = list(  # type: ignore[attr-defined]
        selectors.relations(kommune).filter(Q(from_role=role) | Q(to_role=role)).order_by("id")
    )
    return role


@router.post(
    BASE + "/rollen",
    response={201: RoleDetailOut, **WRITE_ERRORS},
    summary="Eigene Rolle anlegen",
    url_name="role_create",
)
def role_create(request: HttpRequest, kommune_slug: str, payload: RoleCreate) -> Status[Role]:
    """Eine Rolle, die es im Katalog nicht gibt (Belegstärke „eigene Festlegung“). Mit `markers` zählt sie
    für die Rollen-Checks z. B. als CDO (`["cdo"]`)."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    data = payload.model_dump(exclude_none=True)
    with api_change(request):
        role = services.role_create(kommune=ctx.kommune, actor=request.user, data=data)
    return Status(201, _detail(ctx, _with_catalogue(selectors.roles(ctx.kommune)).get(pk=role.pk)))


@router.patch(
    BASE + "/rollen/{role_id}",
    response={200: RoleDetailOut, **WRITE_ERRORS},
    summary="Rolle ändern",
    url_name="role_update",
)
def role_update(request: HttpRequest, kommune_slug: str, role_id: int, payload: RolePatch) -> Role:
    """Ändert nur die gesendeten Felder (Texte anpassen, `markers` für die Rollen-Checks, bewusst nicht besetzen
    mit Begründung, deaktivieren). `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    with api_change(request):
        role = services.role_update(
            kommune=ctx.kommune,
            actor=request.user,
            role=path_object(request, "role_id"),
            data=payload.changes(),
            expected_version=payload.version,
        )
    return _detail(ctx, _with_catalogue(selectors.roles(ctx.kommune)).get(pk=role.pk))


# --- assignments -----------------------------------------------------------------------------------


@router.get(BASE + "/zuordnungen", response=AssignmentPage, summary="Zuordnungen", url_name="assignment_list")
def assignment_list(request: HttpRequest, kommune_slug: str, filters: Query[AssignmentFilters]) -> dict[str, Any]:
    """Wer welche Rolle hat; `status` wählt aktuelle, bald endende, beendete oder künftige Zuordnungen
    (Standard: aktuell). `unit_id` schließt die Untereinheiten ein. Seitenweise mit `limit` und `offset`."""
    ctx = tenant(request)
    role = role_ref(ctx, filters.role_id, "role_id", where="query")
    unit = unit_ref(ctx, filters.unit_id, "unit_id", where="query")
    person = person_ref(ctx, filters.person_id, "person_id", where="query")
    qs = selectors.assignment_list(ctx.kommune, status=filters.status, role=role, unit=unit, sort=filters.sort)
    if person is not None:
        qs = qs.filter(person=person)
    return _assignment_page(ctx, qs, filters.limit, filters.offset)


def _assignment_page(ctx: TenantContext, qs: Any, limit: int, offset: int) -> dict[str, Any]:
    """The envelope of a page of assignments. The sort runs on the ids alone, then the page's rows
    are read with their people, roles and units: sorting tens of thousands of wide joined rows to
    keep fifty was the slow part of the list at Großstadt scale."""
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    rows = {a.pk: a for a in selectors.assignments(ctx.kommune).filter(pk__in=ids)}
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [rows[pk] for pk in ids]}


@router.get(
    BASE + "/zuordnungen/{assignment_id}",
    response=AssignmentOut,
    summary="Eine Zuordnung",
    url_name="assignment_detail",
)
def assignment_detail(request: HttpRequest, kommune_slug: str, assignment_id: int) -> Assignment:
    return path_object(request, "assignment_id")  # type: ignore[no-any-return]


def _assignment_refs(ctx: TenantContext, values: dict[str, Any]) -> dict[str, Any]:
    """Body ids → objects of the Kommune (422 otherwise); the keys the service expects."""
    data: dict[str, Any] = {}
    for field, key in (("person_id", "person"), ("deputy_id", "deputy"), ("approved_by_id", "approved_by")):
        if field in values:
            data[key] = person_ref(ctx, values.pop(field), field)
    if "org_unit_id" in values:
        data["org_unit"] = unit_ref(ctx, values.pop("org_unit_id"), "org_unit_id")
    return {**values, **data}


@router.post(
    BASE + "/zuordnungen",
    response={201: AssignmentOut, **WRITE_ERRORS},
    summary="Zuordnung anlegen",
    url_name="assignment_create",
)
def assignment_create(request: HttpRequest, kommune_slug: str, payload: AssignmentCreate) -> Status[Assignment]:
    """Ordnet eine Person (`person_id` oder `email`) einer Rolle zu, optional für eine Einheit (`org_unit_id`).
    Redaktion mit Beschränkung: nur Zuordnungen in ihrem Bereich."""
    ctx = tenant(request)
    access.require_assignment_editor(ctx)
    values = payload.model_dump(exclude={"email", "role_id"})
    if (payload.person_id is None) == (payload.email is None):
        raise InputError("body", "person_id", _("Bitte geben Sie genau eines an: person_id oder email."))
    data = _assignment_refs(ctx, values)
    if payload.email is not None:
        data["person"] = _person_by_email(ctx, payload.email)
    data["role"] = _active_role(ctx, payload.role_id)
    data["valid_from"] = payload.valid_from or selectors.today()
    access.require_assignment_place(ctx, data["person"], data["org_unit"])
    with api_change(request):
        assignment = _service_call(
            lambda: services.assignment_create(kommune=ctx.kommune, actor=request.user, data=data)
        )
    return Status(201, access.assignment_for_view(ctx, assignment.pk))


@router.patch(
    BASE + "/zuordnungen/{assignment_id}",
    response={200: AssignmentOut, **WRITE_ERRORS},
    summary="Zuordnung ändern",
    url_name="assignment_update",
)
def assignment_update(
    request: HttpRequest, kommune_slug: str, assignment_id: int, payload: AssignmentPatch
) -> Assignment:
    """Ändert nur die gesendeten Felder; `valid_until` beendet eine Zuordnung (sie bleibt als Verlauf).
    `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    assignment: Assignment = path_object(request, "assignment_id")
    data = _assignment_refs(ctx, payload.changes())
    if "role_id" in data:
        role_id = data.pop("role_id")
        data["role"] = assignment.role if role_id == assignment.role_id else _active_role(ctx, role_id)
    person, unit = data.get("person", assignment.person), data.get("org_unit", assignment.org_unit)
    access.require_assignment_place(ctx, person, unit)
    with api_change(request):
        _service_call(
            lambda: services.assignment_update(
                kommune=ctx.kommune,
                actor=request.user,
                assignment=assignment,
                data=data,
                expected_version=payload.version,
            )
        )
    return access.assignment_for_view(ctx, assignment.pk)


@router.delete(
    BASE + "/zuordnungen/{assignment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Zuordnung löschen",
    url_name="assignment_delete",
)
def assignment_delete(
    request: HttpRequest, kommune_slug: str, assignment_id: int, version: Version | None = None
) -> Status[None]:
    """Löscht eine versehentlich angelegte Zuordnung. Der normale Weg ist, sie mit `valid_until` zu beenden."""
    ctx = tenant(request)
    assignment: Assignment = path_object(request, "assignment_id")
    if version is not None and version != assignment.version:
        raise ConflictError()
    with api_change(request):
        services.assignment_delete(kommune=ctx.kommune, actor=request.user, assignment=assignment)
    return Status(204, None)


@router.post(
    BASE + "/imports/zuordnungen",
    response=IMPORT_RESPONSES,
    summary="Rollenzuordnungen importieren",
    tags=["Importe"],
    url_name="import_assignments",
)
def import_assignments(
    request: HttpRequest, kommune_slug: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status[dict[str, Any]]:
    """Spalten: `email;rolle;organisationseinheit;zeitanteil;von;bis` (Kopfzeile, Reihenfolge beliebig).
    `rolle`: Schlüssel, Name oder Kurzname; `von`/`bis` als TT.MM.JJJJ; `bis` darf leer sein."""
    return _import(request, KIND_ASSIGNMENTS, file, dry_run)


# --- responsibility matrix -------------------------------------------------------------------------


@router.get(BASE + "/matrix", response=MatrixOut, summary="Verantwortungsmatrix", url_name="matrix_detail")
def matrix_detail(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Aktivitäten × aktive Rollen; nur gefüllte Zellen (R, A, C oder I) werden geliefert."""
    matrix = selectors.matrix(tenant(request).kommune)
    active = {role.pk for role in matrix.roles}
    return {
        "activities": matrix.activities,
        "roles": matrix.roles,
        "cells": [
            {"activity_id": activity_id, "role_id": role_id, "letter": letter}
            for (activity_id, role_id), letter in sorted(matrix.cells.items())
            if role_id in active
        ],
    }


@router.put(
    BASE + "/matrix/zellen",
    response={200: CellOut, **WRITE_ERRORS},
    summary="Eine Matrixzelle setzen",
    url_name="matrix_cell_set",
)
def matrix_cell_set(request: HttpRequest, kommune_slug: str, payload: CellIn) -> dict[str, Any]:
    """Setzt eine Zelle auf R, A, C, I oder leert sie (null). `expected` ist der Buchstabe, den Sie gelesen
    haben; steht inzwischen etwas anderes in der Zelle, wird nichts überschrieben (409). Ein zweites A in
    einer Zeile wird mit Erklärung abgelehnt (422): genau eine Rolle ist verantwortlich."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    activity = ActivityTemplate.objects.filter(pk=payload.activity_id).first()  # global catalogue
    if activity is None:
        raise InputError("body", "activity_id", _("Diese Aktivität gibt es nicht."))
    role = _active_role(ctx, payload.role_id)
    with api_change(request):
        cell = services.raci_set(
            kommune=ctx.kommune,
            actor=request.user,
            activity=activity,
            role=role,
            letter=payload.letter,
            expected=payload.expected,
        )
    return {"activity_id": activity.pk, "role_id": role.pk, "letter": cell.letter if cell is not None else None}


# --- Rollen-Check ----------------------------------------------------------------------------------


@router.get(BASE + "/rollen-check", response=CheckOut, summary="Rollen-Check", url_name="role_checks")
def role_checks(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Die Befunde der Rollen-Checks (Fehler, Warnungen, Hinweise), jeweils mit Regel, Erklärung, Quelle
    und der Seite, auf der er sich beheben lässt; dazu die Abdeckung der Fachbereiche/Ämter mit Lotsen."""
    ctx = tenant(request)
    summary = overview.check_summary(ctx.kommune, ctx.kommune.slug)
    findings = [
        {
            "severity": item.finding.severity,
            "severity_label": item.finding.severity_label,
            "rule": item.finding.rule,
            "title": item.finding.title,
            "explanation": item.finding.explanation,
            "source": item.finding.source,
            "fix_url": item.fix_url,
        }
        for _severity, _label, items in summary.groups
        for item in items
    ]
    coverage = summary.coverage
    return {
        "has_model": summary.has_model,
        "total": summary.total,
        "counts": summary.counts,
        "findings": findings,
        "lotsen_coverage": {
            "percent": coverage.percent,
            "covered": coverage.covered,
            "total": len(coverage.units),
            "units": [
                {"unit_id": unit.pk, "code": unit.code, "name": unit.name, "lotsen": len(lotsen)}
                for unit, lotsen in coverage.units
            ],
        },
    }
