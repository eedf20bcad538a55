"""Every URL of Kommunalkompass: how to fill it, and who may do what (docs/security.md T1, T6).

`test_isolation` walks Django's URL resolver (pages and the `/api/v1/` routes alike) and
fails for any route that is missing here and for any entry whose route no longer exists,
so a new view cannot slip past the isolation and role tests. Deny by default: a route is
only complete with an expected status for every persona and every method it serves.

Two sources fill `ROUTES`:
- `DECLARED`: routes declared with `kompass.tenancy.routes.tenant_path` (org, framework, assessment) and
  the public pages of `kompass.tenancy.public.public_path`; their matrix is derived from the
  declaration, and only their test data (a valid body, fixed kwargs) is written here, in `FILLS`;
- `HAND_WRITTEN`: every other route, with its matrix written out. A route in both must agree.

How a route is filled:
- `kommune_slug` is always the acting Kommune's slug (Teststadt);
- every other URL kwarg names an object kind in `objects` ("unit", "person", …); the test
  picks an object of that kind inside the editor's subtree, outside it, or in Nachbarort.
- A route says what it needs beyond the organisation: `role_model` (roles, assignments, the role
  catalogue) or a `framework` level (the Orientierungsrahmen of both Kommunen with campaigns, an own
  criterion and a recommendation; every declared route of `FRAMEWORK_NAMESPACES` gets it), and which
  `campaign` state its campaign is in, so that an allowed write really succeeds; or an `agenda` state (the
  digital agenda of both Kommunen, agenda_scene.py: a decided version with a draft, only the decided version,
  or none in Teststadt) — every route of `AGENDA_NAMESPACES` and `api:agenda_*` gets it, with the role model
  and the adopted framework it stands on.
- A capability a Redaktion may hold for a subtree is checked at the place of the object (`PLACED_KINDS`: a
  unit, a person, a measure and what hangs on it); an object without a place (a recommendation, the strategy)
  is Kommune-wide.

Personas (columns of the matrix): anonymous, reader (Lesend), editor (Redaktion limited to
32 Ordnungsamt, acting on objects inside 32), editor_outside (the same editor acting on
objects outside 32, e.g. 10 Hauptamt), admin (Administration), operator (a platform
superuser without membership and without granted access).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kompass.ui.tests.agenda_scene import AGENDA_DECIDED, AGENDA_DRAFT, AGENDA_KINDS, AGENDA_NONE

ANON = "anonymous"
READER = "reader"
EDITOR = "editor"
EDITOR_OUT = "editor_outside"
ADMIN = "admin"
OPERATOR = "operator"
PERSONAS = (ANON, READER, EDITOR, EDITOR_OUT, ADMIN, OPERATOR)

LOGIN = "login"  # 302 to the login page
Status = int | str

# Kinds of access a route has.
PUBLIC = "public"  # reachable without login (legal pages, feedback, login, health, API docs)
ACCOUNT = "account"  # any logged-in user, about their own account
OPERATOR_ONLY = "operator"  # platform operators (superusers)
TENANT = "tenant"  # pages inside one Kommune: /k/<kommune_slug>/…
API = "api"  # JSON API: tokens, 401 for anonymous
PUBLIC_KOMMUNE = "public_kommune"  # anonymous pages of one Kommune: /p/<kommune_slug>/… (namespace "public")
ACCESS_KINDS = (PUBLIC, ACCOUNT, OPERATOR_ONLY, TENANT, API, PUBLIC_KOMMUNE)

OBJECT_KINDS = (
    "unit",
    "person",
    "membership",
    "token",
    "role",
    "assignment",
    "relation",
    "catalogue",
    "invitation",
    "field",
    "criterion",
    "campaign",
    "recommendation",
    "oidc_provider",
    "oidc_mapping",
    "trash_item",
    *AGENDA_KINDS,
)
GLOBAL_KINDS = ("catalogue",)  # shipped, read-only data of no Kommune: the same for every side
# Kinds with a place in the Verwaltungsgliederung (a unit, or a measure's responsible unit): a capability that a
# Redaktion may hold for a subtree is checked there. Every other kind is Kommune-wide: such a capability is then
# checked without a place, which a subtree-limited member never passes (`role_allows(target_path=None)`).
PLACED_KINDS = (
    "unit",
    "person",
    "assignment",
    "measure",
    "milestone",
    "budget_line",
    "risk",
    "impact_step",
    "measure_role",
    "dependency",
    "kpi",  # a measure's KPI (`Targets.kpi`); a goal's KPI is strategy
    "kpi_value",
    "status_report",
)


@dataclass
class Targets:
    """The objects a persona's request is filled with (see `test_isolation.Scene.targets`)."""

    slug: str
    kommune: Any
    unit: Any  # an org unit without children or people
    person: Any
    membership: Any
    token: Any
    newcomer: str  # username of an account without membership
    invitation: Any = None  # an open invitation of the side's Kommune
    oidc_provider: Any = None  # the side's Kommune's own identity provider
    oidc_mapping: Any = None  # a group mapping of `oidc_provider`
    unit_parent: Any = None  # a unit of the same side, to place new units or people in
    # The role model (only built for routes of the roles app):
    role: Any = None  # an own role without assignments
    other_role: Any = None  # a second role of the same Kommune
    relation: Any = None  # role → other_role
    assignment: Any = None  # `person` holds `other_role`
    catalogue: Any = None
    catalogue_role: Any = None
    activity: Any = None
    # The Orientierungsrahmen and the self-assessment (only built for routes with `framework`):
    field: Any = None  # an active, assessable field ("Rollen und Verantwortung")
    criterion: Any = None  # an own criterion of `field` that no campaign asked (FRAMEWORK_UPDATE: one it rewords)
    campaign: Any = None  # a campaign in the state the route names (`Route.campaign`: draft, open, closed)
    recommendation: Any = None  # an accepted recommendation (for the field "Daten")
    # Offers of a newer catalogue version (only with framework=FRAMEWORK_UPDATE):
    new_catalogue_field: Any = None  # a field that is new in the newer version
    new_catalogue_criterion: Any = None  # a criterion that is new in `field` in the newer version
    # The digital agenda (only built for routes with `agenda`, see agenda_scene.py): the Kommune's strategy
    # objects and the side's measure with one of everything that hangs on it.
    agenda_version: Any = None  # the draft (Route.agenda "draft") or the decided version 1 ("decided")
    leitsatz: Any = None  # of `agenda_version`
    handlungsfeld: Any = None  # of `agenda_version`
    goal: Any = None  # a Wirkungsziel with a KPI, without operative goals
    decision: Any = None  # a council decision no version rests on
    measure: Any = None  # in 32 (inside), in 10 Hauptamt (outside), Nachbarort's (foreign)
    milestone: Any = None
    budget_line: Any = None
    risk: Any = None
    impact_step: Any = None
    measure_role: Any = None  # a RACI row (letter C) that is not the accountable role's A
    dependency: Any = None  # `measure` needs the Kommune-wide measure "Basis"
    kpi: Any = None  # `measure`'s KPI
    kpi_value: Any = None  # a value of `kpi`
    status_report: Any = None  # of `measure`
    other_measure: Any = None  # a measure of the same Kommune that `measure` does not depend on
    trash_item: Any = None  # a deleted person in the side's Papierkorb


def expect(
    anon: Status, reader: Status, editor: Status, editor_out: Status, admin: Status, operator: Status
) -> dict[str, Status]:
    return dict(zip(PERSONAS, (anon, reader, editor, editor_out, admin, operator), strict=True))


def everyone(status: Status) -> dict[str, Status]:
    return expect(*([status] * len(PERSONAS)))


# What a route needs of the Orientierungsrahmen (`Route.framework`), built for both Kommunen
# (test_isolation.build_framework_scene): the test catalogue loaded but not adopted yet (the adopt
# routes); adopted, with campaigns (draft, open with known survey links, closed with a stored result),
# an own criterion and an accepted recommendation; the same plus a newer catalogue version to take
# changes from (the Katalog-Aktualisierung).
FRAMEWORK_LOADED = "loaded"
FRAMEWORK_ADOPTED = "adopted"
FRAMEWORK_UPDATE = "update"
FRAMEWORK_LEVELS = ("", FRAMEWORK_LOADED, FRAMEWORK_ADOPTED, FRAMEWORK_UPDATE)
FRAMEWORK_NAMESPACES = ("framework", "assessment")  # their declared routes need the adopted framework
AGENDA_NAMESPACES = ("agenda",)  # their declared routes need the agenda (and the role model and the framework)
CAMPAIGN_STATES = ("draft", "open", "closed")
# The survey links of Teststadt's open campaign (test_isolation builds them): the survey pages are public.
SURVEY_TOKEN = "umfrage-teststadt"
OPEN_SURVEY_TOKEN = "offen-teststadt"

