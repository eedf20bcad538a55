"""Tenant isolation and the role matrix, generated from the URL resolver (docs/security.md T1, T2, T6).

Every route Django knows — pages and the `/api/v1/` routes of Django Ninja — must be listed
in `url_registry.ROUTES`. For each route the tests check:
- T6: the expected status for every persona and every method it serves (deny by default);
- T1: the administrator of Nachbarort gets 404 on Teststadt's URLs, and Teststadt's
  administrator gets 404 for Nachbarort's object ids under Teststadt's slug; no response
  ever contains Nachbarort's sentinel `GEHEIM`;
- a method the route does not serve answers 405.
T2 (cross-tenant writes through ids in the request body) is tested at the end, for the organisation and
for the Orientierungsrahmen and the self-assessment.

The scene (personas, both Kommunen and what a route needs of the role model, the Orientierungsrahmen and the
agenda) is built once per module and kind of route (`Needs`, `scene_layer`), not once per test: each test runs
in a savepoint of it that is rolled back, and each request in a savepoint of its own (`in_rollback`).
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kompass.accounts import services as account_services
from kompass.accounts.models import ApiToken, Invitation, User
from kompass.api.tests.helpers import persona_token
from kompass.audit.models import AuditEntry
from kompass.conftest import World, refreshed
from kompass.factories import UserFactory, orgunit
from kompass.factories import person as make_person
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.sso.models import OidcGroupMapping, OidcProvider
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.models import Membership, Role
from kompass.tenancy.public import Publication, publications
from kompass.tenancy.routes import edits, posts, reads
from kompass.ui.tests import url_registry as reg
from kompass.ui.tests.agenda_scene import (
    AGENDA_DECIDED,
    AGENDA_DRAFT,
    AGENDA_NONE,
    AGENDA_STATES,
    AgendaScene,
    build_agenda_scene,
)
from kompass.ui.tests.agenda_scene import add_targets as add_agenda_targets
from kompass.ui.tests.headers import PRODUCTION_TLS, header_problems

SENTINEL = b"GEHEIM"
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
KWARG = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


# --- walking the resolver ------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    name: str
    pattern: str
    declared: Any = None  # the declaration of a route made with `tenant_path` or `public_path`

    @property
    def kwargs(self) -> list[str]:
        return KWARG.findall(self.pattern)


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Found]:
    """Every URL pattern below `resolver`, with its namespaced name and full pattern."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {prefix}{entry.pattern}>"
            full_name = f"{namespace}:{name}" if namespace else name
            declared = getattr(entry, "tenant_route", None) or getattr(entry, "public_route", None)
            yield Found(full_name, prefix + str(entry.pattern), declared)


def resolver_routes() -> dict[str, Found]:
    return {found.name: found for found in walk(get_resolver())}


ROUTES = resolver_routes()
REGISTERED = sorted(name for name in reg.ROUTES if name in ROUTES)


def test_every_url_of_the_resolver_is_in_the_registry() -> None:
    missing = sorted(set(ROUTES) - set(reg.ROUTES))
    assert not missing, f"Routes without an entry in kompass/ui/tests/url_registry.py: {missing}"


def test_every_registry_entry_still_has_a_route() -> None:
    gone = sorted(set(reg.ROUTES) - set(ROUTES))
    assert not gone, f"Registry entries whose route no longer exists: {gone}"


# --- declared routes (tenancy.routes.tenant_path) ------------------------------------------------


def test_every_declared_route_is_known_to_the_resolver_under_its_declared_name() -> None:
    declared = {found.name: found.declared for found in ROUTES.values() if found.declared is not None}
    assert "org:tree" in declared and "public:kommune" in declared
    assert all(spec.key == name for name, spec in declared.items()), "namespace and app label differ"
    assert set(declared) == set(reg.DECLARED)
    assert all(ROUTES[name].pattern.endswith(spec.route) for name, spec in declared.items())


def test_the_org_app_declares_all_its_routes() -> None:
    assert {name for name in ROUTES if name.startswith("org:")} <= set(reg.DECLARED)


def test_a_declared_route_and_its_hand_written_entry_agree() -> None:
    """Routes may move from the hand-written registry to a declaration one app at a time: where both
    exist, the derived matrix must equal the reviewed one."""
    for name in set(reg.DECLARED) & set(reg.HAND_WRITTEN):
        declared, written = reg.DECLARED[name], reg.HAND_WRITTEN[name]
        assert declared.expect == written.expect, name
        assert (declared.access, dict(declared.objects), dict(declared.fixed)) == (
            written.access,
            dict(written.objects),
            dict(written.fixed),
        ), name


def test_every_fill_belongs_to_a_declared_route() -> None:
    assert set(reg.FILLS) <= set(reg.DECLARED)


def test_every_declared_write_has_a_body_to_send() -> None:
    assert [name for name, route in reg.DECLARED.items() if route.writes and route.body is None] == []


def _derived(access: Any, has_object: bool = False, **ok: Any) -> dict[str, Any]:
    return reg.derive_expect(access, has_object=has_object, ok=ok)


def test_a_page_for_every_member_is_derived_as_open_to_every_member() -> None:
    assert _derived(reads()) == {"GET": reg.TENANT_READ}
    assert _derived(reads(), has_object=True) == {"GET": reg.TENANT_READ}


def test_an_object_edit_page_is_derived_as_open_inside_the_editors_subtree_only() -> None:
    expected = {"GET": reg.TENANT_EDIT_PAGE, "POST": reg.TENANT_EDIT_WRITE}
    assert _derived(edits(Capability.EDIT_ORG), has_object=True) == expected


def test_a_create_form_is_open_to_the_limited_editor_but_the_write_only_inside_her_subtree() -> None:
    assert _derived(edits(Capability.EDIT_PEOPLE)) == {
        "GET": reg.expect(reg.LOGIN, 403, 200, 200, 200, 404),
        "POST": reg.TENANT_EDIT_WRITE,
    }


