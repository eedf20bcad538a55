"""The agenda's pure domain rules: KPI status, priority, impact labels, cycles, version diff, German numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.agenda import kpi_status, priority
from kompass.agenda.dependencies import cycle_text, find_cycle
from kompass.agenda.impact import impact_labels
from kompass.agenda.versions import FieldOfAction, VersionContent, version_diff
from kompass.core.numbers import parse_decimal

START, END = datetime.date(2024, 1, 1), datetime.date(2026, 1, 1)
RISING = kpi_status.Line(Decimal(0), START, Decimal(100), END, "steigend")
FALLING = kpi_status.Line(Decimal(100), START, Decimal(0), END, "fallend")
HALF = datetime.date(2025, 1, 1)  # 366 of 731 days


def test_kpi_status_against_the_straight_line() -> None:
    expected = kpi_status.expected_value(RISING, HALF)
    assert Decimal(50) < expected < Decimal(51)
    assert kpi_status.kpi_status(RISING, expected, HALF).code == kpi_status.IM_PLAN
    assert kpi_status.kpi_status(RISING, expected - 5, HALF).code == kpi_status.IM_PLAN
    assert kpi_status.kpi_status(RISING, expected - 10, HALF).code == kpi_status.GEFAEHRDET
    assert kpi_status.kpi_status(RISING, expected - 20, HALF).code == kpi_status.NICHT_IM_PLAN
    assert kpi_status.kpi_status(RISING, None, None).code == kpi_status.KEINE_WERTE
    assert kpi_status.kpi_status(RISING, None, None).label == "keine Werte"


def test_kpi_status_honours_the_direction() -> None:
    expected = kpi_status.expected_value(FALLING, HALF)
    assert kpi_status.kpi_status(FALLING, expected - 30, HALF).code == kpi_status.IM_PLAN
    assert kpi_status.kpi_status(FALLING, expected + 10, HALF).code == kpi_status.GEFAEHRDET
    assert kpi_status.kpi_status(FALLING, expected + 30, HALF).code == kpi_status.NICHT_IM_PLAN


def test_the_line_stays_at_baseline_before_and_at_target_after() -> None:
    assert kpi_status.expected_value(RISING, datetime.date(2023, 1, 1)) == 0
    assert kpi_status.expected_value(RISING, datetime.date(2030, 1, 1)) == 100


def test_the_explanation_names_the_tolerances() -> None:
    text = kpi_status.explanation()
    assert "5 %" in text and "15 %" in text and "gerade Linie" in text


values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=0, max_value=900)
ORDER = {code: n for n, code in enumerate(kpi_status.STATUS_ORDER)}


@settings(max_examples=150, deadline=None)
@given(value=values, better=st.decimals(min_value=0, max_value=500, places=2), day=days, rising=st.booleans())
def test_a_better_value_never_gets_a_worse_status(value: Decimal, better: Decimal, day: int, rising: bool) -> None:
    line = RISING if rising else FALLING
    on = START + datetime.timedelta(days=day)
    improved = value + better if rising else value - better
    assert ORDER[kpi_status.kpi_status(line, improved, on).code] <= ORDER[kpi_status.kpi_status(line, value, on).code]


@settings(max_examples=100, deadline=None)
@given(day=days, rising=st.booleans())
def test_a_value_on_the_line_is_always_im_plan(day: int, rising: bool) -> None:
    line = RISING if rising else FALLING
    on = START + datetime.timedelta(days=day)
    assert kpi_status.kpi_status(line, kpi_status.expected_value(line, on), on).code == kpi_status.IM_PLAN


def test_priority_score_and_formula() -> None:
    weights = priority.Weights(2, 1, 1)
    assert priority.priority_score(5, 5, 1, weights) == Decimal("5.00")
    assert priority.priority_score(1, 1, 5, weights) == Decimal("1.00")
    assert priority.priority_score(4, 2, 3, weights) == Decimal("3.25")  # (8 + 2 + 3) / 4
    assert priority.priority_score(4, 2, 3, priority.Weights(0, 0, 0)) == Decimal("3.00")
    text = priority.formula_text(weights)
    assert "(2 × Nutzen + 1 × Dringlichkeit + 1 × (6 − Aufwand)) ÷ 4" in text
    assert priority.score_text(Decimal("3.50")) == "3,5"


@settings(max_examples=100, deadline=None)
@given(b=st.integers(1, 5), u=st.integers(1, 5), e=st.integers(1, 5), w=st.tuples(*[st.integers(0, 10)] * 3))
def test_priority_stays_between_one_and_five_and_rises_with_benefit(
    b: int, u: int, e: int, w: tuple[int, int, int]
) -> None:
    weights = priority.Weights(*w)
    score = priority.priority_score(b, u, e, weights)
    assert Decimal(1) <= score <= Decimal(5)
    if b < 5:
        assert priority.priority_score(b + 1, u, e, weights) >= score


def test_impact_labels_kgst_by_default_and_the_last_two_swapped_for_eu() -> None:
    kgst, eu = impact_labels(), impact_labels("eu")
    assert kgst["impact"] == "Impact (Wirkung beim Empfänger)"
    assert kgst["outcome"] == "Outcome (gesellschaftliche Wirkung)"
    assert eu["impact"].startswith("Outcome") and eu["outcome"].startswith("Impact")
    assert kgst["effekt"] == eu["effekt"] == "Effekt (direkte Wirkung)"
    assert list(kgst) == ["input", "output", "effekt", "impact", "outcome"]


def test_cycles_are_found_and_named() -> None:
    assert find_cycle([(1, 2), (2, 3)], (3, 1)) == [3, 1, 2, 3]
    assert find_cycle([(1, 2), (2, 3)], (1, 3)) is None
    assert find_cycle([], (4, 4)) == [4, 4]
    assert cycle_text([3, 1, 2, 3], {1: "A", 2: "B", 3: "C"}) == "C → A → B → C"


def test_version_diff_names_added_removed_and_changed_items() -> None:
    old = VersionContent(
        "Alt",
        ("Nutzen zuerst.", "Sicher und offen."),
        (FieldOfAction("verwaltung", "Verwaltung"), FieldOfAction("schule", "Schule")),
    )
    new = VersionContent(
        "Neu",
        ("Nutzen zuerst.", "Sicher, offen und barrierefrei.", "Gemeinsam mit der Region."),
        (
            FieldOfAction("verwaltung", "Digitale Verwaltung", framework_field_keys=("steuerung",)),
            FieldOfAction("wirtschaft", "Wirtschaft"),
        ),
    )
    diff = version_diff(old, new)
    assert diff.vision == ("Alt", "Neu")
    assert diff.leitsaetze_changed == [("Sicher und offen.", "Sicher, offen und barrierefrei.")]
    assert diff.leitsaetze_added == ["Gemeinsam mit der Region."] and not diff.leitsaetze_removed
    assert [h.key for h in diff.handlungsfelder_added] == ["wirtschaft"]
    assert [h.key for h in diff.handlungsfelder_removed] == ["schule"]
    assert diff.handlungsfelder_changed[0].name == "Digitale Verwaltung"
    assert (
        "Handlungsfeld geändert: Digitale Verwaltung (Name: „Verwaltung“ → „Digitale Verwaltung“; " in diff.lines()[-1]
    )
    assert version_diff(old, old).is_empty


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56 €", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56 EUR", "1234.56"),
        ("-3,5", "-3.5"),
        ("1.234", "1234"),
        ("12.5", "12.5"),
        ("0.125", "0.125"),
    ],
)
def test_german_numbers_are_read(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["zwölf", "1,2,3", "1.23,4", "1e5", "NaN", "1.234.5", ""])
def test_garbage_is_refused_with_a_german_message(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_decimal(text)
    assert "Zahl" in exc.value.messages[0]


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_number_written_the_german_way_reads_back(value: Decimal) -> None:
    whole, _sep, cents = f"{abs(value):,.2f}".partition(".")
    text = ("-" if value < 0 else "") + whole.replace(",", ".") + "," + cents + " €"
    assert parse_decimal(text) == value