# Frequent rows.
TENANT_READ = expect(LOGIN, 200, 200, 200, 200, 404)
TENANT_ADMIN_PAGE = expect(LOGIN, 403, 403, 403, 200, 404)
TENANT_ADMIN_WRITE = expect(LOGIN, 403, 403, 403, 302, 404)
TENANT_EDIT_PAGE = expect(LOGIN, 403, 200, 403, 200, 404)
TENANT_EDIT_WRITE = expect(LOGIN, 403, 302, 403, 302, 404)
LOGGED_IN_PAGE = expect(LOGIN, 200, 200, 200, 200, 200)
API_READ = expect(401, 200, 200, 200, 200, 404)
API_EDIT_WRITE = expect(401, 403, 200, 403, 200, 404)
API_EDIT_CREATE = expect(401, 403, 201, 403, 201, 404)
API_EDIT_DELETE = expect(401, 403, 204, 403, 204, 404)
# The Kommune-wide role model: Administration and unlimited Redaktion only.
API_MODEL_WRITE = expect(401, 403, 403, 403, 200, 404)
API_MODEL_CREATE = expect(401, 403, 403, 403, 201, 404)


@dataclass(frozen=True)
class Route:
    access: str
    expect: Mapping[str, Mapping[str, Status]]  # HTTP method → persona → status
    objects: Mapping[str, str] = field(default_factory=dict)  # URL kwarg → object kind
    body: Callable[[Targets], dict[str, Any]] | None = None  # a valid body for writes
    any_method: str = ""  # why the route answers every method (no 405 check)
    url: str = ""  # a fixed URL for patterns that cannot be reversed (a catch-all)
    fixed: Mapping[str, str] = field(default_factory=dict)  # URL kwargs that name no object, e.g. a format
    multipart: bool = False  # the API route takes a file upload, not JSON
    role_model: bool = False  # needs the role model of both Kommunen (roles, assignments, catalogue)
    framework: str = ""  # needs the Orientierungsrahmen of both Kommunen: one of FRAMEWORK_LEVELS
    campaign: str = "draft"  # the state of the campaign `Targets.campaign` names: one of CAMPAIGN_STATES
    agenda: str = ""  # needs the digital agenda of both Kommunen in this state: one of AGENDA_STATES
    query: Callable[[Targets], dict[str, Any]] | None = None  # query parameters of the URL (an API delete's version)

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.expect)

    @property
    def writes(self) -> tuple[str, ...]:
        return tuple(m for m in self.expect if m != "GET")


def role_route(*args: Any, **kwargs: Any) -> Route:
    """A route of the role model (issue 3): the test builds roles and assignments for it."""
    return Route(*args, role_model=True, **kwargs)


def agenda_route(*args: Any, **kwargs: Any) -> Route:
    """A route of the digital agenda: the test builds the role model, the adopted Orientierungsrahmen and the
    agenda of both Kommunen (agenda_scene.py), by default with a decided version 1 and a draft version 2."""
    return Route(*args, **{"role_model": True, "framework": FRAMEWORK_ADOPTED, "agenda": AGENDA_DRAFT, **kwargs})


def framework_route(*args: Any, **kwargs: Any) -> Route:
    """A route of the Orientierungsrahmen or the self-assessment (issue 9): the test adopts the framework
    in both Kommunen and builds campaigns, an own criterion and a recommendation for it."""
    return Route(*args, **{"framework": FRAMEWORK_ADOPTED, **kwargs})


PASSWORD = "ein-langes-testpasswort"  # kompass.factories.UserFactory
# The secret of Teststadt's open invitation (test_isolation builds it): the link page is public.
INVITATION_SECRET = "einladung-fuer-den-isolationstest"


def _unit_body(t: Targets) -> dict[str, Any]:
    return {
        "code": "99.1",
        "name": "Neue Stelle",
        "unit_type": "sachgebiet",
        "parent": t.unit_parent.pk,
        "head_email": "",
        "is_active": "on",
    }


def _unit_edit_body(t: Targets) -> dict[str, Any]:
    u = t.unit
    return {
        "code": u.code,
        "name": f"{u.name} (neu)",
        "unit_type": u.unit_type,
        "parent": u.parent_id or "",
        "head_email": "",
        "is_active": "on",
        "version": u.version,
    }


def _person_body(t: Targets) -> dict[str, Any]:
    return {
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora.neu@teststadt.example",
        "function_title": "Sachbearbeitung",
        "org_unit": t.unit_parent.pk,
        "employment_percent": "75",
        "employer_kind": "eigen",
        "employer_name": "",
        "is_active": "on",
    }


def _person_edit_body(t: Targets) -> dict[str, Any]:
    p = t.person
    return {
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "function_title": "Neue Funktion",
        "org_unit": p.org_unit_id or "",
        "employment_percent": "50",
        "employer_kind": "extern",
        "employer_name": "Rechenzentrum",
        "is_active": "on",
        "version": p.version,
    }


def _kommune_body(t: Targets) -> dict[str, Any]:
    k = t.kommune
    return {
        "name": k.name,
        "kommune_type": k.kommune_type,
        "bundesland": k.bundesland,
        "population": k.population + 1,
        "ags": k.ags,
        "version": k.version,
    }


def _version_of(attr: str) -> Callable[[Targets], dict[str, Any]]:
    return lambda t: {"version": getattr(t, attr).version}


def _oidc_provider_body(t: Targets, secret_env: str) -> dict[str, Any]:
    return {
        "name": "Keycloak der Stadt",
        "issuer": "https://anmeldung.teststadt.example/realms/verwaltung",
        "client_id": "kommunalkompass",
        "client_secret_env": secret_env,
        "scopes": "openid email profile",
        "group_claim": "groups",
        "enabled": "on",
    }


def _empty(t: Targets) -> dict[str, Any]:
    return {}


CSV = {
    "orgunits": b"kennung;name;typ;uebergeordnet;leitung_email\r\n99;Neue Stelle;amt;;\r\n",
    "persons": b"email;vorname;nachname;funktion;organisationseinheit\r\nnora.neu@teststadt.example;Nora;Neu;;32\r\n",
    "assignments": b"email;rolle;organisationseinheit;zeitanteil;von;bis\r\n"
    b"bruno.ordner@teststadt.example;Eigene Rolle;;10;01.01.2026;\r\n",  # Bruno holds the Digitallotsin already
}


def _csv(kind: str = "orgunits") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{kind}.csv", CSV[kind], content_type="text/csv")


# --- bodies of the Orientierungsrahmen and the self-assessment ----------------------------------------

LEVEL_TEXTS = [f"Stufe {n}: so sieht es in der Kommune aus." for n in range(1, 6)]


def _criterion_body(t: Targets) -> dict[str, Any]:
    levels = {f"level_{n}": text for n, text in enumerate(LEVEL_TEXTS, start=1)}
    return {"name": "Zeitanteile für Lotsinnen und Lotsen", "question": "Wie weit ist das geregelt?", **levels}


def _criterion_edit_body(t: Targets) -> dict[str, Any]:
    return {**_criterion_body(t), "is_active": "on", "version": t.criterion.version}


def _campaign_body(t: Targets) -> dict[str, Any]:
    return {
        "title": "Standortbestimmung 2027",
        "starts_on": "2027-01-10",
        "ends_on": "2027-02-10",
        "audiences": ["mitarbeitende"],
        "unit_depth": "1",
        "k": "5",
        "free_text_k": "10",
        "retention_months": "12",
    }


def _target_body(t: Targets) -> dict[str, Any]:
    import datetime

    return {"level": "3.5", "year": str(datetime.date.today().year + 1), "weight": "3", "reason": "Isolationstest"}


# Forms that create or change the one row of their kind send the version their page showed (docs/security.md R3): the row's
# version, or what the form shows while there is none. Read as the page reads it.


def _field_target_body(t: Targets) -> dict[str, Any]:
    from kompass.assessment import selectors
    from kompass.assessment.forms_targets import TargetForm

    version = TargetForm.initial_for(selectors.field_target(t.kommune, t.field))["version"]
    return {**_target_body(t), "version": version}


def _criterion_target_body(t: Targets) -> dict[str, Any]:
    from kompass.assessment import selectors
    from kompass.assessment.forms_targets import TargetForm

    version = TargetForm.initial_for(selectors.criterion_target(t.kommune, t.criterion))["version"]
    return {**_target_body(t), "version": version}


def _kommunentyp_body(t: Targets) -> dict[str, Any]:
    from kompass.assessment import selectors
    from kompass.assessment.forms_targets import TypeProfileForm

    version = TypeProfileForm.initial_for(selectors.type_profile(t.kommune))["version"]
    return {**{key: str(v) for key, v in _kommunentyp_answers().items()}, "version": version}


def _agenda_settings_body(t: Targets) -> dict[str, Any]:
    from kompass.agenda import selectors
    from kompass.agenda.forms_strategy import SettingsForm

    return {**AGENDA_SETTINGS, "version": SettingsForm.initial_for(selectors.settings(t.kommune))["version"]}


def _agenda_rename_body(t: Targets) -> dict[str, Any]:
    from kompass.agenda import selectors

    agenda = selectors.agenda(t.kommune)
    return {"title": "Digitale Agenda 2026–2030", "version": agenda.version if agenda else 0}


def _public_settings_body(t: Targets) -> dict[str, Any]:
    from kompass.agenda import selectors

    version = selectors.settings(t.kommune).version
    return {"public_page_enabled": "on", "public_intro": "Willkommen", "public_easy_text": "", "version": version}


# The measure template of the test catalogue for `Targets.field` ("Rollen und Verantwortung", max_level 3: it
# fits the Ist 3 of the closed campaign); the scene's accepted recommendation is another template of another field.
FIELD_TEMPLATE = "lotsen-netzwerk"


