"""The one KPI chart: the KPI's page and the measure's page show the same picture of a KPI (drawn by
`agenda.charts.kpi_chart` through the shared chart layer), each with its data table."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.agenda import charts
from kompass.agenda.models import KPIValue
from kompass.agenda.tests import factories_kpis as fk
from kompass.conftest import World
from kompass.reports.charts import Chart

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def _measure_chart(response: Any, title: str) -> Chart:
    """The chart named `title` among the KPIs the measure page shows."""
    context = response.context
    items = [item for _level, items in context["levels"] for item in items] + list(context["other_kpis"])
    found = [chart for _view, chart, _url in items if chart.title == title]
    assert len(found) == 1, f"expected one chart {title!r}"
    return found[0]


def _kpi_chart(response: Any) -> Chart:
    chart = response.context["chart"]
    assert isinstance(chart, Chart)
    return chart


def test_the_kpi_page_and_the_measure_page_draw_the_same_chart(world: World, reader_client: Client) -> None:
    s = fk.scene(world)  # the KPI of "Gewerbeanmeldung online": baseline 01.01.2025, target 01.01.2027
    fk.value(world, s.inside_kpi, "2025-03-05", "20")
    fk.value(world, s.inside_kpi, "2025-03-25", "22")
    fk.value(world, s.inside_kpi, "2026-02-01", "41")
    title = f"Verlauf: {s.inside_kpi.name}"

    on_kpi_page = _kpi_chart(reader_client.get(url("kpi_detail", s.inside_kpi.pk)))
    on_measure_page = _measure_chart(reader_client.get(url("measure_detail", s.inside.pk)), title)

    assert on_kpi_page.title == title
    assert on_kpi_page.svg == on_measure_page.svg and on_kpi_page.table == on_measure_page.table
    values = list(KPIValue.objects.for_kommune(world.kommune).filter(kpi=s.inside_kpi))
    assert charts.kpi_chart(s.inside_kpi, values).svg == on_kpi_page.svg
    # A calendar axis with the month's last value, as the data table next to the chart shows it.
    rows = {row[0]: row for row in on_measure_page.table.rows}
    assert rows["03/2025"][1] == "22 %" and rows["02/2026"][1] == "41 %" and rows["04/2025"][1] == "–"


def test_the_chart_changes_with_a_new_value(world: World, reader_client: Client) -> None:
    """The chart layer keeps drawn charts by their arguments: a new value is a new chart, never a stale one."""
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2025-03-05", "20")
    title = f"Verlauf: {s.inside_kpi.name}"
    before = _measure_chart(reader_client.get(url("measure_detail", s.inside.pk)), title)
    fk.value(world, s.inside_kpi, "2025-06-05", "33")
    after = _measure_chart(reader_client.get(url("measure_detail", s.inside.pk)), title)
    assert before.svg != after.svg
    assert {row[0]: row[1] for row in after.table.rows}["06/2025"] == "33 %"


def _number(text: str) -> float:
    return float(text.split()[0].replace("−", "-").replace(".", "").replace(",", "."))


def test_the_plan_line_is_straight_where_the_measured_values_stop(world: World) -> None:
    """Each point of the plan line stands for its month alike (its last day): no flat step between
    the months with values (measured at their end) and those without."""
    s = fk.scene(world)  # baseline 01.01.2025 (value 10), target 01.01.2027 (value 60)
    for day, number in (("2025-01-31", "11"), ("2025-02-28", "13"), ("2025-03-31", "15"), ("2025-04-30", "17")):
        fk.value(world, s.inside_kpi, day, number)
    values = list(KPIValue.objects.for_kommune(world.kommune).filter(kpi=s.inside_kpi))
    rows = charts.kpi_chart(s.inside_kpi, values).table.rows
    plan = [_number(row[2]) for row in rows]
    steps = [later - earlier for earlier, later in itertools.pairwise(plan[:-1])]  # up to the target month
    assert min(steps) > 0.8 * max(steps), steps  # months of 28 to 31 days, never a step of one day
    assert plan[-1] == 60 and plan[0] < plan[1]
