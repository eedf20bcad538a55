"""The campaigns API: every member reads, those who steer surveys create and change the status;
answers are counted in steps of k; no answer ever carries a personal link or token."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.api.tests.helpers import BASE, ApiClient, token_for
from kompass.assessment import results, services
from kompass.assessment.models import Campaign, CampaignStatus, Participant
from kompass.assessment.tests.test_manage_views import answer, framework, invite, make_campaign, people  # noqa: F401

URL = BASE + "/umfragen"


@pytest.fixture
def api(world: Any) -> dict[str, ApiClient]:
    return {
        "admin": ApiClient(token_for(world.admin)),
        "editor": ApiClient(token_for(world.editor)),
        "reader": ApiClient(token_for(world.reader)),
        "outsider": ApiClient(token_for(world.outsider)),
        "anonymous": ApiClient(),
    }


def _body(**overrides: Any) -> dict[str, Any]:
    return {"title": "Standortbestimmung 2027", "starts_on": "2027-03-01", "ends_on": "2027-03-31", **overrides}


def test_members_read_campaigns_with_answers_in_steps_of_k(
    world: Any,
    framework: Any,  # noqa: F811
    api: dict[str, ApiClient],
) -> None:
    campaign = make_campaign(world, open_link_enabled=True)
    links = invite(world, campaign, people(world, 9, world.hauptamt, "P"))
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    answer(campaign, links[:7])
    listing = api["reader"].get(URL)
    assert listing.status_code == 200
    item = listing.json()["items"][0]
    assert item["title"] == "Standortbestimmung 2026" and item["status"] == "offen"
    assert item["invited"] == 9 and item["answered_at_least"] == 5
    detail = api["reader"].get(f"{URL}/{campaign.pk}").json()
    assert detail["participation"]["answered_at_least"] == 5
    assert detail["participation"]["audiences"][-1] == {
        "audience": "mitarbeitende",
        "label": "Mitarbeitende",
        "invited": 9,
        "answered_at_least": 5,
    }
    assert sum(len(f["criteria"]) for f in detail["questionnaire"]) == 9
    assert detail["open_link"] is None  # the reader does not steer: no open link, no code
    campaign.refresh_from_db()
    admin_text = api["admin"].get(f"{URL}/{campaign.pk}").content.decode()
    assert campaign.open_token in admin_text and campaign.access_code in admin_text
    for link in links:
        assert link.token not in admin_text and link.participant.token_hash not in admin_text
    assert "token" not in listing.content.decode()


def test_outsiders_get_404_and_visitors_401(world: Any, framework: Any, api: dict[str, ApiClient]) -> None:  # noqa: F811
    campaign = make_campaign(world)
    assert api["outsider"].get(f"{URL}/{campaign.pk}").status_code == 404
    assert api["outsider"].get(URL).status_code == 404
    assert api["outsider"].post(f"{URL}/{campaign.pk}/oeffnen").status_code == 404
    assert api["anonymous"].get(URL).status_code == 401
    assert api["admin"].get(f"{URL}/999999").status_code == 404
    assert Campaign.objects.for_kommune(world.kommune).get().status == CampaignStatus.DRAFT


def test_only_those_who_steer_create_campaigns(world: Any, framework: Any, api: dict[str, ApiClient]) -> None:  # noqa: F811
    for persona in ("reader", "editor"):
        assert api[persona].post(URL, _body()).status_code == 403
    assert not Campaign.objects.for_kommune(world.kommune).exists()
    created = api["admin"].post(URL, _body(audiences=["fuehrung"], k=6))
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "entwurf" and data["audiences"] == ["fuehrung"] and data["k"] == 6
    assert "6 Personen" in data["privacy_notice"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2027-02-01"}, "ends_on"),
        ({"audiences": ["buergerschaft"]}, "audiences"),
        ({"k": 4}, "k"),
        ({"criteria": [999999]}, "criteria"),
        ({"unit_depth": 9}, "unit_depth"),
        ({"token": "x"}, "token"),
    ],
)
def test_bad_input_is_422_and_creates_nothing(
    world: Any,
    framework: Any,  # noqa: F811
    api: dict[str, ApiClient],
    overrides: dict[str, Any],
    field: str,
) -> None:
    response = api["admin"].post(URL, _body(**overrides))
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert not Campaign.objects.for_kommune(world.kommune).exists()


def test_k_below_the_kommunes_k_is_refused(world: Any, framework: Any, api: dict[str, ApiClient]) -> None:  # noqa: F811
    services.settings_update(kommune=world.kommune, actor=world.admin, k=8, reason="DV")
    response = api["admin"].post(URL, _body(k=6))
    assert response.status_code == 422 and "mindestens 8" in response.content.decode()


def test_status_actions_close_twice_and_reopen_after_release(
    world: Any,
    framework: Any,  # noqa: F811
    api: dict[str, ApiClient],
) -> None:
    campaign = make_campaign(world)
    admin = api["admin"]
    assert api["reader"].post(f"{URL}/{campaign.pk}/oeffnen").status_code == 403
    assert api["editor"].post(f"{URL}/{campaign.pk}/oeffnen").status_code == 403
    assert admin.post(f"{URL}/{campaign.pk}/schliessen").status_code == 409  # a draft
    opened = admin.post(f"{URL}/{campaign.pk}/oeffnen")
    assert opened.status_code == 200 and opened.json()["status"] == "offen"
    assert admin.post(f"{URL}/{campaign.pk}/schliessen").json()["status"] == "geschlossen"
    again = admin.post(f"{URL}/{campaign.pk}/schliessen")
    assert again.status_code == 200 and again.json()["status"] == "geschlossen"
    campaign.refresh_from_db()
    results.record_release(campaign=campaign, user=world.admin, breakdown="gesamt", channel="api", data={})
    refused = admin.post(f"{URL}/{campaign.pk}/wieder-oeffnen")
    assert refused.status_code == 409 and "bereits abgerufen" in refused.json()["detail"]
    archived = admin.post(f"{URL}/{campaign.pk}/archivieren")
    assert archived.status_code == 200 and archived.json()["status"] == "archiviert"


def test_there_is_no_way_to_invite_through_the_api(world: Any, framework: Any, api: dict[str, ApiClient]) -> None:  # noqa: F811
    campaign = make_campaign(world)
    for path in ("einladungen", "erinnerungen", "teilnehmende"):
        assert api["admin"].post(f"{URL}/{campaign.pk}/{path}", {"audience": "mitarbeitende"}).status_code in (
            404,
            405,
        )
    assert not Participant.objects.for_kommune(world.kommune).exists()