def _kommunentyp_answers() -> dict[str, int]:
    from kompass.framework import kommunentypen

    return dict.fromkeys(kommunentypen.catalogue().item_keys, 3)


# --- bodies of the digital agenda (agenda_scene.py builds what they name) ------------------------------


def _day(value: Any) -> str:
    return value.strftime("%d.%m.%Y")


AGENDA_DECISION = {
    "body": "Rat",
    "decided_on": "12.12.2025",
    "title": "Digitale Agenda 2026",
    "drucksache": "0342/2025",
    "beratungsfolge": "Hauptausschuss → Rat",
    "result": "beschlossen",
    "link": "https://ratsinfo.example/vorlage/0342",
    "oparl_id": "",
}
AGENDA_SETTINGS = {
    "weight_benefit": "3",
    "weight_urgency": "2",
    "weight_effort": "1",
    "accountable_limit": "5",
    "report_period_days": "60",
    "kpi_overdue_tolerance_days": "14",
    "impact_labels": "eu",
}


def _goal_body(t: Targets) -> dict[str, Any]:
    return {"kind": "wirkungsziel", "title": "Weniger Wege ins Rathaus", "effect": "mitarbeitende"}


def _measure_body(t: Targets) -> dict[str, Any]:
    """A new measure placed inside the editor's subtree (editor) or outside it (editor_outside)."""
    return {
        "title": "Online-Terminvergabe",
        "responsible_unit": t.unit_parent.pk,
        "status": "idee",
        "benefit": "4",
        "urgency": "3",
        "effort": "2",
    }


def _measure_edit_body(t: Targets) -> dict[str, Any]:
    m = t.measure
    return {
        "title": f"{m.title} (neu)",
        "responsible_unit": m.responsible_unit_id or "",
        "accountable_role": m.accountable_role_id or "",
        "status": m.status,
        "benefit": str(m.benefit),
        "urgency": str(m.urgency),
        "effort": str(m.effort),
        "starts_on": "01.01.2025",
        "ends_on": "31.12.2027",
        "version": m.version,
    }


def _milestone_body(t: Targets) -> dict[str, Any]:
    return {"title": "Abnahme", "due_on": "15.03.2026"}


def _budget_body(t: Targets) -> dict[str, Any]:
    return {"year": "2027", "planned": "12.345,67 €", "spent": "0", "haushalt_kind": "investition"}


def _risk_body(t: Targets) -> dict[str, Any]:
    return {"title": "Personal fehlt", "likelihood": "5", "impact": "4", "mitigation": ""}


def _impact_body(t: Targets) -> dict[str, Any]:
    return {"level": "outcome", "text": "Weniger Wege"}


def _with_version(body: Callable[[Targets], dict[str, Any]], attr: str) -> Callable[[Targets], dict[str, Any]]:
    return lambda t: {**body(t), "version": getattr(t, attr).version}


def _kpi_body(t: Targets) -> dict[str, Any]:
    """As kompass/agenda/tests/test_kpis_views.py writes a KPI (German numbers and dates)."""
    return {
        "name": "Anteil online",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "1.234,5",
        "baseline_on": "01.01.2025",
        "target_value": "2.000",
        "target_on": "31.12.2027",
        "data_source": "Fachverfahren",
        "owner_role": "",
        "period_days": "30",
    }


def _agenda_api_kpi(t: Targets) -> dict[str, Any]:
    return {
        "name": "Anteil online",
        "baseline_value": "1.234,5",
        "baseline_on": "2025-01-01",
        "target_value": 2000,
        "target_on": "2027-12-31",
        "measure_id": t.measure.pk,
    }


def _version_query(attr: str) -> Callable[[Targets], dict[str, Any]]:
    """An API delete names the version it read as `?version=`."""
    return lambda t: {"version": getattr(t, attr).version}


API_STRATEGY_DELETE = expect(401, 403, 403, 403, 204, 404)  # Kommune-wide: Administration only (here)


def _agenda_api_strategy_parts() -> dict[str, Route]:
    """The API's Leitsätze and Handlungsfelder of the draft, deciding it, a new draft and the diff (Kommune-wide)."""
    version = {"agenda_version_id": "agenda_version"}
    leitsatz = {"leitsatz_id": "leitsatz"}
    field = {"handlungsfeld_id": "handlungsfeld"}
    return {
        "api:agenda_leitsatz_list": agenda_route(API, {"GET": API_READ}, objects=version),
        "api:agenda_leitsatz_create": agenda_route(
            API, {"POST": API_MODEL_CREATE}, objects=version, body=lambda t: {"text": "Daten gehören allen."}
        ),
        "api:agenda_leitsatz_detail": agenda_route(API, {"GET": API_READ}, objects=leitsatz),
        "api:agenda_leitsatz_update": agenda_route(
            API,
            {"PATCH": API_MODEL_WRITE},
            objects=leitsatz,
            body=lambda t: {"text": "Offen, sicher und nah.", "version": t.leitsatz.version},
        ),
        "api:agenda_leitsatz_delete": agenda_route(
            API, {"DELETE": API_STRATEGY_DELETE}, objects=leitsatz, body=_empty, query=_version_query("leitsatz")
        ),
        "api:agenda_handlungsfeld_list": agenda_route(API, {"GET": API_READ}, objects=version),
        "api:agenda_handlungsfeld_create": agenda_route(
            API,
            {"POST": API_MODEL_CREATE},
            objects=version,
            body=lambda t: {"name": "Schulen und Bildung", "framework_field_keys": ["daten"]},
        ),
        "api:agenda_handlungsfeld_detail": agenda_route(API, {"GET": API_READ}, objects=field),
        "api:agenda_handlungsfeld_update": agenda_route(
            API,
            {"PATCH": API_MODEL_WRITE},
            objects=field,
            body=lambda t: {"name": f"{t.handlungsfeld.name} (neu)", "version": t.handlungsfeld.version},
        ),
        "api:agenda_handlungsfeld_delete": agenda_route(
            API, {"DELETE": API_STRATEGY_DELETE}, objects=field, body=_empty, query=_version_query("handlungsfeld")
        ),
        "api:agenda_version_decide": agenda_route(
            API,
            {"POST": API_MODEL_WRITE},
            objects=version,
            body=lambda t: {"decided_on": "2026-02-01", "version": t.agenda_version.version},
        ),
        # A new draft is made from the decided version while there is no draft.
        "api:agenda_version_new_draft": agenda_route(
            API, {"POST": API_MODEL_CREATE}, objects=version, body=_empty, agenda=AGENDA_DECIDED
        ),
        "api:agenda_version_diff": agenda_route(API, {"GET": API_READ}, objects=version),
    }


def _agenda_api_children(
    kind: str, create: Callable[[Targets], dict[str, Any]], change: Callable[[Targets], dict[str, Any]]
) -> dict[str, Route]:
    """List, create, change and delete of one kind of child (`Targets` attribute `kind`) of the side's measure."""
    measure = {"measure_id": "measure"}
    item = {"measure_id": "measure", f"{kind}_id": kind}
    return {
        f"api:agenda_{kind}_list": agenda_route(API, {"GET": API_READ}, objects=measure),
        f"api:agenda_{kind}_create": agenda_route(API, {"POST": API_EDIT_CREATE}, objects=measure, body=create),
        f"api:agenda_{kind}_update": agenda_route(
            API,
            {"PATCH": API_EDIT_WRITE},
            objects=item,
            body=lambda t: {**change(t), "version": getattr(t, kind).version},
        ),
        f"api:agenda_{kind}_delete": agenda_route(
            API, {"DELETE": API_EDIT_DELETE}, objects=item, body=_empty, query=_version_query(kind)
        ),
    }


def _agenda_api_measure_children() -> dict[str, Route]:
    return {
        **_agenda_api_children(
            "milestone", lambda t: {"title": "Abnahme", "due_on": "2026-03-15"}, lambda t: {"done_on": "20.03.2026"}
        ),
        **_agenda_api_children(
            "budget_line",
            lambda t: {"year": 2027, "planned": "12.345,67 €", "haushalt_kind": "investition"},
            lambda t: {"spent": "1.000,50"},
        ),
        **_agenda_api_children(
            "risk", lambda t: {"title": "Personal fehlt", "likelihood": 5, "impact": 4}, lambda t: {"impact": 2}
        ),
        **_agenda_api_children(
            "impact_step", lambda t: {"level": "outcome", "text": "Weniger Wege"}, lambda t: {"text": "Kürzere Wege"}
        ),
    }


