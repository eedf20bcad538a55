"""Random JSON against every write route: never a 5xx, and a 4xx never changes anything (docs/security.md S2).

Bodies are random JSON values, mostly objects whose keys mix the real field names, fields that
must never be set (`kommune_id`, `path`, …) and random text, with values of every JSON type
(huge integers, NaN, NUL bytes, long strings, nested lists and objects). Others are plausible
objects (real field names, values of the right kind, ids of both Kommunen) so that requests
also get past the schema into the access checks and the services. Some bodies are not JSON at
all. The ids in the URLs are the acting Kommune's and the other Kommune's alike.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kompass.api.routes import api_route_patterns
from kompass.api.tests.helpers import ApiClient, tenant_state, token_for
from kompass.conftest import World, refreshed
from kompass.org.models import OrgUnitType
from kompass.ui.tests.test_fuzz_forms import wrote

FIELDS = [
    "code",
    "name",
    "unit_type",
    "parent_id",
    "head_id",
    "is_active",
    "version",
    "first_name",
    "last_name",
    "email",
    "function_title",
    "org_unit_id",
    "employment_percent",
    "employer_kind",
    "employer_name",
    "kommune",
    "kommune_id",
    "path",
    "depth",
    "id",
    "user",
    "file",
    "catalogue_id",
    "role_id",
    "person_id",
    "activity_id",
    "letter",
    "expected",
    "time_share",
    "valid_from",
    "valid_until",
    "deputy_id",
    "approved_by_id",
    "qualification",
    "tasks",
    "not_filled",
    "description",
    "question",
    "levels",
    "title",
    "starts_on",
    "ends_on",
    "audiences",
    "unit_depth",
    "k",
    "criteria",
    "field_key",
    "criterion_key",
    "template_key",
    "level",
    "year",
    "reason",
    "weight",
    "answers",
]
TEXTS = ["", "\x00", "32\x00", "x" * 300, "amt", "sachgebiet", "<script>alert(1)</script>", "' OR 1=1 --", "ß€😀"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=60),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(TEXTS),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
objects = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), values, max_size=8)
bodies = st.one_of(
    objects.map(lambda d: json.dumps(d).encode()),
    values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=60),
)

WRITE_ROUTES = [r for r in api_route_patterns() if r.method != "GET" and not r.is_deprecated]
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _ids(world: Any, param: str) -> list[int]:
    if param == "unit_id":
        return [world.sachgebiet.pk, world.ordnungsamt.pk, world.hauptamt.pk, world.other_unit.pk]
    if param in ROLE_PARAMS:
        return _built(world, "fuzz_roles")[param]
    if param in FRAMEWORK_PARAMS:
        return _built(world, "fuzz_framework")[param]
    if param in AGENDA_PARAMS or param in AGENDA_CHILD_PARAMS:
        return _built(world, "fuzz_agenda")[param]
    return [world.alice.pk, world.bruno.pk, world.other_person.pk]


ROLE_PARAMS = ("role_id", "assignment_id", "catalogue_id", "activity_id")
FRAMEWORK_PARAMS = ("field_id", "criterion_id", "campaign_id")
AGENDA_PARAMS = (
    "agenda_version_id",
    "goal_id",
    "decision_id",
    "measure_id",
    "kpi_id",
    "leitsatz_id",
    "handlungsfeld_id",
)
# What hangs on a measure: the model of each path parameter (ids of both Kommunen, every measure's).
AGENDA_CHILD_PARAMS = {
    "milestone_id": "Milestone",
    "budget_line_id": "BudgetLine",
    "risk_id": "Risk",
    "impact_step_id": "ImpactStep",
    "measure_role_id": "MeasureRole",
    "dependency_id": "MeasureDependency",
}


def _built(world: Any, kind: str) -> dict[str, list[int]]:
    found = getattr(world, kind, None)
    assert found is not None, f"the scene was built without {kind}: `Needs.of` must name it for this route"
    return found  # type: ignore[no-any-return]


def agenda(world: Any) -> dict[str, list[int]]:
    """The digital agenda of both Kommunen (kompass/ui/tests/agenda_scene.py: a decided version and a draft, a goal
    with a KPI, council decisions, measures inside and outside the editor's subtree and Nachbarort's, each with its
    KPI), on the role model of the isolation test (the ids of both Kommunen)."""
    from kompass.agenda import models
    from kompass.agenda.models import KPI, AgendaVersion, Handlungsfeld, Leitsatz
    from kompass.ui.tests.agenda_scene import build_agenda_scene
    from kompass.ui.tests.test_isolation import build_role_scene

    scene = build_agenda_scene(world, build_role_scene(world))
    sides = list(scene.sides.values())
    measures = [m.measure.pk for s in sides for m in s.measures.values()] + [s.basis.pk for s in sides]
    return {
        "agenda_version_id": list(AgendaVersion.objects.unscoped().order_by("pk").values_list("pk", flat=True)),
        "goal_id": [s.goal.pk for s in sides],
        "decision_id": [d.pk for s in sides for d in (s.decision, s.version_decision)],
        "measure_id": measures,
        "kpi_id": list(KPI.objects.unscoped().order_by("pk").values_list("pk", flat=True)),
        "leitsatz_id": list(Leitsatz.objects.unscoped().order_by("pk").values_list("pk", flat=True)),
        "handlungsfeld_id": list(Handlungsfeld.objects.unscoped().order_by("pk").values_list("pk", flat=True)),
        **{
            param: list(getattr(models, name).objects.unscoped().order_by("pk").values_list("pk", flat=True))
            for param, name in AGENDA_CHILD_PARAMS.items()
        },
    }


def framework(world: Any) -> dict[str, list[int]]:
    """Both Kommunen adopt the test catalogue, with a draft, an open and a closed campaign, an own criterion
    and a recommendation each (the scene of the isolation test)."""
    from kompass.framework.models import Criterion, Field
    from kompass.ui.tests import url_registry as reg
    from kompass.ui.tests.test_isolation import build_framework_scene

    scene = build_framework_scene(world, reg.FRAMEWORK_ADOPTED)
    sides = list(scene.sides.values())
    catalogue_criteria = Criterion.objects.unscoped().filter(is_custom=False).order_by("pk")[:2]
    return {
        "field_id": [
            *(s.field.pk for s in sides),
            *Field.objects.unscoped().filter(optional=True).values_list("pk", flat=True),
        ],
        "criterion_id": [*(s.criterion.pk for s in sides), *(c.pk for c in catalogue_criteria)],
        "campaign_id": [c.pk for s in sides for c in s.campaigns.values()],
    }


def role_model(world: Any) -> dict[str, list[int]]:
    """Both Kommunen adopt the KGSt catalogue, with assignments inside and outside the editor's unit
    and one in Nachbarort (the ids of both Kommunen, for URLs and bodies)."""
    from kompass.roles import services as role_services
    from kompass.roles.catalogue_loader import load_catalogues
    from kompass.roles.models import ActivityTemplate, Catalogue, Role

    load_catalogues()
    catalogue = Catalogue.objects.filter(key="kgst").order_by("-pk").first()
    roles, assignments = [], []
    for kommune, holders in ((world.kommune, (world.bruno, world.alice)), (world.other, (world.other_person,))):
        role_services.catalogue_adopt(kommune=kommune, actor=None, catalogue=catalogue)
        kommune_roles = list(Role.objects.for_kommune(kommune).order_by("pk"))
        roles += [r.pk for r in kommune_roles[:4]]
        for holder in holders:
            data = {
                "person": holder,
                "role": kommune_roles[2],
                "time_share": 10,
                "valid_from": datetime.date(2025, 1, 1),
            }
            assignments.append(role_services.assignment_create(kommune=kommune, actor=None, data=data).pk)
    return {
        "role_id": roles,
        "assignment_id": assignments,
        "catalogue_id": [c.pk for c in Catalogue.objects.all()],
        "activity_id": [a.pk for a in ActivityTemplate.objects.all()[:3]],
    }


ASSIGNMENT_FIELDS = (  # `email` instead of `person_id` is tested in test_roles_api
    "person_id",
    "role_id",
    "org_unit_id",
    "time_share",
    "valid_from",
    "valid_until",
    "deputy_id",
    "approved_by_id",
    "qualification",
)

# The body fields of each write route; plausible bodies use these (and sometimes one too few or too many).
ROUTE_FIELDS = {
    "orgunit_create": ("code", "name", "unit_type", "parent_id", "head_id", "is_active"),
    "orgunit_update": ("code", "name", "unit_type", "parent_id", "head_id", "is_active", "version"),
    "orgunit_move": ("parent_id", "version"),
    "person_create": (
        "first_name",
        "last_name",
        "email",
        "function_title",
        "org_unit_id",
        "employment_percent",
        "employer_kind",
        "employer_name",
        "is_active",
    ),
    "person_update": (
        "first_name",
        "last_name",
        "email",
        "function_title",
        "org_unit_id",
        "employment_percent",
        "employer_kind",
        "employer_name",
        "is_active",
        "version",
    ),
    "role_model_adopt": ("catalogue_id",),
    "role_create": ("name", "kind", "tasks", "time_share_percent", "not_filled", "is_active"),
    "role_update": ("name", "kind", "tasks", "time_share_percent", "not_filled", "is_active", "version"),
    "assignment_create": ASSIGNMENT_FIELDS,
    "assignment_update": (*ASSIGNMENT_FIELDS, "version"),
    "matrix_cell_set": ("activity_id", "role_id", "letter", "expected"),
    "framework_field_update": ("name", "description", "is_active", "version"),
    "framework_criterion_create": ("name", "question", "levels"),
    "framework_criterion_update": ("name", "question", "levels", "is_active", "version"),
    "campaign_create": (
        "title",
        "description",
        "starts_on",
        "ends_on",
        "audiences",
        "unit_depth",
        "k",
        "free_text_enabled",
        "free_text_k",
        "open_link_enabled",
        "dv_reference",
        "dv_date",
        "retention_months",
        "privacy_notice",
        "criteria",
    ),
    "assessment_target_set": ("field_key", "criterion_key", "level", "year", "reason", "weight", "version"),
    "assessment_recommendation_accept": ("field_key", "template_key", "reason"),
    "assessment_kommunentyp_set": ("answers", "version"),
}


def plausible(world: Any, route: Any, data: st.DataObject) -> bytes:
    """An object with the route's field names and values of roughly the right kind."""
    units = st.sampled_from([None, 2**63, *_ids(world, "unit_id"), world.root.pk])
    people = st.sampled_from([None, 0, *_ids(world, "person_id")])
    texts = st.one_of(st.text(max_size=40), st.sampled_from(TEXTS))
    kinds = {
        "code": st.one_of(st.from_regex(r"[A-Z0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True), texts),
        "name": texts,
        "first_name": texts,
        "last_name": texts,
        "function_title": texts,
        "employment_percent": st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.floats(allow_nan=False, allow_infinity=False),
            st.sampled_from([0, 1, 50, 62.5, 100, 100.5, "0,5", "", None]),
        ),
        "employer_kind": st.sampled_from(["eigen", "extern", "Extern", "", None]),
        "employer_name": texts,
        "email": st.one_of(st.emails(), texts),
        "unit_type": st.sampled_from([*OrgUnitType.values, "Amt", ""]),
        "parent_id": units,
        "org_unit_id": units,
        "head_id": people,
        "is_active": st.one_of(st.booleans(), st.booleans(), st.none()),
        "version": st.one_of(st.integers(min_value=1, max_value=3), st.none()),
        **role_kinds(world, people, units, texts),
        **framework_kinds(world, texts),
    }
    fields = ROUTE_FIELDS.get(route.name, ())
    body = data.draw(st.fixed_dictionaries({name: kinds[name] for name in fields}))
    if fields and data.draw(st.integers(0, 4)) == 0:
        body.pop(data.draw(st.sampled_from(fields)))
    if data.draw(st.integers(0, 4)) == 0:
        body[data.draw(st.sampled_from(["kommune_id", "path", "depth", "id", "user"]))] = data.draw(values)
    return json.dumps(body).encode()


def role_kinds(world: Any, people: Any, units: Any, texts: Any) -> dict[str, Any]:
    """Values for the role-model fields; ids are looked up only when a route draws them."""

    def ids(param: str) -> Any:
        return st.deferred(lambda: st.sampled_from([None, 0, 2**63, *_ids(world, param)]))

    dates = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["01.03.2025", "2025-02-30", ""]))
    letters = st.sampled_from(["R", "A", "C", "I", None, "x", "", "AA"])
    return {
        "catalogue_id": ids("catalogue_id"),
        "role_id": ids("role_id"),
        "activity_id": ids("activity_id"),
        "person_id": people,
        "deputy_id": people,
        "approved_by_id": people,
        "kind": st.sampled_from(["intern", "extern", "gremium", "chef", ""]),
        "tasks": st.one_of(st.lists(texts, max_size=3), texts),
        "time_share_percent": st.one_of(st.integers(min_value=-5, max_value=120), st.none()),
        "not_filled": st.one_of(st.booleans(), st.none()),
        "time_share": st.one_of(st.integers(-10, 200), st.floats(allow_nan=True), st.sampled_from(["12,5", "x"])),
        "valid_from": st.one_of(dates, st.none()),
        "valid_until": st.one_of(dates, st.none()),
        "qualification": st.sampled_from(["keine", "geplant", "grundlagen", "aufbau", "x", None]),
        "letter": letters,
        "expected": letters,
    }


