"""The strategy's list pages and the start page's panel cost the same number of queries whatever the
number of Handlungsfelder, goals, measures, KPIs and council decisions (no N+1)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import decision, draft, fields, goal, handlungsfeld, url

pytestmark = pytest.mark.django_db


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


def _grow(world: Any, version: Any, n: int, start: int) -> None:
    """n more Handlungsfelder, each with a Wirkungsziel and an operative goal (one with a KPI and a
    value), two measures (one with a status report) and a council decision linked to a report."""
    plain, _outside = fields(world) if start == 0 else (None, None)
    for i in range(start, start + n):
        hf = handlungsfeld(world, version, f"Handlungsfeld {i}", [plain.key] if plain else [])
        wz = goal(world, f"Wirkungsziel {i}", handlungsfelder=[hf.pk])
        goal(world, f"Operativ {i}", kind="operativ", parent=wz.pk, handlungsfelder=[hf.pk])
        kpi = factories.kpi(world, f"Kennzahl {i}", goal=wz.pk)
        services.kpi_value_record(
            kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on="2025-06-01", value="20"
        )
        m = factories.measure(world, f"Maßnahme {i}", handlungsfelder=[hf.pk], goals=[wz.pk], status="in_umsetzung")
        factories.measure(world, f"Zweite Maßnahme {i}", handlungsfelder=[hf.pk], starts_on=datetime.date(2020, 1, 1))
        d = decision(world, drucksache=f"{i}/2025")
        services.status_report_create(
            kommune=world.kommune,
            actor=world.admin,
            measure=m,
            data={"period_end": "2025-06-30", "light": "gruen", "progress": "40", "text": "läuft", "decision": d.pk},
        )


def test_strategy_pages_and_panel_are_constant_in_the_size_of_the_agenda(world: Any) -> None:
    version = draft(world)
    client = world.client_for(world.admin)
    _grow(world, version, 2, 0)
    wz = goal(world, "Gemessenes Ziel")
    hf = handlungsfeld(world, version, "Mit vielen")
    targets = [
        url("overview"),
        url("goal_list"),
        url("decision_list"),
        url("version_list"),
        url("version_detail", version.pk),
        url("handlungsfeld_detail", hf.pk),
        url("goal_detail", wz.pk),
        reverse("ui:dashboard", args=["teststadt"]),
    ]
    for i in range(3):
        factories.kpi(world, f"Kennzahl am Ziel {i}", goal=wz.pk)
        factories.measure(world, f"Maßnahme am Feld {i}", handlungsfelder=[hf.pk], goals=[wz.pk])
    before = {target: _count(client, target) for target in targets}
    _grow(world, version, 6, 2)
    for i in range(3, 12):
        factories.kpi(world, f"Kennzahl am Ziel {i}", goal=wz.pk)
        factories.measure(world, f"Maßnahme am Feld {i}", handlungsfelder=[hf.pk], goals=[wz.pk])
    after = {target: _count(client, target) for target in targets}
    assert after == before


def test_the_panel_reads_in_a_fixed_number_of_queries(world: Any) -> None:
    from kompass.agenda import selectors_strategy

    version = draft(world)
    _grow(world, version, 1, 0)
    with CaptureQueriesContext(connection) as small:
        selectors_strategy.panel(world.kommune)
    _grow(world, version, 5, 1)
    with CaptureQueriesContext(connection) as large:
        state = selectors_strategy.panel(world.kommune)
    assert len(large.captured_queries) == len(small.captured_queries) <= 9
    assert state is not None and state.measure_total == 12 and state.kpi_total == 6
