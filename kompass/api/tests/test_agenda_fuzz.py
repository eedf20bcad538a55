"""Random JSON against every write route of the agenda, with real ids of both Kommunen in the URL
and the body: never a 5xx, always JSON, and a 4xx never changes an agenda row or the audit log
(docs/security.md S2). The shared fuzz test (`test_fuzz.py`) walks these routes too, but with ids it knows nothing
about and without the agenda's tables in its before/after comparison."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kompass.agenda.models import (
    KPI,
    Agenda,
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    Goal,
    Handlungsfeld,
    ImpactStep,
    KPIValue,
    Leitsatz,
    Measure,
    MeasureDependency,
    MeasureRole,
    MeasureStatusChange,
    Milestone,
    Risk,
    StatusReport,
)
from kompass.agenda.tests.factories_api import agenda_scene
from kompass.api.routes import api_route_patterns
from kompass.api.tests.agenda_parts import Parts, agenda_parts
from kompass.api.tests.helpers import ApiClient, token_for
from kompass.api.tests.test_fuzz import TEXTS, bodies, state_after, state_before, values
from kompass.api.tests.test_fuzz import known as known  # the fixture: what the examples of a test share
from kompass.audit.models import AuditEntry
from kompass.conftest import World, refreshed

ROUTES = [r for r in api_route_patterns() if r.method != "GET" and r.name.startswith("agenda_")]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = {
    "agenda_create": ("title", "vision"),
    "agenda_version_update": ("vision", "version"),
    "agenda_goal_create": ("kind", "parent_id", "title", "description", "effect", "handlungsfeld_ids", "position"),
    "agenda_goal_update": ("kind", "parent_id", "title", "effect", "handlungsfeld_ids", "version"),
    "agenda_decision_create": ("body", "decided_on", "drucksache", "title", "result", "link", "oparl_id"),
    "agenda_decision_update": ("body", "decided_on", "result", "link", "version"),
    "agenda_measure_create": (
        "title",
        "status",
        "handlungsfeld_ids",
        "goal_ids",
        "accountable_role_id",
        "responsible_unit_id",
        "activity",
        "benefit",
        "starts_on",
        "ends_on",
        "fte",
        "report_period_days",
    ),
    "agenda_measure_update": ("title", "status", "note", "responsible_unit_id", "starts_on", "fte", "version"),
    "agenda_kpi_create": (
        "name",
        "direction",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "goal_id",
        "measure_id",
        "impact_step_id",
        "owner_role_id",
    ),
    "agenda_kpi_update": ("name", "baseline_value", "target_on", "goal_id", "measure_id", "version"),
    "agenda_kpi_values_push": ("items",),
    "agenda_leitsatz_create": ("text",),
    "agenda_leitsatz_update": ("text", "position", "version"),
    "agenda_handlungsfeld_create": ("name", "key", "framework_field_keys", "gestaltungsfeld_keys", "position"),
    "agenda_handlungsfeld_update": ("name", "framework_field_keys", "gestaltungsfeld_keys", "version"),
    "agenda_version_decide": ("decided_on", "decision_id", "version"),
    "agenda_milestone_create": ("title", "due_on", "done_on"),
    "agenda_milestone_update": ("title", "due_on", "done_on", "version"),
    "agenda_budget_line_create": ("year", "planned", "spent", "haushalt_kind", "funding_amount", "decision_id"),
    "agenda_budget_line_update": ("year", "planned", "funding_amount", "decision_id", "version"),
    "agenda_risk_create": ("title", "likelihood", "impact", "mitigation"),
    "agenda_risk_update": ("title", "likelihood", "version"),
    "agenda_impact_step_create": ("level", "text", "position"),
    "agenda_impact_step_update": ("level", "text", "position", "version"),
    "agenda_raci_set": ("role_id", "letter"),
    "agenda_dependency_add": ("depends_on_id",),
    "agenda_measure_status": ("status", "note", "version"),
    "agenda_status_report_create": ("light", "progress", "text", "reported_on", "period_end", "decision_id"),
}


def _state() -> tuple[Any, ...]:
    rows = (
        *(Agenda, AgendaVersion, Leitsatz, Handlungsfeld, Goal, CouncilDecision, Measure, MeasureStatusChange),
        *(Milestone, BudgetLine, Risk, ImpactStep, MeasureRole, MeasureDependency, StatusReport, KPI, KPIValue),
    )
    return (
        *(list(model.objects.unscoped().order_by("pk").values()) for model in rows),
        AuditEntry.objects.unscoped().count(),
    )


def _kinds(parts: Parts) -> dict[str, Any]:
    scene = parts.scene
    w = scene.world
    texts = st.one_of(st.text(max_size=30), st.sampled_from(TEXTS))
    dates = st.sampled_from(["2026-01-31", "31.01.2026", "2026-02-30", "", "morgen", None, 20260131])
    numbers = st.one_of(
        st.sampled_from(["1.234,5", "12,5", "x", "", None, True, 10**40, -1]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
    )

    def ids(*pks: int) -> Any:
        return st.sampled_from([None, 0, 2**63, *pks])

    goals = ids(scene.goal.pk, scene.other["goal_id"])
    measures = ids(scene.inside.pk, scene.outside.pk, scene.other["measure_id"])
    kpis = ids(scene.kpi_inside.pk, scene.kpi_goal.pk, scene.kpi_outside.pk, scene.other["kpi_id"])
    item = st.fixed_dictionaries({"kpi_id": kpis, "date": dates, "value": numbers})
    return {
        "title": texts,
        "vision": texts,
        "description": texts,
        "note": texts,
        "name": texts,
        "body": texts,
        "drucksache": texts,
        "link": st.sampled_from(["https://ris.example/1", "ris.example", "", None]),
        "oparl_id": st.sampled_from(["https://oparl.example/paper/1", "ftp://x", ""]),
        "version": st.sampled_from([1, 2, 0, None, "1"]),
        "kind": st.sampled_from(["wirkungsziel", "operativ", "x", None]),
        "effect": st.sampled_from(["mitarbeitende", "buerger_unternehmen", "", None]),
        "result": st.sampled_from(["beschlossen", "vertagt", "ja"]),
        "status": st.sampled_from(["idee", "in_umsetzung", "gestoppt", "fertig", None]),
        "direction": st.sampled_from(["steigend", "fallend", "oben"]),
        "activity": st.sampled_from(["strategie", "gibt-es-nicht", "", None]),
        "parent_id": goals,
        "goal_id": goals,
        "goal_ids": st.lists(goals, max_size=3),
        "handlungsfeld_ids": st.lists(ids(scene.handlungsfeld.pk, scene.other_handlungsfeld.pk), max_size=3),
        "accountable_role_id": ids(scene.cdo.pk, scene.other_role.pk),
        "owner_role_id": ids(scene.cdo.pk, scene.other_role.pk),
        "responsible_unit_id": ids(w.sachgebiet.pk, w.hauptamt.pk, w.other_unit.pk),
        "measure_id": measures,
        "impact_step_id": ids(1, 2),
        "position": st.integers(-2, 2000),
        "benefit": st.integers(-1, 7),
        "report_period_days": st.integers(0, 1000),
        "decided_on": dates,
        "starts_on": dates,
        "ends_on": dates,
        "baseline_on": dates,
        "target_on": dates,
        "fte": numbers,
        "baseline_value": numbers,
        "target_value": numbers,
        "items": st.one_of(st.lists(item, max_size=4), texts),
        "text": texts,
        "key": texts,
        "framework_field_keys": st.lists(
            st.sampled_from(["steuerung", "lebensqualitaet", "gibt-es-nicht", ""]), max_size=3
        ),
        "gestaltungsfeld_keys": st.lists(st.sampled_from(["steuerung", "lebensqualitaet", "x"]), max_size=3),
        "decision_id": ids(scene.decision.pk, scene.other["decision_id"]),
        "due_on": dates,
        "done_on": dates,
        "reported_on": dates,
        "period_end": dates,
        "year": st.sampled_from([2026, "2027", 1999, 2101, "zweitausend", None]),
        "planned": numbers,
        "spent": numbers,
        "funding_amount": numbers,
        "haushalt_kind": st.sampled_from(["produkt", "kostenstelle", "investition", "konto", None]),
        "likelihood": st.integers(-1, 7),
        "impact": st.integers(-1, 7),
        "mitigation": texts,
        "level": st.sampled_from(["input", "outcome", "wirkung", None]),
        "role_id": ids(scene.cdo.pk, parts.isb.pk, scene.other_role.pk),
        "letter": st.sampled_from(["R", "C", "I", "A", "r", "", "X", None]),
        "depends_on_id": measures,
        "light": st.sampled_from(["gruen", "gelb", "rot", "blau", None]),
        "progress": st.integers(-5, 120),
    }


def _plausible(parts: Parts, route: Any, data: st.DataObject) -> bytes:
    kinds = _kinds(parts)
    fields = FIELDS.get(route.name, ())
    body = data.draw(st.fixed_dictionaries({name: kinds[name] for name in fields}))
    if fields and data.draw(st.integers(0, 3)) == 0:
        body.pop(data.draw(st.sampled_from(fields)))
    if data.draw(st.integers(0, 4)) == 0:
        body[data.draw(st.sampled_from(["kommune_id", "id", "agenda", "source"]))] = data.draw(values)
    return json.dumps(body).encode()


def _path_ids(parts: Parts) -> dict[str, list[int]]:
    scene = parts.scene
    w = scene.world
    draft = AgendaVersion.objects.for_kommune(w.kommune).filter(state="entwurf").first()
    return {
        "agenda_version_id": [scene.version.pk, *([draft.pk] if draft else []), scene.other["agenda_version_id"]],
        "goal_id": [scene.goal.pk, scene.other["goal_id"]],
        "measure_id": [scene.inside.pk, scene.outside.pk, scene.other["measure_id"]],
        "kpi_id": [scene.kpi_inside.pk, scene.kpi_goal.pk, scene.other["kpi_id"]],
        "decision_id": [scene.decision.pk, scene.other["decision_id"]],
        "leitsatz_id": [parts.leitsatz.pk, parts.decided_leitsatz.pk, parts.other["leitsatz_id"]],
        "handlungsfeld_id": [parts.handlungsfeld.pk, parts.decided_handlungsfeld.pk, parts.other["handlungsfeld_id"]],
        **{
            f"{kind}_id": [getattr(parts, kind).pk, parts.outside[kind].pk, parts.other[f"{kind}_id"]]
            for kind in ("milestone", "budget_line", "risk", "impact_step")
        },
        "measure_role_id": [parts.raci.pk, parts.other["measure_role_id"]],
        "dependency_id": [parts.dependency.pk, parts.other["dependency_id"]],
    }


@pytest.fixture(scope="module")
def parts_once(shared_world: World) -> Iterator[Parts]:
    """The agenda of both Kommunen with all its parts, built once per module in a savepoint of the module's world
    (`shared_world`) and rolled back after the module's last test."""
    with transaction.atomic():
        yield agenda_parts(agenda_scene(refreshed(shared_world)))
        transaction.set_rollback(True)


