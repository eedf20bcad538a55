"""S2: Schemathesis in-process against the API's own OpenAPI document.

The document is the one `/api/v1/openapi.json` serves, taken from Ninja without a request. For every operation
Schemathesis draws requests from it — valid ones and, where there is a body or a query, ones that break the schema —
and sends them through Django's test handler (a WSGI app in this process: no server, no network) as
Teststadt's administrator with a token that may write. Every path parameter names one of Teststadt's own
objects (a role model, the Orientierungsrahmen and the digital agenda with a draft are built once for the
module), so the requests get past the gate into the services. Each response must pass Schemathesis' checks:
no 5xx, a status code the document names for the operation, the content type it names and a body that fits
the response schema.

`kompass/api/tests/test_fuzz.py` fuzzes the write routes with hand-made bodies and checks that a refusal changes
nothing; this file checks that the API does what its document says.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from django.test.client import ClientHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kompass.api.gate import KOMMUNE_PARAM, PATH_OBJECTS
from kompass.api.tests.helpers import token_for
from kompass.conftest import World, refreshed

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# A few examples per operation keep the file near a minute on two cores; every run draws new ones.
EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The project as a WSGI app through Django's test handler: it keeps the test's database connection open
    (the plain `WSGIHandler` would close it after each request, inside the test's transaction)."""
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    headers = list(response.items()) + [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    return [b"".join(response) if response.streaming else response.content]


@functools.cache
def api_schema() -> Any:
    """The OpenAPI document as Schemathesis reads it, bound to `wsgi_app`."""
    from kompass.api.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    loaded.app = wsgi_app
    return loaded


def operations() -> list[Any]:
    return [result.ok() for result in api_schema().get_all_operations()]


OPERATIONS = {op.label: op for op in operations()}


def path_models() -> dict[str, Any]:
    """The model behind each path parameter the gate resolves."""
    from kompass.agenda import models as agenda
    from kompass.assessment.models import Campaign
    from kompass.framework.models import Criterion, Field
    from kompass.org.models import OrgUnit, Person
    from kompass.roles.models import Assignment, Catalogue, Role

    return {
        "unit_id": OrgUnit,
        "person_id": Person,
        "role_id": Role,
        "assignment_id": Assignment,
        "catalogue_id": Catalogue,
        "field_id": Field,
        "criterion_id": Criterion,
        "campaign_id": Campaign,
        "agenda_version_id": agenda.AgendaVersion,
        "goal_id": agenda.Goal,
        "measure_id": agenda.Measure,
        "kpi_id": agenda.KPI,
        "decision_id": agenda.CouncilDecision,
        "leitsatz_id": agenda.Leitsatz,
        "handlungsfeld_id": agenda.Handlungsfeld,
        "milestone_id": agenda.Milestone,
        "budget_line_id": agenda.BudgetLine,
        "risk_id": agenda.Risk,
        "impact_step_id": agenda.ImpactStep,
        "measure_role_id": agenda.MeasureRole,
        "dependency_id": agenda.MeasureDependency,
    }


def own_ids(world: World) -> dict[str, list[int]]:
    """Teststadt's ids for every path parameter (the catalogues are shared by every Kommune)."""
    ids = {}
    for param, model in path_models().items():
        rows = model.objects.for_kommune(world.kommune) if hasattr(model.objects, "for_kommune") else model.objects
        ids[param] = list(rows.order_by("pk").values_list("pk", flat=True)[:4])
    return ids


@pytest.fixture(scope="module")
def schema_world(shared_world: World) -> Iterator[World]:
    """The module's world with the role model, the adopted Orientierungsrahmen with its campaigns and the agenda
    with a draft, built once in a savepoint that is rolled back after the module."""
    from kompass.ui.tests import url_registry as reg
    from kompass.ui.tests.agenda_scene import AGENDA_DRAFT, build_agenda_scene
    from kompass.ui.tests.test_isolation import build_framework_scene, build_role_scene

    with transaction.atomic():
        world = refreshed(shared_world)
        roles = build_role_scene(world)
        build_agenda_scene(world, roles, build_framework_scene(world, reg.FRAMEWORK_ADOPTED), AGENDA_DRAFT)
        world.schema_ids = own_ids(world)  # type: ignore[attr-defined]
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(schema_world: World, db: Any) -> World:
    """The module's world for one operation; its examples share the test's transaction, rolled back after it."""
    return refreshed(schema_world)


@pytest.fixture
def token(world: World) -> str:
    return token_for(world.admin)


def test_every_path_parameter_of_the_gate_has_a_model() -> None:
    """A new object in the API's paths must be named here, or its operations would only ever see 404."""
    assert set(PATH_OBJECTS) == set(path_models())
    params = {parameter.name for op in OPERATIONS.values() for parameter in op.path_parameters}
    assert params == {KOMMUNE_PARAM, *PATH_OBJECTS}


def test_every_operation_of_the_document_is_tested() -> None:
    from kompass.api.routes import api_route_patterns

    routes = {f"{r.method} {r.path}" for r in api_route_patterns() if not r.is_deprecated}
    assert set(OPERATIONS) == routes


def _path(world: World, operation: Any, data: st.DataObject) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name == KOMMUNE_PARAM:
            values[name] = world.kommune.slug
        else:
            ids = world.schema_ids[name]  # type: ignore[attr-defined]
            assert ids, f"the scene has no object for {{{name}}}"
            values[name] = data.draw(st.sampled_from(ids), label=name)
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
@EXAMPLES
@given(data=st.data())
def test_every_operation_answers_as_its_document_says(label: str, world: World, token: str, data: Any) -> None:
    operation = OPERATIONS[label]
    negatable = operation.method.upper() != "GET" or bool(list(operation.query))  # the path is Teststadt's
    mode = data.draw(
        st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
        if negatable
        else st.just(GenerationMode.POSITIVE)
    )
    path = _path(world, operation, data)
    case = data.draw(operation.as_strategy(generation_mode=mode, path_parameters=path))
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)


def test_every_operation_names_the_errors_of_the_layers_around_it() -> None:
    """Found by this file: most reads named only 200, though the gate answers 404 and bad parameters 422."""
    document = api_schema().raw_schema
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            codes = {int(code) for code in operation["responses"]}
            assert {401, 429} <= codes, f"{method} {path}"
            if "{kommune_slug}" in path:
                assert {403, 404, 422} <= codes, f"{method} {path}"
            if method != "get":
                assert {403, 404, 409, 422} <= codes, f"{method} {path}"


def test_no_two_shapes_of_the_api_share_a_name() -> None:
    """Found by this file: two schemas named `ParticipationOut` became one entry of the document, so the campaign
    page said its participation was the result's (a different shape)."""
    from ninja import Schema

    import kompass.api.api  # noqa: F401  (every router and its shapes)

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, set[str]] = {}
    for shape in subclasses(Schema):
        if shape.__module__.startswith("kompass."):
            names.setdefault(shape.__name__, set()).add(shape.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}
