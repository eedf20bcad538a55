"""The route list other tests are generated from is complete and every object parameter is gated."""

from __future__ import annotations

from django.urls import get_resolver, reverse

from kompass.api.api import api
from kompass.api.gate import KOMMUNE_PARAM, PATH_OBJECTS
from kompass.api.routes import api_route_patterns


def _api_url_names() -> set[str]:
    resolver = get_resolver()
    namespace = resolver.namespace_dict["api"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_route_list_names_every_operation_url(world):
    names = {route.name for route in api_route_patterns()}
    infrastructure = {"api-root", "openapi-json", "openapi-view", "not-found"}
    assert names | infrastructure == _api_url_names()


def test_every_route_parameter_is_the_kommune_or_a_gated_object():
    for route in api_route_patterns():
        for param in route.params:
            assert param == KOMMUNE_PARAM or param in PATH_OBJECTS, f"{route.name}: {param}"
        if route.object_params:
            assert route.in_kommune


def test_route_url_fills_the_parameters_and_matches_django_reverse():
    route = next(r for r in api_route_patterns() if r.name == "orgunit_update")
    assert (route.method, route.params, route.object_params) == ("PATCH", ("kommune_slug", "unit_id"), ("unit_id",))
    url = route.url(kommune_slug="teststadt", unit_id=7)
    assert url == "/api/v1/kommunen/teststadt/organisationseinheiten/7"
    assert url == reverse("api:orgunit_update", kwargs={"kommune_slug": "teststadt", "unit_id": 7})


CHILDREN = ("milestone", "budget_line", "risk", "impact_step")  # what hangs on an agenda measure
CHILD_WRITES = (("POST", "create"), ("PATCH", "update"), ("DELETE", "delete"))


def test_every_write_route_inside_a_kommune_is_listed():
    writes = {(r.method, r.name) for r in api_route_patterns() if r.method != "GET" and not r.is_deprecated}
    assert writes == {
        ("POST", "orgunit_create"),
        ("PATCH", "orgunit_update"),
        ("DELETE", "orgunit_delete"),
        ("POST", "orgunit_move"),
        ("POST", "person_create"),
        ("PATCH", "person_update"),
        ("DELETE", "person_delete"),
        ("POST", "import_orgunits"),
        ("POST", "import_persons"),
        ("POST", "role_model_adopt"),
        ("POST", "role_create"),
        ("PATCH", "role_update"),
        ("POST", "assignment_create"),
        ("PATCH", "assignment_update"),
        ("DELETE", "assignment_delete"),
        ("POST", "import_assignments"),
        ("PUT", "matrix_cell_set"),
        ("POST", "framework_adopt"),
        ("PATCH", "framework_field_update"),
        ("POST", "framework_criterion_create"),
        ("PATCH", "framework_criterion_update"),
        ("POST", "campaign_create"),
        ("POST", "campaign_open"),
        ("POST", "campaign_close"),
        ("POST", "campaign_reopen"),
        ("POST", "campaign_archive"),
        ("PUT", "assessment_target_set"),
        ("POST", "assessment_recommendation_accept"),
        ("PUT", "assessment_kommunentyp_set"),
        ("POST", "agenda_create"),
        ("PATCH", "agenda_version_update"),
        ("POST", "agenda_goal_create"),
        ("PATCH", "agenda_goal_update"),
        ("DELETE", "agenda_goal_delete"),
        ("POST", "agenda_decision_create"),
        ("PATCH", "agenda_decision_update"),
        ("DELETE", "agenda_decision_delete"),
        ("POST", "agenda_measure_create"),
        ("PATCH", "agenda_measure_update"),
        ("DELETE", "agenda_measure_delete"),
        ("POST", "agenda_kpi_create"),
        ("POST", "agenda_kpi_values_push"),
        ("PATCH", "agenda_kpi_update"),
        ("DELETE", "agenda_kpi_delete"),
        ("POST", "agenda_leitsatz_create"),
        ("PATCH", "agenda_leitsatz_update"),
        ("DELETE", "agenda_leitsatz_delete"),
        ("POST", "agenda_handlungsfeld_create"),
        ("PATCH", "agenda_handlungsfeld_update"),
        ("DELETE", "agenda_handlungsfeld_delete"),
        ("POST", "agenda_version_decide"),
        ("POST", "agenda_version_new_draft"),
        *((method, f"agenda_{kind}_{verb}") for kind in CHILDREN for method, verb in CHILD_WRITES),
        ("POST", "agenda_raci_set"),
        ("DELETE", "agenda_raci_delete"),
        ("POST", "agenda_dependency_add"),
        ("DELETE", "agenda_dependency_remove"),
        ("POST", "agenda_measure_status"),
        ("POST", "agenda_status_report_create"),
    }


def _documented_operations() -> dict[tuple[str, str], str]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path): op["operationId"] for path, ops in schema["paths"].items() for method, op in ops.items()
    }


