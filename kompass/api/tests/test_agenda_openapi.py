"""The agenda's routes — strategy, what a version says, measures with what hangs on them and how they are
steered, KPIs — are in the OpenAPI document with German summaries under the tag „Digitale Agenda“, every
object in their paths is resolved by the gate, and the document needs no login."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kompass.api.gate import PATH_OBJECTS
from kompass.api.routes import api_route_patterns

AGENDA_ROUTES = {
    ("GET", "/agenda", "Digitale Agenda der Kommune"),
    ("POST", "/agenda", "Digitale Agenda anlegen"),
    ("GET", "/agenda/fassungen", "Fassungen der Digitalen Agenda"),
    ("GET", "/agenda/fassungen/{agenda_version_id}", "Eine Fassung der Digitalen Agenda"),
    ("PATCH", "/agenda/fassungen/{agenda_version_id}", "Vision eines Entwurfs ändern"),
    ("GET", "/ziele", "Ziele der Digitalen Agenda"),
    ("POST", "/ziele", "Ziel anlegen"),
    ("GET", "/ziele/{goal_id}", "Ein Ziel"),
    ("PATCH", "/ziele/{goal_id}", "Ziel ändern"),
    ("DELETE", "/ziele/{goal_id}", "Ziel löschen"),
    ("GET", "/massnahmen", "Maßnahmen der Digitalen Agenda"),
    ("POST", "/massnahmen", "Maßnahme anlegen"),
    ("GET", "/massnahmen/{measure_id}", "Eine Maßnahme"),
    ("PATCH", "/massnahmen/{measure_id}", "Maßnahme ändern"),
    ("DELETE", "/massnahmen/{measure_id}", "Maßnahme löschen"),
    ("GET", "/kennzahlen", "Kennzahlen der Digitalen Agenda"),
    ("POST", "/kennzahlen", "Kennzahl anlegen"),
    ("POST", "/kennzahlen/werte", "Kennzahlenwerte liefern"),
    ("GET", "/kennzahlen/{kpi_id}", "Eine Kennzahl mit ihren Werten"),
    ("PATCH", "/kennzahlen/{kpi_id}", "Kennzahl ändern"),
    ("DELETE", "/kennzahlen/{kpi_id}", "Kennzahl löschen"),
    ("GET", "/kennzahlen/{kpi_id}/werte", "Werte einer Kennzahl"),
    ("GET", "/beschluesse", "Gremienbeschlüsse"),
    ("POST", "/beschluesse", "Gremienbeschluss erfassen"),
    ("GET", "/beschluesse/{decision_id}", "Ein Gremienbeschluss"),
    ("PATCH", "/beschluesse/{decision_id}", "Gremienbeschluss ändern"),
    ("DELETE", "/beschluesse/{decision_id}", "Gremienbeschluss löschen"),
    # What a version says, deciding it, a new draft, the diff.
    ("GET", "/agenda/fassungen/{agenda_version_id}/leitsaetze", "Leitsätze einer Fassung"),
    ("POST", "/agenda/fassungen/{agenda_version_id}/leitsaetze", "Leitsatz anlegen"),
    ("GET", "/agenda/leitsaetze/{leitsatz_id}", "Ein Leitsatz"),
    ("PATCH", "/agenda/leitsaetze/{leitsatz_id}", "Leitsatz ändern"),
    ("DELETE", "/agenda/leitsaetze/{leitsatz_id}", "Leitsatz löschen"),
    ("GET", "/agenda/fassungen/{agenda_version_id}/handlungsfelder", "Handlungsfelder einer Fassung"),
    ("POST", "/agenda/fassungen/{agenda_version_id}/handlungsfelder", "Handlungsfeld anlegen"),
    ("GET", "/agenda/handlungsfelder/{handlungsfeld_id}", "Ein Handlungsfeld"),
    ("PATCH", "/agenda/handlungsfelder/{handlungsfeld_id}", "Handlungsfeld ändern"),
    ("DELETE", "/agenda/handlungsfelder/{handlungsfeld_id}", "Handlungsfeld löschen"),
    ("POST", "/agenda/fassungen/{agenda_version_id}/beschliessen", "Entwurf als beschlossen festhalten"),
    (
        "POST",
        "/agenda/fassungen/{agenda_version_id}/neuer-entwurf",
        "Neuen Entwurf aus einer beschlossenen Fassung anlegen",
    ),
    ("GET", "/agenda/fassungen/{agenda_version_id}/vergleich", "Was eine Fassung gegenüber einer anderen ändert"),
    # What hangs on a measure.
    ("GET", "/massnahmen/{measure_id}/meilensteine", "Meilensteine einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/meilensteine", "Meilenstein anlegen"),
    ("PATCH", "/massnahmen/{measure_id}/meilensteine/{milestone_id}", "Meilenstein ändern"),
    ("DELETE", "/massnahmen/{measure_id}/meilensteine/{milestone_id}", "Meilenstein löschen"),
    ("GET", "/massnahmen/{measure_id}/haushaltsansaetze", "Haushaltsansätze einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/haushaltsansaetze", "Haushaltsansatz anlegen"),
    ("PATCH", "/massnahmen/{measure_id}/haushaltsansaetze/{budget_line_id}", "Haushaltsansatz ändern"),
    ("DELETE", "/massnahmen/{measure_id}/haushaltsansaetze/{budget_line_id}", "Haushaltsansatz löschen"),
    ("GET", "/massnahmen/{measure_id}/risiken", "Risiken einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/risiken", "Risiko anlegen"),
    ("PATCH", "/massnahmen/{measure_id}/risiken/{risk_id}", "Risiko ändern"),
    ("DELETE", "/massnahmen/{measure_id}/risiken/{risk_id}", "Risiko löschen"),
    ("GET", "/massnahmen/{measure_id}/wirkungskette", "Wirkungskette einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/wirkungskette", "Stufe der Wirkungskette anlegen"),
    ("PATCH", "/massnahmen/{measure_id}/wirkungskette/{impact_step_id}", "Stufe der Wirkungskette ändern"),
    ("DELETE", "/massnahmen/{measure_id}/wirkungskette/{impact_step_id}", "Stufe der Wirkungskette löschen"),
    # How a measure is steered.
    ("GET", "/massnahmen/{measure_id}/beteiligte", "Beteiligte Rollen einer Maßnahme (RACI)"),
    ("POST", "/massnahmen/{measure_id}/beteiligte", "Rolle an einer Maßnahme beteiligen"),
    ("DELETE", "/massnahmen/{measure_id}/beteiligte/{measure_role_id}", "Beteiligung einer Rolle entfernen"),
    ("GET", "/massnahmen/{measure_id}/abhaengigkeiten", "Abhängigkeiten einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/abhaengigkeiten", "Abhängigkeit erfassen"),
    ("DELETE", "/massnahmen/{measure_id}/abhaengigkeiten/{dependency_id}", "Abhängigkeit entfernen"),
    ("POST", "/massnahmen/{measure_id}/status", "Status einer Maßnahme ändern"),
    ("GET", "/massnahmen/{measure_id}/sachstandsberichte", "Sachstandsberichte einer Maßnahme"),
    ("POST", "/massnahmen/{measure_id}/sachstandsberichte", "Sachstandsbericht erfassen"),
}
PREFIX = "/api/v1/kommunen/{kommune_slug}"


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _agenda_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path.removeprefix(PREFIX)): op
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if "Digitale Agenda" in op.get("tags", [])
    }


def test_the_openapi_document_has_every_agenda_route_with_its_german_summary(db: Any) -> None:
    operations = _agenda_operations(_document())
    assert {(method, path, op["summary"]) for (method, path), op in operations.items()} == AGENDA_ROUTES
    for op in operations.values():
        assert op["operationId"].startswith("kompass_api_routers_agenda_agenda_")
    writes = [op for (method, _path), op in operations.items() if method != "GET"]
    for op in writes:
        assert {"403", "404", "409", "422"} <= set(op["responses"]), op["operationId"]


def test_the_push_and_the_kpi_fields_are_described_in_german(db: Any) -> None:
    document = _document()
    push = _agenda_operations(document)[("POST", "/kennzahlen/werte")]
    assert "Alles oder nichts" in push["description"]
    schemas = document["components"]["schemas"]
    item = schemas["AgendaPushItem"]["properties"]
    assert item["date"]["description"] == "Stichtag, JJJJ-MM-TT (ISO 8601)."
    assert "„1.234,5“" in item["value"]["description"]
    assert schemas["AgendaPushOut"]["properties"]["unchanged"]["description"].startswith(
        "Werte, die schon so gespeichert"
    )
    owner = schemas["AgendaOwnerOut"]["properties"]
    assert owner["holder"]["description"].startswith("Wer die Rolle für diese Maßnahme zurzeit hat")
    assert schemas["AgendaMeasureCreate"]["properties"]["status"]["enum"] == [
        "idee",
        "geplant",
        "in_umsetzung",
        "abgeschlossen",
        "gestoppt",
    ]


def test_the_new_agenda_writes_describe_their_fields_in_german(db: Any) -> None:
    document = _document()
    schemas = document["components"]["schemas"]
    handlungsfeld = schemas["AgendaHandlungsfeldCreate"]["properties"]
    assert handlungsfeld["gestaltungsfeld_keys"]["description"].startswith("Schlüssel der Gestaltungsfelder")
    assert schemas["AgendaBudgetLineCreate"]["properties"]["haushalt_kind"]["enum"] == [
        "produkt",
        "kostenstelle",
        "investition",
    ]
    assert "„12.345,67 €“" in schemas["AgendaBudgetLineCreate"]["properties"]["planned"]["description"]
    assert schemas["AgendaStatusReportCreate"]["properties"]["light"]["enum"] == ["gruen", "gelb", "rot"]
    cycle = _agenda_operations(document)[("POST", "/massnahmen/{measure_id}/abhaengigkeiten")]
    assert "Kreis" in cycle["description"]
    decide = _agenda_operations(document)[("POST", "/agenda/fassungen/{agenda_version_id}/beschliessen")]
    assert "eingefroren" in decide["description"]


def test_agenda_shapes_do_not_replace_the_framework_shapes_of_the_same_idea(db: Any) -> None:
    schemas = _document()["components"]["schemas"]
    assert "key" in schemas["MeasureOut"]["properties"]  # the framework's measure templates
    assert "topic" in schemas["DecisionOut"]["properties"]  # the framework catalogue's decisions on gaps
    assert "owner" in schemas["AgendaMeasureOut"]["properties"]
    assert "drucksache" in schemas["AgendaDecisionOut"]["properties"]


def test_every_agenda_path_object_is_resolved_by_the_gate() -> None:
    routes = [r for r in api_route_patterns() if r.name.startswith("agenda_")]
    assert len(routes) == len(AGENDA_ROUTES)
    params = {p for r in routes for p in r.object_params}
    assert params == {
        "agenda_version_id",
        "goal_id",
        "measure_id",
        "kpi_id",
        "decision_id",
        "leitsatz_id",
        "handlungsfeld_id",
        "milestone_id",
        "budget_line_id",
        "risk_id",
        "impact_step_id",
        "measure_role_id",
        "dependency_id",
    }
    assert params <= set(PATH_OBJECTS)
