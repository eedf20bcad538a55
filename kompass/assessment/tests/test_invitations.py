"""Invitations and reminders: who is proposed for which audience, and how the links reach people —
by mail (content, people without e-mail), as a formula-safe CSV with only the new links, as letters
with QR codes (PDF text) — and reminders that reach only those who have not answered."""

from __future__ import annotations

import csv
import datetime
import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from kompass.assessment import invitations, services, views_manage
from kompass.assessment.models import Campaign, Participant
from kompass.assessment.tests.test_manage_views import answer, framework, make_campaign, url  # noqa: F401
from kompass.audit.models import AuditEntry
from kompass.factories import person
from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment, Role

LINK = re.compile(r"https?://[^\s\"<>;]+/p/teststadt/umfrage/t/([A-Za-z0-9_-]+)/")


def _head(unit: OrgUnit, who: Person) -> None:
    OrgUnit.objects.for_kommune(unit.kommune).filter(pk=unit.pk).update(head=who)


def _lotse(world: Any, who: Person) -> None:
    role = Role.objects.create(
        kommune=world.kommune, key="lotse", name="Digitale Lotsinnen und Lotsen", markers=["lotse"], confidence="belegt"
    )
    Assignment.objects.create(
        kommune=world.kommune, person=who, role=role, time_share=10, valid_from=datetime.date(2024, 1, 1)
    )


@pytest.fixture
def staff(world: Any, framework: Any) -> dict[str, Person]:  # noqa: F811
    """Teststadt's people: a head of the top unit, a head of an office who is also a Lotse, a Lotse,
    two staff members and one without e-mail."""
    k = world.kommune
    people = {
        "chefin": person(k, "Clara", "Chefin", world.root),
        "alice": world.alice,  # heads the Hauptamt and holds a Lotse role: Führungskräfte (first match)
        "lotse": person(k, "Lena", "Lotsin", world.ordnungsamt),
        "bruno": world.bruno,
        "dora": person(k, "Dora", "Dienst", world.hauptamt),
        "ohne": person(k, "Otto", "Ohnemail", world.sachgebiet),
    }
    Person.objects.for_kommune(k).filter(pk=people["ohne"].pk).update(email="")
    people["ohne"].refresh_from_db()
    _head(world.root, people["chefin"])
    _head(world.hauptamt, world.alice)
    _lotse(world, people["lotse"])
    _lotse_again = Role.objects.for_kommune(k).get(key="lotse")
    Assignment.objects.create(
        kommune=k, person=world.alice, role=_lotse_again, time_share=10, valid_from=datetime.date(2024, 1, 1)
    )
    return people


def _names(proposal: invitations.Proposal) -> set[str]:
    return {p.first_name for p in proposal.to_invite}


def test_each_person_is_proposed_in_the_first_audience_that_fits(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    found = invitations.proposals(campaign)
    assert _names(found["vorstand"]) == {"Clara"}
    assert _names(found["fuehrung"]) == {"Alice"}
    assert _names(found["lotsen"]) == {"Lena"}
    assert _names(found["mitarbeitende"]) == {"Bruno", "Dora", "Otto"}
    assert [p.first_name for p in found["mitarbeitende"].without_email] == ["Otto"]


def test_heads_of_dezernate_belong_to_the_verwaltungsvorstand_wherever_they_sit(
    world: Any, staff: dict[str, Person]
) -> None:
    """The Dezernat I hangs below the unit "Verwaltungsvorstand": its head is still on the board."""
    dezernent = person(world.kommune, "Dieter", "Dezernent", world.dezernat)
    _head(world.dezernat, dezernent)
    found = invitations.proposals(make_campaign(world))
    assert _names(found["vorstand"]) == {"Clara", "Dieter"}
    assert "Dieter" not in _names(found["fuehrung"])


def test_proposals_can_be_restricted_to_org_units_and_skip_those_already_invited(
    world: Any, staff: dict[str, Person]
) -> None:
    campaign = make_campaign(world)
    only_32 = invitations.proposals(campaign, [world.ordnungsamt])
    assert _names(only_32["mitarbeitende"]) == {"Bruno", "Otto"}  # 32 and 32.1 below it
    assert _names(only_32["lotsen"]) == {"Lena"} and not only_32["vorstand"].to_invite
    services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"]],
        audience="mitarbeitende",
        channel="liste",
    )
    again = invitations.proposals(campaign, [world.ordnungsamt])
    assert _names(again["mitarbeitende"]) == {"Otto"} and again["mitarbeitende"].invited == 1