def _agenda_api_measure_steering() -> dict[str, Route]:
    """RACI rows, dependencies, the status and status reports of the side's measure."""
    measure = {"measure_id": "measure"}
    return {
        "api:agenda_raci_list": agenda_route(API, {"GET": API_READ}, objects=measure),
        "api:agenda_raci_set": agenda_route(
            API,
            {"POST": API_EDIT_WRITE},
            objects=measure,
            body=lambda t: {"role_id": t.measure_role.role_id, "letter": "R"},
        ),
        "api:agenda_raci_delete": agenda_route(
            API,
            {"DELETE": API_EDIT_DELETE},
            objects={"measure_id": "measure", "measure_role_id": "measure_role"},
            body=_empty,
        ),
        "api:agenda_dependency_list": agenda_route(API, {"GET": API_READ}, objects=measure),
        "api:agenda_dependency_add": agenda_route(
            API, {"POST": API_EDIT_CREATE}, objects=measure, body=lambda t: {"depends_on_id": t.other_measure.pk}
        ),
        "api:agenda_dependency_remove": agenda_route(
            API,
            {"DELETE": API_EDIT_DELETE},
            objects={"measure_id": "measure", "dependency_id": "dependency"},
            body=_empty,
        ),
        "api:agenda_measure_status": agenda_route(
            API,
            {"POST": API_EDIT_WRITE},
            objects=measure,
            body=lambda t: {"status": "abgeschlossen", "note": "Fertig", "version": t.measure.version},
        ),
        "api:agenda_status_report_list": agenda_route(API, {"GET": API_READ}, objects=measure),
        "api:agenda_status_report_create": agenda_route(
            API, {"POST": API_EDIT_CREATE}, objects=measure, body=lambda t: {"light": "gruen", "progress": 50}
        ),
    }


