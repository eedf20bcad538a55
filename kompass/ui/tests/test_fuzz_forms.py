"""Random input to every form and API write route never gives a server error (docs/security.md S2).

The routes come from `url_registry.ROUTES`: every route that accepts a write is fuzzed as a
persona allowed to use it. Hypothesis sends the route's own field names and random ones,
with random text (NUL bytes, unicode, very long strings), numbers as strings and ids, and
leaves fields out. Every answer must be below 500, and an answer that refuses the input
(4xx, or 200 with form errors) must have changed nothing.
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.accounts.models import ApiToken
from kompass.ui.tests import url_registry as reg
from kompass.ui.tests.test_isolation import REGISTERED, Needs, Scene, needs_roles, over_routes, prepare, url_for
from kompass.ui.tests.test_isolation import scene as scene  # the fixtures: built once per module and scene
from kompass.ui.tests.test_isolation import scene_layer as scene_layer

# KOMPASS_FUZZ_EXAMPLES raises the number of examples for a deeper run (e.g. 500 before a release).
EXAMPLES = int(os.environ.get("KOMPASS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1e309",
    "NaN",
    "on",
    "true",
    "9" * 30,
    "٣",
    "２",
    "Ä" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "2026-02-30",
    "\r\n",
    "\u202e",
    "😀",
]
texts = st.one_of(
    st.text(max_size=40),
    st.text(min_size=200, max_size=1200),
    st.just("x" * 10_000),
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 40).map(str),
    st.sampled_from(ODD_STRINGS),
)
form_values = st.one_of(texts, st.lists(texts, min_size=2, max_size=3))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=6,
)
EXTRA_FIELDS = ["kommune", "kommune_id", "id", "pk", "version", "path", "depth", "is_superuser", "role", "user"]


def _able_persona(route: reg.Route, method: str) -> str:
    """A persona that gets past the route's access check, so the input is what is tested."""
    row = route.expect[method]
    for persona in (reg.ADMIN, reg.OPERATOR, reg.ANON):
        if row[persona] not in (reg.LOGIN, 401, 403, 404):
            return persona
    return reg.OPERATOR if route.access == reg.OPERATOR_ONLY else reg.ADMIN


WRITES = [(name, method) for name in REGISTERED for method in reg.ROUTES[name].writes]
FORM_WRITES = [w for w in WRITES if reg.ROUTES[w[0]].access != reg.API]
API_WRITES = [w for w in WRITES if reg.ROUTES[w[0]].access == reg.API]


# Shipped catalogues are read-only data; their row counts are enough.
COUNT_ONLY = {"roles.Catalogue", "roles.CatalogueRole", "roles.CatalogueRelation", "roles.ActivityTemplate"}
VOLATILE = {"last_used_at"}  # set by authenticating with an API token, not by the input


def kompass_models() -> list[Any]:
    return [model for model in apps.get_models() if model.__module__.startswith("kompass.")]


def database_state() -> dict[str, Any]:
    """Every row of every kompass table, as values (row counts for the shipped catalogues)."""
    state: dict[str, Any] = {}
    for model in kompass_models():
        rows = model._base_manager.order_by("pk")
        label = model._meta.label
        if label in COUNT_ONLY:
            state[label] = rows.count()
        else:
            state[label] = [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows.values()]
    return state


def refused(response: Any) -> bool:
    if 400 <= response.status_code < 500:
        return True
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return bool(form is not None and form.errors)


def _fields(route: reg.Route, targets: reg.Targets) -> list[str]:
    known = list(route.body(targets)) if route.body is not None else []
    return sorted({*known, *EXTRA_FIELDS})


class Target:
    """One write route, prepared once: every example starts from the same, rolled-back state."""

    def __init__(self, scene: Scene, name: str, method: str, exact: bool = True) -> None:
        route = reg.ROUTES[name]
        persona = _able_persona(route, method)
        prepare(scene, name, exact)
        targets = scene.targets("inside", scene.user(persona), needs_roles(name))
        self.name, self.method = name, method
        self.fields = _fields(route, targets)
        self.url = url_for(name, route, targets)
        self.client = scene.client(persona, route)
        self.cookies = copy.deepcopy(self.client.cookies)
        # A token used just now is not stamped again, so a request that writes nothing runs no UPDATE (`wrote`).
        ApiToken.objects.filter(user=scene.user(persona)).update(last_used_at=timezone.now())
        self.before = database_state()

    def check(self, send: Any) -> None:
        """Send one fuzzed request in a savepoint that is rolled back, and judge the answer."""
        self.client.cookies = copy.deepcopy(self.cookies)  # a logout or password change ends the session
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = send(self.client, self.url)
            assert response.status_code < 500, f"{self.method} {self.name}: {response.status_code}"
            if refused(response) and wrote(queries):
                assert database_state() == self.before, f"{self.method} {self.name} refused the input but changed data"
            transaction.set_rollback(True)