def test_route_list_has_exactly_the_methods_and_paths_of_the_openapi_document():
    current = {(r.method, r.path) for r in api_route_patterns() if not r.is_deprecated}
    assert current == set(_documented_operations())


def test_operation_ids_are_unique_and_named_after_the_router_not_its_file():
    ids = list(_documented_operations().values())
    assert len(ids) == len(set(ids))
    # The roles router is a package of sub-routers; its public ids keep the router's name.
    assert "kompass_api_routers_roles_assignment_create" in ids
    assert "kompass_api_routers_roles_matrix_cell_set" in ids
    assert "kompass_api_routers_orgunits_orgunit_update" in ids
    assert not [i for i in ids if i.startswith("kompass_api_routers_roles_assignments_")]


# --- one language for paths; the old English paths keep answering in version 1 -------------------

GERMAN_SEGMENTS = {
    "kommunen",
    "organisationseinheiten",
    "teilbaum",
    "verschieben",
    "personen",
    "importe",
    "zuordnungen",
    "katalog",
    "rollenmodell",
    "rollen",
    "matrix",
    "zellen",
    "rollen-check",
    "orientierungsrahmen",
    "uebernehmen",
    "felder",
    "kriterien",
    "massnahmenvorlagen",
    "umfragen",
    "oeffnen",
    "schliessen",
    "wieder-oeffnen",
    "archivieren",
    "ergebnisse",
    "selbstbewertung",
    "soll",
    "luecken",
    "empfehlungen",
    "kommunentyp",
    "agenda",
    "fassungen",
    "ziele",
    "beschluesse",
    "massnahmen",
    "kennzahlen",
    "werte",
    "leitsaetze",
    "handlungsfelder",
    "beschliessen",
    "neuer-entwurf",
    "vergleich",
    "meilensteine",
    "haushaltsansaetze",
    "risiken",
    "wirkungskette",
    "beteiligte",
    "abhaengigkeiten",
    "status",
    "sachstandsberichte",
}


def test_every_documented_path_is_german():
    for method, path in _documented_operations():
        segments = [s for s in path.removeprefix("/api/v1/").split("/") if not s.startswith("{")]
        assert set(segments) <= GERMAN_SEGMENTS, f"{method} {path}"


def test_every_old_english_path_is_listed_with_its_successor_and_left_out_of_the_openapi_document():
    routes = api_route_patterns()
    current = {r.name: r for r in routes if not r.is_deprecated}
    old = [r for r in routes if r.is_deprecated]
    assert {r.path.removeprefix("/api/v1/kommunen/{kommune_slug}") for r in old} == {
        "/orgunits",
        "/orgunits/{unit_id}",
        "/orgunits/{unit_id}/subtree",
        "/orgunits/{unit_id}/move",
        "/persons",
        "/persons/{person_id}",
        "/imports/orgunits",
        "/imports/persons",
        "/imports/zuordnungen",
    }
    for route in old:
        successor = current[route.successor]
        assert (route.method, route.params, route.name) == (
            successor.method,
            successor.params,
            successor.name + "_deprecated",
        )
    documented = set(_documented_operations())
    assert not [r for r in old if (r.method, r.path) in documented]
    assert not [op for op in _documented_operations().values() if op.endswith("_deprecated")]
