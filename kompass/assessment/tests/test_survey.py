"""The survey pages for respondents: start, questions in pages, draft, summary, submission, errors.

Data comes through the services (adopted test framework, invitations, an open campaign), the
respondent is an anonymous client with her or his personal link.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.assessment import services
from kompass.assessment.models import (
    Answer,
    Campaign,
    CampaignItem,
    CampaignStatus,
    Draft,
    Participant,
    Response,
)
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework

# --- shared by the survey tests (test_survey_*.py import these) -------------------------------


@pytest.fixture
def framework(world: World, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


def make_campaign(world: World, **data: Any) -> Campaign:
    return services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Standortbestimmung 2026", "starts_on": "2026-01-10", "ends_on": "2026-02-10", **data},
    )


def invite(world: World, campaign: Campaign, n: int, audience: str = "mitarbeitende", prefix: str = "P") -> list[Any]:
    people = [person(world.kommune, f"{prefix}{i}", "Test", world.hauptamt) for i in range(n)]
    return services.invite(
        kommune=world.kommune, actor=world.admin, campaign=campaign, people=people, audience=audience, channel="liste"
    )


def open_campaign(world: World, campaign: Campaign) -> Campaign:
    return services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)


@pytest.fixture
def invited(world: World, framework: Any) -> tuple[Campaign, list[Any]]:
    """An open campaign (the test framework: 3 fields × 3 criteria = 3 pages) with six invitations."""
    campaign = make_campaign(world)
    links = invite(world, campaign, 6)
    return open_campaign(world, campaign), links


def url(name: str, token: str, slug: str = "teststadt", **query: Any) -> str:
    address = reverse(f"public:{name}", kwargs={"kommune_slug": slug, "token": token})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def items(campaign: Campaign) -> list[CampaignItem]:
    return list(CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign))


def page_items(campaign: Campaign, number: int) -> list[CampaignItem]:
    """The test framework's fields have three criteria each: one page per field."""
    return items(campaign)[(number - 1) * 3 : number * 3]


def answer_page(client: Client, token: str, campaign: Campaign, number: int, value: str = "3", **extra: str) -> Any:
    data = {f"q{item.pk}": value for item in page_items(campaign, number)}
    return client.post(url("survey_questions", token, seite=number), {**data, "aktion": "weiter", **extra})


def draft_of(world: World) -> dict[str, Any]:
    draft = Draft.objects.for_kommune(world.kommune).first()
    return dict(draft.answers) if draft else {}


# --- the start page -----------------------------------------------------------------------------


def test_the_start_page_says_who_asks_how_answers_are_protected_and_leads_to_the_first_question(
    world: World, framework: Any
) -> None:
    campaign = make_campaign(
        world, dv_reference="DV Mitarbeitendenbefragungen", dv_date="2025-11-03", retention_months=18
    )
    links = invite(world, campaign, 6)
    open_campaign(world, campaign)
    response = Client().get(url("survey_start", links[0].token))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1" in text and text.count("<h1") == 1
    assert "Standortbestimmung 2026" in text and "Teststadt" in text
    assert "10. Januar 2026 bis 10. Februar 2026" in text
    assert campaign.privacy_notice[:60] in text
    assert "Ergebnisse nur für Gruppen ab 5 Personen" in text
    assert "nicht zuordnen" in text
    assert "DV Mitarbeitendenbefragungen" in text and "3. November 2025" in text
    assert "18 Monate nach dem Ende der Umfrage gelöscht" in text
    assert "Mitarbeitende" in text
    assert "Zur Umfrage" in text and url("survey_questions", links[0].token, seite=1) in text
    # a public page: the Kommune's name in the header, no navigation of the app, nothing cached
    assert 'aria-label="Hauptnavigation"' not in text and "Abmelden" not in text
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    feedback = re.search(r'href="([^"]*)"[^>]*>Barriere melden', text)
    assert feedback is not None and links[0].token not in feedback.group(1)


def test_the_start_page_without_dienstvereinbarung_does_not_mention_one(
    invited: tuple[Campaign, list[Any]],
) -> None:
    text = Client().get(url("survey_start", invited[1][0].token)).content.decode()
    assert "Dienstvereinbarung" not in text
    assert "Freitext" not in text