def test_inactive_people_and_audiences_outside_the_campaign_are_not_proposed(
    world: Any, staff: dict[str, Person]
) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=staff["dora"].pk).update(is_active=False)
    campaign = make_campaign(world, audiences=["mitarbeitende"])
    found = invitations.proposals(campaign)
    assert set(found) == {"mitarbeitende"}
    assert _names(found["mitarbeitende"]) == {"Bruno", "Otto"}  # Clara, Alice, Lena belong to other audiences


def test_the_invitations_page_shows_proposals_with_a_fixed_number_of_queries(
    world: Any, staff: dict[str, Person], django_assert_max_num_queries: Any
) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    page = admin.get(url("campaign_invitations", campaign.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Otto Ohnemail" in text and "ohne E-Mail-Adresse" in text
    with django_assert_max_num_queries(30) as few:
        admin.get(url("campaign_invitations", campaign.pk))
    for i in range(15):
        person(world.kommune, f"Neu{i}", "Test", world.hauptamt)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin.get(url("campaign_invitations", campaign.pk))


def test_only_those_who_steer_may_invite(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "mail", "action": "einladen"}
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(url("campaign_invitations", campaign.pk)).status_code == 403
        assert client.post(url("campaign_invitations", campaign.pk), body).status_code == 403
        assert client.get(url("campaign_reminders", campaign.pk)).status_code == 403
    assert world.client_for(world.outsider).get(url("campaign_invitations", campaign.pk)).status_code == 404
    assert not Participant.objects.for_kommune(world.kommune).exists()
    assert not mail.outbox


# --- mail ---------------------------------------------------------------------------------------------


def test_invite_by_mail_sends_the_link_period_and_privacy_promise(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world, dv_reference="DV Befragungen", dv_date="2025-11-03")
    admin = world.client_for(world.admin)
    body = {"audience": "mitarbeitende", "channel": "mail", "action": "einladen"}
    response = admin.post(url("campaign_invitations", campaign.pk), body, follow=True)
    assert response.redirect_chain[-1][0] == url("campaign_invitations", campaign.pk)
    text = response.content.decode()
    assert "2 Einladungen per E-Mail versendet." in text
    assert "1 Person hat keine E-Mail-Adresse" in text and "Otto Ohnemail" in text
    assert sorted(m.to[0] for m in mail.outbox) == ["bruno.ordner@teststadt.example", "dora.dienst@teststadt.example"]
    message = next(m for m in mail.outbox if m.to == ["dora.dienst@teststadt.example"])
    assert message.subject == "Einladung zur Umfrage „Standortbestimmung 2026“ – Teststadt"
    assert "Guten Tag Dora Dienst," in message.body
    assert "vom 10.01.2026 bis zum 10.02.2026" in message.body
    assert "niemand kann eine Antwort Ihnen zuordnen" in message.body
    assert "Dienstvereinbarung „DV Befragungen“ vom 03.11.2025" in message.body
    token = LINK.search(message.body).group(1)  # type: ignore[union-attr]
    with pytest.raises(services.SurveyClosed):  # still a draft: the link works once the campaign is opened
        services.participant_for(token, world.kommune)
    assert Participant.objects.for_kommune(world.kommune).get(token_hash=services.token_hash(token)).audience == (
        "mitarbeitende"
    )
    assert token not in response.content.decode()  # the page never shows a personal link
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="campaign", action="update").exists()


def test_people_without_email_get_letters_afterwards(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    admin.post(
        url("campaign_invitations", campaign.pk), {"audience": "mitarbeitende", "channel": "mail", "action": "einladen"}
    )
    letters = admin.post(
        url("campaign_invitations", campaign.pk),
        {"audience": "mitarbeitende", "channel": "brief", "action": "einladen"},
    )
    assert letters["Content-Type"] == "application/pdf"
    invited = Participant.objects.for_kommune(world.kommune).filter(campaign=campaign)
    assert sorted(invited.values_list("channel", flat=True)) == ["brief", "mail", "mail"]
    assert invited.get(channel="brief").person_id == staff["ohne"].pk


def test_inviting_twice_invites_nobody_twice(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    body = {"audience": "fuehrung", "channel": "mail", "action": "einladen"}
    admin.post(url("campaign_invitations", campaign.pk), body)
    again = admin.post(url("campaign_invitations", campaign.pk), body, follow=True)
    assert "Niemand mehr einzuladen" in again.content.decode()
    assert len(mail.outbox) == 1
    assert Participant.objects.for_kommune(world.kommune).count() == 1


def test_a_mail_server_failure_is_reported_and_leaves_the_invitations(
    world: Any, staff: dict[str, Person], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "kompass.assessment.tests.test_invitations.BrokenBackend"
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "mail", "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body, follow=True)
    assert "2 E-Mails ließen sich nicht versenden" in response.content.decode()
    assert Participant.objects.for_kommune(world.kommune).filter(channel="mail").count() == 2


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("Verbindung abgelehnt")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"audience": "buergerschaft", "channel": "mail", "action": "einladen"}, "gehört nicht zur Umfrage"),
        ({"audience": "mitarbeitende", "channel": "fax", "action": "einladen"}, "Unbekannter Weg der Einladung"),
        ({"audience": "mitarbeitende", "channel": "mail", "units": ["999999"], "action": "einladen"}, "angebotene"),
    ],
)
def test_bad_invitation_input_invites_nobody(
    world: Any, staff: dict[str, Person], body: dict[str, Any], message: str
) -> None:
    campaign = make_campaign(world)
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Participant.objects.for_kommune(world.kommune).exists() and not mail.outbox