def test_a_kommune_wide_capability_is_derived_as_administration_only() -> None:
    assert _derived(edits(Capability.MANAGE_KOMMUNE)) == {
        "GET": reg.TENANT_ADMIN_PAGE,
        "POST": reg.TENANT_ADMIN_WRITE,
    }
    assert _derived(posts(Capability.MANAGE_MEMBERS), has_object=True) == {"POST": reg.TENANT_ADMIN_WRITE}


def test_a_write_that_answers_with_a_page_keeps_its_declared_success_status() -> None:
    assert _derived(posts(Capability.IMPORT), POST=200) == {"POST": reg.expect(reg.LOGIN, 403, 403, 403, 200, 404)}


def test_every_route_of_the_role_model_app_builds_the_role_model() -> None:
    assert all(reg.ROUTES[name].role_model for name in reg.ROUTES if name.startswith("roles:"))


FRAMEWORK_API = ("api:framework_", "api:measure_", "api:campaign_", "api:assessment_")


def test_every_route_of_the_framework_and_the_self_assessment_builds_the_framework() -> None:
    """Pages and API alike, so no route of issue 9 is tested against a Kommune without its framework."""
    prefixes = tuple(f"{ns}:" for ns in reg.FRAMEWORK_NAMESPACES) + FRAMEWORK_API
    names = [name for name in reg.ROUTES if name.startswith(prefixes)]
    assert len(names) > 50
    assert [name for name in names if not reg.ROUTES[name].framework] == []
    assert all(route.framework in reg.FRAMEWORK_LEVELS for route in reg.ROUTES.values())
    assert all(route.campaign in reg.CAMPAIGN_STATES for route in reg.ROUTES.values())


AGENDA_API = "api:agenda_"


def test_every_route_of_the_digital_agenda_builds_the_agenda_on_the_role_model_and_the_framework() -> None:
    """Pages, public pages and API alike, so no agenda route is tested against a Kommune without its agenda."""
    names = [n for n in reg.ROUTES if n.startswith(("agenda:", "public:agenda", AGENDA_API))]
    assert len(names) > 95
    wrong = [n for n in names if not (reg.ROUTES[n].agenda and reg.ROUTES[n].role_model and reg.ROUTES[n].framework)]
    assert wrong == []
    assert all(route.agenda in AGENDA_STATES for route in reg.ROUTES.values())
    assert {reg.ROUTES[n].agenda for n in names} == {AGENDA_NONE, AGENDA_DECIDED, AGENDA_DRAFT}


def test_a_measure_made_from_a_recommendation_is_kommune_wide_so_the_limited_editor_may_not() -> None:
    """A recommendation has no place in the Verwaltungsgliederung: EDIT_MEASURES on it is checked Kommune-wide."""
    assert reg.ROUTES["agenda:measure_from_recommendation"].expect == {"POST": reg.TENANT_ADMIN_WRITE}
    assert reg.ROUTES["agenda:measure_edit"].expect["POST"] == reg.TENANT_EDIT_WRITE


def test_the_survey_pages_with_a_token_build_the_campaign_whose_links_they_name() -> None:
    with_token = [n for n in ROUTES if n.startswith("public:") and {"token", "open_token"} & set(ROUTES[n].kwargs)]
    assert with_token and all(reg.ROUTES[name].framework == reg.FRAMEWORK_ADOPTED for name in with_token)


def test_every_route_has_its_own_name() -> None:
    """The registry is keyed by name: two patterns under one name would leave one of them untested."""
    names = [found.name for found in walk(get_resolver())]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_the_walker_finds_nested_namespaced_routes() -> None:
    assert ROUTES["org:unit_edit"].kwargs == ["kommune_slug", "pk"]
    assert "ui:health" in ROUTES and "set_language" in ROUTES


@pytest.mark.parametrize("name", REGISTERED)
def test_registry_entry_is_complete(name: str) -> None:
    route = reg.ROUTES[name]
    assert route.access in reg.ACCESS_KINDS
    assert route.expect, "a route serves at least one method"
    for method, row in route.expect.items():
        assert method in ALL_METHODS
        assert set(row) == set(reg.PERSONAS), f"{method}: every persona needs an expected status (deny by default)"
    for kwarg in ROUTES[name].kwargs:
        fillable = kwarg == "kommune_slug" or kwarg in route.fixed or route.objects.get(kwarg) in reg.OBJECT_KINDS
        assert fillable, f"cannot fill <{kwarg}>"
    assert set(route.objects) | set(route.fixed) <= set(ROUTES[name].kwargs)
    if route.writes:
        assert route.body is not None, "a write route needs a valid body"
    if "kommune_slug" in ROUTES[name].kwargs and route.access != reg.OPERATOR_ONLY:
        assert route.access in (reg.TENANT, reg.API, reg.PUBLIC_KOMMUNE)


# Reachable without login, on purpose. Adding a public route means adding it here, too.
PUBLIC_ROUTES = {
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:invitation",
    # A forgotten password: the same answer for every address (docs/security.md A4).
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "ui:impressum",
    "ui:privacy",
    "ui:accessibility",
    "ui:feedback",
    "ops:readyz",
    "ui:health",
    # Login through an identity provider (docs/security.md A3): the signed ID token is the proof.
    "sso:oidc_start",
    "sso:oidc_callback",
    "api:api-root",
    "api:not-found",
    "api:openapi-json",
    "api:openapi-view",
}


def test_only_the_reviewed_routes_are_public() -> None:
    assert {name for name, route in reg.ROUTES.items() if route.access == reg.PUBLIC} == PUBLIC_ROUTES


def test_the_public_pages_of_a_kommune_are_exactly_the_public_namespace_and_declared_with_public_path() -> None:
    """Anonymous pages of a Kommune exist only as `public:` routes declared with `public_path`, whose
    view is a `public_view` (kompass/tenancy/public.py); test_public_isolation checks each of them."""
    public_kommune = {name for name, route in reg.ROUTES.items() if route.access == reg.PUBLIC_KOMMUNE}
    namespace = {name for name in ROUTES if name.startswith("public:")}
    assert public_kommune == namespace and namespace
    assert namespace <= set(reg.DECLARED), "public pages are declared with public_path"