def test_a_small_audience_is_told_before_the_first_question_that_it_is_reported_with_another(
    world: World, framework: Any
) -> None:
    campaign = make_campaign(world)
    board = invite(world, campaign, 3, audience="vorstand", prefix="V")
    leaders = invite(world, campaign, 6, audience="fuehrung", prefix="F")
    open_campaign(world, campaign)
    text = Client().get(url("survey_start", board[0].token)).content.decode()
    assert "Die Gruppe „Verwaltungsvorstand“ umfasst weniger als 5 Personen" in text
    assert "gemeinsam mit der Gruppe „Führungskräfte“ ausgewertet" in text
    assert "umfasst weniger als" not in Client().get(url("survey_start", leaders[0].token)).content.decode()


# --- the questions ------------------------------------------------------------------------------


def test_a_question_page_shows_each_criterion_as_a_fieldset_with_five_described_levels_and_cannot_judge(
    invited: tuple[Campaign, list[Any]],
) -> None:
    campaign, links = invited
    response = Client().get(url("survey_questions", links[0].token, seite=1))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Seite 1 von 3" in text
    assert text.count("<fieldset") == 3 and text.count("<legend") == 3
    first = page_items(campaign, 1)[0]
    assert first.question in text
    assert text.count(f'name="q{first.pk}"') == 6
    for level, name in enumerate(["Einstieg", "Aufbau", "Etabliert", "Fortgeschritten", "Vorreiter"], start=1):
        assert f'id="q{first.pk}-{level}" value="{level}"' in text
        assert name in text
    assert first.levels[0] in text and first.levels[4] in text
    assert text.count("kann ich nicht beurteilen") == 3
    for button in ("Zurück", "Speichern und weiter", "Zwischenspeichern und später fortsetzen"):
        assert button in text
    assert "führt Sie später genau hierher zurück" in text
    assert response["Cache-Control"] == "private, no-store"


