"""The demo's self-assessment: Musterstadt's two closed surveys with a trend, a perception gap and
a suppressed small unit; the draft, the target profile, the recommendations; Kleinhausen's open link."""

from __future__ import annotations

import random
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from kompass.assessment import results
from kompass.assessment.models import (
    DISTRIBUTION_MIN,
    Campaign,
    CampaignItem,
    CampaignStatus,
    Participant,
    Recommendation,
    RecommendationStatus,
    Response,
    Target,
)
from kompass.demo import assessment as demo_assessment
from kompass.framework.models import Dimension, Field, Framework
from kompass.org.models import OrgUnit
from kompass.roles import rules, selectors
from kompass.tenancy.models import Kommune

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_once(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once for this module's read-only tests; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def musterstadt(_demo_once: str) -> Kommune:
    return Kommune.objects.get(slug="musterstadt")


@pytest.fixture
def kleinhausen(_demo_once: str) -> Kommune:
    return Kommune.objects.get(slug="kleinhausen")


def campaign(kommune: Kommune, title: str) -> Campaign:
    return Campaign.objects.for_kommune(kommune).get(title=title)


def stored(kommune: Kommune, title: str) -> dict[str, Any]:
    data = results.stored(campaign(kommune, title))
    assert data is not None
    return data


def groups(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["key"]: g for g in data["groups"]}


def test_load_demo_names_the_campaigns(_demo_once: str) -> None:
    assert "Selbstbewertung" in _demo_once
    for title in ("Standortbestimmung 2024", "Standortbestimmung 2025", "Standortbestimmung 2026"):
        assert title in _demo_once


def test_musterstadt_has_two_closed_surveys_in_2024_and_2025_and_a_draft(musterstadt: Kommune) -> None:
    campaigns = {c.title: c for c in Campaign.objects.for_kommune(musterstadt)}
    assert set(campaigns) == {"Standortbestimmung 2024", "Standortbestimmung 2025", "Standortbestimmung 2026"}
    for year in (2024, 2025):
        closed = campaigns[f"Standortbestimmung {year}"]
        assert closed.status == CampaignStatus.CLOSED
        assert closed.closed_on is not None and closed.closed_on.year == year
        assert closed.opened_on is not None and closed.opened_on.year == year
        assert closed.dv_reference and closed.dv_date is not None
        assert closed.retention_months == 24
    draft = campaigns["Standortbestimmung 2026"]
    assert draft.status == CampaignStatus.DRAFT
    assert not Participant.objects.for_kommune(musterstadt).filter(campaign=draft).exists()


def test_each_closed_survey_has_about_180_personal_responses(musterstadt: Kommune) -> None:
    for title in ("Standortbestimmung 2024", "Standortbestimmung 2025"):
        closed = campaign(musterstadt, title)
        responses = Response.objects.for_kommune(musterstadt).filter(campaign=closed).count()
        assert 160 <= responses <= 210
        participants = Participant.objects.for_kommune(musterstadt).filter(campaign=closed)
        assert participants.filter(answered_on__isnull=False).count() == responses
        assert not participants.filter(person__isnull=True).exists()  # personal invitations only
        channels = Counter(participants.values_list("channel", flat=True))
        assert channels["mail"] > 150 and channels["brief"] > 20  # outdoor staff get a letter
        assert all(p.answered_on.year == closed.closed_on.year for p in participants.exclude(answered_on=None))


def test_the_questionnaire_asks_about_40_criteria_over_every_dimension(musterstadt: Kommune) -> None:
    closed = campaign(musterstadt, "Standortbestimmung 2025")
    items = CampaignItem.objects.for_kommune(musterstadt).filter(campaign=closed)
    assert 30 <= items.count() <= 40
    dimensions_with_fields = set(
        Field.objects.for_kommune(musterstadt)
        .filter(is_active=True, assessable=True)
        .values_list("dimension__key", flat=True)
    )
    assert set(items.values_list("dimension_key", flat=True)) == dimensions_with_fields
    assert Dimension.objects.for_kommune(musterstadt).count() >= len(dimensions_with_fields)
    earlier = campaign(musterstadt, "Standortbestimmung 2024")
    same = CampaignItem.objects.for_kommune(musterstadt).filter(campaign=earlier)
    assert set(same.values_list("criterion", flat=True)) == set(items.values_list("criterion", flat=True))


def test_the_framework_is_adopted_with_one_optional_field_switched_on(musterstadt: Kommune) -> None:
    assert Framework.objects.for_kommune(musterstadt).exists()
    optional = Field.objects.for_kommune(musterstadt).filter(optional=True)
    assert optional.count() > 1
    assert list(optional.filter(is_active=True).values_list("key", flat=True)) == [demo_assessment.OPTIONAL_FIELD_ON]


def test_the_small_audience_is_merged_into_the_fuehrungskraefte(musterstadt: Kommune) -> None:
    data = stored(musterstadt, "Standortbestimmung 2025")
    assert data["audience_merge"] == {"vorstand": "fuehrung"}
    assert data["participation"]["audiences"]["vorstand"] == 3
    assert "a:vorstand" not in groups(data)


def test_the_small_unit_and_a_complementary_sibling_are_hidden(musterstadt: Kommune) -> None:
    closed = campaign(musterstadt, "Standortbestimmung 2025")
    data = stored(musterstadt, "Standortbestimmung 2025")
    by_key = groups(data)
    small = OrgUnit.objects.for_kommune(musterstadt).get(code=demo_assessment.SMALL_UNIT)
    responses = Response.objects.for_kommune(musterstadt).filter(campaign=closed)
    assert responses.filter(unit=small).count() == demo_assessment.SMALL_UNIT_RESPONDENTS
    assert by_key[f"u:{small.pk}"]["hidden"] and by_key[f"u:{small.pk}"]["n"] is None
    hidden_units = [int(key[2:]) for key, g in by_key.items() if key.startswith("u:") and g["hidden"]]
    large_hidden = [pk for pk in hidden_units if responses.filter(unit_id=pk).count() >= data["k"]]
    assert large_hidden, "a sibling of k or more respondents must be hidden as the complement"
    assert data["suppressed"]["groups"] >= 2
    visible_units = [key for key, g in by_key.items() if g["kind"] == "subunit" and not g["hidden"]]
    assert len(visible_units) >= 3  # the other Dezernate are shown


def test_nothing_below_k_is_stored(musterstadt: Kommune) -> None:
    for title in ("Standortbestimmung 2024", "Standortbestimmung 2025"):
        data = stored(musterstadt, title)
        k = data["k"]
        assert k >= 5
        for group in data["groups"]:
            assert group["hidden"] == (group["n"] is None)
            assert group["hidden"] or group["n"] >= k
            assert group["hidden"] == (group["key"] not in data["stats"])
        for cells in data["stats"].values():
            for cell in cells.values():
                assert cell["n"] is None or cell["n"] >= k
                assert cell["dist"] is None or sum(cell["dist"]) >= max(k, DISTRIBUTION_MIN)
        for group_key, texts in data["comments"].items():
            assert groups(data)[group_key]["n"] >= data["free_text_k"]
            assert texts == sorted(texts)


def test_the_trend_is_visible(musterstadt: Kommune) -> None:
    before = stored(musterstadt, "Standortbestimmung 2024")["fields"]["all"]
    after = stored(musterstadt, "Standortbestimmung 2025")["fields"]["all"]
    assert after["strategie"] >= before["strategie"] + 0.4
    assert after["rollen-verantwortung"] >= before["rollen-verantwortung"] + 0.3
    assert after["ressourcen"] <= before["ressourcen"] - 0.3
    steady = [key for key in before if key not in demo_assessment.TREND_2025]
    assert all(abs(after[key] - before[key]) <= 0.3 for key in steady)
    assert min(after[key] - before[key] for key in after) == after["ressourcen"] - before["ressourcen"]


def test_leadership_rates_higher_than_staff(musterstadt: Kommune) -> None:
    fields = stored(musterstadt, "Standortbestimmung 2025")["fields"]
    leadership, staff = fields["a:fuehrung"], fields["a:mitarbeitende"]
    higher = [key for key in staff if leadership[key] is not None and staff[key] is not None]
    assert sum(leadership[key] > staff[key] for key in higher) >= 0.9 * len(higher)
    assert sum(leadership[key] - staff[key] for key in higher) / len(higher) >= 0.3


def test_staff_see_roles_as_clear_while_the_rollen_check_finds_open_problems(musterstadt: Kommune) -> None:
    staff = stored(musterstadt, "Standortbestimmung 2025")["fields"]["a:mitarbeitende"]
    assert 3.5 <= staff["rollen-verantwortung"] <= 4.2
    findings = rules.run_checks(selectors.check_data(musterstadt))
    assert sum(f.severity in (rules.ERROR, rules.WARNING) for f in findings) >= 3
    # the result page says so, from the evidence stored when the campaign closed
    result = stored(musterstadt, "Standortbestimmung 2025")
    assert result["evidence"]["rollen-verantwortung"]
    from django.test import Client
    from django.urls import reverse

    from kompass.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(
        reverse("assessment:results", args=[musterstadt.slug, campaign(musterstadt, "Standortbestimmung 2025").pk])
    )
    assert "Wahrnehmung und Belege passen nicht" in page.content.decode()


def test_a_target_profile_and_accepted_recommendations_that_became_measures(musterstadt: Kommune) -> None:
    targets = {t.field.key: t for t in Target.objects.for_kommune(musterstadt).select_related("field")}
    assert {"strategie", "rollen-verantwortung", "ressourcen"} <= set(targets)
    recommendations = list(Recommendation.objects.for_kommune(musterstadt).select_related("field", "template"))
    # The self-assessment accepts two; the demo agenda accepts a third and takes all three as measures.
    assert len(recommendations) == 3
    for recommendation in recommendations:
        assert recommendation.status == RecommendationStatus.IN_AGENDA
        assert recommendation.template is not None
        assert recommendation.field.key in recommendation.template.field_keys
        assert recommendation.field.key in targets
        assert recommendation.current_level is not None
        assert recommendation.current_level < recommendation.target_level
        assert recommendation.campaign == campaign(musterstadt, "Standortbestimmung 2025")


def test_kleinhausen_has_an_open_survey_with_an_open_link_and_no_responses(kleinhausen: Kommune) -> None:
    assert Framework.objects.for_kommune(kleinhausen).exists()
    (open_campaign,) = Campaign.objects.for_kommune(kleinhausen)
    assert open_campaign.status == CampaignStatus.OPEN
    assert open_campaign.open_link_enabled and open_campaign.open_token and len(open_campaign.access_code) == 8
    assert open_campaign.starts_on <= open_campaign.opened_on <= open_campaign.ends_on
    assert not Response.objects.for_kommune(kleinhausen).exists()


def test_the_answers_are_drawn_reproducibly() -> None:
    item = CampaignItem(pk=1, criterion_id=7, field_key="strategie")
    model = demo_assessment.AnswerModel([item])
    first = demo_assessment.draw_answers(random.Random("x"), model, [item], 2025, "mitarbeitende")
    again = demo_assessment.draw_answers(random.Random("x"), model, [item], 2025, "mitarbeitende")
    assert first == again
    assert model.mean(item, 2025, "fuehrung") > model.mean(item, 2025, "mitarbeitende")
    assert model.mean(item, 2025, "mitarbeitende") > model.mean(item, 2024, "mitarbeitende")
