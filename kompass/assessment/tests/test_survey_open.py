"""The open link of a campaign: access code, audience, optional unit, then the personal pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.assessment import services
from kompass.assessment.models import Campaign, Participant
from kompass.assessment.tests.test_survey import framework, items, make_campaign, open_campaign, url
from kompass.assessment.views_survey import OPEN_LINK_COOKIE
from kompass.conftest import World

__all__ = ["framework"]  # the fixture, imported for the tests below


@pytest.fixture
def open_link(world: World, framework: Any) -> Campaign:
    """An open campaign with an open link, reported down to the Ämter (depth 3)."""
    campaign = make_campaign(world, open_link_enabled=True, unit_depth=3)
    return open_campaign(world, campaign)


def open_url(campaign: Campaign, slug: str = "teststadt") -> str:
    return reverse("public:survey_open", kwargs={"kommune_slug": slug, "open_token": campaign.open_token})


def participants(world: World) -> Any:
    return Participant.objects.for_kommune(world.kommune)


def test_the_open_link_asks_for_the_code_first_and_shows_no_unit_without_it(open_link: Campaign) -> None:
    response = Client().get(open_url(open_link))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    assert 'name="code"' in text and "Zugangscode" in text
    assert 'name="audience"' not in text and 'name="unit"' not in text and "Ordnungsamt" not in text
    wrong = Client().post(open_url(open_link), {"code": "FALSCH12"})
    assert wrong.status_code == 400 and "Der Zugangscode stimmt nicht." in wrong.content.decode()
    assert "Ordnungsamt" not in wrong.content.decode() and 'name="audience"' not in wrong.content.decode()


def test_with_the_code_it_asks_the_audience_and_optionally_the_unit(open_link: Campaign) -> None:
    response = Client().post(open_url(open_link), {"code": open_link.access_code.lower()})
    assert response.status_code == 200
    text = response.content.decode()
    assert f'type="hidden" name="code" value="{open_link.access_code}"' in text and 'name="schritt"' in text
    for label in ("Verwaltungsvorstand", "Führungskräfte", "Lotsinnen und Lotsen", "Mitarbeitende"):
        assert label in text
    assert text.count('type="radio" name="audience"') == 4
    # units down to the reporting depth (3: Verwaltungsvorstand › Dezernat › Ämter), not below it
    assert "Dezernat I" in text and "32 Ordnungsamt" in text and "Gewerbe" not in text
    assert "optional" in text and "nur für Einheiten mit mindestens 5 Antworten" in text


def test_the_second_step_without_a_choice_says_so_and_a_forged_code_goes_back_to_the_first(
    world: World, open_link: Campaign
) -> None:
    missing = Client().post(open_url(open_link), {"code": open_link.access_code, "schritt": "angaben"})
    assert missing.status_code == 400 and "Bitte eine der Gruppen wählen." in missing.content.decode()
    forged = Client().post(open_url(open_link), {"code": "FALSCH12", "schritt": "angaben", "audience": "fuehrung"})
    text = forged.content.decode()
    assert forged.status_code == 400 and "Der Zugangscode stimmt nicht." in text and 'name="audience"' not in text
    assert not participants(world).exists()


def test_without_reporting_by_unit_no_unit_is_asked(world: World, framework: Any) -> None:
    campaign = open_campaign(world, make_campaign(world, open_link_enabled=True, unit_depth=0))
    text = Client().post(open_url(campaign), {"code": campaign.access_code}).content.decode()
    assert 'name="unit"' not in text and 'name="audience"' in text


def test_a_wrong_access_code_is_a_field_error_and_nobody_joins(world: World, open_link: Campaign) -> None:
    response = Client().post(open_url(open_link), {"code": "FALSCH12", "audience": "mitarbeitende"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Der Zugangscode stimmt nicht." in text and 'href="#id_code"' in text
    assert not participants(world).exists()
    assert OPEN_LINK_COOKIE not in response.cookies


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Bitte eine der Gruppen wählen."),
        ({"audience": "buergermeister"}, "Bitte eine der angebotenen Gruppen wählen."),
        ({"audience": ""}, "Bitte eine der Gruppen wählen."),
        ({"audience": "mitarbeitende", "unit": "999999"}, "Bitte eine der angebotenen Organisationseinheiten wählen."),
        ({"audience": "mitarbeitende", "unit": "abc"}, "Bitte eine der angebotenen Organisationseinheiten wählen."),
        ({"audience": "mitarbeitende", "code": ""}, "Bitte den Zugangscode eingeben."),
        ({"audience": "mitarbeitende", "code": "A\x00B"}, "Nullzeichen"),
    ],
)
def test_bad_choices_are_field_errors_and_nobody_joins(
    world: World, open_link: Campaign, data: dict[str, str], message: str
) -> None:
    response = Client().post(open_url(open_link), {"code": open_link.access_code, "schritt": "angaben", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not participants(world).exists()


def test_a_unit_of_another_kommune_cannot_be_chosen(world: World, open_link: Campaign) -> None:
    response = Client().post(
        open_url(open_link), {"code": open_link.access_code, "audience": "fuehrung", "unit": str(world.other_unit.pk)}
    )
    assert response.status_code == 400
    assert "GEHEIM" not in response.content.decode()
    assert not participants(world).exists()


def test_the_right_code_leads_to_the_personal_pages_and_keeps_the_token_in_a_narrow_cookie(
    world: World, open_link: Campaign
) -> None:
    client = Client()
    response = client.post(
        open_url(open_link),
        {"code": f" {open_link.access_code.lower()} ", "audience": "fuehrung", "unit": str(world.sachgebiet.pk)},
    )
    assert response.status_code == 400, "Gewerbe lies below the reporting depth and is not offered"
    response = client.post(
        open_url(open_link),
        {"code": open_link.access_code.lower(), "audience": "fuehrung", "unit": str(world.ordnungsamt.pk)},
        secure=True,
    )
    assert response.status_code == 302
    joined = participants(world).get()
    assert joined.channel == "offen" and joined.audience == "fuehrung" and joined.unit_id == world.ordnungsamt.pk
    assert joined.person_id is None and joined.email == ""
    cookie = response.cookies[OPEN_LINK_COOKIE]
    token = cookie.value
    assert response["Location"] == url("survey_start", token)
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == open_url(open_link) and not cookie["max-age"]
    start = client.get(response["Location"])
    assert start.status_code == 200 and "Führungskräfte" in start.content.decode()
    assert "am Ende weniger als 5 Antworten" in start.content.decode()


def test_the_cookie_is_not_secure_over_plain_http(open_link: Campaign) -> None:
    response = Client().post(open_url(open_link), {"code": open_link.access_code, "audience": "lotsen"})
    assert response.status_code == 302 and not response.cookies[OPEN_LINK_COOKIE]["secure"]


def test_coming_back_on_the_same_device_offers_to_continue_until_submitted(world: World, open_link: Campaign) -> None:
    client = Client()
    joined = client.post(open_url(open_link), {"code": open_link.access_code, "audience": "mitarbeitende"})
    token = joined.cookies[OPEN_LINK_COOKIE].value
    again = client.get(open_url(open_link)).content.decode()
    assert "Begonnenen Fragebogen fortsetzen" in again and url("survey_start", token) in again
    assert "Begonnenen Fragebogen fortsetzen" not in Client().get(open_url(open_link)).content.decode()
    answers = {f"q{item.pk}": "2" for item in items(open_link)[:3]}
    client.post(url("survey_questions", token, seite=1), {**answers, "aktion": "weiter"})
    assert client.post(url("survey_submit", token), {"aktion": "absenden"}).status_code == 302
    assert "Begonnenen Fragebogen fortsetzen" not in client.get(open_url(open_link)).content.decode()
    assert participants(world).count() == 1


def test_an_unknown_open_link_is_not_found_and_a_closed_one_is_gone(world: World, open_link: Campaign) -> None:
    unknown = reverse("public:survey_open", kwargs={"kommune_slug": "teststadt", "open_token": "gibt-es-nicht"})
    assert Client().get(unknown).status_code == 404
    assert Client().post(unknown, {"code": "X", "audience": "fuehrung"}).status_code == 404
    assert Client().get(open_url(open_link, slug="nachbarort")).status_code == 404
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=open_link)
    closed = Client().post(open_url(open_link), {"code": open_link.access_code, "audience": "fuehrung"})
    assert closed.status_code == 410 and "Die Umfrage ist beendet" in closed.content.decode()
    assert not participants(world).exists()


def test_a_campaign_without_open_link_has_none(world: World, framework: Any) -> None:
    campaign = open_campaign(world, make_campaign(world))
    assert campaign.open_token == ""
    blank = reverse("public:survey_open", kwargs={"kommune_slug": "teststadt", "open_token": "x"})
    assert Client().get(blank).status_code == 404