@pytest.mark.parametrize("name", REGISTERED)
def test_deny_by_default_holds_for_every_kommune_route(name: str) -> None:
    """Inside a Kommune: visitors must log in (401 in the API), operators without access see nothing."""
    route = reg.ROUTES[name]
    if "kommune_slug" not in ROUTES[name].kwargs or route.access in (reg.OPERATOR_ONLY, reg.PUBLIC_KOMMUNE):
        return
    for method, row in route.expect.items():
        assert row[reg.ANON] == (401 if route.access == reg.API else reg.LOGIN), method
        assert row[reg.OPERATOR] == 404, method
        if method != "GET":
            assert row[reg.READER] in (403, 404), f"{method}: the reader role never writes"


# --- the scene: personas and the objects they act on --------------------------------------------


@dataclass
class RoleScene:
    """The role model of both Kommunen (built only for the routes of the roles app)."""

    catalogue: Any
    catalogue_role: Any
    activity: Any
    # Kommune slug → (own role, second role, relation between them)
    roles: dict[str, tuple[Any, Any, Any]]
    # "inside" / "outside" / "foreign" → an assignment of that side's person to the second role
    assignments: dict[str, Any]


def build_role_scene(w: World) -> RoleScene:
    from kompass.roles import services as role_services
    from kompass.roles.catalogue_loader import load_catalogues
    from kompass.roles.models import ActivityTemplate, Catalogue, CatalogueRole

    load_catalogues()
    catalogue = Catalogue.objects.filter(key="kgst").order_by("-pk").first()
    roles = {}
    for kommune, prefix in ((w.kommune, ""), (w.other, "GEHEIM-")):
        own, second = (
            role_services.role_create(kommune=kommune, actor=None, data={"name": f"{prefix}{name}", "kind": "intern"})
            for name in ("Eigene Rolle", "Digitallotsin")
        )
        relation = role_services.relation_create(
            kommune=kommune, actor=None, data={"from_role": own, "to_role": second, "relation_type": "berichtet_an"}
        )
        roles[kommune.slug] = (own, second, relation)

    def assign(kommune: Any, holder: Person) -> Any:
        data = {
            "person": holder,
            "role": roles[kommune.slug][1],
            "time_share": Decimal(10),
            "valid_from": datetime.date(2025, 1, 1),
            "qualification": "keine",
        }
        return role_services.assignment_create(kommune=kommune, actor=None, data=data)

    return RoleScene(
        catalogue=catalogue,
        catalogue_role=CatalogueRole.objects.get(catalogue=catalogue, key="cdo"),
        activity=ActivityTemplate.objects.order_by("pk").first(),
        roles=roles,
        assignments={
            "inside": assign(w.kommune, w.bruno),
            "outside": assign(w.kommune, w.alice),
            "foreign": assign(w.other, w.other_person),
        },
    )


@dataclass
class FrameworkSide:
    """One Kommune's Orientierungsrahmen and self-assessment (see `build_framework_scene`)."""

    field: Any
    criterion: Any
    campaigns: dict[str, Any]  # "draft" / "open" / "closed" → a campaign in that state
    recommendation: Any


@dataclass
class FrameworkScene:
    """The Orientierungsrahmen of both Kommunen (built only for the routes that name a `framework` level)."""

    sides: dict[str, FrameworkSide]  # Kommune slug → its objects (none while not adopted)
    new_catalogue_field: Any = None  # offers of the newer catalogue version (FRAMEWORK_UPDATE)
    new_catalogue_criterion: Any = None


@functools.cache
def catalogue_directories() -> tuple[Path, Path]:
    """The small test catalogue (2026.1) and a newer version (2026.2) that renames "Rollen und Verantwortung",
    rewords its criterion "Kernrollen besetzt", adds a criterion to it and adds a field; written once per
    test process."""
    from kompass.framework.tests.catalogue_fixture import MEASURES, _criterion, catalogue_toml, write_catalogue

    root = Path(tempfile.mkdtemp(prefix="kompass-isolation-"))
    newer = root / "2026.2"
    newer.mkdir()
    text = catalogue_toml(version="2026.2", extra_criterion=True, rename="Rollen und Zuständigkeiten")
    text = text.replace("Kernrollen besetzt", "Kernrollen besetzt und bekannt")  # name, question and levels
    text += """
[[fields]]
key = "kultur"
dimension = "steuerung"
name = "Digitale Kultur"
description = "Ein neues Feld der Fassung 2026.2."
source = "Tests"
confidence = "abgeleitet"
"""
    for key, name in (("offenheit", "Offenheit für Neues"), ("fehlerkultur", "Fehlerkultur"), ("lernen", "Lernen")):
        text += _criterion(key, name)
    (newer / "orientierungsrahmen.toml").write_text(text, encoding="utf-8")
    (newer / "massnahmen.toml").write_text(MEASURES, encoding="utf-8")
    return write_catalogue(root / "2026.1"), newer