def test_a_unit_of_another_kommune_is_no_valid_restriction(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "mail", "units": [world.other_unit.pk], "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert response.status_code == 200 and "GEHEIM" not in response.content.decode()
    assert not Participant.objects.for_kommune(world.kommune).exists()


def test_nobody_is_invited_to_a_closed_campaign(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    admin = world.client_for(world.admin)
    assert "Es lässt sich niemand mehr einladen" in admin.get(url("campaign_invitations", campaign.pk)).content.decode()
    body = {"audience": "mitarbeitende", "channel": "liste", "action": "einladen"}
    response = admin.post(url("campaign_invitations", campaign.pk), body)
    assert response.status_code == 200 and "geschlossenen Umfrage" in response.content.decode()
    assert not Participant.objects.for_kommune(world.kommune).exists()


def test_the_preview_button_changes_nothing(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "mail", "units": [world.ordnungsamt.pk], "action": "vorschau"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    text = response.content.decode()
    assert response.status_code == 200 and "Vorschlag für: 32 Ordnungsamt" in text
    assert "Dora Dienst" not in text and "Bruno Ordner" in text
    assert not Participant.objects.for_kommune(world.kommune).exists() and not mail.outbox


# --- CSV ------------------------------------------------------------------------------------------------


def _rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_holds_only_the_new_links_and_is_formula_safe(world: Any, staff: dict[str, Person]) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=staff["dora"].pk).update(first_name="=HYPERLINK(1)")
    campaign = make_campaign(world)
    services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"]],
        audience="mitarbeitende",
        channel="mail",
    )
    body = {"audience": "mitarbeitende", "channel": "liste", "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="einladungen-teststadt-' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    rows = _rows(response)
    assert rows[0] == ["Vorname", "Nachname", "E-Mail", "Organisationseinheit", "Link"]
    assert [r[1] for r in rows[1:]] == ["Dienst", "Ohnemail"]  # Bruno was invited before: not in the file
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][3] == "10 Hauptamt" and rows[2][2] == ""
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    for row in rows[1:]:
        token = LINK.search(row[4]).group(1)  # type: ignore[union-attr]
        assert services.participant_for(token, world.kommune).channel == "liste"


# --- letters -------------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_letters_have_one_page_per_person_with_name_link_period_and_privacy(
    world: Any, staff: dict[str, Person]
) -> None:
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "brief", "units": [world.ordnungsamt.pk], "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="einladungsbriefe-teststadt-' in response["Content-Disposition"]
    text = _pdf_text(response.content)
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    assert "Otto Ohnemail" in pages[0] and "Bruno Ordner" in pages[1]  # by last name
    assert "32.1 Gewerbe" in pages[1]
    assert "Die Umfrage läuft vom 10.01.2026 bis zum 10.02.2026." in text
    assert "niemand kann eine Antwort Ihnen zuordnen" in " ".join(text.split())
    flat = "".join(text.split())  # a long link may be broken over lines
    participants = Participant.objects.for_kommune(world.kommune).filter(channel="brief")
    assert participants.count() == 2
    assert flat.count("/p/teststadt/umfrage/t/") == 2


