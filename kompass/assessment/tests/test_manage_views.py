"""The campaign pages: list, form, questionnaire, detail and its actions, the Kommune's k — per persona,
with bad input, and with answers counted only in steps of k."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.assessment import results, services
from kompass.assessment.models import Campaign, CampaignItem, CampaignStatus
from kompass.audit.models import AuditEntry
from kompass.factories import person
from kompass.framework.models import Criterion, Field
from kompass.framework.tests.catalogue_fixture import adopted_framework

SLUG = "teststadt"


@pytest.fixture
def framework(world: Any, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


def make_campaign(world: Any, **data: Any) -> Campaign:
    return services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Standortbestimmung 2026", "starts_on": "2026-01-10", "ends_on": "2026-02-10", **data},
    )


def people(world: Any, n: int, unit: Any, prefix: str) -> list[Any]:
    return [person(world.kommune, f"{prefix}{i}", "Test", unit) for i in range(n)]


def invite(world: Any, campaign: Campaign, who: list[Any], audience: str = "mitarbeitende", channel: str = "liste"):  # type: ignore[no-untyped-def]
    return services.invite(
        kommune=world.kommune, actor=world.admin, campaign=campaign, people=who, audience=audience, channel=channel
    )


def answer(campaign: Campaign, links: list[services.Link], value: int = 3) -> None:
    items = list(
        CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign).values_list("pk", flat=True)
    )
    for link in links:
        participant = services.participant_for(link.token, campaign.kommune)
        services.submit(participant=participant, answers=dict.fromkeys(items, value))


def url(name: str, *args: Any) -> str:
    return reverse(f"assessment:{name}", args=[SLUG, *args])


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Standortbestimmung 2027",
        "description": "Wie weit sind wir?",
        "starts_on_tag": "1",
        "starts_on_monat": "3",
        "starts_on_jahr": "2027",
        "ends_on_tag": "31",
        "ends_on_monat": "3",
        "ends_on_jahr": "2027",
        "audiences": ["fuehrung", "mitarbeitende"],
        "unit_depth": "2",
        "k": "5",
        "free_text_k": "10",
        "dv_reference": "DV Befragungen",
        "dv_date_tag": "",
        "dv_date_monat": "",
        "dv_date_jahr": "",
        "retention_months": "12",
        "privacy_notice": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def campaigns(world: Any) -> Any:
    return Campaign.objects.for_kommune(world.kommune)


# --- list --------------------------------------------------------------------------------------------


def test_empty_list_explains_the_self_assessment_and_asks_for_the_framework_first(world: Any) -> None:
    page = world.client_for(world.admin).get(url("campaign_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "So funktioniert die Selbstbewertung" in text
    assert "Zuerst den Orientierungsrahmen übernehmen" in text
    assert reverse("framework:overview", args=[SLUG]) in text
    assert url("campaign_create") not in text  # no "Neue Umfrage" before the framework is adopted


def test_list_counts_answers_only_in_steps_of_k(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, people(world, 8, world.hauptamt, "P"))
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, links[:6])
    text = world.client_for(world.reader).get(url("campaign_list")).content.decode()
    assert "Standortbestimmung 2026" in text
    assert "mindestens 5" in text
    assert ">8<" in text  # invitations are counted exactly
    assert "mindestens 6" not in text and ">6<" not in text


def test_reader_sees_the_list_without_the_button_to_create(world: Any, framework: Any) -> None:
    make_campaign(world)
    text = world.client_for(world.reader).get(url("campaign_list")).content.decode()
    assert "Standortbestimmung 2026" in text
    assert url("campaign_create") not in text
    assert url("campaign_create") in world.client_for(world.admin).get(url("campaign_list")).content.decode()


def test_list_reads_a_fixed_number_of_queries(
    world: Any, framework: Any, django_assert_max_num_queries: Any, admin_client: Client
) -> None:
    for i in range(2):
        make_campaign(world, title=f"Umfrage {i}")
    admin_client.get(url("campaign_list"))  # warm caches (session, content types)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url("campaign_list"))
    for i in range(2, 8):
        campaign = make_campaign(world, title=f"Umfrage {i}")
        invite(world, campaign, people(world, 2, world.hauptamt, f"Q{i}-"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(url("campaign_list"))
    assert page.content.decode().count("Umfrage ") >= 8


def test_the_navigation_marks_umfragen_on_every_campaign_page(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    page = world.client_for(world.admin).get(url("campaign_invitations", campaign.pk)).content.decode()
    assert f'<a href="{url("campaign_list")}" aria-current="page">Umfragen</a>' in page


def test_pages_answer_outsiders_404_and_visitors_with_the_login(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    outsider = world.client_for(world.outsider)
    assert outsider.get(url("campaign_list")).status_code == 404
    assert outsider.get(url("campaign_detail", campaign.pk)).status_code == 404
    anonymous = Client().get(url("campaign_detail", campaign.pk))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_campaign_of_another_kommune_is_not_found(world: Any, framework: Any, tmp_path: Any) -> None:
    adopted_framework(world.other, tmp_path / "other")
    foreign = services.campaign_create(
        kommune=world.other,
        actor=world.outsider,
        data={"title": "GEHEIM", "starts_on": "2026-01-10", "ends_on": "2026-02-10"},
    )
    admin = world.client_for(world.admin)
    for name in ("campaign_detail", "campaign_update", "campaign_close", "campaign_invitations"):
        assert admin.get(url(name, foreign.pk)).status_code == 404, name
    assert admin.post(url("campaign_open", foreign.pk)).status_code == 404
    assert Campaign.objects.for_kommune(world.other).get().status == CampaignStatus.DRAFT


# --- create and edit ------------------------------------------------------------------------------------


def test_readers_and_limited_editors_may_not_create(world: Any, framework: Any) -> None:
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(url("campaign_create")).status_code == 403
        assert client.post(url("campaign_create"), form_data()).status_code == 403
    assert not campaigns(world).exists()


def test_the_form_names_the_units_of_each_reporting_level(world: Any, framework: Any) -> None:
    text = world.client_for(world.admin).get(url("campaign_create")).content.decode()
    assert "Bis Ebene 2" in text and "D1 Dezernat I" in text
    assert "VV Verwaltungsvorstand" in text
    assert "32.1 Gewerbe" in text  # level 4
    assert "5 Personen" in text  # the suggested privacy notice names k


def test_admin_creates_a_campaign_with_all_criteria_and_an_audit_entry(world: Any, framework: Any) -> None:
    response = world.client_for(world.admin).post(url("campaign_create"), form_data())
    campaign = campaigns(world).get()
    assert response.status_code == 302 and response["Location"] == url("campaign_detail", campaign.pk)
    assert campaign.starts_on == datetime.date(2027, 3, 1)
    assert campaign.audiences == ["fuehrung", "mitarbeitende"]
    assert campaign.unit_depth == 2 and campaign.dv_reference == "DV Befragungen"
    assert "5 Personen" in campaign.privacy_notice and "12 Monate" in campaign.privacy_notice
    assert CampaignItem.objects.for_kommune(world.kommune).filter(campaign=campaign).count() == 9
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="campaign", action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on_tag": "1", "ends_on_monat": "2"}, "ends_on", "Das Ende darf nicht vor dem Beginn liegen."),
        ({"audiences": ["fuehrung", "buergermeister"]}, "audiences", "Unbekannte Zielgruppe: buergermeister."),
        ({"audiences": None}, "audiences", "Bitte mindestens eine Zielgruppe wählen."),
        ({"k": "4"}, "k", "k muss mindestens 5 sein"),
        ({"k": "fünf"}, "k", "Bitte eine ganze Zahl angeben."),
        ({"unit_depth": "7"}, "unit_depth", "Bitte eine Ebene von 0 bis 4 wählen."),
        ({"free_text_k": "3"}, "free_text_k", "mindestens 10"),
        ({"retention_months": "0"}, "retention_months", "1 bis 120 Monate"),
        ({"title": "   "}, "title", "Titel"),
        ({"starts_on_monat": "13"}, "starts_on", "Einen Monat 13 gibt es nicht"),
    ],
)
def test_bad_input_shows_german_errors_and_creates_nothing(
    world: Any, framework: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = world.client_for(world.admin).post(url("campaign_create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not campaigns(world).exists()


def test_k_below_the_kommunes_k_is_refused(world: Any, framework: Any) -> None:
    services.settings_update(kommune=world.kommune, actor=world.admin, k=8, reason="DV")
    response = world.client_for(world.admin).post(url("campaign_create"), form_data(k="6"))
    assert response.status_code == 200
    assert "k muss mindestens 8 sein (Vorgabe der Kommune)" in response.content.decode()
    assert not campaigns(world).exists()


def test_edit_keeps_the_version_and_refuses_a_stale_one(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    data = form_data(title="Neu", version=str(campaign.version))
    assert admin.post(url("campaign_update", campaign.pk), data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Neu"
    stale = admin.post(url("campaign_update", campaign.pk), form_data(title="Zu spät", version="1"))
    assert stale.status_code == 200
    campaign.refresh_from_db()
    assert campaign.title == "Neu"


def test_the_suggested_privacy_notice_follows_k_and_retention(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    data = form_data(k="7", retention_months="6", privacy_notice=campaign.privacy_notice, version=str(campaign.version))
    world.client_for(world.admin).post(url("campaign_update", campaign.pk), data)
    campaign.refresh_from_db()
    assert "7 Personen" in campaign.privacy_notice and "6 Monate" in campaign.privacy_notice
    own = form_data(privacy_notice="Eigener Text.", version=str(campaign.version))
    world.client_for(world.admin).post(url("campaign_update", campaign.pk), own)
    campaign.refresh_from_db()
    assert campaign.privacy_notice == "Eigener Text."


def test_after_the_first_response_the_anonymity_settings_are_shown_read_only(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, people(world, 1, world.hauptamt, "P"))
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, links)
    admin = world.client_for(world.admin)
    text = admin.get(url("campaign_update", campaign.pk)).content.decode()
    assert "Festgelegt mit der ersten Antwort" in text
    assert "unter diesen Bedingungen gegeben" in text
    assert 'name="k"' not in text and 'name="audiences"' not in text
    campaign.refresh_from_db()
    response = admin.post(url("campaign_update", campaign.pk), form_data(k="9", version=str(campaign.version)))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.k == 5 and campaign.title == "Standortbestimmung 2027"


# --- questionnaire ---------------------------------------------------------------------------------------


def _field_criteria(world: Any) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for c in Criterion.objects.for_kommune(world.kommune).filter(is_active=True, field__is_active=True):
        out.setdefault(c.field.key, []).append(c.pk)
    return out


def _chosen(campaign: Campaign) -> set[int]:
    return set(
        CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign).values_list("criterion", flat=True)
    )


def test_questionnaire_saves_whole_fields_and_single_criteria(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    fields = _field_criteria(world)
    first = Field.objects.for_kommune(world.kommune).get(key="rollen-verantwortung")
    other_key = next(k for k in fields if k != first.key)
    data = {"all_fields": [first.pk], "criteria": [fields[other_key][0]], "version": campaign.version}
    response = world.client_for(world.admin).post(url("campaign_questionnaire", campaign.pk), data)
    assert response.status_code == 302
    assert _chosen(campaign) == {*fields[first.key], fields[other_key][0]}


def test_clearing_one_criterion_without_script_beats_the_whole_field_box(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    field = Field.objects.for_kommune(world.kommune).get(key="rollen-verantwortung")
    ids = _field_criteria(world)[field.key]
    data = {"all_fields": [field.pk], "criteria": ids[:2], "version": campaign.version}
    world.client_for(world.admin).post(url("campaign_questionnaire", campaign.pk), data)
    assert _chosen(campaign) == set(ids[:2])


def test_an_empty_questionnaire_is_refused(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    before = _chosen(campaign)
    response = world.client_for(world.admin).post(url("campaign_questionnaire", campaign.pk), {"version": 1})
    assert response.status_code == 200
    assert "mindestens eines" in response.content.decode()
    assert _chosen(campaign) == before


def test_criteria_of_another_kommune_are_refused(world: Any, framework: Any, tmp_path: Any) -> None:
    adopted_framework(world.other, tmp_path / "other")
    foreign = Criterion.objects.for_kommune(world.other).first()
    campaign = make_campaign(world)
    before = _chosen(campaign)
    data = {"criteria": [foreign.pk], "version": campaign.version}
    response = world.client_for(world.admin).post(url("campaign_questionnaire", campaign.pk), data)
    assert response.status_code == 200
    assert "gehört nicht zum Orientierungsrahmen der Kommune" in response.content.decode()
    assert _chosen(campaign) == before


def test_the_questionnaire_is_fixed_after_the_first_response(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, people(world, 1, world.hauptamt, "P"))
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, links)
    campaign.refresh_from_db()
    before = _chosen(campaign)
    admin = world.client_for(world.admin)
    assert "Es gibt bereits Antworten" in admin.get(url("campaign_questionnaire", campaign.pk)).content.decode()
    data = {"criteria": [min(before)], "version": campaign.version}
    response = admin.post(url("campaign_questionnaire", campaign.pk), data)
    assert response.status_code == 200
    assert "Nach der ersten Antwort lässt sich der Fragebogen nicht mehr ändern" in response.content.decode()
    assert _chosen(campaign) == before


# --- detail and actions -------------------------------------------------------------------------------------


def test_detail_shows_the_open_link_and_code_only_to_those_who_steer(world: Any, framework: Any) -> None:
    campaign = make_campaign(world, open_link_enabled=True)
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    campaign.refresh_from_db()
    admin_text = world.client_for(world.admin).get(url("campaign_detail", campaign.pk)).content.decode()
    assert f"/p/teststadt/umfrage/offen/{campaign.open_token}/" in admin_text
    assert campaign.access_code in admin_text
    reader_text = world.client_for(world.reader).get(url("campaign_detail", campaign.pk)).content.decode()
    assert campaign.open_token not in reader_text and campaign.access_code not in reader_text
    assert "Standortbestimmung 2026" in reader_text and "9 Kriterien" in reader_text


def test_detail_counts_participation_per_audience_in_steps_of_k(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, people(world, 12, world.hauptamt, "P"))
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, links[:9])
    text = world.client_for(world.reader).get(url("campaign_detail", campaign.pk)).content.decode()
    assert "mindestens 5" in text and "mindestens 9" not in text and ">9<" not in text


def test_open_close_and_closing_twice_changes_nothing(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    assert admin.get(url("campaign_open", campaign.pk)).status_code == 200
    assert admin.post(url("campaign_open", campaign.pk)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    close_page = admin.get(url("campaign_close", campaign.pk)).content.decode()
    assert "endgültig und für alle Mitglieder der Kommune lesbar" in close_page
    assert admin.post(url("campaign_close", campaign.pk)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    entries = AuditEntry.objects.for_kommune(world.kommune).count()
    again = admin.post(url("campaign_close", campaign.pk), follow=True)
    assert "bereits geschlossen" in again.content.decode()
    assert "bereits geschlossen" in admin.get(url("campaign_close", campaign.pk)).content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert AuditEntry.objects.for_kommune(world.kommune).count() == entries


def test_opening_an_empty_questionnaire_is_refused_with_the_reason(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    CampaignItem.objects.for_kommune(world.kommune).filter(campaign=campaign).delete()
    response = world.client_for(world.admin).post(url("campaign_open", campaign.pk))
    assert response.status_code == 200
    assert "Der Fragebogen ist leer" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_reopen_is_refused_once_results_were_read(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    campaign.refresh_from_db()
    results.record_release(campaign=campaign, user=world.admin, breakdown="gesamt", channel="seite", data={})
    admin = world.client_for(world.admin)
    page = admin.get(url("campaign_reopen", campaign.pk)).content.decode()
    assert "bereits abgerufen" in page and "Wieder öffnen</span></button>" not in page
    response = admin.post(url("campaign_reopen", campaign.pk))
    assert response.status_code == 200
    assert "Legen Sie bitte eine neue Umfrage an" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_reopen_before_anyone_read_the_results(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    assert world.client_for(world.admin).post(url("campaign_reopen", campaign.pk)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_archive_a_closed_campaign(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    assert admin.post(url("campaign_archive", campaign.pk)).status_code == 200  # a draft: refused
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    assert admin.post(url("campaign_archive", campaign.pk)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ARCHIVED
    assert "Bearbeiten</span>" not in admin.get(url("campaign_detail", campaign.pk)).content.decode()


def test_delete_a_draft_but_not_one_with_invitations(world: Any, framework: Any) -> None:
    admin = world.client_for(world.admin)
    draft = make_campaign(world, title="Weg damit")
    response = admin.post(url("campaign_delete", draft.pk))
    assert response.status_code == 302 and response["Location"] == url("campaign_list")
    assert not campaigns(world).filter(pk=draft.pk).exists()
    invited = make_campaign(world, title="Mit Einladungen")
    invite(world, invited, people(world, 1, world.hauptamt, "P"))
    page = admin.get(url("campaign_delete", invited.pk)).content.decode()
    assert "Nur ein Entwurf ohne Einladungen" in page
    assert admin.post(url("campaign_delete", invited.pk)).status_code == 200
    assert campaigns(world).filter(pk=invited.pk).exists()


@pytest.mark.parametrize("name", ["campaign_open", "campaign_close", "campaign_update", "campaign_questionnaire"])
def test_readers_may_not_steer_a_campaign(world: Any, framework: Any, name: str) -> None:
    campaign = make_campaign(world)
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(url(name, campaign.pk)).status_code == 403
        assert client.post(url(name, campaign.pk)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and campaign.version == 1


def test_wrong_methods_are_refused(world: Any, framework: Any) -> None:
    campaign = make_campaign(world)
    admin = world.client_for(world.admin)
    assert admin.put(url("campaign_close", campaign.pk)).status_code == 405
    assert admin.post(url("campaign_detail", campaign.pk)).status_code == 405
    assert admin.post(url("campaign_list")).status_code == 405


# --- the Kommune's k ---------------------------------------------------------------------------------------


def test_settings_raise_k_with_a_reason_and_never_lower_it(world: Any) -> None:
    admin = world.client_for(world.admin)
    page = admin.get(url("settings")).content.decode()
    assert "Derzeit gilt k = 5" in page and "nur erhöhen" in page
    assert admin.post(url("settings"), {"k": "7", "reason": "DV Befragungen 2026"}).status_code == 302
    assert services.settings_for(world.kommune).k == 7
    lower = admin.post(url("settings"), {"k": "6", "reason": "zu streng"})
    assert lower.status_code == 200 and "nur erhöhen, nicht senken" in lower.content.decode()
    missing = admin.post(url("settings"), {"k": "9", "reason": ""})
    assert "Bitte die Grundlage angeben" in missing.content.decode()
    both = admin.post(url("settings"), {"k": "4", "reason": ""}).content.decode()
    assert "k muss mindestens 5 sein." in both and "Bitte die Grundlage angeben" in both  # named together
    assert services.settings_for(world.kommune).k == 7


def test_only_the_administration_raises_k(world: Any) -> None:
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(url("settings")).status_code == 403
        assert client.post(url("settings"), {"k": "9", "reason": "x"}).status_code == 403
    assert services.settings_for(world.kommune).k == 5


def test_without_a_framework_a_campaign_cannot_be_created(world: Any) -> None:
    response = world.client_for(world.admin).post(url("campaign_create"), form_data())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Zuerst den Orientierungsrahmen übernehmen" in text and "mindestens eines" in text
    assert not campaigns(world).exists()


def test_detail_and_questionnaire_read_a_fixed_number_of_queries(
    world: Any, framework: Any, django_assert_max_num_queries: Any, admin_client: Client
) -> None:
    campaign = make_campaign(world)
    invite(world, campaign, people(world, 2, world.hauptamt, "P"))
    pages = [url("campaign_detail", campaign.pk), url("campaign_questionnaire", campaign.pk)]
    counts = []
    for page in pages:
        admin_client.get(page)
        with django_assert_max_num_queries(40) as measured:
            admin_client.get(page)
        counts.append(len(measured.captured_queries))
    field = Field.objects.for_kommune(world.kommune).get(key="rollen-verantwortung")
    template = Criterion.objects.for_kommune(world.kommune).filter(field=field).first()
    for i in range(6):
        Criterion.objects.create(
            kommune=world.kommune, field=field, key=f"eigen-{i}", name=f"Eigenes {i}", question="?",
            levels=template.levels, confidence="eigene", is_custom=True, position=10 + i,
        )  # fmt: skip
    data = {"criteria": list(Criterion.objects.for_kommune(world.kommune).values_list("pk", flat=True))}
    data["criteria"] = [pk for pk in data["criteria"] if pk in _all_active(world)]
    services.campaign_update(kommune=world.kommune, actor=world.admin, campaign=campaign, data=data)
    invite(world, campaign, people(world, 6, world.hauptamt, "Q"))
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            admin_client.get(page)


def _all_active(world: Any) -> set[int]:
    return set(
        Criterion.objects.for_kommune(world.kommune)
        .filter(is_active=True, field__is_active=True, field__assessable=True)
        .values_list("pk", flat=True)
    )