# A statement that changes rows of a table `database_state` compares; any other statement that is not a read (a
# CTE, a PRAGMA …) counts as a write too. Writes to the cache table (the rate limiter) and sessions do not.
READING = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
WRITING = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def wrote(queries: CaptureQueriesContext, tables: set[str] | None = None) -> bool:
    """Whether the request ran a statement that may have changed what `database_state` compares (or `tables`): only
    then is the whole database read again (that reads every table and costs more than most requests)."""
    tables = {model._meta.db_table for model in kompass_models()} if tables is None else tables
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith(READING):
            continue
        found = WRITING.match(sql)
        if found is None or found.group(1) in tables:
            return True
    return False


@pytest.mark.django_db
@over_routes(FORM_WRITES, ("name", "method"))
def test_random_form_data_never_gives_a_server_error_and_refused_input_changes_nothing(
    name: str, method: str, scene: Scene
) -> None:
    target = Target(scene, name, method)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(target.fields), unique=True), label="fields")
        extra = data.draw(st.dictionaries(st.text(max_size=12), form_values, max_size=2), label="extra")
        body = {field: data.draw(form_values, label=field) for field in chosen} | extra
        assert method == "POST", "HTML forms post"
        target.check(lambda client, url: client.post(url, body))

    run()


@pytest.mark.django_db
@over_routes(API_WRITES, ("name", "method"))
def test_random_json_to_api_writes_never_gives_a_server_error_and_refused_input_changes_nothing(
    name: str, method: str, scene: Scene
) -> None:
    target = Target(scene, name, method)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        raw = data.draw(st.booleans(), label="raw body")
        if raw:
            payload = data.draw(st.sampled_from(["", "{", "null", "[]", '{"a": 1', "\x00", "1" * 5000]), label="raw")
        else:
            chosen = data.draw(st.lists(st.sampled_from(target.fields), unique=True), label="fields")
            payload = json.dumps({field: data.draw(json_values, label=field) for field in chosen})
        target.check(lambda client, url: client.generic(method, url, payload, "application/json"))

    run()


@pytest.mark.django_db
@over_routes(["org:unit_create"])
def test_a_refused_request_that_changed_a_row_is_caught_and_one_without_writes_is_not_compared(
    name: str, scene: Scene
) -> None:
    """`check` reads the whole database again only after a statement that writes to a compared table."""
    from django.http import HttpResponse

    from kompass.org.models import OrgUnit

    target = Target(scene, name, "POST")

    def changes_a_row(client: Any, url: str) -> HttpResponse:
        OrgUnit.objects.create(kommune=scene.world.kommune, code="77", name="Heimlich", unit_type="amt", path="9/")
        return HttpResponse(status=400)

    with pytest.raises(AssertionError, match="refused the input but changed data"):
        target.check(changes_a_row)
    target.before = {}  # would differ from any state: a request without writes must not be compared
    target.check(lambda client, url: client.get(url, {"q": "x"}) and HttpResponse(status=400))


# --- query parameters of every page and API read -------------------------------------------------

READS = [name for name in REGISTERED if "GET" in reg.ROUTES[name].expect]
QUERY_PARAMETERS = [
    "q",
    "page",
    "sort",
    "typ",
    "status",
    "einheit",
    "rolle",
    "objekt",
    "person",
    "aktion",
    "von",
    "bis",
    "parent",
    "seite",
    "next",
    "aktivitaet",
    "limit",
    "offset",
    "parent_id",
    "orgunit_id",
    "aktiv",
    "kommune",
    # the digital agenda: portfolio and KPI filters, the goal form's preset, the council report's options
    "handlungsfeld",
    "ziel",
    "oeffentlich",
    "kind",
    "stichtag",
    "teil",
    "kennzahlen",
]


@pytest.mark.django_db
@pytest.mark.parametrize("scene_layer", [Needs.first_of(READS)], ids=["reads"], indirect=True, scope="module")
def test_random_query_parameters_never_give_a_server_error(scene: Scene) -> None:
    """Filters, sorting and paging come from the address: any value gives a page or a 4xx, never a 5xx."""
    targets = {name: Target(scene, name, "GET", exact=False) for name in READS}
    state = database_state()  # after all set-up (tokens, logins) is done
    for target in targets.values():
        target.before = state

    @settings(FUZZ, max_examples=EXAMPLES * 4)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(READS), label="route")
        params = data.draw(st.dictionaries(st.sampled_from(QUERY_PARAMETERS), texts, max_size=4), label="query")
        targets[name].check(lambda client, url: client.get(url, params))

    run()
