"""The API of the target profile, gaps, recommendations and Kommunentyp: personas, bad input, audit source."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kompass.api.tests.helpers import ApiClient, token_for
from kompass.assessment.models import Recommendation, Target, TypeProfile
from kompass.assessment.tests.targets_support import OPTIMIERER, THIS_YEAR, closed_campaign, set_target
from kompass.audit.models import AuditEntry
from kompass.framework.tests.catalogue_fixture import adopted_framework

BASE = "/api/v1/kommunen/teststadt/selbstbewertung"


@pytest.fixture
def framework(world: Any, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


@pytest.fixture
def api(world: Any) -> dict[str, ApiClient]:
    return {
        "admin": ApiClient(token_for(world.admin)),
        "editor": ApiClient(token_for(world.editor)),
        "reader": ApiClient(token_for(world.reader)),
        "outsider": ApiClient(token_for(world.outsider)),
        "anonymous": ApiClient(),
    }


def _put(client: ApiClient, path: str, data: Any) -> Any:
    return client.raw("PUT", path, json.dumps(data))


TARGET = {"field_key": "daten", "level": 3.5, "year": THIS_YEAR + 2, "reason": "Ratsbeschluss", "weight": 3}


def test_reading_needs_membership_and_every_member_reads(world: Any, framework: Any, api: Any) -> None:
    for path in ("/soll", "/luecken", "/empfehlungen", "/kommunentyp"):
        assert api["anonymous"].get(BASE + path).status_code == 401
        assert api["outsider"].get(BASE + path).status_code == 404
        for persona in ("admin", "editor", "reader"):
            assert api[persona].get(BASE + path).status_code == 200, (persona, path)


def test_the_soll_profile_carries_ist_and_soll_per_field(world: Any, framework: Any, api: Any) -> None:
    campaign = closed_campaign(world, {"daten": 2.14})
    set_target(world, "daten", "3,5", weight=3)
    body = api["reader"].get(BASE + "/soll").json()
    assert body["campaign_id"] == campaign.pk
    daten = next(f for f in body["fields"] if f["field_key"] == "daten")
    assert daten["ist"] == 2.14 and daten["target"]["level"] == 3.5 and daten["target"]["weight"] == 3
    assert [c["criterion_key"] for c in daten["criteria"]] == ["datenregeln", "offene-daten", "dashboards"]


def test_setting_a_soll_through_the_api(world: Any, framework: Any, api: Any) -> None:
    response = _put(api["admin"], BASE + "/soll", {**TARGET, "version": 0})
    assert response.status_code == 200, response.json()
    assert response.json()["level"] == 3.5 and response.json()["version"] == 1
    assert AuditEntry.objects.for_kommune(world.kommune).get(object_type="target").source == "api"
    stale = _put(api["admin"], BASE + "/soll", {**TARGET, "level": 4, "version": 0})
    assert stale.status_code == 409
    per_criterion = _put(api["admin"], BASE + "/soll", {**TARGET, "criterion_key": "offene-daten"})
    assert per_criterion.status_code == 200 and per_criterion.json()["criterion_key"] == "offene-daten"
    assert Target.objects.for_kommune(world.kommune).count() == 2


def test_only_editors_without_limit_set_a_soll(world: Any, framework: Any, api: Any) -> None:
    assert _put(api["reader"], BASE + "/soll", TARGET).status_code == 403
    assert _put(api["editor"], BASE + "/soll", TARGET).status_code == 403
    assert _put(api["outsider"], BASE + "/soll", TARGET).status_code == 404
    assert _put(api["anonymous"], BASE + "/soll", TARGET).status_code == 401
    assert not Target.objects.unscoped().exists()


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"level": 5.5}, ["body", "level"]),
        ({"level": 3.3}, ["body", "level"]),
        ({"year": THIS_YEAR - 1}, ["body", "year"]),
        ({"reason": ""}, ["body", "reason"]),
        ({"weight": 9}, ["body", "weight"]),
        ({"field_key": "gibt-es-nicht"}, ["body", "field_key"]),
        ({"criterion_key": "dokument"}, ["body", "criterion_key"]),  # a criterion of another field
        ({"field_key": "mobilitaet"}, ["body"]),  # switched off
        ({"kommune_id": 2}, ["body", "kommune_id"]),
        ({"level": "viel"}, ["body", "level"]),
    ],
)
def test_bad_soll_input_is_422_with_the_field_and_changes_nothing(
    world: Any, framework: Any, api: Any, change: dict[str, Any], loc: list[str]
) -> None:
    response = _put(api["admin"], BASE + "/soll", {**TARGET, **change})
    assert response.status_code == 422, response.json()
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert not Target.objects.unscoped().exists()


def test_gaps_through_the_api(world: Any, framework: Any, api: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.0, "daten": 3.0})
    set_target(world, "rollen-verantwortung", "3,0", weight=1)
    set_target(world, "daten", "4,5", weight=3)
    body = api["reader"].get(BASE + "/luecken").json()
    assert [(g["field_key"], g["gap"], g["priority"]) for g in body["ranked"]] == [
        ("daten", 1.5, 4.5),
        ("rollen-verantwortung", 1.0, 1.0),
    ]
    assert body["incomplete"] == [
        {
            "field_key": "strategie",
            "field_name": "Strategie",
            "ist": None,
            "soll": None,
            "year": None,
            "weight": None,
            "gap": None,
            "priority": None,
            "missing": ["Ist fehlt", "Soll fehlt"],
        }
    ]


def test_recommendations_through_the_api(world: Any, framework: Any, api: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    listed = api["reader"].get(BASE + "/empfehlungen").json()
    assert listed["suggestions"][0]["field_key"] == "daten"
    assert [t["key"] for t in listed["suggestions"][0]["templates"]] == ["open-data-portal"]

    created = api["admin"].post(BASE + "/empfehlungen", {"field_key": "daten", "template_key": "open-data-portal"})
    assert created.status_code == 201, created.json()
    assert created.json()["reason"] == "Feld Daten: Ist 2,0; noch kein Soll festgelegt"
    assert created.json()["current_level"] == 2.0 and created.json()["status"] == "angenommen"
    twice = api["admin"].post(BASE + "/empfehlungen", {"field_key": "daten", "template_key": "open-data-portal"})
    assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["body", "template_key"]
    unfit = api["admin"].post(BASE + "/empfehlungen", {"field_key": "strategie", "template_key": "open-data-portal"})
    assert unfit.status_code == 422
    unknown = api["admin"].post(BASE + "/empfehlungen", {"field_key": "daten", "template_key": "nichts"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "template_key"]
    for persona, status in (("reader", 403), ("editor", 403), ("outsider", 404), ("anonymous", 401)):
        body = {"field_key": "rollen-verantwortung", "template_key": "lotsen-netzwerk"}
        assert api[persona].post(BASE + "/empfehlungen", body).status_code == status
    assert Recommendation.objects.unscoped().count() == 1
    assert api["reader"].get(BASE + "/empfehlungen").json()["suggestions"][0]["templates"][0]["accepted"] is True


def test_kommunentyp_through_the_api(world: Any, api: Any) -> None:
    empty = api["reader"].get(BASE + "/kommunentyp").json()
    assert empty["answered"] is False and empty["nearest"] == [] and len(empty["items"]) == 13
    saved = _put(api["admin"], BASE + "/kommunentyp", {"answers": OPTIMIERER, "version": 0})
    assert saved.status_code == 200, saved.json()
    assert saved.json()["nearest"] == ["optimierer"] and saved.json()["version"] == 1
    missing = {k: v for k, v in OPTIMIERER.items() if k != "offenheit"}
    bad = _put(api["admin"], BASE + "/kommunentyp", {"answers": {**missing, "effizienz": 8}})
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} == {
        ("body", "answers", "offenheit"),
        ("body", "answers", "effizienz"),
    }
    assert _put(api["admin"], BASE + "/kommunentyp", {"answers": OPTIMIERER, "version": 7}).status_code == 409
    for persona, status in (("reader", 403), ("editor", 403), ("outsider", 404)):
        assert _put(api[persona], BASE + "/kommunentyp", {"answers": OPTIMIERER}).status_code == status
    profile = TypeProfile.objects.for_kommune(world.kommune).get()
    assert profile.answers == OPTIMIERER and profile.version == 1