def test_the_qr_code_encodes_the_link() -> None:
    uri = invitations.qr_data_uri("https://kompass.example/p/teststadt/umfrage/t/abc/")
    assert uri.startswith("data:image/svg+xml")


# --- reminders ----------------------------------------------------------------------------------------


def test_reminders_reach_only_those_who_have_not_answered(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"], staff["dora"], staff["lotse"]],
        audience="mitarbeitende",
        channel="mail",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answered = next(link for link in links if link.participant.person_id == staff["dora"].pk)
    answer(campaign, [answered])
    admin = world.client_for(world.admin)
    assert (
        "Jede Erinnerung enthält einen neuen Link" in admin.get(url("campaign_reminders", campaign.pk)).content.decode()
    )
    response = admin.post(url("campaign_reminders", campaign.pk), {"channel": "mail"}, follow=True)
    assert "2 Erinnerungen per E-Mail versendet." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["bruno.ordner@teststadt.example", "lena.lotsin@teststadt.example"]
    reminder = mail.outbox[0]
    assert reminder.subject.startswith("Erinnerung: Umfrage „Standortbestimmung 2026“")
    assert "Ein früherer Link gilt nicht mehr" in reminder.body
    new_token = LINK.search(reminder.body).group(1)  # type: ignore[union-attr]
    assert services.participant_for(new_token, world.kommune)
    old = next(link for link in links if link.participant.email == reminder.to[0])
    with pytest.raises(services.SurveyClosed):
        services.participant_for(old.token, world.kommune)
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="campaign").order_by("-id").first()
    assert entry is not None and "reminder_channel" in str(entry.changes) and "2" not in str(entry.changes)


def test_reminder_list_and_letters_for_the_list_and_letter_channels(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"], staff["dora"]],
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, [next(link for link in links if link.participant.person_id == staff["bruno"].pk)])
    admin = world.client_for(world.admin)
    response = admin.post(url("campaign_reminders", campaign.pk), {"channel": "liste"})
    assert 'filename="erinnerungen-teststadt-' in response["Content-Disposition"]
    rows = _rows(response)
    assert [r[1] for r in rows[1:]] == ["Dienst"]
    nothing = admin.post(url("campaign_reminders", campaign.pk), {"channel": "brief"}, follow=True)
    assert "Niemand zu erinnern" in nothing.content.decode()
    assert not mail.outbox