HAND_WRITTEN: dict[str, Route] = {
    # --- public -------------------------------------------------------------------------------
    "set_language": Route(
        PUBLIC,
        {"POST": everyone(302)},
        body=lambda t: {"language": "de", "next": "/impressum/"},
        any_method="Django's set_language redirects for every method and only switches on POST",
    ),
    "accounts:login": Route(
        PUBLIC,
        {"GET": expect(200, 302, 302, 302, 302, 302), "POST": everyone(302)},
        body=lambda t: {"username": "admin", "password": PASSWORD},
    ),
    "accounts:logout": Route(PUBLIC, {"POST": everyone(302)}, body=_empty),
    # The invitation link: anyone may open it; only a visitor without login creates an account with it
    # (302), a logged-in account that is not the invited one gets 403 and nothing changes.
    "accounts:invitation": Route(
        PUBLIC,
        {"GET": everyone(200), "POST": expect(302, 403, 403, 403, 403, 403)},
        fixed={"token": INVITATION_SECRET},
        body=lambda t: {
            "first_name": "Ines",
            "last_name": "Eingeladen",
            "password1": "korrekt-pferd-batterie-heftklammer",
            "password2": "korrekt-pferd-batterie-heftklammer",
        },
    ),
    "ui:impressum": Route(PUBLIC, {"GET": everyone(200)}),
    "ui:privacy": Route(PUBLIC, {"GET": everyone(200)}),
    "ui:accessibility": Route(PUBLIC, {"GET": everyone(200)}),
    "ui:feedback": Route(
        PUBLIC,
        {"GET": everyone(200), "POST": everyone(302)},
        body=lambda t: {"page_url": "/impressum/", "message": "Der Kontrast der Links ist zu gering.", "email": ""},
    ),
    "ui:health": Route(PUBLIC, {"GET": everyone(200)}),
    "ops:readyz": Route(PUBLIC, {"GET": everyone(200)}),
    # --- the user's own account ---------------------------------------------------------------
    "ui:home": Route(ACCOUNT, {"GET": expect(LOGIN, 302, 302, 302, 302, 200)}),
    "accounts:password_change": Route(
        ACCOUNT,
        {"GET": LOGGED_IN_PAGE, "POST": expect(LOGIN, 302, 302, 302, 302, 302)},
        body=lambda t: {
            "old_password": PASSWORD,
            "new_password1": "korrekt-pferd-batterie-heftklammer",
            "new_password2": "korrekt-pferd-batterie-heftklammer",
        },
    ),
    "accounts:password_change_done": Route(ACCOUNT, {"GET": LOGGED_IN_PAGE}),
    # A forgotten password (docs/security.md A4): public, the same answer for every address; a made-up link shows "Link ungültig".
    "accounts:password_reset": Route(
        PUBLIC,
        {"GET": everyone(200), "POST": everyone(302)},
        body=lambda t: {"identifier": "niemand@teststadt.example"},
    ),
    "accounts:password_reset_done": Route(PUBLIC, {"GET": everyone(200)}),
    "accounts:password_reset_confirm": Route(
        PUBLIC,
        {"GET": everyone(200), "POST": everyone(200)},
        fixed={"uidb64": "MQ", "token": "cz1abc-0123456789abcdef"},
        body=lambda t: {"new_password1": "korrekt-pferd-batterie", "new_password2": "korrekt-pferd-batterie"},
    ),
    "accounts:password_reset_complete": Route(PUBLIC, {"GET": everyone(200)}),
    "accounts:api_tokens": Route(
        ACCOUNT,
        {"GET": LOGGED_IN_PAGE, "POST": LOGGED_IN_PAGE},
        body=lambda t: {"name": "Abgleich Personalsystem", "kommune": t.kommune.pk, "scope": "read", "days": "90"},
    ),
    # "Angemeldet bleiben" (docs/security.md A4): JSON for the warning script; anonymous 401, not a redirect.
    "accounts:session_keepalive": Route(ACCOUNT, {"POST": expect(401, 200, 200, 200, 200, 200)}, body=_empty),
    "accounts:api_token_revoke": Route(
        ACCOUNT,
        {"POST": expect(LOGIN, 302, 302, 302, 302, 302)},
        objects={"pk": "token"},
        body=_empty,
    ),
    # --- the second factor and single sign-on (docs/security.md A3; enforcement off in tests) ---
    # The step after the password: with nothing owed (MFA off in tests) it goes on to the next page.
    "sso:verify": Route(
        ACCOUNT,
        {"GET": expect(LOGIN, 302, 302, 302, 302, 302), "POST": expect(LOGIN, 302, 302, 302, 302, 302)},
        body=lambda t: {"code": "123456"},
    ),
    "sso:manage": Route(
        ACCOUNT,
        {"GET": LOGGED_IN_PAGE, "POST": expect(LOGIN, 302, 302, 302, 302, 302)},
        body=lambda t: {"action": "renew", "password": PASSWORD},
    ),
    # A wrong code shows the page again with the error (200); nothing is stored before a code matches.
    "sso:enrol": Route(ACCOUNT, {"GET": LOGGED_IN_PAGE, "POST": LOGGED_IN_PAGE}, body=lambda t: {"code": "000000"}),
    # Without new codes in the session both go to the overview.
    "sso:recovery_codes": Route(
        ACCOUNT,
        {"GET": expect(LOGIN, 302, 302, 302, 302, 302), "POST": expect(LOGIN, 302, 302, 302, 302, 302)},
        body=_empty,
    ),
    "sso:recovery_codes_download": Route(ACCOUNT, {"GET": expect(LOGIN, 302, 302, 302, 302, 302)}),
    # Public login routes of an identity provider; none is configured here: back to the login page.
    "sso:oidc_start": Route(PUBLIC, {"GET": everyone(302)}, fixed={"provider": "instanz"}),
    "sso:oidc_callback": Route(PUBLIC, {"GET": everyone(302)}, fixed={"provider": "instanz"}),
    # --- platform operators -------------------------------------------------------------------
    "accounts:operator_kommunen": Route(OPERATOR_ONLY, {"GET": expect(LOGIN, 404, 404, 404, 404, 200)}),
    # Without a mail backend the answer is the page with the invitation link (200), not a redirect.
    "accounts:operator_kommune_create": Route(
        OPERATOR_ONLY,
        {"GET": expect(LOGIN, 404, 404, 404, 404, 200), "POST": expect(LOGIN, 404, 404, 404, 404, 200)},
        body=lambda t: {
            "name": "Neue Gemeinde",
            "slug": "",
            "kommune_type": "gemeinde",
            "bundesland": "NW",
            "ags": "05999001",
            "population": "1200",
            "admin_email": "verwaltung@neue-gemeinde.example",
            "admin_first_name": "",
            "admin_last_name": "",
        },
    ),
    "accounts:operator_kommune_status": Route(
        OPERATOR_ONLY,
        {"GET": expect(LOGIN, 404, 404, 404, 404, 200), "POST": expect(LOGIN, 404, 404, 404, 404, 302)},
        body=lambda t: {"action": "sperren", "reason": "Vertrag zum Jahresende beendet"},
    ),
    "accounts:operator_access": Route(
        OPERATOR_ONLY,
        {"GET": expect(LOGIN, 404, 404, 404, 404, 200), "POST": expect(LOGIN, 404, 404, 404, 404, 403)},
        body=lambda t: {"reason": "Störungsanalyse zu Ticket 4711"},
    ),
    "accounts:operator_access_kommune": Route(
        OPERATOR_ONLY,
        {"GET": expect(LOGIN, 404, 404, 404, 404, 200), "POST": expect(LOGIN, 404, 404, 404, 404, 302)},
        body=lambda t: {"reason": "Störungsanalyse zu Ticket 4711"},
    ),
    # --- pages inside a Kommune ---------------------------------------------------------------
    "ui:dashboard": Route(TENANT, {"GET": TENANT_READ}),
    "accounts:kommune_settings": Route(
        TENANT, {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE}, body=_kommune_body
    ),
    "accounts:members": Route(
        TENANT,
        {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE},
        body=lambda t: {"email": "nina.neu@teststadt.example", "role": "reader", "scope_unit": ""},
    ),
    "accounts:invitation_resend": Route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "invitation"}, body=_empty
    ),
    "accounts:invitation_revoke": Route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "invitation"}, body=_empty
    ),
    "accounts:member_remove": Route(
        TENANT,
        {"POST": TENANT_ADMIN_WRITE},
        objects={"pk": "membership"},
        body=_empty,
    ),
    "accounts:member_sessions_end": Route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "membership"}, body=_empty
    ),
    "audit:log": Route(TENANT, {"GET": TENANT_ADMIN_PAGE}),
    # The pages of the org app are declared with `tenant_path` (kompass/org/urls.py): see DECLARED.
    # --- JSON API under /api/v1/ (Django Ninja) -------------------------------------------------
    "api:api-root": Route(PUBLIC, {"GET": everyone(404)}, any_method="the API root only exists to name the docs"),
    "api:not-found": Route(
        PUBLIC, {"GET": everyone(404)}, url="/api/v1/gibt-es-nicht/", any_method="JSON 404 for unknown API paths"
    ),
    "api:openapi-json": Route(PUBLIC, {"GET": everyone(200)}),  # and HEAD (test_http_methods)
    "api:openapi-view": Route(PUBLIC, {"GET": everyone(200)}),
    "api:kommune_list": Route(API, {"GET": expect(401, 200, 200, 200, 200, 200)}),
    "api:kommune_detail": Route(API, {"GET": API_READ}),
    "api:orgunit_list": Route(API, {"GET": API_READ}),
    "api:orgunit_create": Route(
        API,
        {"POST": API_EDIT_CREATE},
        body=lambda t: {
            "code": "99.1",
            "name": "Neue Stelle",
            "unit_type": "sachgebiet",
            "parent_id": t.unit_parent.pk,
        },
    ),
    "api:orgunit_detail": Route(API, {"GET": API_READ}, objects={"unit_id": "unit"}),
    "api:orgunit_subtree": Route(API, {"GET": API_READ}, objects={"unit_id": "unit"}),
    "api:orgunit_update": Route(
        API,
        {"PATCH": API_EDIT_WRITE},
        objects={"unit_id": "unit"},
        body=lambda t: {"name": f"{t.unit.name} (neu)", "version": t.unit.version},
    ),
    "api:orgunit_move": Route(
        API,
        {"POST": API_EDIT_WRITE},
        objects={"unit_id": "unit"},
        body=lambda t: {"parent_id": t.unit.parent_id, "version": t.unit.version},
    ),
    "api:orgunit_delete": Route(
        API, {"DELETE": API_EDIT_DELETE}, objects={"unit_id": "unit"}, body=_empty, query=_version_query("unit")
    ),
    "api:person_list": Route(API, {"GET": API_READ}),
    "api:person_create": Route(
        API,
        {"POST": API_EDIT_CREATE},
        body=lambda t: {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": "nora.neu@teststadt.example",
            "org_unit_id": t.unit_parent.pk,
        },
    ),
    "api:person_detail": Route(API, {"GET": API_READ}, objects={"person_id": "person"}),
    "api:person_update": Route(
        API,
        {"PATCH": API_EDIT_WRITE},
        objects={"person_id": "person"},
        body=lambda t: {"function_title": "Neue Funktion", "version": t.person.version},
    ),
    "api:person_delete": Route(
        API, {"DELETE": API_EDIT_DELETE}, objects={"person_id": "person"}, body=_empty, query=_version_query("person")
    ),
    # Importing needs IMPORT: a limited editor passes the API's write gate but not the capability.
    "api:import_orgunits": Route(
        API,
        {"POST": expect(401, 403, 403, 403, 200, 404)},
        body=lambda t: {"file": _csv(), "dry_run": "true"},
        multipart=True,
    ),
    "api:import_persons": Route(
        API,
        {"POST": expect(401, 403, 403, 403, 200, 404)},
        body=lambda t: {"file": _csv("persons"), "dry_run": "true"},
        multipart=True,
    ),
    # --- role model (issue 3): Kommune-wide model for Administration and unlimited Redaktion; ------
    # assignments belong to a place in the tree, so the editor limited to 32 keeps those inside it.
    "roles:role_list": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:catalogue_list": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:catalogue_role": role_route(
        TENANT, {"GET": TENANT_READ}, objects={"catalogue_id": "catalogue"}, fixed={"role_key": "cdo"}
    ),
    "roles:catalogue_adopt": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, body=lambda t: {"catalogue": t.catalogue.pk}
    ),
    "roles:catalogue_updates": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:role_add_from_catalogue": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, body=lambda t: {"catalogue_role": t.catalogue_role.pk}
    ),
    "roles:role_take_catalogue_version": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "role"}, body=_empty
    ),
    "roles:relation_take_catalogue_version": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "relation"}, body=_empty
    ),
    "roles:relation_add_from_catalogue": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, body=lambda t: {"catalogue_relation": "1"}
    ),
    "roles:role_create": role_route(
        TENANT,
        {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE},
        body=lambda t: {"name": "Neue Rolle", "kind": "intern", "is_active": "on"},
    ),
    "roles:role_detail": role_route(TENANT, {"GET": TENANT_READ}, objects={"pk": "role"}),
    "roles:role_pdf": role_route(TENANT, {"GET": TENANT_READ}, objects={"pk": "role"}),
    "roles:role_edit": role_route(
        TENANT,
        {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE},
        objects={"pk": "role"},
        body=lambda t: {
            "name": f"{t.role.name} (neu)",
            "kind": t.role.kind,
            "is_active": "on",
            "version": t.role.version,
        },
    ),
    "roles:role_delete": role_route(
        TENANT,
        {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE},
        objects={"pk": "role"},
        body=_version_of("role"),
    ),
    "roles:relation_create": role_route(
        TENANT,
        {"POST": TENANT_ADMIN_WRITE},
        objects={"pk": "role"},
        body=lambda t: {"relation_type": "berichtet_an", "to_role": t.other_role.pk, "note": ""},
    ),
    "roles:relation_delete": role_route(
        TENANT, {"POST": TENANT_ADMIN_WRITE}, objects={"pk": "role"}, body=lambda t: {"relation": t.relation.pk}
    ),
    "roles:assignment_list": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:assignment_create": role_route(
        TENANT,
        {"GET": expect(LOGIN, 403, 200, 200, 200, 404), "POST": TENANT_EDIT_WRITE},
        body=lambda t: {
            "person": t.person.email,
            "role": t.role.pk,
            "org_unit": "",
            "time_share": "10",
            "valid_from": "2026-01-01",
            "qualification": "keine",
        },
    ),
    "roles:assignment_edit": role_route(
        TENANT,
        {"GET": TENANT_EDIT_PAGE, "POST": TENANT_EDIT_WRITE},
        objects={"pk": "assignment"},
        body=lambda t: {
            "person": t.assignment.person.email,
            "role": t.assignment.role_id,
            "org_unit": "",
            "time_share": "20",
            "valid_from": t.assignment.valid_from.isoformat(),
            "qualification": t.assignment.qualification,
            "version": t.assignment.version,
        },
    ),
    "roles:assignment_end": role_route(
        TENANT,
        {"GET": TENANT_EDIT_PAGE, "POST": TENANT_EDIT_WRITE},
        objects={"pk": "assignment"},
        body=lambda t: {"end": "2026-12-31", "version": t.assignment.version},
    ),
    "roles:assignment_delete": role_route(
        TENANT,
        {"GET": TENANT_EDIT_PAGE, "POST": TENANT_EDIT_WRITE},
        objects={"pk": "assignment"},
        body=_version_of("assignment"),
    ),
    "roles:lotsen": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:checks": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:graph": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:matrix": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:matrix_csv": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:matrix_xlsx": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:matrix_pdf": role_route(TENANT, {"GET": TENANT_READ}),
    "roles:matrix_cell": role_route(
        TENANT,
        {"POST": TENANT_ADMIN_WRITE},
        body=lambda t: {"activity": t.activity.pk, "role": t.role.pk, "letter": "R", "expected": ""},
    ),
    "roles:matrix_row": role_route(
        TENANT, {"GET": TENANT_ADMIN_PAGE, "POST": TENANT_ADMIN_WRITE}, body=lambda t: {"aktivitaet": t.activity.pk}
    ),
    # --- role model in the API: the same rules as the pages --------------------------------------
    "api:role_catalogue_list": role_route(API, {"GET": API_READ}),
    "api:role_catalogue_detail": role_route(API, {"GET": API_READ}, objects={"catalogue_id": "catalogue"}),
    "api:role_model_adopt": role_route(
        API, {"POST": API_MODEL_CREATE}, body=lambda t: {"catalogue_id": t.catalogue.pk}
    ),
    "api:role_list": role_route(API, {"GET": API_READ}),
    "api:role_detail": role_route(API, {"GET": API_READ}, objects={"role_id": "role"}),
    "api:role_create": role_route(API, {"POST": API_MODEL_CREATE}, body=lambda t: {"name": "Neue Rolle"}),
    "api:role_update": role_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"role_id": "role"},
        body=lambda t: {"name": f"{t.role.name} (neu)", "version": t.role.version},
    ),
    "api:assignment_list": role_route(API, {"GET": API_READ}),
    "api:assignment_detail": role_route(API, {"GET": API_READ}, objects={"assignment_id": "assignment"}),
    "api:assignment_create": role_route(
        API,
        {"POST": API_EDIT_CREATE},
        body=lambda t: {"person_id": t.person.pk, "role_id": t.role.pk, "time_share": 10, "valid_from": "2026-01-01"},
    ),
    "api:assignment_update": role_route(
        API,
        {"PATCH": API_EDIT_WRITE},
        objects={"assignment_id": "assignment"},
        body=lambda t: {"time_share": 20, "version": t.assignment.version},
    ),
    "api:assignment_delete": role_route(
        API,
        {"DELETE": API_EDIT_DELETE},
        objects={"assignment_id": "assignment"},
        body=_empty,
        query=_version_query("assignment"),
    ),
    "api:import_assignments": role_route(
        API,
        {"POST": expect(401, 403, 403, 403, 200, 404)},
        body=lambda t: {"file": _csv("assignments"), "dry_run": "true"},
        multipart=True,
    ),
    "api:matrix_detail": role_route(API, {"GET": API_READ}),
    "api:matrix_cell_set": role_route(
        API,
        {"PUT": API_MODEL_WRITE},
        body=lambda t: {"activity_id": t.activity.pk, "role_id": t.role.pk, "letter": "R", "expected": None},
    ),
    "api:role_checks": role_route(API, {"GET": API_READ}),
    # --- Orientierungsrahmen and self-assessment in the API: the same rules as the pages ----------------
    # Kommune-wide: changes need EDIT_FRAMEWORK or MANAGE_SURVEYS (Administration, unlimited Redaktion).
    "api:framework_detail": framework_route(API, {"GET": API_READ}),
    "api:framework_adopt": framework_route(API, {"POST": API_MODEL_CREATE}, body=_empty, framework=FRAMEWORK_LOADED),
    "api:framework_field_update": framework_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"field_id": "field"},
        body=lambda t: {"name": f"{t.field.name} (neu)", "version": t.field.version},
    ),
    "api:framework_criterion_create": framework_route(
        API,
        {"POST": API_MODEL_CREATE},
        objects={"field_id": "field"},
        body=lambda t: {"name": "Zeitanteile", "question": "Wie weit ist das geregelt?", "levels": LEVEL_TEXTS},
    ),
    "api:framework_criterion_update": framework_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"criterion_id": "criterion"},
        body=lambda t: {"name": f"{t.criterion.name} (neu)", "version": t.criterion.version},
    ),
    "api:measure_list": framework_route(API, {"GET": API_READ}),
    "api:campaign_list": framework_route(API, {"GET": API_READ}),
    "api:campaign_detail": framework_route(API, {"GET": API_READ}, objects={"campaign_id": "campaign"}),
    "api:campaign_create": framework_route(
        API,
        {"POST": API_MODEL_CREATE},
        body=lambda t: {"title": "Standortbestimmung 2027", "starts_on": "2027-01-10", "ends_on": "2027-02-10"},
    ),
    # Each status action on a campaign in the state it starts from, so that the allowed call succeeds.
    "api:campaign_open": framework_route(
        API, {"POST": API_MODEL_WRITE}, objects={"campaign_id": "campaign"}, body=_empty, campaign="draft"
    ),
    "api:campaign_close": framework_route(
        API, {"POST": API_MODEL_WRITE}, objects={"campaign_id": "campaign"}, body=_empty, campaign="open"
    ),
    "api:campaign_reopen": framework_route(
        API, {"POST": API_MODEL_WRITE}, objects={"campaign_id": "campaign"}, body=_empty, campaign="closed"
    ),
    "api:campaign_archive": framework_route(
        API, {"POST": API_MODEL_WRITE}, objects={"campaign_id": "campaign"}, body=_empty, campaign="closed"
    ),
    "api:assessment_results": framework_route(
        API, {"GET": API_READ}, objects={"campaign_id": "campaign"}, campaign="closed"
    ),
    "api:assessment_targets": framework_route(API, {"GET": API_READ}),
    "api:assessment_target_set": framework_route(
        API,
        {"PUT": API_MODEL_WRITE},
        body=lambda t: {**_target_body(t), "field_key": t.field.key, "level": 3.5, "weight": 2},
    ),
    "api:assessment_gaps": framework_route(API, {"GET": API_READ}),
    "api:assessment_recommendations": framework_route(API, {"GET": API_READ}),
    "api:assessment_recommendation_accept": framework_route(
        API, {"POST": API_MODEL_CREATE}, body=lambda t: {"field_key": t.field.key, "template_key": FIELD_TEMPLATE}
    ),
    "api:assessment_kommunentyp": framework_route(API, {"GET": API_READ}),
    "api:assessment_kommunentyp_set": framework_route(
        API, {"PUT": API_MODEL_WRITE}, body=lambda t: {"answers": _kommunentyp_answers()}
    ),
    # --- the digital agenda in the API: the same rules as the pages ---------------------------------------
    # The strategy (agenda, versions, goals, council decisions) is Kommune-wide: Administration and unlimited
    # Redaktion. A measure and its KPIs follow the measure's responsible unit: the limited editor changes those
    # inside her subtree. Bad input is 422, a stale or missing version 409.
    "api:agenda_detail": agenda_route(API, {"GET": API_READ}),
    "api:agenda_create": agenda_route(
        API,
        {"POST": API_MODEL_CREATE},
        body=lambda t: {"title": "Digitale Agenda 2030", "vision": "Digital und nah."},
        agenda=AGENDA_NONE,
    ),
    "api:agenda_versions": agenda_route(API, {"GET": API_READ}),
    "api:agenda_version_detail": agenda_route(API, {"GET": API_READ}, objects={"agenda_version_id": "agenda_version"}),
    "api:agenda_version_update": agenda_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"agenda_version_id": "agenda_version"},
        body=lambda t: {"vision": "Digital, nah und offen.", "version": t.agenda_version.version},
    ),
    "api:agenda_goal_list": agenda_route(API, {"GET": API_READ}),
    "api:agenda_goal_create": agenda_route(API, {"POST": API_MODEL_CREATE}, body=_goal_body),
    "api:agenda_goal_detail": agenda_route(API, {"GET": API_READ}, objects={"goal_id": "goal"}),
    "api:agenda_goal_update": agenda_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"goal_id": "goal"},
        body=lambda t: {"title": f"{t.goal.title} (neu)", "version": t.goal.version},
    ),
    "api:agenda_goal_delete": agenda_route(
        API,
        {"DELETE": expect(401, 403, 403, 403, 204, 404)},
        objects={"goal_id": "goal"},
        body=_empty,
        query=_version_query("goal"),
    ),
    "api:agenda_decision_list": agenda_route(API, {"GET": API_READ}),
    "api:agenda_decision_create": agenda_route(
        API,
        {"POST": API_MODEL_CREATE},
        body=lambda t: {"body": "Rat", "decided_on": "2026-01-01", "result": "beschlossen"},
    ),
    "api:agenda_decision_detail": agenda_route(API, {"GET": API_READ}, objects={"decision_id": "decision"}),
    "api:agenda_decision_update": agenda_route(
        API,
        {"PATCH": API_MODEL_WRITE},
        objects={"decision_id": "decision"},
        body=lambda t: {"drucksache": "0815/2026", "version": t.decision.version},
    ),
    "api:agenda_decision_delete": agenda_route(
        API,
        {"DELETE": expect(401, 403, 403, 403, 204, 404)},
        objects={"decision_id": "decision"},  # no decided version rests on it
        body=_empty,
        query=_version_query("decision"),
    ),
    "api:agenda_measure_list": agenda_route(API, {"GET": API_READ}),
    "api:agenda_measure_create": agenda_route(
        API,
        {"POST": API_EDIT_CREATE},
        body=lambda t: {"title": "Online-Terminvergabe", "responsible_unit_id": t.unit_parent.pk},
    ),
    "api:agenda_measure_detail": agenda_route(API, {"GET": API_READ}, objects={"measure_id": "measure"}),
    "api:agenda_measure_update": agenda_route(
        API,
        {"PATCH": API_EDIT_WRITE},
        objects={"measure_id": "measure"},
        body=lambda t: {"title": f"{t.measure.title} (neu)", "version": t.measure.version},
    ),
    "api:agenda_measure_delete": agenda_route(
        API,
        {"DELETE": API_EDIT_DELETE},
        objects={"measure_id": "measure"},
        body=_empty,
        query=_version_query("measure"),
    ),
    "api:agenda_kpi_list": agenda_route(API, {"GET": API_READ}),
    "api:agenda_kpi_create": agenda_route(API, {"POST": API_EDIT_CREATE}, body=_agenda_api_kpi),
    "api:agenda_kpi_values_push": agenda_route(
        API,
        {"POST": API_EDIT_WRITE},
        body=lambda t: {"items": [{"kpi_id": t.kpi.pk, "date": "2026-02-01", "value": "1,5"}]},
    ),
    "api:agenda_kpi_detail": agenda_route(API, {"GET": API_READ}, objects={"kpi_id": "kpi"}),
    "api:agenda_kpi_update": agenda_route(
        API,
        {"PATCH": API_EDIT_WRITE},
        objects={"kpi_id": "kpi"},
        body=lambda t: {"target_value": "70", "version": t.kpi.version},
    ),
    "api:agenda_kpi_delete": agenda_route(
        API, {"DELETE": API_EDIT_DELETE}, objects={"kpi_id": "kpi"}, body=_empty, query=_version_query("kpi")
    ),
    "api:agenda_kpi_values": agenda_route(API, {"GET": API_READ}, objects={"kpi_id": "kpi"}),
    # What a version says (on the draft version 2), deciding it, a new draft from a decided version, the diff.
    **_agenda_api_strategy_parts(),
    # What hangs on a measure and how it is steered: the measure's place decides, as for the measure itself.
    **_agenda_api_measure_children(),
    **_agenda_api_measure_steering(),
}