def build_framework_scene(w: World, level: str) -> FrameworkScene:
    """Both Kommunen adopt the test catalogue (FRAMEWORK_LOADED: it is only loaded). Each then has a closed
    campaign with a stored result (five answers of level 3, so the Ist is 3), an open one with a personal link
    and an open link whose tokens the registry knows (Teststadt's are `SURVEY_TOKEN`, `OPEN_SURVEY_TOKEN`), a
    draft, an own criterion asked by none of them, and an accepted recommendation for the field "Daten".
    Nachbarort's own texts carry the sentinel. FRAMEWORK_UPDATE loads a newer catalogue version on top, and
    `criterion` is then the catalogue criterion it rewords (an own criterion is never offered an update)."""
    from kompass.assessment import services as survey_services
    from kompass.assessment import services_targets
    from kompass.assessment.models import Campaign, Participant
    from kompass.assessment.tests.results_scenario import answer
    from kompass.framework import services as framework_services
    from kompass.framework.catalogue_loader import latest_catalogue, load_framework
    from kompass.framework.models import CatalogueCriterion, CatalogueField, Criterion, Field, MeasureTemplate

    current, newer = catalogue_directories()
    load_framework(current)
    if level == reg.FRAMEWORK_LOADED:
        return FrameworkScene(sides={})
    catalogue = latest_catalogue()
    sides = {}
    for kommune, prefix, unit, holder in (
        (w.kommune, "", w.hauptamt, w.bruno),
        (w.other, "GEHEIM-", w.other_unit, w.other_person),
    ):
        framework_services.framework_adopt(kommune=kommune, actor=None, catalogue=catalogue)

        def campaign(title: str, kommune: Any = kommune, prefix: str = prefix, **data: Any) -> Any:
            values = {"title": f"{prefix}{title}", "starts_on": "2026-01-10", "ends_on": "2026-02-10", **data}
            return survey_services.campaign_create(kommune=kommune, actor=None, data=values)

        closed = campaign("Standortbestimmung 2025")
        survey_services.campaign_open(kommune=kommune, actor=None, campaign=closed)
        answer(closed, unit, "mitarbeitende", 3, 5)
        survey_services.campaign_close(kommune=kommune, actor=None, campaign=closed)
        running = campaign("Standortbestimmung 2026", open_link_enabled=True)
        [link] = survey_services.invite(
            kommune=kommune, actor=None, campaign=running, people=[holder], audience="mitarbeitende", channel="mail"
        )
        Participant.objects.for_kommune(kommune).filter(pk=link.participant.pk).update(
            token_hash=survey_services.token_hash(f"umfrage-{kommune.slug}")
        )
        survey_services.campaign_open(kommune=kommune, actor=None, campaign=running)
        Campaign.objects.for_kommune(kommune).filter(pk=running.pk).update(open_token=f"offen-{kommune.slug}")
        draft = campaign("Standortbestimmung 2027")
        fields = {f.key: f for f in Field.objects.for_kommune(kommune)}
        own = framework_services.criterion_create(
            kommune=kommune,
            actor=None,
            field=fields["rollen-verantwortung"],
            data={"name": f"{prefix}Eigenes Kriterium", "question": "Wie weit?", "levels": reg.LEVEL_TEXTS},
        )
        recommendation = services_targets.recommendation_accept(
            kommune=kommune,
            actor=None,
            template=MeasureTemplate.objects.get(key="open-data-portal"),
            field=fields["daten"],
            reason=f"{prefix}Begründung",
        )
        sides[kommune.slug] = FrameworkSide(
            field=fields["rollen-verantwortung"],
            criterion=own,
            campaigns={"draft": draft, "open": running, "closed": closed},
            recommendation=recommendation,
        )
    if level != reg.FRAMEWORK_UPDATE:
        return FrameworkScene(sides=sides)
    load_framework(newer)
    newest = latest_catalogue()
    for slug, side in sides.items():
        kommune = w.kommune if slug == w.kommune.slug else w.other
        side.criterion = Criterion.objects.for_kommune(kommune).get(field=side.field, key="kernrollen")
    return FrameworkScene(
        sides=sides,
        new_catalogue_field=CatalogueField.objects.get(catalogue=newest, key="kultur"),
        new_catalogue_criterion=CatalogueCriterion.objects.get(
            catalogue=newest, field_key="rollen-verantwortung", key="zeitanteile"
        ),
    )


def needs_roles(name: str) -> bool:
    return reg.ROUTES[name].role_model


@dataclass(frozen=True, order=True)
class Needs:
    """What a route needs built besides the personas: the role model, the Orientierungsrahmen at a level, the
    agenda in a state. It is the key of the scene a module builds once and shares (`scene_layer`)."""

    role_model: bool = False
    framework: str = ""  # one of reg.FRAMEWORK_LEVELS
    agenda: str = ""  # one of AGENDA_STATES

    @classmethod
    def of(cls, name: str) -> Needs:
        route = reg.ROUTES[name]
        return cls(route.role_model, route.framework, route.agenda)

    @classmethod
    def first_of(cls, names: list[str]) -> Needs:
        """One scene for several routes, as building them one after another would leave it: the role model if
        any needs it, the first framework level and the first agenda state that one of them names."""
        routes = [reg.ROUTES[name] for name in names]
        return cls(
            any(route.role_model for route in routes),
            next((route.framework for route in routes if route.framework), ""),
            next((route.agenda for route in routes if route.agenda), ""),
        )

    def build(self, scene: Scene) -> None:
        if self.role_model:
            scene.with_roles()
        if self.framework:
            scene.with_framework(self.framework)
        if self.agenda:
            scene.with_agenda(self.agenda)


def over_routes(rows: list[Any], argnames: tuple[str, ...] = ("name",), ids: Any = None) -> Any:
    """Parametrise a test over routes (`rows`: route names, or tuples that start with one) together with the
    scene each needs. The rows are sorted by that scene, and its parameter is module-scoped, so pytest runs the
    routes of one scene one after another and builds each scene once per module (and xdist worker)."""
    rows = sorted((row if isinstance(row, tuple) else (row,) for row in rows), key=lambda r: (Needs.of(r[0]), r))
    return pytest.mark.parametrize(
        ("scene_layer", *argnames),
        [(Needs.of(row[0]), *row) for row in rows],
        ids=[ids(row) if ids else "-".join(row) for row in rows],
        indirect=["scene_layer"],
        scope="module",
    )


def prepare(scene: Scene, name: str, exact: bool = True) -> None:
    """Name the route the scene serves next. `exact`: the module's scene is the one the route needs (a test
    parametrised with `over_routes`; a test over many routes builds one scene for all with `Needs.first_of`)."""
    if exact:
        assert scene.needs == Needs.of(name), f"{name} needs {Needs.of(name)}, the scene is {scene.needs}"
    scene.prepared = reg.ROUTES[name]


