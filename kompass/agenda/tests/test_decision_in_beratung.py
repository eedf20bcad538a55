"""A council decision still in deliberation ("in Beratung"): it has no result yet, is shown with that
word wherever results are shown, and cannot confirm an agenda version."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kompass.agenda import council_report, services
from kompass.agenda.council_report import ReportOptions
from kompass.agenda.models import CouncilDecision, DecisionResult
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import draft, url

pytestmark = pytest.mark.django_db


def pending(world: Any, decided_on: str = "12.11.2026") -> CouncilDecision:
    return services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "body": "Rat",
            "decided_on": decided_on,
            "drucksache": "0298/2026",
            "title": "Haushalt 2027",
            "result": "in_beratung",
        },
    )


def test_in_beratung_is_a_result_with_its_german_label() -> None:
    assert DecisionResult.IN_BERATUNG == "in_beratung"
    assert str(DecisionResult.IN_BERATUNG.label) == "in Beratung"
    assert len(DecisionResult.IN_BERATUNG) <= CouncilDecision._meta.get_field("result").max_length  # type: ignore[operator]


def test_a_decision_in_beratung_is_stored_and_listed_with_its_label(world: Any) -> None:
    decision = pending(world)
    assert decision.result == DecisionResult.IN_BERATUNG
    assert decision.get_result_display() == "in Beratung"
    client = world.client_for(world.reader)
    for page in (client.get(url("decision_list")), client.get(url("decision_detail", decision.pk))):
        assert page.status_code == 200
        assert "in Beratung" in page.content.decode()


def test_the_decision_form_offers_in_beratung_and_stores_it(world: Any) -> None:
    client = world.client_for(world.admin)
    form = client.get(url("decision_create")).content.decode()
    assert 'value="in_beratung"' in form and "in Beratung" in form
    response = client.post(
        url("decision_create"),
        {"body": "Hauptausschuss", "decided_on": "26.11.2026", "result": "in_beratung"},
    )
    assert response.status_code == 302
    stored = CouncilDecision.objects.for_kommune(world.kommune).get(body="Hauptausschuss")
    assert stored.result == DecisionResult.IN_BERATUNG


def test_a_decision_in_beratung_cannot_confirm_an_agenda_version(world: Any) -> None:
    version = draft(world)
    decision = pending(world, "12.11.2025")
    with pytest.raises(ValidationError) as refused:
        services.version_decide(
            kommune=world.kommune,
            actor=world.admin,
            version=version,
            data={"decided_on": "12.11.2025", "decision": decision.pk},
        )
    assert "„in Beratung“" in str(refused.value.message_dict["decision"])
    offered = world.client_for(world.admin).get(url("version_decide", version.pk)).content.decode()
    assert f'<option value="{decision.pk}"' not in offered and "0298/2026" not in offered


def test_the_council_report_names_the_result_in_words(world: Any) -> None:
    factories.decided_agenda(world)
    today = timezone.localdate()
    past = pending(world, (today - datetime.timedelta(days=10)).isoformat())
    coming = services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"body": "Rat", "decided_on": (today + datetime.timedelta(days=20)).isoformat(), "result": "in_beratung"},
    )
    report = council_report.build(world.kommune, ReportOptions(today))
    # still in Beratung: open whatever its date, and not among the decisions taken
    assert past.title not in {row.title for row in report.decisions}
    open_rows = {row.date: row.result for row in report.open_decisions}
    assert open_rows[f"{past.decided_on:%d.%m.%Y}"] == "in Beratung"
    assert open_rows[f"{coming.decided_on:%d.%m.%Y}"] == "in Beratung"