@pytest.fixture
def parts(parts_once: Parts, db: Any) -> Parts:
    """The module's agenda for one test, whose own transaction is rolled back after it (its examples share it)."""
    refreshed(parts_once.scene.world)
    return parts_once


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.name}")
@pytest.mark.parametrize("persona", ["admin", "editor"])
@FUZZ
@given(data=st.data())
def test_random_input_never_breaks_an_agenda_write_route(parts, route, persona, data, known):
    world = parts.scene.world
    body = _plausible(parts, route, data) if data.draw(st.booleans()) else data.draw(bodies)
    if persona not in known:
        known[persona] = ApiClient(token_for(getattr(world, persona)))
    client = known[persona]
    path_ids = _path_ids(parts)
    url = route.url(
        kommune_slug="teststadt", **{p: data.draw(st.sampled_from(path_ids[p])) for p in route.object_params}
    )
    before = state_before(known, _state)
    with CaptureQueriesContext(connection) as queries:
        if route.method == "DELETE":
            version = data.draw(st.sampled_from(["", "?version=1", "?version=2", "?version=x", "?version=-1"]))
            response = client.delete(url, version)
        else:
            content_type = data.draw(st.sampled_from(["application/json", "application/json", "text/plain"]))
            response = client.raw(route.method, url, body, content_type=content_type)
    after = state_after(known, _state, queries, before)
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert after == before, f"{response.status_code} changed data: {response.content[:300]}"