@dataclass
class Scene:
    world: World
    leaf_in: OrgUnit
    leaf_out: OrgUnit
    guest: Membership
    newcomer: User
    operator: User
    invitations: dict[str, Any] = field(default_factory=dict)  # Kommune slug → an open invitation
    oidc: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # Kommune slug → its provider and a mapping
    trash_items: dict[str, Any] = field(default_factory=dict)  # Kommune slug → an item of its Papierkorb
    role_scene: RoleScene | None = None
    framework_scene: FrameworkScene | None = None
    agenda_scene: AgendaScene | None = None
    prepared: reg.Route | None = None  # the route `prepare` named
    needs: Needs = Needs()  # what `scene_layer` built for the module's tests
    outsider_membership: Membership | None = None  # Nachbarort's administrator's
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # `stored` objects of the running test
    sealed: bool = False  # built: a test must not add to it (its rollback would leave stale objects here)

    def with_roles(self) -> RoleScene:
        if self.role_scene is None:
            assert not self.sealed, "the scene has no role model: parametrise the test with over_routes"
            self.role_scene = build_role_scene(self.world)
        return self.role_scene

    def with_framework(self, level: str) -> FrameworkScene:
        if self.framework_scene is None:
            assert not self.sealed, "the scene has no framework: parametrise the test with over_routes"
            self.framework_scene = build_framework_scene(self.world, level)
        return self.framework_scene

    def with_agenda(self, state: str) -> AgendaScene:
        """The agenda of both Kommunen in `state`, on the role model and the adopted framework; one state per
        scene (the routes of one scene share it)."""
        if self.agenda_scene is None:
            assert not self.sealed, "the scene has no agenda: parametrise the test with over_routes"
            self.agenda_scene = build_agenda_scene(
                self.world, self.with_roles(), self.with_framework(reg.FRAMEWORK_ADOPTED), state
            )
        assert self.agenda_scene.state == state, f"agenda built as {self.agenda_scene.state}, wanted {state}"
        return self.agenda_scene

    def user(self, persona: str) -> User | None:
        w = self.world
        return {
            reg.ANON: None,
            reg.READER: w.reader,
            reg.EDITOR: w.editor,
            reg.EDITOR_OUT: w.editor,
            reg.ADMIN: w.admin,
            reg.OPERATOR: self.operator,
        }[persona]

    def targets(self, side: str, acting: User | None, route: reg.Route | bool | None = None) -> reg.Targets:
        """Objects inside the editor's subtree, outside it, or in the other Kommune ("foreign"), with those of
        the role model and the framework that `route` needs. Without a route: the one `prepare` built the
        scene for (a bool is the older form, `roles`, of callers that name only the role model)."""
        if not isinstance(route, reg.Route):
            route = self.prepared if self.prepared is not None else reg.Route(reg.TENANT, {}, role_model=bool(route))
        w = self.world
        owner = acting or w.admin
        if side == "foreign":
            token_owner, unit, parent, person = w.outsider, w.other_unit, w.other_unit, w.other_person
            membership = self.stored(w.other, self.outsider_membership)
        elif side == "outside":
            token_owner, unit, parent, person, membership = owner, self.leaf_out, w.hauptamt, w.alice, self.guest
        else:
            token_owner, unit, parent, person, membership = owner, self.leaf_in, w.ordnungsamt, w.bruno, self.guest
        token, _secret = persona_token(token_owner)
        kommune = w.other if side == "foreign" else w.kommune
        unit, parent, person = (self.stored(kommune, obj) for obj in (unit, parent, person))
        targets = reg.Targets(
            slug=w.kommune.slug,
            kommune=w.kommune,
            unit=unit,
            person=person,
            membership=membership,
            token=token,
            newcomer=self.newcomer.username,
            unit_parent=parent,
            invitation=self.invitations["nachbarort" if side == "foreign" else "teststadt"],
        )
        if self.trash_items:
            targets.trash_item = self.stored(kommune, self.trash_items[kommune.slug])
        provider, mapping = self.oidc[kommune.slug]
        targets.oidc_provider, targets.oidc_mapping = self.stored(kommune, provider), self.stored(kommune, mapping)
        if route.role_model:
            self._add_roles(targets, side)
        if route.framework:
            self._add_framework(targets, side, route)
        if route.agenda:
            kommune = self.world.other if side == "foreign" else self.world.kommune
            add_agenda_targets(targets, self.with_agenda(route.agenda), kommune, side, fresh=self.stored)
        return targets

    def stored(self, kommune: Any, obj: Any, *related: str) -> Any:
        """`obj` as stored (the scene's copy in memory may be older), read once per test; each caller gets a copy
        of its own. Within a test it does not change: every request runs in a savepoint that is rolled back."""
        if obj is None:
            return None
        key = (type(obj), obj.pk)
        if key not in self.memo:
            self.memo[key] = type(obj).objects.for_kommune(kommune).select_related(*related).get(pk=obj.pk)
        return copy.deepcopy(self.memo[key])

    def _add_roles(self, targets: reg.Targets, side: str) -> None:
        rs = self.with_roles()
        kommune = self.world.other if side == "foreign" else self.world.kommune
        own, second, relation = (self.stored(kommune, obj) for obj in rs.roles[kommune.slug])
        targets.role, targets.other_role, targets.relation = own, second, relation
        targets.assignment = self.stored(kommune, rs.assignments[side], "person")
        targets.catalogue, targets.catalogue_role, targets.activity = rs.catalogue, rs.catalogue_role, rs.activity

    def _add_framework(self, targets: reg.Targets, side: str, route: reg.Route) -> None:
        fs = self.with_framework(route.framework)
        kommune = self.world.other if side == "foreign" else self.world.kommune
        found = fs.sides.get(kommune.slug)
        if found is not None:
            targets.field, targets.criterion, targets.recommendation, targets.campaign = (
                self.stored(kommune, obj)
                for obj in (found.field, found.criterion, found.recommendation, found.campaigns[route.campaign])
            )
        targets.new_catalogue_field = fs.new_catalogue_field
        targets.new_catalogue_criterion = fs.new_catalogue_criterion

    def client(self, persona: str, route: reg.Route) -> Client:
        user = self.user(persona)
        if route.access == reg.API:
            if user is None:
                return Client()
            _token, secret = persona_token(user)
            return Client(headers={"Authorization": f"Bearer {secret}"})
        return self.world.client_for(user)

    def refreshed(self) -> Scene:
        """The scene for the next test: its own objects as stored (a test may have changed them in memory)."""
        refreshed(self.world)
        for obj in (self.leaf_in, self.leaf_out, self.guest, self.newcomer, self.operator, *self.invitations.values()):
            obj.refresh_from_db()
        self.prepared = None
        self.memo.clear()
        return self


