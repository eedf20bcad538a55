"""Evidence next to perception: the Rollen-Check's signals and the sentence where the two disagree."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.assessment import evidence
from kompass.assessment.tests.results_scenario import answer, campaign, close
from kompass.core.extensions import EVIDENCE_PROVIDERS, EvidenceSignal
from kompass.factories import orgunit, person
from kompass.framework.tests.catalogue_fixture import adopted_framework
from kompass.org.models import OrgUnitType
from kompass.roles import evidence as role_evidence
from kompass.roles import services as role_services
from kompass.roles.rules import Finding

CORE = ("cdo", "cio", "isb", "dsb")


def core_roles(world: Any, *filled: str) -> None:
    """The four core roles; those named in `filled` held by Alice."""
    for marker in CORE:
        role = role_services.role_create(
            kommune=world.kommune, actor=world.admin, data={"name": f"Rolle {marker.upper()}", "markers": [marker]}
        )
        if marker in filled:
            role_services.assignment_create(
                kommune=world.kommune,
                actor=world.admin,
                data={
                    "person": world.alice,
                    "role": role,
                    "time_share": Decimal(10),
                    "valid_from": datetime.date(2025, 1, 1),
                },
            )


def signals(world: Any) -> dict[str, EvidenceSignal]:
    return {str(s.label): s for s in role_evidence.collect(world.kommune)["rollen-verantwortung"]}


def signal(label: str, rating: str, value: str = "x") -> evidence.Signal:
    return evidence.Signal("Rollen-Check", EvidenceSignal(label=label, value=value, rating=rating))


# --- the Rollen-Check as evidence ------------------------------------------------------------------


def test_the_role_model_registers_the_rollen_check_for_roles_and_responsibility() -> None:
    provider = EVIDENCE_PROVIDERS.get("roles.check")
    assert provider is not None and provider.field_keys == ("rollen-verantwortung",)
    EVIDENCE_PROVIDERS.check()


def test_without_a_role_model_the_evidence_is_weak(world: Any) -> None:
    found = signals(world)
    assert found["Rollenmodell"].rating == "schwach"
    assert found["Rollenmodell"].url == reverse("roles:checks", args=[world.kommune.slug])


def test_unfilled_core_roles_are_weak_evidence(world: Any) -> None:
    core_roles(world)
    found = signals(world)
    assert found["Kernrollen besetzt"].value == "0 von 4" and found["Kernrollen besetzt"].rating == "schwach"
    assert "CIO" in found["Kernrollen besetzt"].detail
    assert found["Befunde des Rollen-Checks"].rating == "schwach"


def test_only_a_missing_cdo_is_medium_and_all_filled_is_good(world: Any) -> None:
    core_roles(world, "cio", "isb", "dsb")
    found = signals(world)
    assert found["Kernrollen besetzt"].value == "3 von 4" and found["Kernrollen besetzt"].rating == "mittel"
    missing = [Finding("kernrolle.cdo", "warnung", "t", "e", "s")]
    assert role_evidence.core_roles_signal(missing).rating == "mittel"
    assert role_evidence.core_roles_signal([]).rating == "gut"


def test_findings_and_lotsen_coverage_are_rated_by_their_documented_steps() -> None:
    assert role_evidence.findings_signal({"fehler": 1, "warnung": 0}).rating == "schwach"
    assert role_evidence.findings_signal({"fehler": 0, "warnung": 2}).value == "0 Fehler, 2 Warnungen"
    assert role_evidence.findings_signal({"fehler": 0, "warnung": 2}).rating == "mittel"
    assert role_evidence.findings_signal({"fehler": 0, "warnung": 0}).rating == "gut"
    assert [role_evidence.coverage_signal(p, 1, 2).rating for p in (100, 80, 79, 50, 49, 0)] == [
        "gut",
        "gut",
        "mittel",
        "mittel",
        "schwach",
        "schwach",
    ]


def test_the_signals_cost_the_same_queries_for_few_and_many_units(world: Any) -> None:
    core_roles(world, "cio")
    with CaptureQueriesContext(connection) as few:
        role_evidence.collect(world.kommune)
    for n in range(12):
        unit = orgunit(world.kommune, f"F{n}", f"Fachbereich {n}", OrgUnitType.FACHBEREICH, world.root)
        person(world.kommune, f"P{n}", "Test", unit)
    with CaptureQueriesContext(connection) as many:
        role_evidence.collect(world.kommune)
    assert len(few) == len(many)


# --- perception against evidence ------------------------------------------------------------------


def test_disagreement_when_rated_high_but_a_signal_is_weak_or_low_but_all_are_good() -> None:
    weak = [signal("Kernrollen besetzt", "schwach", "1 von 4"), signal("Lotsen-Abdeckung", "gut")]
    sentence = evidence.disagreement(3.8, weak)
    assert "weit entwickelt (3,8)" in sentence and "Kernrollen besetzt: 1 von 4" in sentence
    assert evidence.disagreement(3.4, weak) == ""
    good = [signal("Kernrollen besetzt", "gut"), signal("Lotsen-Abdeckung", "gut")]
    assert "wenig entwickelt (2,0)" in evidence.disagreement(2.0, good)
    assert evidence.disagreement(2.1, good) == ""
    assert evidence.disagreement(1.5, [*good, signal("Befunde", "mittel")]) == ""
    assert evidence.disagreement(None, weak) == "" and evidence.disagreement(4.5, []) == ""


def test_result_page_says_so_when_staff_rate_roles_high_but_core_roles_are_unfilled(world: Any, tmp_path: Any) -> None:
    adopted_framework(world.kommune, tmp_path / "fw")
    core_roles(world)  # none filled
    camp = campaign(world, unit_depth=0)
    answer(camp, world.hauptamt, "mitarbeitende", lambda item: 5 if item.field_key == "rollen-verantwortung" else 2, 12)
    camp = close(world, camp)
    html = (
        world.client_for(world.reader)
        .get(reverse("assessment:results", args=[world.kommune.slug, camp.pk]))
        .content.decode()
    )
    assert "Wahrnehmung und Belege passen nicht zusammen" in html
    assert "weit entwickelt (5,0)" in html and "Kernrollen besetzt: 0 von 4" in html
    assert html.count("Wahrnehmung und Belege passen nicht zusammen") == 2  # the alert and the field's row
    assert reverse("roles:checks", args=[world.kommune.slug]) in html


def test_fields_without_a_provider_get_no_evidence(world: Any) -> None:
    found = evidence.for_fields(world.kommune, {"daten": 2.0, "rollen-verantwortung": 4.0})
    assert set(found) == {"rollen-verantwortung"}


@pytest.mark.parametrize("rating", ["gut", "mittel", "schwach"])
def test_signal_ratings_read_in_german(rating: str) -> None:
    assert signal("x", rating).rating_label == rating


def test_the_evidence_is_taken_when_the_campaign_closes_and_the_page_does_not_ask_again(
    world: Any, tmp_path: Any
) -> None:
    """Perception and evidence of the same moment; a result page never runs another module's checks."""
    from kompass.core.extensions import EvidenceProvider

    calls: list[int] = []

    def collect(kommune: Any) -> dict[str, list[EvidenceSignal]]:
        calls.append(1)
        return {
            "rollen-verantwortung": [EvidenceSignal(label="Stichprobe", value=f"Aufruf {len(calls)}", rating="schwach")]
        }

    adopted_framework(world.kommune, tmp_path / "fw")
    EVIDENCE_PROVIDERS.unregister("roles.check")
    EVIDENCE_PROVIDERS.register(
        EvidenceProvider(key="test.counting", title="Zähler", field_keys=("rollen-verantwortung",), collect=collect)
    )
    try:
        camp = campaign(world, unit_depth=0)
        answer(camp, world.hauptamt, "mitarbeitende", 5, 6)
        camp = close(world, camp)
        assert len(calls) == 1
        html = world.client_for(world.reader).get(reverse("assessment:results", args=[world.kommune.slug, camp.pk]))
        assert "Aufruf 1" in html.content.decode()
        assert len(calls) == 1
    finally:
        EVIDENCE_PROVIDERS.unregister("test.counting")
        EVIDENCE_PROVIDERS.register(_ROLE_PROVIDER)


_ROLE_PROVIDER = EVIDENCE_PROVIDERS["roles.check"]


def test_near_level_four_with_open_findings_is_named_as_a_milder_disagreement() -> None:
    middling = [evidence.Signal("Rollen-Check", EvidenceSignal(label="Befunde", value="9 Warnungen", rating="mittel"))]
    assert "nicht ganz zusammen" in evidence.disagreement(3.8, middling)
    assert "9 Warnungen" in evidence.disagreement(3.8, middling)
    assert evidence.disagreement(3.7, middling) == ""
