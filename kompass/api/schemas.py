"""Request and response shapes of the API.

Input schemas forbid unknown fields: `kommune`, `kommune_id`, `path`, `depth`, `id` … are
rejected with a field error, never applied (mass assignment). Ids are bounded to the 64-bit
range of the database and texts to the column lengths, so no input reaches the database that
it would refuse with an error; NUL bytes are removed and unpaired surrogates rejected.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from kompass.org.models import EmployerKind, OrgUnit, OrgUnitType, Person
from kompass.org.selectors import ORGUNIT_SORTS, PERSON_SORTS

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


def clean_text(value: str) -> str:
    """Without NUL bytes, which PostgreSQL text cannot hold (pydantic itself refuses lone surrogates)."""
    return value.replace("\x00", "")


DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION, description="Die zuletzt gelesene Version (Optimistic Locking).")]
Code = Annotated[str, Field(max_length=30), AfterValidator(clean_text)]
Name = Annotated[str, Field(max_length=200), AfterValidator(clean_text)]
PersonName = Annotated[str, Field(max_length=100), AfterValidator(clean_text)]
Email = Annotated[str, Field(max_length=254), AfterValidator(clean_text)]
FunctionTitle = Annotated[str, Field(max_length=200), AfterValidator(clean_text)]
SearchText = Annotated[str, Field(max_length=100), AfterValidator(clean_text)]
EMPLOYMENT_PERCENT_DOC = (
    "Beschäftigungsumfang in Prozent einer Vollzeitstelle (dieselbe Einheit wie der Zeitanteil einer Zuordnung): "
    "100 ist Vollzeit, 50 eine halbe Stelle; 1 bis 100, eine Nachkommastelle. Der Rollen-Check vergleicht die "
    "Summe der aktuellen Zeitanteile damit; für nichts anderes wird er verwendet."
)
EMPLOYER_KIND_DOC = (
    "Arbeitgeber: eigen (die eigene Verwaltung) oder extern (z. B. IT-Dienstleister, Zweckverband, beauftragte "
    "Firma). Der Rollen-Check meldet eine IT-Steuerung, die nur bei Personen externer Stellen liegt."
)
EMPLOYER_NAME_DOC = "Name der externen Stelle: bei extern nötig, bei eigen leer (wird beim Wechsel zu eigen geleert)."
EmploymentPercent = Annotated[Decimal, Field(ge=1, le=100, decimal_places=1, description=EMPLOYMENT_PERCENT_DOC)]
EmployerName = Annotated[str, Field(max_length=200, description=EMPLOYER_NAME_DOC), AfterValidator(clean_text)]
if TYPE_CHECKING:
    EmployerKindValue: TypeAlias = str
    UnitType: TypeAlias = str
    OrgUnitSort: TypeAlias = str
    PersonSort: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    EmployerKindValue = Annotated[Literal[tuple(EmployerKind.values)], Field(description=EMPLOYER_KIND_DOC)]
    UnitType = Literal[tuple(OrgUnitType.values)]
    OrgUnitSort = Literal[tuple(ORGUNIT_SORTS)]
    PersonSort = Literal[tuple(PERSON_SORTS)]


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PatchSchema(InputSchema):
    """A partial change: only the fields sent are changed; `null` only where a field may be empty."""

    version: Version
    NOT_NULL: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name in cls.NOT_NULL:
            raise ValueError(_("Dieses Feld darf nicht leer (null) sein."))
        return value

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set if name != "version"}


# --- Kommunen --------------------------------------------------------------------------------


class KommuneOut(Schema):
    slug: str
    name: str
    kommune_type: str
    bundesland: str
    population: int
    ags: str
    role: str = Field(description="Ihre Rolle in dieser Kommune: admin, editor oder reader.")
    scope_unit_id: int | None = Field(None, description="Redaktion nur für diese Einheit und ihre Untereinheiten.")
    suspended: bool = Field(
        False, description="Vom Plattformbetrieb gesperrt: Die Daten der Kommune antworten bis zur Freigabe mit 403."
    )


# --- org units -------------------------------------------------------------------------------


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    unit_type: str
    unit_type_label: str
    parent_id: int | None
    head_id: int | None
    is_active: bool
    depth: int
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_unit_type_label(obj: OrgUnit) -> str:
        return str(obj.get_unit_type_display())


class OrgUnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrgUnitOut]


class OrgUnitCreate(InputSchema):
    code: Code
    name: Name
    unit_type: UnitType
    parent_id: DbId | None = None
    head_id: DbId | None = None
    is_active: bool = True


class OrgUnitPatch(PatchSchema):
    NOT_NULL = frozenset({"code", "name", "unit_type", "is_active"})

    code: Code | None = None
    name: Name | None = None
    unit_type: UnitType | None = None
    parent_id: DbId | None = None
    head_id: DbId | None = None
    is_active: bool | None = None


class OrgUnitMove(InputSchema):
    parent_id: DbId | None = Field(description="Die neue übergeordnete Einheit; null für die oberste Ebene.")
    version: Version


class TreeNodeOut(BaseModel):
    """A plain pydantic model: the subtree is built as dicts, and Ninja's per-object ORM getter
    would cost more than the query for a Großstadt Dezernat of 1,500 units."""

    id: int
    code: str
    name: str
    unit_type: str
    is_active: bool
    depth: int
    people_count: int
    children: list[TreeNodeOut]


class OrgUnitFilters(Schema):
    q: SearchText = Field("", description="Sucht in Kennung und Name.")
    typ: UnitType | None = Field(None, description="Nur Einheiten dieses Typs.")
    aktiv: bool | None = Field(None, description="true: nur aktive, false: nur inaktive Einheiten.")
    parent_id: DbId | None = Field(None, description="Nur direkte Untereinheiten dieser Einheit.")
    sort: OrgUnitSort = "code"
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


# --- people ----------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    function_title: str
    org_unit_id: int | None
    employment_percent: float = Field(description=EMPLOYMENT_PERCENT_DOC)
    employer_kind: str = Field(description=EMPLOYER_KIND_DOC)
    employer_name: str = Field(description=EMPLOYER_NAME_DOC)
    is_active: bool
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_employment_percent(obj: Person) -> float:
        return float(obj.employment_percent)


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PersonCreate(InputSchema):
    first_name: PersonName
    last_name: PersonName
    email: Email
    function_title: FunctionTitle = ""
    org_unit_id: DbId | None = None
    employment_percent: EmploymentPercent = Decimal(100)
    employer_kind: EmployerKindValue = EmployerKind.OWN.value
    employer_name: EmployerName = ""
    is_active: bool = True


class PersonPatch(PatchSchema):
    NOT_NULL = frozenset(
        {"first_name", "last_name", "email", "function_title", "employment_percent", "employer_kind"}
        | {"employer_name", "is_active"}
    )

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    function_title: FunctionTitle | None = None
    org_unit_id: DbId | None = None
    employment_percent: EmploymentPercent | None = None
    employer_kind: EmployerKindValue | None = None
    employer_name: EmployerName | None = None
    is_active: bool | None = None


class PersonFilters(Schema):
    q: SearchText = Field("", description="Sucht in Name, E-Mail und Funktion.")
    orgunit_id: DbId | None = Field(None, description="Nur Personen dieser Einheit und ihrer Untereinheiten.")
    aktiv: bool | None = Field(None, description="true: nur aktive, false: nur inaktive Personen.")
    sort: PersonSort = "name"
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


# --- imports ---------------------------------------------------------------------------------


class ImportIssueOut(Schema):
    row: int = Field(description="Zeile in der Datei (Kopfzeile = 1); 0: die Datei als Ganzes.")
    column: str
    message: str


class ImportRowOut(Schema):
    row: int
    key: str = Field(description="Kennung der Einheit bzw. E-Mail-Adresse der Person.")
    action: str = Field(description="neu, geändert oder unverändert.")
    changed: list[str]


class ImportReportOut(Schema):
    kind: str
    dry_run: bool
    ok: bool
    filename: str
    import_id: str
    created: int
    updated: int
    unchanged: int
    rows: list[ImportRowOut]
    issues: list[ImportIssueOut]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class ImportRejectedOut(Schema):
    detail: list[FieldErrorOut]
    report: ImportReportOut


TreeNodeOut.model_rebuild()