def _deprecated_api_paths() -> dict[str, Route]:
    """The old English API paths of version 1 (`kompass/api/deprecation.py`) answer every persona
    exactly like the German paths that replaced them."""
    from kompass.api.routes import api_route_patterns

    return {f"api:{r.name}": HAND_WRITTEN[f"api:{r.successor}"] for r in api_route_patterns() if r.is_deprecated}


HAND_WRITTEN.update(_deprecated_api_paths())


# --- routes declared with `tenancy.routes.tenant_path`: the matrix follows from the declaration ---
#
# A declaration says which capability a route needs, which methods it serves and what its ids name;
# the expected answer of every persona follows from the capability map. What a declaration cannot
# know is test data: the body of a valid write, fixed URL kwargs, and a success status other than
# 200 for GET and 302 (Post/Redirect/Get) for POST. That goes into `FILLS`.


@dataclass(frozen=True)
class Fill:
    body: Callable[[Targets], dict[str, Any]] | None = None
    fixed: Mapping[str, str] = field(default_factory=dict)
    ok: Mapping[str, Status] = field(default_factory=dict)  # method → status of an allowed request
    role_model: bool = False
    # Routes of FRAMEWORK_NAMESPACES get FRAMEWORK_ADOPTED without saying so; other levels are named here.
    framework: str = ""
    campaign: str = "draft"
    # Routes of AGENDA_NAMESPACES get AGENDA_DRAFT without saying so; other states are named here.
    agenda: str = ""