@pytest.fixture(scope="module")
def scene_layer(request: Any, shared_world: World) -> Iterator[Scene]:
    """The personas, their objects and what the module's next routes need (`Needs`, the parameter that
    `over_routes` gives): built once in a savepoint of the module's world and rolled back when the routes that
    follow need another scene. A test without the parameter gets the personas only."""
    needs = getattr(request, "param", Needs())
    with transaction.atomic():
        scene = _build_scene(refreshed(shared_world))
        needs.build(scene)
        scene.needs, scene.sealed = needs, True
        yield scene
        transaction.set_rollback(True)


@pytest.fixture
def scene(scene_layer: Scene, db: Any) -> Iterator[Scene]:
    """The module's scene for one test, whose own transaction is rolled back after it; both Kommunen publish, so
    their public pages answer."""
    publications.register(Publication("isolation-test", lambda kommune: True))
    try:
        yield scene_layer.refreshed()
    finally:
        publications.unregister("isolation-test")


@pytest.fixture
def world(scene: Scene) -> World:
    """The module's world (`shared_world`), so the tests that build their own data do not build Teststadt a
    second time beside it."""
    return scene.world


def _build_scene(world: World) -> Scene:
    leaf_in = orgunit(world.kommune, "32.9", "Leere Stelle im Ordnungsamt", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    leaf_out = orgunit(world.kommune, "10.9", "Leere Stelle im Hauptamt", OrgUnitType.SACHGEBIET, world.hauptamt)
    guest = Membership.objects.create(kommune=world.kommune, user=UserFactory(username="gast"), role=Role.READER)
    return Scene(
        world,
        leaf_in,
        leaf_out,
        guest,
        newcomer=UserFactory(username="neuling"),
        operator=UserFactory(username="betrieb", is_superuser=True, is_staff=True),
        invitations={
            "teststadt": _invitation(world.kommune, "ines.eingeladen@teststadt.example", reg.INVITATION_SECRET),
            "nachbarort": _invitation(world.other, "nachbar@nachbarort.example", "einladung-nach-nachbarort"),
        },
        outsider_membership=Membership.objects.for_kommune(world.other).get(user=world.outsider),
        oidc={kommune.slug: _oidc(kommune) for kommune in (world.kommune, world.other)},
        trash_items=_trash_items(world),
    )


def _trash_items(world: World) -> dict[str, Any]:
    """A deleted person in the Papierkorb of each Kommune (restored or deleted for good by its routes)."""
    from kompass.org import services as org_services
    from kompass.trash.models import TrashItem

    items = {}
    for kommune, unit in ((world.kommune, world.hauptamt), (world.other, world.other_unit)):
        gone = make_person(kommune, "Paula", "Papierkorb", unit)
        org_services.person_delete(kommune=kommune, actor=None, person=gone, expected_version=gone.version)
        items[kommune.slug] = TrashItem.objects.for_kommune(kommune).get()
    return items


def _oidc(kommune: Any) -> tuple[Any, Any]:
    """A Kommune's own identity provider with one group mapping (the sso pages of the Administration)."""
    provider = OidcProvider.objects.create(
        kommune=kommune,
        slug=kommune.slug,
        name=f"Anmeldung {kommune.name}",
        issuer=f"https://anmeldung.{kommune.slug}.example",
        client_id="kommunalkompass",
        client_secret_env=f"KOMPASS_OIDC_SECRET_{kommune.slug.upper()}",
    )
    mapping = OidcGroupMapping.objects.create(kommune=kommune, provider=provider, group="kk-lesen", role=Role.READER)
    return provider, mapping


def _invitation(kommune: Any, email: str, secret: str) -> Invitation:
    """An open invitation whose link secret the registry knows (the service would draw a random one)."""
    return Invitation.objects.create(
        kommune=kommune,
        email=email,
        role=Role.READER,
        token_hash=account_services.hash_token(secret),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def side_of(persona: str) -> str:
    return "outside" if persona == reg.EDITOR_OUT else "inside"


def url_for(name: str, route: reg.Route, targets: reg.Targets) -> str:
    if route.url:
        return route.url
    kwargs: dict[str, Any] = {}
    for kwarg in ROUTES[name].kwargs:
        if kwarg == "kommune_slug":
            kwargs[kwarg] = targets.slug
        elif kwarg in route.fixed:
            kwargs[kwarg] = route.fixed[kwarg]
        else:
            kwargs[kwarg] = getattr(targets, route.objects[kwarg]).pk
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(route.query(targets))}" if route.query is not None else url


def send(client: Client, method: str, url: str, route: reg.Route, targets: reg.Targets, secure: bool = False) -> Any:
    body = route.body(targets) if route.body is not None and method != "GET" else {}
    if method == "GET":
        return client.get(url, secure=secure)
    if route.access == reg.API and route.multipart:
        return client.post(url, body, secure=secure)
    if route.access == reg.API:
        return client.generic(method, url, data=_json(body), content_type="application/json", secure=secure)
    if method == "POST":
        return client.post(url, body, secure=secure)
    return client.generic(method, url, secure=secure)


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def matches(response: Any, expected: reg.Status) -> bool:
    if expected == reg.LOGIN:
        return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    return response.status_code == expected


def in_rollback(fn: Any) -> Any:
    """Run one request in a savepoint that is rolled back, so personas do not see each other's writes."""
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


# --- T6: the role matrix -------------------------------------------------------------------------


@pytest.mark.django_db
@over_routes(REGISTERED)
@override_settings(**PRODUCTION_TLS)
def test_route_answers_every_persona_as_the_matrix_says(name: str, scene: Scene) -> None:
    """T6, and S1: every response, whatever its status, carries the security headers (the crawl over every
    route and persona; the requests go over HTTPS as in production)."""
    route = reg.ROUTES[name]
    prepare(scene, name)
    wrong = []
    for method, row in route.expect.items():
        for persona, expected in row.items():

            def call(method: str = method, persona: str = persona) -> Any:
                targets = scene.targets(side_of(persona), scene.user(persona), reg.ROUTES[name])
                client = scene.client(persona, route)
                return send(client, method, url_for(name, route, targets), route, targets, secure=True)

            response = in_rollback(call)
            if not matches(response, expected):
                wrong.append(f"{method} as {persona}: expected {expected}, got {response.status_code}")
            logged_in = persona != reg.ANON
            public, for_nobody = route.access == reg.PUBLIC, route.access == reg.PUBLIC_KOMMUNE
            for problem in header_problems(response, logged_in=logged_in, public_page=public, for_nobody=for_nobody):
                wrong.append(f"{method} as {persona} ({response.status_code}): {problem}")
            assert SENTINEL not in response.content, f"{method} as {persona} shows Nachbarort's data"
    assert not wrong, "\n".join(wrong)


# --- T1: another Kommune's URLs and ids ----------------------------------------------------------

# The public pages of a Kommune answer everyone alike; test_public_isolation checks them.
TENANT_ROUTES = [
    n for n in REGISTERED if "kommune_slug" in ROUTES[n].kwargs and reg.ROUTES[n].access != reg.PUBLIC_KOMMUNE
]
OBJECT_ROUTES = [n for n in REGISTERED if set(reg.ROUTES[n].objects.values()) - set(reg.GLOBAL_KINDS)]


@pytest.mark.django_db
@over_routes(TENANT_ROUTES)
def test_admin_of_another_kommune_gets_404_on_every_url_of_teststadt(name: str, scene: Scene) -> None:
    route = reg.ROUTES[name]
    prepare(scene, name)
    outsider = scene.world.outsider
    for method in route.methods:

        def call(method: str = method) -> Any:
            targets = scene.targets("inside", outsider, reg.ROUTES[name])
            client = scene.world.client_for(outsider)
            if route.access == reg.API:
                _token, secret = account_services.api_token_create(user=outsider, name="Test")
                client = Client(headers={"Authorization": f"Bearer {secret}"})
            return send(client, method, url_for(name, route, targets), route, targets)

        response = in_rollback(call)
        assert response.status_code == 404, f"{method}: {response.status_code}"
        assert SENTINEL not in response.content


@pytest.mark.django_db
@over_routes(OBJECT_ROUTES)
def test_ids_of_another_kommune_give_404_under_the_own_slug(name: str, scene: Scene) -> None:
    route = reg.ROUTES[name]
    prepare(scene, name)
    admin = scene.world.admin
    for method in route.methods:

        def call(method: str = method) -> Any:
            targets = scene.targets("foreign", admin, reg.ROUTES[name])
            return send(scene.client(reg.ADMIN, route), method, url_for(name, route, targets), route, targets)

        response = in_rollback(call)
        assert response.status_code == 404, f"{method}: {response.status_code}"
        assert SENTINEL not in response.content


# --- wrong HTTP method ---------------------------------------------------------------------------


def _able_persona(route: reg.Route) -> str:
    """A persona that passes the route's access check, so the method check is what answers."""
    first = route.expect[route.methods[0]]
    candidates = (reg.ADMIN, reg.OPERATOR, reg.ANON)
    for persona in candidates:
        if first[persona] == 200:
            return persona
    for persona in candidates:
        if first[persona] not in (reg.LOGIN, 401, 403, 404):
            return persona
    raise AssertionError("no persona may use this route")


METHOD_ROUTES = [n for n in REGISTERED if not reg.ROUTES[n].any_method]


@pytest.mark.django_db
@over_routes(METHOD_ROUTES)
def test_methods_the_route_does_not_serve_answer_405(name: str, scene: Scene) -> None:
    route = reg.ROUTES[name]
    prepare(scene, name)
    served = {m for n, f in ROUTES.items() if f.pattern == ROUTES[name].pattern for m in reg.ROUTES[n].methods}
    persona = _able_persona(route)
    wrong = []
    for method in sorted(set(ALL_METHODS) - served):

        def call(method: str = method) -> Any:
            targets = scene.targets(side_of(persona), scene.user(persona), reg.ROUTES[name])
            client = scene.client(persona, route)
            return client.generic(method, url_for(name, route, targets))

        response = in_rollback(call)
        if response.status_code != 405:
            wrong.append(f"{method}: {response.status_code}")
    assert not wrong, wrong


# --- T2: no cross-tenant writes through ids in the request body ----------------------------------


def nachbarort_snapshot(world: World) -> dict[str, Any]:
    other = world.other
    return {
        "units": list(OrgUnit.objects.for_kommune(other).order_by("pk").values()),
        "people": list(Person.objects.for_kommune(other).order_by("pk").values()),
        "memberships": list(Membership.objects.for_kommune(other).order_by("pk").values()),
        "audit": AuditEntry.objects.for_kommune(other).count(),
        "tokens": list(ApiToken.objects.filter(user=world.outsider).values()),
    }


def counts_in_teststadt(world: World) -> tuple[int, int, int]:
    k = world.kommune
    return (
        OrgUnit.objects.for_kommune(k).count(),
        Person.objects.for_kommune(k).count(),
        Membership.objects.for_kommune(k).count(),
    )


def _unit_form(unit: OrgUnit, **changes: Any) -> dict[str, Any]:
    data = {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "parent": unit.parent_id or "",
        "head_email": "",
        "is_active": "on",
        "version": unit.version,
    }
    return {**data, **changes}


def _person_form(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "function_title": person.function_title,
        "org_unit": person.org_unit_id or "",
        "employment_percent": "100",
        "employer_kind": person.employer_kind,
        "employer_name": person.employer_name,
        "is_active": "on",
        "version": person.version,
    }
    return {**data, **changes}


_NEW_UNIT = {"code": "77", "name": "Fremdamt", "unit_type": "amt", "head_email": "", "is_active": "on"}
_NEW_PERSON = {"first_name": "Fritz", "last_name": "Fremd", "email": "fritz@teststadt.example", "is_active": "on"}

# Each case: a write in Teststadt whose body names one of Nachbarort's objects.
CROSS_TENANT: dict[str, Any] = {
    "unit create with Nachbarort's parent": lambda w: (
        reverse("org:unit_create", args=["teststadt"]),
        {**_NEW_UNIT, "parent": w.other_unit.pk},
    ),
    "unit create with Nachbarort's head": lambda w: (
        reverse("org:unit_create", args=["teststadt"]),
        {**_NEW_UNIT, "head_email": w.other_person.email},
    ),
    "unit edit moving below Nachbarort's unit": lambda w: (
        reverse("org:unit_edit", args=["teststadt", w.hauptamt.pk]),
        _unit_form(w.hauptamt, parent=w.other_unit.pk),
    ),
    "unit edit with Nachbarort's head": lambda w: (
        reverse("org:unit_edit", args=["teststadt", w.hauptamt.pk]),
        _unit_form(w.hauptamt, head_email=w.other_person.email),
    ),
    "person create in Nachbarort's unit": lambda w: (
        reverse("org:person_create", args=["teststadt"]),
        {**_NEW_PERSON, "org_unit": w.other_unit.pk},
    ),
    "person edit into Nachbarort's unit": lambda w: (
        reverse("org:person_edit", args=["teststadt", w.alice.pk]),
        _person_form(w.alice, org_unit=w.other_unit.pk),
    ),
    "membership limited to Nachbarort's unit": lambda w: (
        reverse("accounts:members", args=["teststadt"]),
        {"email": "nina.neu@teststadt.example", "role": "editor", "scope_unit": w.other_unit.pk},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CROSS_TENANT))
def test_writes_in_teststadt_cannot_reach_nachbarort_through_body_ids(case: str, world: World) -> None:
    url, data = CROSS_TENANT[case](world)
    before, counts = nachbarort_snapshot(world), counts_in_teststadt(world)
    hauptamt_before = OrgUnit.objects.for_kommune(world.kommune).filter(pk=world.hauptamt.pk).values().get()
    alice_before = Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).values().get()
    response = world.client_for(world.admin).post(url, data)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code == 200:
        assert response.context["form"].errors, "the form must show an error"
    assert nachbarort_snapshot(world) == before
    assert counts_in_teststadt(world) == counts
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=world.hauptamt.pk).values().get() == hauptamt_before
    assert Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).values().get() == alice_before
    assert SENTINEL not in response.content


