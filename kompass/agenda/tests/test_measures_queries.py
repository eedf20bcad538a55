"""The measure pages cost the same number of queries however many measures, milestones, budget lines,
KPIs and values there are (no N+1): counted before and after the data grew."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.tests import factories as f
from kompass.agenda.tests import factories_measures as fm
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


PAGES: dict[str, Callable[[fm.Scene], str]] = {
    "portfolio": lambda s: reverse("agenda:portfolio", args=[SLUG]),
    "portfolio filtered": lambda s: (
        reverse("agenda:portfolio", args=[SLUG]) + f"?einheit={s.world.ordnungsamt.pk}&status=geplant&sort=-budget"
    ),
    "bubble": lambda s: reverse("agenda:bubble", args=[SLUG]),
    "roadmap": lambda s: reverse("agenda:roadmap", args=[SLUG]),
    "board": lambda s: reverse("agenda:board", args=[SLUG]),
    "detail": lambda s: reverse("agenda:measure_detail", args=[SLUG, s.inside.pk]),
}


def _grow_the_measure(world: World, s: fm.Scene, n: int) -> None:
    """More of everything that hangs on one measure."""
    k, a = world.kommune, world.admin
    for i in range(n):
        services.milestone_create(kommune=k, actor=a, measure=s.inside, data={"title": f"M{i}", "due_on": "01.09.2026"})
        services.budget_line_create(
            kommune=k, actor=a, measure=s.inside, data={"year": 2027 + i, "planned": "10", "haushalt_kind": "produkt"}
        )
        services.risk_create(kommune=k, actor=a, measure=s.inside, data={"title": f"R{i}"})
        step = services.impact_step_create(
            kommune=k, actor=a, measure=s.inside, data={"level": "output", "text": f"S{i}"}
        )
        kpi = f.kpi(world, f"Kennzahl {i}", measure=s.inside.pk, impact_step=step.pk if i % 2 else None)
        for month in range(1, 4):
            services.kpi_value_record(kommune=k, actor=a, kpi=kpi, measured_on=f"01.0{month}.2026", value=str(month))
        services.measure_role_set(
            kommune=k, actor=a, measure=s.inside, role=f.role(world, f"r{i}", f"Rolle {i}"), letter="C"
        )
        services.status_report_create(
            kommune=k,
            actor=a,
            measure=s.inside,
            data={"period_end": "31.03.2026", "light": "gruen", "progress": 10 * i},
        )


@pytest.mark.parametrize("page", list(PAGES))
def test_a_measure_page_costs_the_same_queries_with_more_data(world: World, page: str) -> None:
    s = fm.scene(world)
    client = world.client_for(world.editor)  # the limited editor: the board asks her rights per card
    target = PAGES[page](s)
    _count(client, target)  # warm the session and the caches
    before = _count(client, target)
    fm.grow(world, 12, s)
    _grow_the_measure(world, s, 6)
    after = _count(client, target)
    assert after == before, f"{page}: {before} queries before, {after} after the data grew"
