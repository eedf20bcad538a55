"""The agenda's evidence for the self-assessment's Steuerung fields."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kompass.agenda import evidence, services
from kompass.agenda.models import Measure, MeasureStatus
from kompass.agenda.tests import factories
from kompass.core.extensions import EVIDENCE_PROVIDERS


def signals(world: Any) -> dict[str, list[Any]]:
    return evidence.collect(world.kommune)


def test_the_provider_is_registered_for_the_steuerung_fields() -> None:
    provider = EVIDENCE_PROVIDERS["agenda.steuerung"]
    assert set(provider.field_keys) == {"strategie", "wirkungsorientierung", "steuerungskreislauf"}


def test_without_agenda_the_strategy_is_weak_and_nothing_else_is_said(world: Any) -> None:
    found = signals(world)
    assert list(found) == ["strategie"]
    assert found["strategie"][0].rating == "schwach" and found["strategie"][0].value == "noch nicht angelegt"


def test_a_draft_is_fair(world: Any) -> None:
    factories.agenda(world)
    assert signals(world)["strategie"][0].rating == "mittel"


def test_a_decided_version_is_good(world: Any) -> None:
    factories.decided_agenda(world)
    strategy = signals(world)["strategie"][0]
    assert strategy.rating == "gut" and strategy.value == "Fassung 1 beschlossen 20.03.2025"


@pytest.mark.parametrize(
    ("part", "whole", "rating"), [(4, 5, "gut"), (3, 5, "mittel"), (2, 5, "schwach"), (0, 0, "schwach")]
)
def test_shares_are_rated_on_one_scale(part: int, whole: int, rating: str) -> None:
    assert evidence.share_rating(part, whole) == rating


def test_goals_with_kpi_and_current_values_and_reports_on_time_are_counted(world: Any) -> None:
    factories.decided_agenda(world)
    today = datetime.date.today()
    with_kpi = services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"kind": "wirkungsziel", "title": "Schneller", "effect": "buerger_unternehmen"},
    )
    services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"kind": "wirkungsziel", "title": "Ohne Kennzahl", "effect": "mitarbeitende"},
    )
    kpi = factories.kpi(world, goal=with_kpi.pk, baseline_on=(today - datetime.timedelta(days=400)).isoformat())
    services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on=today, value="20")
    running = factories.measure(world, "Läuft", starts_on=(today - datetime.timedelta(days=200)).isoformat())
    Measure.objects.for_kommune(world.kommune).filter(pk=running.pk).update(status=MeasureStatus.IN_UMSETZUNG)
    found = signals(world)
    goals, values = found["wirkungsorientierung"]
    assert (goals.label, goals.value, goals.rating) == ("Ziele mit Kennzahl", "1 von 2 (50 %)", "mittel")
    assert (values.value, values.rating) == ("1 von 1 (100 %)", "gut")
    [reports] = found["steuerungskreislauf"]
    assert (reports.value, reports.rating) == ("0 von 1 (0 %)", "schwach")  # started 200 days ago, never reported