def framework_kinds(world: Any, texts: Any) -> dict[str, Any]:
    """Values for the fields of the framework and the self-assessment; ids are looked up only when drawn."""
    from kompass.framework import kommunentypen

    dates = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["10.01.2027", "2027-02-30", ""]))
    levels = st.one_of(st.lists(texts, max_size=7), st.just([f"Stufe {n}" for n in range(1, 6)]), texts)
    criteria = st.deferred(lambda: st.sampled_from([0, 2**63, *_ids(world, "criterion_id")]))
    field_keys = st.sampled_from(["rollen-verantwortung", "daten", "mobilitaet", "gibt-es-nicht", ""])
    item_keys = st.sampled_from([*kommunentypen.catalogue().item_keys, "gibt-es-nicht"])
    answer = st.one_of(st.integers(-1, 7), texts, st.none())
    return {
        "description": texts,
        "question": texts,
        "levels": levels,
        "title": texts,
        "starts_on": dates,
        "ends_on": dates,
        "dv_date": st.one_of(dates, st.none()),
        "audiences": st.one_of(
            st.lists(st.sampled_from(["mitarbeitende", "fuehrung", "vorstand", "lotsen", "x"]), max_size=5), texts
        ),
        "unit_depth": st.one_of(st.integers(-1, 6), texts),
        "k": st.one_of(st.integers(-1, 200), st.none()),
        "free_text_enabled": st.one_of(st.booleans(), st.none()),
        "free_text_k": st.integers(-1, 300),
        "open_link_enabled": st.one_of(st.booleans(), st.none()),
        "dv_reference": texts,
        "retention_months": st.integers(-1, 200),
        "privacy_notice": texts,
        "criteria": st.one_of(st.lists(criteria, max_size=4), st.none()),
        "field_key": st.one_of(field_keys, texts),
        "criterion_key": st.one_of(st.sampled_from(["kernrollen", "datenregeln", None]), texts),
        "template_key": st.one_of(st.sampled_from(["lotsen-netzwerk", "open-data-portal", "x"]), texts),
        "level": st.one_of(st.sampled_from([1, 3.5, 5, 0, 5.5, 3.3, "3,5", None]), st.floats()),
        "year": st.one_of(st.integers(1990, 2100), st.none()),
        "reason": texts,
        "weight": st.integers(-1, 7),
        "answers": st.one_of(st.dictionaries(item_keys, answer, max_size=14), texts),
    }


