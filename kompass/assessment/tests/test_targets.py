"""Ist from the stored result, the Soll (service and pages), the gaps and their ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kompass.assessment import selectors, services, services_targets
from kompass.assessment.models import Answer, CampaignItem, Target
from kompass.assessment.tests.targets_support import (
    SLUG,
    THIS_YEAR,
    closed_campaign,
    criterion,
    field,
    more_fields,
    set_target,
)
from kompass.audit.models import AuditEntry
from kompass.core.exceptions import ConflictError
from kompass.factories import person
from kompass.framework import services as framework_services
from kompass.framework.tests.catalogue_fixture import adopted_framework


@pytest.fixture
def framework(world: Any, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


def _url(name: str, *args: Any) -> str:
    return reverse(f"assessment:{name}", args=[SLUG, *args])


def _audits(world: Any, object_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_kommune(world.kommune).filter(object_type=object_type))


# --- Ist -------------------------------------------------------------------------------------------


def test_ist_comes_from_the_latest_closed_campaign_and_is_none_where_hidden_or_not_asked(
    world: Any, framework: Any
) -> None:
    closed_campaign(world, {"rollen-verantwortung": 1.0, "daten": 1.0}, title="Alt", ends_on="2025-02-10")
    latest = closed_campaign(
        world, {"rollen-verantwortung": 2.14, "daten": None}, {"kernrollen": 1.8}, title="Neu", ends_on="2026-02-10"
    )
    open_one = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Läuft", "starts_on": "2026-03-01", "ends_on": "2026-12-01"},
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=open_one)

    levels = selectors.current_levels(world.kommune)

    assert levels.campaign == latest
    assert levels.of_field("rollen-verantwortung") == 2.14
    assert levels.of_field("daten") is None  # hidden in the stored result
    assert levels.of_field("strategie") is None  # not in the result
    assert levels.of_criterion(criterion(world, "rollen-verantwortung", "kernrollen").pk) == 1.8
    assert levels.of_criterion(criterion(world, "rollen-verantwortung", "lotsen").pk) is None


def test_ist_without_a_closed_campaign_is_empty(world: Any, framework: Any) -> None:
    levels = selectors.current_levels(world.kommune)
    assert levels.campaign is None and levels.of_field("daten") is None


def test_ist_is_read_from_the_stored_result_never_from_raw_answers(world: Any, framework: Any) -> None:
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Echt", "starts_on": "2026-01-10", "ends_on": "2026-02-10", "unit_depth": 0},
    )
    people = [person(world.kommune, f"P{i}", "Test", world.hauptamt) for i in range(6)]
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=people,
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    item_ids = list(
        CampaignItem.objects.for_kommune(world.kommune).filter(campaign=campaign).values_list("pk", flat=True)
    )
    for link in links:
        participant = services.participant_for(link.token, world.kommune)
        services.submit(participant=participant, answers=dict.fromkeys(item_ids, 4))
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    assert selectors.current_levels(world.kommune).of_field("daten") == 4.0

    Answer.objects.for_kommune(world.kommune).update(value=1)  # raw answers change (or are deleted) later

    assert selectors.current_levels(world.kommune).of_field("daten") == 4.0


# --- the Soll service ------------------------------------------------------------------------------


def test_a_soll_is_created_updated_with_its_version_and_audited(world: Any, framework: Any) -> None:
    target = set_target(world, "daten", "3,5", weight=3, expected_version=0)
    assert (target.level, target.weight, target.version) == (Decimal("3.5"), 3, 1)
    assert len(_audits(world, "target")) == 1

    updated = set_target(world, "daten", "4", weight=3, expected_version=1)
    assert updated.pk == target.pk and updated.level == Decimal("4.0") and updated.version == 2
    assert len(_audits(world, "target")) == 2

    set_target(world, "daten", "4,0", weight=3)  # the same values: nothing written
    assert len(_audits(world, "target")) == 2
    with pytest.raises(ConflictError):
        set_target(world, "daten", "2", weight=3, expected_version=1)
    with pytest.raises(ConflictError):  # the form saw no Soll, but someone set one meanwhile
        set_target(world, "daten", "2", weight=3, expected_version=0)
    assert Target.objects.for_kommune(world.kommune).get().level == Decimal("4.0")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"level": "5,5"}, {"level"}),
        ({"level": "0,5"}, {"level"}),
        ({"level": "3,3"}, {"level"}),
        ({"level": "drei"}, {"level"}),
        ({"level": "NaN"}, {"level"}),
        ({"year": THIS_YEAR - 1}, {"year"}),
        ({"year": THIS_YEAR + 11}, {"year"}),
        ({"year": "bald"}, {"year"}),
        ({"reason": "  "}, {"reason"}),
        ({"weight": 6}, {"weight"}),
        ({"weight": 0, "reason": "", "level": "9"}, {"weight", "reason", "level"}),
    ],
)
def test_bad_soll_input_gives_german_field_errors_and_stores_nothing(
    world: Any, framework: Any, data: dict[str, Any], errors: set[str]
) -> None:
    good = {"level": "3,0", "year": THIS_YEAR + 1, "reason": "Ratsbeschluss", "weight": 2}
    with pytest.raises(ValidationError) as exc:
        services_targets.target_set(
            kommune=world.kommune, actor=world.admin, field=field(world, "daten"), data={**good, **data}
        )
    assert set(exc.value.message_dict) == errors
    assert all(message.startswith("Bitte") for messages in exc.value.message_dict.values() for message in messages)
    assert not Target.objects.for_kommune(world.kommune).exists()
    assert not _audits(world, "target")


def test_a_soll_needs_an_active_field_and_a_criterion_of_that_field(world: Any, framework: Any) -> None:
    good = {"level": "3", "year": THIS_YEAR, "reason": "Ziel", "weight": 1}
    with pytest.raises(ValidationError):  # the optional field starts switched off
        services_targets.target_set(
            kommune=world.kommune, actor=world.admin, field=field(world, "mobilitaet"), data=good
        )
    with pytest.raises(ValidationError):
        services_targets.target_set(
            kommune=world.kommune,
            actor=world.admin,
            field=field(world, "daten"),
            criterion=criterion(world, "strategie", "dokument"),
            data=good,
        )
    on_criterion = services_targets.target_set(
        kommune=world.kommune,
        actor=world.admin,
        field=field(world, "daten"),
        criterion=criterion(world, "daten", "offene-daten"),
        data=good,
    )
    assert on_criterion.criterion is not None
    assert selectors.field_target(world.kommune, field(world, "daten")) is None  # a criterion's Soll is its own


# --- gaps ----------------------------------------------------------------------------------------


def test_gaps_are_ranked_by_gap_times_weight_and_incomplete_fields_are_listed_apart(world: Any, framework: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.0, "daten": 3.0, "strategie": None})
    set_target(world, "rollen-verantwortung", "3,0", weight=1)  # gap 1 × 1 = 1
    set_target(world, "daten", "4,5", weight=3)  # gap 1.5 × 3 = 4.5
    set_target(world, "strategie", "4,0", weight=5)  # no Ist (hidden)

    report = selectors.gap_report(world.kommune)

    assert [(g.field.key, g.gap, g.priority) for g in report.ranked] == [
        ("daten", 1.5, 4.5),
        ("rollen-verantwortung", 1.0, 1.0),
    ]
    assert [(g.field.key, g.missing) for g in report.incomplete] == [("strategie", ["Ist fehlt"])]


def test_a_reached_soll_ranks_last_and_is_no_open_gap(world: Any, framework: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 3.6, "daten": 2.0, "strategie": 2.5})
    set_target(world, "rollen-verantwortung", "3,0", weight=5)  # -0.6 × 5
    set_target(world, "daten", "2,5", weight=1)  # 0.5
    report = selectors.gap_report(world.kommune)
    assert [g.field.key for g in report.ranked] == ["daten", "rollen-verantwortung"]
    assert report.ranked[-1].reached and [g.field.key for g in report.open_gaps] == ["daten"]
    assert [(g.field.key, g.missing) for g in report.incomplete] == [("strategie", ["Soll fehlt"])]


def test_equal_priorities_rank_the_larger_gap_first(world: Any, framework: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.0, "daten": 3.0, "strategie": 1.0})
    set_target(world, "rollen-verantwortung", "3,0", weight=2)  # 1 × 2 = 2
    set_target(world, "daten", "5,0", weight=1)  # 2 × 1 = 2
    report = selectors.gap_report(world.kommune)
    assert [g.field.key for g in report.ranked] == ["daten", "rollen-verantwortung"]


# --- pages -----------------------------------------------------------------------------------------


def test_every_member_reads_the_soll_profile_and_the_gaps_outsiders_get_404(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.14})
    set_target(world, "daten", "3,5", weight=3)
    for user in (world.admin, world.editor, world.reader):
        client = world.client_for(user)
        page = client.get(_url("targets"))
        assert page.status_code == 200
        assert "Daten" in page.content.decode() and "3,5" in page.content.decode()
        assert client.get(_url("gaps")).status_code == 200
    assert world.client_for(world.outsider).get(_url("targets")).status_code == 404
    assert world.client_for(None).get(_url("gaps")).status_code == 302


def test_the_profile_offers_editing_only_to_those_who_may(world: Any, framework: Any) -> None:
    edit_url = _url("target_field", field(world, "daten").pk)
    assert edit_url in world.client_for(world.admin).get(_url("targets")).content.decode()
    assert edit_url not in world.client_for(world.reader).get(_url("targets")).content.decode()
    assert edit_url not in world.client_for(world.editor).get(_url("targets")).content.decode()


def test_setting_a_soll_through_the_page(world: Any, framework: Any) -> None:
    client = world.client_for(world.admin)
    url = _url("target_field", field(world, "daten").pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"level": "3.5", "year": str(THIS_YEAR + 2), "weight": "3", "reason": "Ratsbeschluss", "version": "0"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#feld-daten")
    target = Target.objects.for_kommune(world.kommune).get()
    assert (target.level, target.year, target.weight, target.reason) == (
        Decimal("3.5"),
        THIS_YEAR + 2,
        3,
        "Ratsbeschluss",
    )
    entry = _audits(world, "target")[0]
    assert entry.source == "ui" and "Daten" in entry.object_label


def test_bad_input_on_the_page_shows_errors_next_to_the_fields_and_changes_nothing(world: Any, framework: Any) -> None:
    client = world.client_for(world.admin)
    url = _url("target_field", field(world, "daten").pk)
    response = client.post(url, {"level": "7", "year": str(THIS_YEAR - 3), "weight": "3", "reason": "", "version": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_level-error"' in html and 'id="id_year-error"' in html and 'id="id_reason-error"' in html
    assert "nicht in der Vergangenheit" in html
    assert not Target.objects.for_kommune(world.kommune).exists()


def test_a_stale_version_on_the_page_is_a_conflict(world: Any, framework: Any) -> None:
    set_target(world, "daten", "3,0")
    set_target(world, "daten", "3,5")  # version 2 now
    client = world.client_for(world.admin)
    response = client.post(
        _url("target_field", field(world, "daten").pk),
        {"level": "5", "year": str(THIS_YEAR), "weight": "1", "reason": "alt", "version": "1"},
    )
    assert response.status_code == 200 and "inzwischen" in response.content.decode()
    assert Target.objects.for_kommune(world.kommune).get().level == Decimal("3.5")


def test_readers_and_limited_editors_may_not_set_a_soll_and_other_kommunen_fields_are_404(
    world: Any, framework: Any, tmp_path: Any
) -> None:
    url = _url("target_field", field(world, "daten").pk)
    body = {"level": "3", "year": str(THIS_YEAR), "weight": "1", "reason": "x"}
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, body).status_code == 403
    adopted_framework(world.other, tmp_path / "other")
    foreign = field(type("W", (), {"kommune": world.other})(), "daten")
    assert world.client_for(world.admin).get(_url("target_field", foreign.pk)).status_code == 404
    assert world.client_for(world.admin).get(_url("target_field", 10**9)).status_code == 404
    assert world.client_for(world.admin).get(_url("target_field", field(world, "mobilitaet").pk)).status_code == 404
    assert world.client_for(world.admin).put(url).status_code == 405
    assert not Target.objects.unscoped().exists()


def test_a_soll_per_criterion_and_removing_it(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0}, {"offene-daten": 1.4})
    client = world.client_for(world.admin)
    crit = criterion(world, "daten", "offene-daten")
    page = client.get(_url("target_criterion", crit.pk))
    assert page.status_code == 200 and "1,4" in page.content.decode()
    response = client.post(
        _url("target_criterion", crit.pk),
        {"level": "3", "year": str(THIS_YEAR + 1), "weight": "2", "reason": "Open-Data-Strategie", "version": "0"},
    )
    assert response.status_code == 302
    target = selectors.criterion_target(world.kommune, crit)
    assert target is not None and target.criterion == crit
    assert "Offene Daten" in client.get(_url("target_field", field(world, "daten").pk)).content.decode()

    removed = client.post(_url("target_criterion", crit.pk), {"entfernen": "1", "version": str(target.version)})
    assert removed.status_code == 302
    assert selectors.criterion_target(world.kommune, crit) is None
    assert sorted(e.action for e in _audits(world, "target")) == ["create", "delete"]


def test_a_stale_remove_changes_nothing(world: Any, framework: Any) -> None:
    target = set_target(world, "daten", "3")
    client = world.client_for(world.admin)
    response = client.post(_url("target_field", field(world, "daten").pk), {"entfernen": "1", "version": "99"})
    assert response.status_code == 302
    assert Target.objects.for_kommune(world.kommune).get().pk == target.pk


def test_the_gap_page_shows_the_ranking_a_chart_with_its_table_and_what_is_missing(world: Any, framework: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.0, "daten": 3.0})
    set_target(world, "rollen-verantwortung", "3,0", weight=1)
    set_target(world, "daten", "4,5", weight=3)
    html = world.client_for(world.reader).get(_url("gaps")).content.decode()
    assert html.index("Daten") < html.index("Rollen und Verantwortung")
    assert 'role="img"' in html and "Daten als Tabelle" in html
    assert "4,5" in html  # the priority of Daten
    assert "Soll fehlt" in html and "Ist fehlt" in html  # Strategie has neither


def test_the_profile_says_when_there_is_no_framework_yet(world: Any) -> None:
    html = world.client_for(world.admin).get(_url("targets")).content.decode()
    assert "noch nicht übernommen" in html
    assert world.client_for(world.admin).get(_url("gaps")).status_code == 200


def test_switched_off_fields_leave_the_profile(world: Any, framework: Any) -> None:
    framework_services.field_update(
        kommune=world.kommune, actor=world.admin, field=field(world, "strategie"), data={"is_active": False}
    )
    keys = [row.field.key for row in selectors.target_profile(world.kommune).rows]
    assert keys == ["rollen-verantwortung", "daten"]


# --- query counts ----------------------------------------------------------------------------------


def _queries(client: Any, url: str, django_assert_max_num_queries: Any, budget: int) -> None:
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["targets", "gaps"])
def test_the_pages_cost_the_same_queries_for_3_and_23_fields(
    world: Any, framework: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.0, "daten": 3.0})
    set_target(world, "daten", "4,5", weight=3)
    client = world.client_for(world.admin)
    client.get(_url(name))  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(_url(name))
    more_fields(world, 20, with_targets=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(name))
    assert response.status_code == 200 and "Zusatzfeld 19" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    _queries(client, _url(name), django_assert_max_num_queries, len(few.captured_queries))


def test_the_field_page_costs_the_same_queries_for_more_fields(world: Any, framework: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    closed_campaign(world, {"daten": 3.0})
    client = world.client_for(world.admin)
    url = _url("target_field", field(world, "daten").pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more_fields(world, 10, with_targets=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