FILLS: dict[str, Fill] = {
    # The editor's body names a parent inside (editor) or outside (editor_outside) her subtree.
    "org:unit_create": Fill(body=_unit_body),
    "org:unit_edit": Fill(body=_unit_edit_body),
    "org:unit_delete": Fill(body=_version_of("unit")),
    "org:person_create": Fill(body=_person_body),
    "org:person_edit": Fill(body=_person_edit_body),
    "org:person_delete": Fill(body=_version_of("person")),
    # Datenschutz (Administration): the erasure needs the typed confirmation.
    "privacy:index": Fill(body=lambda t: {"q": "Huber"}, ok={"POST": 200}),  # a search: the page with the hits
    "privacy:person_erase": Fill(body=lambda t: {"bestaetigung": "LÖSCHEN"}),
    "privacy:member_erase": Fill(body=lambda t: {"bestaetigung": "LÖSCHEN"}),
    # Papierkorb (Administration, unlimited Redaktion): restore and delete for good send the version shown.
    "trash:restore": Fill(body=_version_of("trash_item")),
    "trash:purge": Fill(body=_version_of("trash_item")),
    # The Kommune's own identity provider (Administration): the secret's variable must be the Kommune's own.
    "sso:provider_create": Fill(body=lambda t: _oidc_provider_body(t, "KOMPASS_OIDC_SECRET_TESTSTADT__ZWEI")),
    "sso:provider_edit": Fill(
        body=lambda t: {
            **_oidc_provider_body(t, t.oidc_provider.client_secret_env),
            "version": t.oidc_provider.version,
        }
    ),
    "sso:provider_delete": Fill(body=_version_of("oidc_provider")),
    "sso:mapping_create": Fill(body=lambda t: {"group": "kk-neu", "role": "reader", "scope_unit": ""}),
    "sso:mapping_edit": Fill(
        body=lambda t: {"group": t.oidc_mapping.group, "role": "editor", "version": t.oidc_mapping.version}
    ),
    "sso:mapping_delete": Fill(body=_version_of("oidc_mapping")),
    "org:import_preview": Fill(body=lambda t: {"kind": "orgunits", "file": _csv()}, ok={"POST": 200}),
    "org:import_confirm": Fill(body=lambda t: {"token": "abgelaufen", "action": "confirm"}),
    "org:export": Fill(fixed={"kind": "personen", "fmt": "csv"}),
    "org:import_template": Fill(fixed={"kind": "personen", "fmt": "xlsx"}),
    "org:import_example": Fill(fixed={"kind": "organisationseinheiten", "fmt": "csv"}),
    # --- Orientierungsrahmen: every action answers with a redirect, also when it refuses ---------------
    "framework:adopt": Fill(body=_empty, framework=FRAMEWORK_LOADED),
    "framework:field_edit": Fill(
        body=lambda t: {
            "name": f"{t.field.name} (neu)",
            "description": "",
            "is_active": "on",
            "version": t.field.version,
        }
    ),
    "framework:criterion_create": Fill(body=_criterion_body),
    "framework:criterion_edit": Fill(body=_criterion_edit_body),
    "framework:criterion_delete": Fill(body=_version_of("criterion")),
    # The Katalog-Aktualisierung with a newer version loaded: the field's new name, the criterion's new
    # wording, a new criterion and a new field are offered, and each is taken.
    "framework:updates": Fill(framework=FRAMEWORK_UPDATE),
    "framework:update_field": Fill(body=_empty, framework=FRAMEWORK_UPDATE),
    "framework:update_criterion": Fill(body=_empty, framework=FRAMEWORK_UPDATE),
    "framework:update_add_field": Fill(body=lambda t: {"pk": t.new_catalogue_field.pk}, framework=FRAMEWORK_UPDATE),
    "framework:update_add_criterion": Fill(
        body=lambda t: {"pk": t.new_catalogue_criterion.pk}, framework=FRAMEWORK_UPDATE
    ),
    "framework:mark_current": Fill(body=_empty, framework=FRAMEWORK_UPDATE),
    # --- campaigns: each action on a campaign in the state it starts from -----------------------------
    "assessment:campaign_create": Fill(body=_campaign_body),
    "assessment:campaign_update": Fill(body=lambda t: {**_campaign_body(t), "version": t.campaign.version}),
    "assessment:campaign_questionnaire": Fill(
        body=lambda t: {"criteria": [t.criterion.pk], "version": t.campaign.version}
    ),
    "assessment:campaign_open": Fill(body=_empty),
    "assessment:campaign_close": Fill(body=_empty, campaign="open"),
    "assessment:campaign_reopen": Fill(body=_empty, campaign="closed"),
    "assessment:campaign_archive": Fill(body=_empty, campaign="closed"),
    "assessment:campaign_delete": Fill(body=_empty),
    "assessment:campaign_invitations": Fill(
        body=lambda t: {"audience": "mitarbeitende", "channel": "mail", "action": "einladen"}
    ),
    "assessment:campaign_reminders": Fill(body=lambda t: {"channel": "mail"}, campaign="open"),
    "assessment:settings": Fill(body=lambda t: {"k": "6", "reason": "Dienstvereinbarung vom 1. März 2026"}),
    # --- results of the closed campaign (read by every member) -------------------------------------------
    **{
        f"assessment:{name}": Fill(campaign="closed")
        for name in (
            "results",
            "results_audiences",
            "results_units",
            "results_criteria",
            "results_trend",
            "results_comments",
            "results_releases",
            "results_pdf",
            "results_xlsx",
        )
    },
    # --- target profile, recommendations, Kommunentyp ------------------------------------------------------
    "assessment:target_field": Fill(body=_field_target_body),
    "assessment:target_criterion": Fill(body=_criterion_target_body),
    "assessment:recommendation_accept": Fill(
        body=lambda t: {"field": t.field.pk, "template": FIELD_TEMPLATE, "reason": "Isolationstest"}
    ),
    "assessment:recommendation_drop": Fill(
        body=lambda t: {"reason": "Isolationstest", "version": t.recommendation.version}
    ),
    "assessment:kommunentyp_answer": Fill(body=_kommunentyp_body),
    # --- the survey pages of Teststadt's open campaign (public: everyone gets the same answer) ------------
    "public:survey_start": Fill(fixed={"token": SURVEY_TOKEN}, framework=FRAMEWORK_ADOPTED),
    "public:survey_questions": Fill(body=_empty, fixed={"token": SURVEY_TOKEN}, framework=FRAMEWORK_ADOPTED),
    "public:survey_submit": Fill(
        body=lambda t: {"aktion": "pause"}, fixed={"token": SURVEY_TOKEN}, framework=FRAMEWORK_ADOPTED
    ),
    # The open link without the access code: 400, the page again with the error.
    "public:survey_open": Fill(
        body=_empty, fixed={"open_token": OPEN_SURVEY_TOKEN}, ok={"POST": 400}, framework=FRAMEWORK_ADOPTED
    ),
    # --- the digital agenda: strategy (Kommune-wide), on the draft version 2 unless said otherwise -------
    "agenda:create": Fill(body=lambda t: {"title": "Digitale Agenda 2030"}, agenda=AGENDA_NONE),
    "agenda:settings": Fill(body=_agenda_settings_body),
    "agenda:rename": Fill(body=_agenda_rename_body),
    "agenda:version_edit": Fill(
        body=lambda t: {"vision": "Digital, nah und offen.", "version": t.agenda_version.version}
    ),
    "agenda:version_decide": Fill(
        body=lambda t: {"decided_on": "01.02.2026", "decision": "", "version": t.agenda_version.version}
    ),
    # A new draft is made from the decided version while there is no draft.
    "agenda:version_new_draft": Fill(body=_empty, agenda=AGENDA_DECIDED),
    "agenda:leitsatz_create": Fill(body=lambda t: {"text": "Daten gehören der Allgemeinheit."}),
    "agenda:leitsatz_edit": Fill(body=lambda t: {"text": "Offen, sicher und nah.", "version": t.leitsatz.version}),
    "agenda:leitsatz_delete": Fill(body=_version_of("leitsatz")),
    "agenda:handlungsfeld_create": Fill(body=lambda t: {"name": "Schulen und Bildung", "description": ""}),
    "agenda:handlungsfeld_edit": Fill(
        body=lambda t: {
            "name": f"{t.handlungsfeld.name} (neu)",
            "description": "",
            "framework_field_keys": ["daten"],
            "version": t.handlungsfeld.version,
        }
    ),
    "agenda:handlungsfeld_delete": Fill(body=_version_of("handlungsfeld")),
    "agenda:goal_create": Fill(body=_goal_body),
    "agenda:goal_edit": Fill(body=_with_version(_goal_body, "goal")),
    "agenda:goal_delete": Fill(body=_version_of("goal")),
    "agenda:decision_create": Fill(body=lambda t: dict(AGENDA_DECISION)),
    "agenda:decision_edit": Fill(body=lambda t: {**AGENDA_DECISION, "version": t.decision.version}),
    "agenda:decision_delete": Fill(body=_version_of("decision")),  # no decided version rests on it
    # --- measures: the editor's measure lies inside her subtree, editor_outside's outside it --------------
    "agenda:measure_create": Fill(body=_measure_body),
    "agenda:measure_from_recommendation": Fill(body=_empty),
    "agenda:measure_edit": Fill(body=_measure_edit_body),
    "agenda:measure_delete": Fill(body=_version_of("measure")),
    "agenda:measure_status": Fill(
        body=lambda t: {"status": "abgeschlossen", "note": "Fertig", "version": t.measure.version}
    ),
    "agenda:milestone_create": Fill(body=_milestone_body),
    "agenda:milestone_edit": Fill(body=lambda t: {**_milestone_body(t), "done_on": "", "version": t.milestone.version}),
    "agenda:milestone_delete": Fill(body=_version_of("milestone")),
    "agenda:budget_create": Fill(body=_budget_body),
    "agenda:budget_edit": Fill(body=_with_version(_budget_body, "budget_line")),
    "agenda:budget_delete": Fill(body=_version_of("budget_line")),
    "agenda:risk_create": Fill(body=_risk_body),
    "agenda:risk_edit": Fill(body=_with_version(_risk_body, "risk")),
    "agenda:risk_delete": Fill(body=_version_of("risk")),
    "agenda:impact_create": Fill(body=_impact_body),
    "agenda:impact_edit": Fill(body=_with_version(_impact_body, "impact_step")),
    "agenda:impact_delete": Fill(body=_version_of("impact_step")),
    "agenda:raci_set": Fill(body=lambda t: {"role": t.measure_role.role_id, "letter": "R"}),
    "agenda:raci_delete": Fill(body=_empty),
    "agenda:dependency_add": Fill(body=lambda t: {"depends_on": t.other_measure.pk}),
    "agenda:dependency_remove": Fill(body=_empty),
    # The search behind the dependency combobox: JSON for those who may change the measure (no ?q=: no hits).
    "agenda:dependency_search": Fill(),
    # --- KPIs and status reports -------------------------------------------------------------------------
    "agenda:kpi_import": Fill(body=_empty, ok={"POST": 400}),  # without a file: the form again with the error
    "agenda:kpi_import_template": Fill(fixed={"fmt": "csv"}),
    "agenda:kpi_create": Fill(body=_kpi_body),
    "agenda:goal_kpi_create": Fill(body=_kpi_body),
    "agenda:kpi_edit": Fill(body=_with_version(_kpi_body, "kpi")),
    "agenda:kpi_delete": Fill(body=_version_of("kpi")),
    "agenda:kpi_value_add": Fill(body=lambda t: {"measured_on": "01.01.2026", "value": "1,5"}),
    "agenda:kpi_value_edit": Fill(body=lambda t: {"measured_on": _day(t.kpi_value.measured_on), "value": "2"}),
    "agenda:kpi_value_delete": Fill(body=_empty),
    "agenda:report_create": Fill(body=lambda t: {"light": "gruen", "progress": "50"}),
    # --- the council's page settings and the public page (switched on by the scene) -------------------------
    "agenda:public_settings": Fill(body=_public_settings_body),
    "public:agenda": Fill(agenda=AGENDA_DRAFT),
    "public:agenda_leichte_sprache": Fill(agenda=AGENDA_DRAFT),
    "public:agenda_kennzahlen": Fill(agenda=AGENDA_DRAFT),
}