def _send(client: ApiClient, route: Any, url: str, body: bytes, data: st.DataObject) -> Any:
    if route.name.startswith("import_"):
        fields = {
            "file": SimpleUploadedFile("f.csv", body),
            "dry_run": data.draw(st.sampled_from(["true", "false", "x"])),
        }
        return client.upload(url, fields) if data.draw(st.booleans()) else client.raw("POST", url, body)
    if route.method == "DELETE":
        version = data.draw(st.one_of(st.just(""), st.text(max_size=25).map(lambda v: "?version=" + v)))
        return client.delete(url, version.replace("#", "").replace("&", ""))
    content_type = data.draw(
        st.sampled_from(["application/json", "application/json", "text/plain", "multipart/form-data"])
    )
    return client.raw(route.method, url, body, content_type=content_type)


@dataclass(frozen=True, order=True)
class Needs:
    """What the ids of a route's path and body come from besides the organisation: the role model, the
    Orientierungsrahmen, the agenda. The key of the scene the module builds once for the routes that need it."""

    role_model: bool = False
    framework: bool = False
    agenda: bool = False

    @classmethod
    def of(cls, route: Any) -> Needs:
        params = {*route.object_params, *ROUTE_FIELDS.get(route.name, ())}
        return cls(
            bool(params & {*ROLE_PARAMS}),
            bool(params & {*FRAMEWORK_PARAMS, "criteria"}),
            bool(params & {*AGENDA_PARAMS, *AGENDA_CHILD_PARAMS}),
        )

    def build(self, world: Any) -> None:
        """In the order a test used to build them on first use: roles, framework, agenda."""
        for wanted, kind, builder in (
            (self.role_model, "fuzz_roles", role_model),
            (self.framework, "fuzz_framework", framework),
            (self.agenda, "fuzz_agenda", agenda),
        ):
            setattr(world, kind, builder(world) if wanted else None)


