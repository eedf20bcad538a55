"""Request and response shapes of the role-model routes (catalogue, roles, assignments, matrix, check).

The same rules as `kompass.api.schemas`: input schemas forbid unknown fields, ids and texts are
bounded, NUL bytes removed. Schema names are the component names of the OpenAPI document.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from ninja import Schema
from pydantic import AfterValidator, Field

from kompass.api.schemas import DbId, Email, InputSchema, Name, PatchSchema
from kompass.api.schemas import clean_text as _clean
from kompass.roles import selectors
from kompass.roles.markers import CHECK_MARKER_KEYS, MAX_MARKERS
from kompass.roles.models import Assignment, QualificationStatus, Raci, Role, RoleKind, RoleRelation
from kompass.roles.rules import EXPIRY_WINDOW_DAYS

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
Singular = Annotated[
    str,
    Field(
        max_length=200,
        description="Bezeichnung für eine Person in der Rolle, z. B. „Digitale Lotsin oder Digitaler Lotse“.",
    ),
    AfterValidator(_clean),
]
RoleKey = Annotated[str, Field(max_length=50, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
TextList = Annotated[list[LongText], Field(max_length=50)]
Percent = Annotated[int, Field(ge=0, le=100)]
TimeShare = Annotated[
    Decimal,
    Field(
        gt=0,
        le=100,
        description=(
            "Zeitanteil in Prozent einer Vollzeitstelle: 50 ist eine halbe Stelle, 100 eine ganze; größer als 0, "
            "höchstens 100, eine Nachkommastelle. Werte unter 1 werden so gespeichert, wie sie gesendet werden "
            "(0.5 ist ein halbes Prozent, nicht 50 %); die Oberfläche fragt dort nach, die API nicht."
        ),
    ),
]
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
    name_singular: str
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
    time_share: float = Field(description="Zeitanteil in Prozent einer Vollzeitstelle (50 ist eine halbe Stelle).")
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
    confidence: str | None = Field(
        description="Belegstärke der Regel: belegt (eine öffentliche Quelle sagt, was die Regel prüft) oder "
        "abgeleitet (eine Schlussfolgerung von Kommunalkompass)."
    )
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
    name_singular: Singular = ""
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
        {"name", "short_name", "name_singular", "kind", "group", "purpose", "tasks", "responsibilities", "placement"}
        | {"competences", "time_share_note", "markers", "not_filled", "not_filled_reason", "is_active"}
    )

    name: Name | None = None
    short_name: ShortName | None = None
    name_singular: Singular | None = None
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
    time_share: TimeShare
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


def assignment_status(a: Assignment, today: datetime.date) -> str:
    """The `status` filter value the assignment matches on `today` (bald endend: within the expiry window)."""
    if a.valid_from > today:
        return "kuenftig"
    if a.valid_until is not None and a.valid_until < today:
        return "beendet"
    if a.valid_until is not None and a.valid_until <= today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS):
        return "endet_bald"
    return "aktuell"