def _framework_cases() -> dict[str, Any]:
    """Writes of the Orientierungsrahmen and the self-assessment in Teststadt whose body names Nachbarort's
    field, criterion or unit: (method, URL, body, expected status) from the scene's two sides."""

    def api(path: str) -> str:
        return f"/api/v1/kommunen/teststadt/{path}"

    return {
        "recommendation for Nachbarort's field": lambda w, own, other: (
            "POST",
            reverse("assessment:recommendation_accept", args=["teststadt"]),
            {"field": other.field.pk, "template": "open-data-portal", "reason": "x"},
            404,
        ),
        "questionnaire with Nachbarort's criterion": lambda w, own, other: (
            "POST",
            reverse("assessment:campaign_questionnaire", args=["teststadt", own.campaigns["draft"].pk]),
            {"criteria": [other.criterion.pk], "version": own.campaigns["draft"].version},
            200,
        ),
        "invitations limited to Nachbarort's unit": lambda w, own, other: (
            "POST",
            reverse("assessment:campaign_invitations", args=["teststadt", own.campaigns["draft"].pk]),
            {"audience": "mitarbeitende", "channel": "mail", "action": "einladen", "units": [w.other_unit.pk]},
            200,
        ),
        "API campaign asking Nachbarort's criterion": lambda w, own, other: (
            "POST",
            api("umfragen"),
            {"title": "T", "starts_on": "2027-01-10", "ends_on": "2027-02-10", "criteria": [other.criterion.pk]},
            422,
        ),
        "API Soll for Nachbarort's own criterion": lambda w, own, other: (
            "PUT",
            api("selbstbewertung/soll"),
            {
                "field_key": other.field.key,
                "criterion_key": other.criterion.key,
                "level": 3,
                "year": 2030,
                "reason": "x",
            },
            422,
        ),
    }