@pytest.fixture(scope="module")
def fuzz_world(request: Any, shared_world: World) -> Iterator[World]:
    """The module's world with what the next routes need (`Needs`, the parameter): built once in a savepoint and
    rolled back when the routes that follow need something else."""
    needs = getattr(request, "param", Needs())
    with transaction.atomic():
        world = refreshed(shared_world)
        needs.build(world)
        yield world
        transaction.set_rollback(True)
    Needs().build(world)  # the ids are gone with the rollback


@pytest.fixture
def world(fuzz_world: World, db: Any) -> World:
    """The module's world for one test, whose own transaction is rolled back after it (its examples share it)."""
    return refreshed(fuzz_world)


# Sorted by what they need, so that pytest runs the routes of one scene one after another.
FUZZED = sorted(((Needs.of(r), r) for r in WRITE_ROUTES), key=lambda row: (row[0], row[1].name, row[1].method))


@pytest.fixture
def known() -> dict[str, Any]:
    """What the examples of one test share: an API client per persona (its token is stamped as used once, not in
    every example) and the state after the last example (`tenant_state` reads every table: it is read again
    only after a request that wrote to a kompass table, `wrote`)."""
    return {}


# Every table of a kompass model and of its links: a write elsewhere (the rate limiter's cache rows, sessions)
# changes nothing `tenant_state` compares.
KOMPASS_TABLES = {
    model._meta.db_table
    for model in apps.get_models(include_auto_created=True)
    if model.__module__.startswith("kompass.")
}


