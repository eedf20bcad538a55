"""The agenda of the benchmark profile (`bench_agenda`), at a small scale, and the bench's agenda
measurements. Apart from the demo's tests: those load the demo once per module, and the demo's
accounts would collide with the test world's."""

from __future__ import annotations

import pytest
from django.test import Client

from kompass.accounts.services import api_token_create
from kompass.agenda.models import (
    AgendaVersion,
    BudgetLine,
    KPIValue,
    Measure,
    MeasureStatus,
    StatusReport,
    VersionState,
)
from kompass.conftest import World
from kompass.demo import bench_agenda
from kompass.demo.management.commands import bench

# --- the agenda of the benchmark profile, at a small scale ------------------------------------------

SMALL = {"MEASURES": 10, "KPIS_PER_MEASURE": 2, "KPIS": 20, "MONTHS": 6, "VALUES": 120}
AGENDA_PAGES = [p for p in bench.PAGES if p.label.startswith("Agenda:")]


@pytest.fixture
def small_agenda(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    for name, value in SMALL.items():
        monkeypatch.setattr(bench_agenda, name, value)
    bench_agenda.generate_agenda_profile(world.kommune)
    return world


def _bench_context(world: World) -> bench.BenchContext:
    _token, secret = api_token_create(user=world.admin, name="Bench-Test")
    ctx = bench.BenchContext(slug=world.kommune.slug, admin=world.admin, kommune=world.kommune,
                             amt=world.ordnungsamt, dezernat=world.dezernat, head=world.alice, api_token=secret)  # fmt: skip
    ctx.measure = bench_agenda.bench_measure(world.kommune)
    return ctx


def test_the_bench_agenda_has_its_measures_kpis_and_values(small_agenda: World) -> None:
    kommune = small_agenda.kommune
    assert bench_agenda.agenda_profile_present(kommune)
    measures = Measure.objects.for_kommune(kommune)
    assert len(set(measures.values_list("status", flat=True))) >= 4
    assert KPIValue.objects.for_kommune(kommune).count() == 120
    assert StatusReport.objects.for_kommune(kommune).exists()
    assert BudgetLine.objects.for_kommune(kommune).count() == 30
    assert AgendaVersion.objects.for_kommune(kommune).get().state == VersionState.BESCHLOSSEN
    assert bench_agenda.bench_measure(kommune).status == MeasureStatus.IN_UMSETZUNG


def test_the_bench_measures_the_agenda_pages_with_their_budgets() -> None:
    budgets = {p.label: p.budget_ms for p in AGENDA_PAGES}
    assert budgets == {
        "Agenda: Baum": 100,
        "Agenda: Portfolio": 100,
        "Agenda: Maßnahme, Detail": 100,
        "Agenda: Board": 100,
        "Agenda: Kennzahlen, Liste": 100,
        "Agenda: Sachstandsbericht (PDF)": 5000,
        "Agenda: öffentliche Seite (Cache)": 20,
        "Agenda: öffentliche Kennzahlen, Seite 2 (Cache)": 20,
    }
    assert bench.KPI_IMPORT_BUDGET_S == 10


@pytest.mark.parametrize("page", AGENDA_PAGES, ids=lambda p: p.label)
def test_every_agenda_page_of_the_bench_answers_or_is_not_there_yet(
    small_agenda: World, admin_client: Client, page: bench.Page
) -> None:
    ctx = _bench_context(small_agenda)
    result = bench.measure_page(admin_client, page, ctx, runs=1, warmups=1)
    assert result.verdict in {"OK", "ÜBER BUDGET", "NICHT VORHANDEN"}, f"{page.label}: {result.verdict}"


def test_the_kpi_import_measurement_imports_every_value_and_removes_them_again(small_agenda: World) -> None:
    kommune = small_agenda.kommune
    before = KPIValue.objects.for_kommune(kommune).count()
    result = bench.measure_kpi_import(_bench_context(small_agenda))
    assert result.verdict in {"OK", "ÜBER BUDGET"}, result.verdict
    assert result.label == "Import 120 Kennzahlenwerte (CSV)"
    assert KPIValue.objects.for_kommune(kommune).count() == before