FRAMEWORK_CROSS_TENANT = _framework_cases()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scene_layer", [Needs(framework=reg.FRAMEWORK_ADOPTED)], ids=["framework"], indirect=True, scope="module"
)
@pytest.mark.parametrize("case", sorted(FRAMEWORK_CROSS_TENANT))
def test_framework_writes_in_teststadt_cannot_reach_nachbarort_through_body_ids(case: str, scene: Scene) -> None:
    from kompass.api.tests.helpers import tenant_state

    world = scene.world
    framework = scene.with_framework(reg.FRAMEWORK_ADOPTED)
    own, other = framework.sides["teststadt"], framework.sides["nachbarort"]
    method, url, data, expected = FRAMEWORK_CROSS_TENANT[case](world, own, other)
    _token, secret = persona_token(world.admin)  # before the state is read: making a token is audited
    before = tenant_state(world)
    if url.startswith("/api/"):
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        response = client.generic(method, url, _json(data), content_type="application/json")
    else:
        response = world.client_for(world.admin).post(url, data)
    assert response.status_code == expected, response.content[:500]
    if expected == 200:
        assert response.context["form"].errors, "the form must show an error"
    assert tenant_state(world) == before
    assert SENTINEL not in response.content


@pytest.mark.django_db
def test_a_kommune_field_in_the_body_is_ignored(world: World) -> None:
    """Mass assignment (docs/security.md T6): naming Nachbarort in the body still creates the unit in Teststadt."""
    response = world.client_for(world.admin).post(
        reverse("org:unit_create", args=[world.kommune.slug]),
        {
            "code": "78",
            "name": "Neues Amt",
            "unit_type": "amt",
            "parent": world.dezernat.pk,
            "is_active": "on",
            "kommune": world.other.pk,
            "kommune_id": world.other.pk,
            "path": "1/",
            "depth": 0,
            "version": 7,
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="78")
    assert unit.path == f"{world.dezernat.path}{unit.pk}/" and unit.depth == world.dezernat.depth + 1
    assert unit.version == 1
    assert not OrgUnit.objects.for_kommune(world.other).filter(code="78").exists()