def test_reminders_only_while_the_campaign_is_open(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"]],
        audience="mitarbeitende",
        channel="mail",
    )
    admin = world.client_for(world.admin)
    assert "solange die Umfrage offen ist" in admin.get(url("campaign_reminders", campaign.pk)).content.decode()
    response = admin.post(url("campaign_reminders", campaign.pk), {"channel": "mail"})
    assert response.status_code == 200 and "solange die Umfrage offen ist" in response.content.decode()
    bad = admin.post(url("campaign_reminders", campaign.pk), {"channel": "brieftaube"})
    assert "Unbekannter Weg der Erinnerung" in bad.content.decode()
    assert not mail.outbox
    participant = Participant.objects.for_kommune(world.kommune).get()
    assert participant.reminded_on is None


def test_the_survey_link_uses_the_public_route_or_the_agreed_path(rf: Any, world: Any) -> None:
    request = rf.get("/")
    link = invitations.survey_url(request, world.kommune, "abc")
    assert link == "http://testserver/p/teststadt/umfrage/t/abc/"
    try:
        expected = reverse("public:survey_start", kwargs={"kommune_slug": "teststadt", "token": "abc"})
    except Exception:  # the survey pages are not registered yet
        expected = "/p/teststadt/umfrage/t/abc/"
    assert link.endswith(expected)


def test_campaign_is_unchanged_by_deliveries(world: Any, staff: dict[str, Person]) -> None:
    campaign = make_campaign(world)
    version = campaign.version
    body = {"audience": "mitarbeitende", "channel": "liste", "action": "einladen"}
    world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert Campaign.objects.for_kommune(world.kommune).get().version == version


# --- letters in batches ----------------------------------------------------------------------------


def test_too_many_letters_at_once_are_refused_before_any_link_exists(
    world: Any, staff: dict[str, Person], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views_manage, "MAX_LETTERS", 2)
    campaign = make_campaign(world)
    body = {"audience": "mitarbeitende", "channel": "brief", "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body)
    assert response.status_code == 200
    assert "Höchstens 2 Briefe auf einmal (vorgeschlagen sind 3 Personen)" in response.content.decode()
    assert not Participant.objects.for_kommune(world.kommune).exists()


def test_a_failed_rendering_is_reported_and_reminders_make_new_letters(
    world: Any, staff: dict[str, Person], monkeypatch: Any
) -> None:
    campaign = make_campaign(world)

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("Schrift fehlt")

    monkeypatch.setattr(invitations, "letters_pdf", broken)
    body = {"audience": "mitarbeitende", "channel": "brief", "action": "einladen"}
    response = world.client_for(world.admin).post(url("campaign_invitations", campaign.pk), body, follow=True)
    assert "Die Briefe ließen sich nicht erstellen" in response.content.decode()
    assert Participant.objects.for_kommune(world.kommune).filter(channel="brief").count() == 3


def test_reminder_letters_come_in_batches_without_repeating_anyone_the_same_day(
    world: Any, staff: dict[str, Person], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views_manage, "MAX_LETTERS", 2)
    monkeypatch.setattr(
        invitations, "letters_pdf", lambda campaign, items, reminder: "|".join(d.name for d in items).encode()
    )
    campaign = make_campaign(world)
    services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[staff["bruno"], staff["dora"], staff["ohne"]],
        audience="mitarbeitende",
        channel="brief",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    admin = world.client_for(world.admin)
    first = admin.post(url("campaign_reminders", campaign.pk), {"channel": "brief"})
    second = admin.post(url("campaign_reminders", campaign.pk), {"channel": "brief"})
    named = first.content.decode().split("|") + second.content.decode().split("|")
    assert len(named) == 3 and len(set(named)) == 3
    page = admin.get(url("campaign_reminders", campaign.pk)).content.decode()
    assert "heute noch einmal" in page  # the message left by the first batch
    third = admin.post(url("campaign_reminders", campaign.pk), {"channel": "brief"}, follow=True)
    assert "heute bereits per Brief erinnert" in third.content.decode()