def test_the_whole_survey_is_answered_page_by_page_and_submitted_without_an_audit_entry(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    token, client = links[0].token, Client()
    audit_before = AuditEntry.objects.unscoped().count()
    response = answer_page(client, token, campaign, 1, "4")
    assert response.status_code == 302 and response["Location"] == url("survey_questions", token, seite=2)
    assert len(draft_of(world)) == 3
    response = answer_page(client, token, campaign, 2, "x")
    assert response["Location"] == url("survey_questions", token, seite=3)
    last = page_items(campaign, 3)
    response = client.post(
        url("survey_questions", token, seite=3), {f"q{last[0].pk}": "5", f"q{last[1].pk}": "1", "aktion": "weiter"}
    )
    assert response["Location"] == url("survey_submit", token)
    summary = client.get(url("survey_submit", token))
    text = summary.content.decode()
    assert summary.status_code == 200
    assert "Rollen und Verantwortung" in text and "Strategie" in text
    assert "1 Frage ist noch offen" in text
    assert url("survey_questions", token, seite=3) in text
    done = client.post(url("survey_submit", token), {"aktion": "absenden"})
    assert done.status_code == 302
    assert done["Location"] == reverse("public:survey_thanks", kwargs={"kommune_slug": "teststadt"})
    assert token not in done["Location"]
    thanks = client.get(done["Location"])
    assert thanks.status_code == 200 and "Vielen Dank" in thanks.content.decode()
    stored = Response.objects.for_kommune(world.kommune).get()
    values = dict(Answer.objects.for_kommune(world.kommune).filter(response=stored).values_list("item_id", "value"))
    assert [values[i.pk] for i in items(campaign)] == [4, 4, 4, None, None, None, 5, 1, None]
    assert Participant.objects.for_kommune(world.kommune).filter(answered_on__isnull=False).count() == 1
    assert Draft.objects.for_kommune(world.kommune).count() == 0
    assert AuditEntry.objects.unscoped().count() == audit_before


def test_back_saves_the_page_and_leads_to_the_previous_one(world: World, invited: tuple[Campaign, list[Any]]) -> None:
    campaign, links = invited
    token = links[0].token
    response = answer_page(Client(), token, campaign, 2, "2", aktion="zurueck")
    assert response["Location"] == url("survey_questions", token, seite=1)
    assert sorted(draft_of(world).values()) == [2, 2, 2]
    first = answer_page(Client(), token, campaign, 1, "2", aktion="zurueck")
    assert first["Location"] == url("survey_start", token)


def test_a_draft_is_resumed_where_the_respondent_left_off(world: World, invited: tuple[Campaign, list[Any]]) -> None:
    campaign, links = invited
    token = links[0].token
    paused = answer_page(Client(), token, campaign, 1, "5", aktion="pause")
    assert paused["Location"] == url("survey_start", token, gespeichert=1)
    start = Client().get(paused["Location"]).content.decode()
    assert "Ihre Antworten sind gespeichert" in start and "Link aus Ihrer Einladung" in start
    assert "Weiter, wo Sie aufgehört haben" in start and url("survey_questions", token, seite=2) in start
    again = Client().get(url("survey_questions", token, seite=1)).content.decode()
    first = page_items(campaign, 1)[0]
    assert f'id="q{first.pk}-5" value="5" checked' in again
    assert f'id="q{first.pk}-4" value="4">' in again


def test_a_value_out_of_range_is_a_field_error_linked_to_its_fieldset_and_nothing_is_stored(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    first, second = page_items(campaign, 1)[:2]
    response = Client().post(
        url("survey_questions", links[0].token, seite=1),
        {f"q{first.pk}": "7", f"q{second.pk}": "3", "aktion": "weiter"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Bitte eine Stufe von 1 bis 5 wählen" in text
    assert f'id="q{first.pk}" aria-describedby="q{first.pk}-fehler"' in text
    assert f'href="#q{first.pk}-1"' in text and 'id="fehler"' in text
    assert f'id="q{second.pk}-3" value="3" checked' in text, "the other answers of the page are kept"
    assert Draft.objects.for_kommune(world.kommune).count() == 0


def test_an_answer_to_a_question_of_another_campaign_is_refused_and_nothing_is_stored(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    other = make_campaign(world, title="Andere Umfrage")
    foreign = items(other)[0]
    own = page_items(campaign, 1)[0]
    response = Client().post(
        url("survey_questions", links[0].token, seite=1), {f"q{own.pk}": "3", f"q{foreign.pk}": "3", "aktion": "weiter"}
    )
    assert response.status_code == 400
    assert "Diese Frage gehört nicht zum Fragebogen." in response.content.decode()
    junk = Client().post(url("survey_questions", links[0].token, seite=1), {"qabc": "3", "aktion": "weiter"})
    assert junk.status_code == 400 and "Unbekannte Frage." in junk.content.decode()
    assert Draft.objects.for_kommune(world.kommune).count() == 0


@pytest.mark.parametrize(("seite", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("99", 3), ("2", 2)])
def test_a_strange_page_number_shows_the_nearest_page(
    invited: tuple[Campaign, list[Any]], seite: str, shown: int
) -> None:
    response = Client().get(url("survey_questions", invited[1][0].token, seite=seite))
    assert response.status_code == 200
    assert f"Seite {shown} von 3" in response.content.decode()


def _queries(address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(address).status_code == 200
    return len(captured)


def test_survey_pages_cost_the_same_few_queries_however_long_the_questionnaire(world: World, framework: Any) -> None:
    full = make_campaign(world)
    short = make_campaign(world, title="Kurz", criteria=[items(full)[0].criterion_id])
    tokens = {}
    for campaign in (full, short):
        tokens[campaign.pk] = invite(world, campaign, 1, prefix=f"C{campaign.pk}-")[0].token
        open_campaign(world, campaign)
        answer_page(Client(), tokens[campaign.pk], campaign, 1)
    for name in ("survey_start", "survey_questions", "survey_submit"):
        counts = {pk: _queries(url(name, token)) for pk, token in tokens.items()}
        assert counts[full.pk] == counts[short.pk], name
        assert counts[full.pk] <= 9, (name, counts)


def test_survey_pages_refuse_other_methods(invited: tuple[Campaign, list[Any]]) -> None:
    token = invited[1][0].token
    assert Client().post(url("survey_start", token)).status_code == 405
    assert Client().delete(url("survey_questions", token)).status_code == 405
    assert Client().put(url("survey_submit", token)).status_code == 405


# --- free text ------------------------------------------------------------------------------------


def test_free_text_is_offered_only_where_enabled_and_says_who_may_read_it(world: World, framework: Any) -> None:
    campaign = make_campaign(world, free_text_enabled=True, free_text_k=12)
    links = invite(world, campaign, 2)
    open_campaign(world, campaign)
    token = links[0].token
    start = Client().get(url("survey_start", token)).content.decode()
    assert "Freitexte werden nur für Gruppen mit mindestens 12 Antworten gezeigt" in start
    page = Client().get(url("survey_submit", token)).content.decode()
    assert 'name="comment"' in page and "mindestens 12 Antworten" in page
    too_long = Client().post(url("survey_submit", token), {"comment": "x" * 2001, "aktion": "absenden"})
    assert too_long.status_code == 400 and "höchstens 2000 Zeichen" in too_long.content.decode()
    assert Response.objects.for_kommune(world.kommune).count() == 0
    saved = Client().post(url("survey_submit", token), {"comment": "Mehr Schulungen", "aktion": "pause"})
    assert saved.status_code == 302 and draft_of(world)["comment"] == "Mehr Schulungen"
    assert "Mehr Schulungen" in Client().get(url("survey_submit", token)).content.decode()
    Client().post(url("survey_submit", token), {"comment": "Mehr Schulungen, bitte", "aktion": "absenden"})
    assert Response.objects.for_kommune(world.kommune).get().comment == "Mehr Schulungen, bitte"


def test_without_free_text_a_posted_comment_is_not_stored(world: World, invited: tuple[Campaign, list[Any]]) -> None:
    token = invited[1][0].token
    page = Client().get(url("survey_submit", token)).content.decode()
    assert 'name="comment"' not in page
    Client().post(url("survey_submit", token), {"comment": "Geheimer Hinweis", "aktion": "absenden"})
    assert Response.objects.for_kommune(world.kommune).get().comment == ""


# --- links that lead nowhere ---------------------------------------------------------------------


def test_a_second_submission_with_the_same_link_is_gone(world: World, invited: tuple[Campaign, list[Any]]) -> None:
    campaign, links = invited
    token = links[0].token
    answer_page(Client(), token, campaign, 1)
    assert Client().post(url("survey_submit", token), {"aktion": "absenden"}).status_code == 302
    for response in (
        Client().post(url("survey_submit", token), {"aktion": "absenden"}),
        Client().get(url("survey_start", token)),
        answer_page(Client(), token, campaign, 2),
    ):
        assert response.status_code == 410
        assert "Mit diesem Link wurde bereits geantwortet; jede Einladung gilt für eine Antwort." in (
            response.content.decode()
        )
        assert response["Cache-Control"] == "private, no-store"
    assert Response.objects.for_kommune(world.kommune).count() == 1
    assert Draft.objects.for_kommune(world.kommune).count() == 0


def test_a_closed_campaign_is_gone_with_its_period_and_stores_nothing(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    token = links[1].token
    for response in (
        Client().get(url("survey_start", token)),
        answer_page(Client(), token, campaign, 1),
        Client().post(url("survey_submit", token), {"aktion": "absenden"}),
    ):
        assert response.status_code == 410
        text = response.content.decode()
        assert "Die Umfrage ist beendet" in text
        assert "vom 10. Januar 2026 bis zum 10. Februar 2026" in text
    assert Draft.objects.for_kommune(world.kommune).count() == 0
    assert Response.objects.for_kommune(world.kommune).count() == 0


def test_a_campaign_not_yet_opened_is_gone_with_its_period(world: World, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, 1)
    assert campaign.status == CampaignStatus.DRAFT
    response = Client().get(url("survey_start", links[0].token))
    assert response.status_code == 410
    text = response.content.decode()
    assert "noch nicht geöffnet" in text and "10. Januar 2026" in text


def test_an_unknown_link_is_not_found_with_a_german_explanation(invited: tuple[Campaign, list[Any]]) -> None:
    for address in (
        url("survey_start", "gibt-es-nicht"),
        url("survey_questions", "gibt-es-nicht"),
        url("survey_submit", "gibt-es-nicht"),
    ):
        response = Client().get(address)
        assert response.status_code == 404
        assert "Dieser Link ist unbekannt" in response.content.decode()


def test_a_replaced_link_is_unknown_and_the_draft_moves_to_the_new_one(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    answer_page(Client(), links[0].token, campaign, 1, "2")
    (new,) = services.reissue(
        kommune=world.kommune, actor=world.admin, campaign=campaign, participants=[links[0].participant]
    )
    assert Client().get(url("survey_start", links[0].token)).status_code == 404
    assert url("survey_questions", new.token, seite=2) in Client().get(url("survey_start", new.token)).content.decode()


def test_an_unknown_kommune_or_one_of_another_kommune_does_not_answer_for_the_token(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    token = invited[1][0].token
    assert Client().get(url("survey_start", token, slug="gibt-es-nicht")).status_code == 404
    assert Client().get(url("survey_start", token, slug="nachbarort")).status_code == 404


def test_the_thank_you_page_needs_no_token_and_is_private(invited: tuple[Campaign, list[Any]]) -> None:
    response = Client().get(reverse("public:survey_thanks", kwargs={"kommune_slug": "teststadt"}))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "Vielen Dank" in response.content.decode()