def state_before(known: dict[str, Any], read: Callable[[], Any]) -> Any:
    """The state the last example left, or `read()` (also when it did not finish: its writes may have stayed)."""
    before = known.pop("state", None)
    return read() if before is None else before


def state_after(known: dict[str, Any], read: Callable[[], Any], queries: CaptureQueriesContext, before: Any) -> Any:
    """The state after the request: `before` unless it wrote to a kompass table."""
    known["state"] = read() if wrote(queries, KOMPASS_TABLES) else before
    return known["state"]


@pytest.mark.parametrize(
    ("fuzz_world", "route"),
    FUZZED,
    ids=[f"{r.method} {r.name}" for _, r in FUZZED],
    indirect=["fuzz_world"],
    scope="module",
)
@pytest.mark.parametrize("persona", ["admin", "editor"])
@FUZZ
@given(data=st.data())
def test_random_input_never_breaks_a_write_route(world, route, persona, data, known):
    body = plausible(world, route, data) if data.draw(st.booleans()) else data.draw(bodies)
    if persona not in known:
        known[persona] = ApiClient(token_for(getattr(world, persona)))
    client = known[persona]
    values = {p: data.draw(st.sampled_from(_ids(world, p))) for p in route.object_params}
    url = route.url(kommune_slug="teststadt", **values)
    before = state_before(known, lambda: tenant_state(world))
    with CaptureQueriesContext(connection) as queries:
        response = _send(client, route, url, body, data)
    after = state_after(known, lambda: tenant_state(world), queries, before)
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert after == before, f"{response.status_code} changed data: {response.content[:300]}"


def test_every_path_parameter_gets_ids_of_its_own_kind() -> None:
    """`_ids` knows every object the gate resolves from a path, so no route is fuzzed with ids of another kind."""
    known = {"unit_id", "person_id", *ROLE_PARAMS, *FRAMEWORK_PARAMS, *AGENDA_PARAMS, *AGENDA_CHILD_PARAMS}
    assert {p for r in WRITE_ROUTES for p in r.object_params} <= known


def test_the_state_is_read_again_after_a_write_to_a_kompass_table_only(world: Any) -> None:
    """The examples skip reading every table when a request wrote nothing that `tenant_state` compares; a request
    that changed a row must still be caught."""
    from django.core.cache import cache

    from kompass.factories import person

    known: dict[str, Any] = {}
    before = state_before(known, lambda: tenant_state(world))
    with CaptureQueriesContext(connection) as queries:
        person(world.kommune, "Nina", "Neu", world.hauptamt)
    assert state_after(known, lambda: tenant_state(world), queries, before) != before
    with CaptureQueriesContext(connection) as queries:
        cache.set("fuzz-test", 1)  # the cache table belongs to no model
        assert state_before(known, lambda: "read again") != "read again"
    assert state_after(known, lambda: "read again", queries, "as before") == "as before"