# The personas as members: role, the subtree they are limited to, the object they act on.
# Symbolic tree paths: S/ is the editor's subtree (32 Ordnungsamt), O/ lies outside it (10 Hauptamt).
SCOPE, INSIDE, OUTSIDE = "S/", "S/9/", "O/9/"
MEMBERS = {
    READER: ("reader", None, INSIDE),
    EDITOR: ("editor", SCOPE, INSIDE),
    EDITOR_OUT: ("editor", SCOPE, OUTSIDE),
    ADMIN: ("admin", None, INSIDE),
}
SUCCESS: dict[str, Status] = {"GET": 200, "POST": 302}


def derive_expect(
    access: Any, *, has_object: bool, ok: Mapping[str, Status], placed: bool = True
) -> dict[str, dict[str, Status]]:
    """Every persona's answer to a declared route, from the one capability map (`role_allows`).

    Visitors must log in, operators without granted access see nothing (404). A member gets the
    success status if her role allows the capability where she acts, else 403: on the object of
    the address or the place in the body (inside or outside the editor's subtree) — or, for a form
    page without object, anywhere in her own subtree. An object without a place in the tree
    (`placed=False`: none of its kinds is in PLACED_KINDS, e.g. a recommendation) is Kommune-wide.
    """
    from kompass.tenancy.capabilities import role_allows

    expect_: dict[str, dict[str, Status]] = {}
    for method in access.methods:
        row: dict[str, Status] = {ANON: LOGIN, OPERATOR: 404}
        for persona, (role, scope, target) in MEMBERS.items():
            where = (target if placed else None) if has_object else (target if method != "GET" else scope)
            allowed = access.capability is None or role_allows(
                role, access.capability, scope_path=scope, target_path=where
            )
            row[persona] = ok.get(method, SUCCESS[method]) if allowed else 403
        expect_[method] = row
    return expect_


def _agenda_state(key: str, fill: Fill) -> str:
    if fill.agenda:
        return fill.agenda
    return AGENDA_DRAFT if key.split(":", 1)[0] in AGENDA_NAMESPACES else ""


def _framework_level(key: str, fill: Fill) -> str:
    if fill.framework:
        return fill.framework
    if _agenda_state(key, fill):  # the agenda stands on the adopted framework (fields, recommendations)
        return FRAMEWORK_ADOPTED
    return FRAMEWORK_ADOPTED if key.split(":", 1)[0] in FRAMEWORK_NAMESPACES else ""


def declared_entry(spec: Any) -> Route:
    fill = FILLS.get(spec.key, Fill())
    placed = not spec.objects or bool(set(spec.objects.values()) & set(PLACED_KINDS))
    return Route(
        TENANT,
        derive_expect(spec.access, has_object=bool(spec.objects), ok=fill.ok, placed=placed),
        objects=dict(spec.objects),
        body=fill.body,
        fixed=dict(fill.fixed),
        role_model=fill.role_model or bool(_agenda_state(spec.key, fill)),  # accountable roles, RACI rows
        framework=_framework_level(spec.key, fill),
        campaign=fill.campaign,
        agenda=_agenda_state(spec.key, fill),
    )


def public_entry(spec: Any) -> Route:
    """A public page of a Kommune answers everyone alike: logged in or not, member or not."""
    fill = FILLS.get(spec.key, Fill())
    expect_ = {method: everyone(fill.ok.get(method, SUCCESS[method])) for method in spec.methods}
    return Route(
        PUBLIC_KOMMUNE,
        expect_,
        body=fill.body,
        fixed=dict(fill.fixed),
        role_model=fill.role_model or bool(fill.agenda),
        framework=fill.framework or (FRAMEWORK_ADOPTED if fill.agenda else ""),
        campaign=fill.campaign,
        agenda=fill.agenda,
    )


def _declared() -> dict[str, Route]:
    from kompass.tenancy.public import declared_public_routes
    from kompass.tenancy.routes import declared_routes

    routes = {spec.key: declared_entry(spec) for spec in declared_routes()}
    return routes | {spec.key: public_entry(spec) for spec in declared_public_routes()}


DECLARED: dict[str, Route] = _declared()
# Hand-written entries keep working for routes not declared yet; where both exist they must agree
# (test_isolation.test_a_declared_route_and_its_hand_written_entry_agree).
ROUTES: dict[str, Route] = {**HAND_WRITTEN, **DECLARED}
