"""Suggested measures for the weakest fields, accepting and dropping recommendations (service and pages)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompass.assessment import selectors, services_targets
from kompass.assessment.models import Recommendation, RecommendationStatus
from kompass.assessment.tests.targets_support import (
    OPTIMIERER,
    SLUG,
    add_scores,
    closed_campaign,
    field,
    more_fields,
    set_target,
)
from kompass.audit.models import AuditEntry
from kompass.core.exceptions import ConflictError
from kompass.framework.models import MeasureTemplate
from kompass.framework.tests.catalogue_fixture import adopted_framework


@pytest.fixture
def framework(world: Any, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


def _url(name: str, *args: Any) -> str:
    return reverse(f"assessment:{name}", args=[SLUG, *args])


def _template(key: str) -> MeasureTemplate:
    return MeasureTemplate.objects.get(key=key)


def _accept(world: Any, key: str, field_key: str, reason: str | None = None) -> Recommendation:
    return services_targets.recommendation_accept(
        kommune=world.kommune, actor=world.admin, template=_template(key), field=field(world, field_key), reason=reason
    )


def _suggested(world: Any) -> dict[str, list[str]]:
    return {fs.gap.field.key: [s.template.key for s in fs.suggestions] for fs in selectors.suggestions(world.kommune)}


# --- which templates are suggested -----------------------------------------------------------------


def test_only_templates_for_the_field_and_its_level_are_suggested(world: Any, framework: Any) -> None:
    # lotsen-netzwerk: rollen-verantwortung up to level 3; open-data-portal: daten up to level 4
    closed_campaign(world, {"rollen-verantwortung": 3.2, "daten": 3.9, "strategie": 1.5})
    assert _suggested(world) == {"strategie": [], "rollen-verantwortung": [], "daten": ["open-data-portal"]}

    closed_campaign(world, {"rollen-verantwortung": 3.0, "daten": 4.1}, title="Später", ends_on="2027-02-10")
    assert _suggested(world) == {"rollen-verantwortung": ["lotsen-netzwerk"], "daten": []}


def test_the_weakest_fields_come_first_by_priority_then_by_lowest_ist_without_soll(world: Any, framework: Any) -> None:
    closed_campaign(world, {"rollen-verantwortung": 2.5, "daten": 3.0, "strategie": 1.0})
    set_target(world, "daten", "4,0", weight=3)  # priority 3
    set_target(world, "rollen-verantwortung", "5,0", weight=1)  # priority 2.5
    assert list(_suggested(world)) == ["daten", "rollen-verantwortung", "strategie"]  # strategie: no Soll

    set_target(world, "daten", "3,0", weight=3)  # reached: no suggestions any more
    assert list(_suggested(world)) == ["rollen-verantwortung", "strategie"]


def test_without_a_closed_campaign_nothing_is_suggested(world: Any, framework: Any) -> None:
    set_target(world, "daten", "4,0", weight=3)
    assert selectors.suggestions(world.kommune) == []
    html = world.client_for(world.admin).get(_url("recommendations")).content.decode()
    assert "sobald eine Umfrage abgeschlossen ist" in html


def test_the_default_reason_names_ist_soll_year_gap_and_weight(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.14})
    set_target(world, "daten", "3,5", weight=3, year=2028)
    (fs,) = [fs for fs in selectors.suggestions(world.kommune) if fs.gap.field.key == "daten"]
    assert fs.reason == "Feld Daten: Ist 2,1, Soll 3,5 (2028); Lücke 1,4 × Gewicht 3"


# --- accepting and dropping ------------------------------------------------------------------------


def test_accepting_stores_template_field_campaign_levels_and_reason_with_an_audit_entry(
    world: Any, framework: Any
) -> None:
    campaign = closed_campaign(world, {"daten": 2.14})
    set_target(world, "daten", "3,5", weight=3, year=2028)
    recommendation = _accept(world, "open-data-portal", "daten")
    assert recommendation.template == _template("open-data-portal")
    assert recommendation.field == field(world, "daten")
    assert recommendation.campaign == campaign
    assert recommendation.title == "Open-Data-Portal"
    assert recommendation.description == "Daten der Kommune offen bereitstellen."
    assert recommendation.reason == "Feld Daten: Ist 2,1, Soll 3,5 (2028); Lücke 1,4 × Gewicht 3"
    assert (recommendation.current_level, recommendation.target_level) == (Decimal("2.14"), Decimal("3.5"))
    assert recommendation.status == RecommendationStatus.ACCEPTED and recommendation.accepted_by_name
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="recommendation")
    assert entry.action == "create" and "Open-Data-Portal" in entry.object_label


def test_the_same_template_for_the_same_field_is_refused_a_second_time(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    _accept(world, "open-data-portal", "daten", "Wir wollen offene Daten.")
    with pytest.raises(ValidationError) as exc:
        _accept(world, "open-data-portal", "daten", "Noch einmal")
    assert "bereits übernommen" in exc.value.message_dict["template"][0]
    assert Recommendation.objects.for_kommune(world.kommune).count() == 1


def test_a_template_that_does_not_fit_the_field_or_its_level_is_refused(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 4.5, "strategie": 1.0})
    with pytest.raises(ValidationError):
        _accept(world, "open-data-portal", "strategie")  # not a template of this field
    with pytest.raises(ValidationError):
        _accept(world, "open-data-portal", "daten")  # Ist 4.5 above max_level 4
    with pytest.raises(ValidationError) as exc:
        _accept(world, "lotsen-netzwerk", "rollen-verantwortung", "   ")  # fits (no Ist), but no reason
    assert "reason" in exc.value.message_dict
    assert not Recommendation.objects.for_kommune(world.kommune).exists()


def test_dropping_needs_a_reason_keeps_it_and_a_dropped_one_can_be_taken_again(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    recommendation = _accept(world, "open-data-portal", "daten", "Offene Daten")
    with pytest.raises(ValidationError):
        services_targets.recommendation_drop(
            kommune=world.kommune, actor=world.admin, recommendation=recommendation, reason=""
        )
    with pytest.raises(ConflictError):
        services_targets.recommendation_drop(
            kommune=world.kommune, actor=world.admin, recommendation=recommendation, reason="x", expected_version=9
        )
    dropped = services_targets.recommendation_drop(
        kommune=world.kommune,
        actor=world.admin,
        recommendation=recommendation,
        reason="Das Land baut ein Portal für alle.",
        expected_version=1,
    )
    assert dropped.status == RecommendationStatus.DROPPED and dropped.version == 2
    assert dropped.reason == "Offene Daten" and dropped.dropped_reason == "Das Land baut ein Portal für alle."
    assert dropped.dropped_on == timezone.localdate()
    with pytest.raises(ValidationError):  # dropping twice
        services_targets.recommendation_drop(
            kommune=world.kommune, actor=world.admin, recommendation=dropped, reason="nochmal"
        )
    again = _accept(world, "open-data-portal", "daten", "Doch selbst")
    assert again.pk == recommendation.pk and again.status == RecommendationStatus.ACCEPTED
    assert again.reason == "Doch selbst" and again.dropped_on is None and again.dropped_reason == ""
    assert Recommendation.objects.for_kommune(world.kommune).count() == 1
    actions = sorted(
        AuditEntry.objects.for_kommune(world.kommune)
        .filter(object_type="recommendation")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "update"]


# --- pages -----------------------------------------------------------------------------------------


def test_every_member_reads_the_recommendations_only_editors_see_the_forms(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    action = _url("recommendation_accept")
    admin_html = world.client_for(world.admin).get(_url("recommendations")).content.decode()
    assert "Open-Data-Portal" in admin_html and action in admin_html
    assert "Feld Daten: Ist 2,0; noch kein Soll festgelegt" in admin_html  # prefilled reason
    for user in (world.reader, world.editor):
        html = world.client_for(user).get(_url("recommendations")).content.decode()
        assert "Open-Data-Portal" in html and action not in html
    assert world.client_for(world.outsider).get(_url("recommendations")).status_code == 404


def test_accepting_through_the_page(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    client = world.client_for(world.admin)
    body = {"field": field(world, "daten").pk, "template": "open-data-portal", "reason": "Transparenz"}
    response = client.post(_url("recommendation_accept"), body)
    assert response.status_code == 302 and response["Location"].endswith("#uebernommen")
    assert Recommendation.objects.for_kommune(world.kommune).get().reason == "Transparenz"
    page = client.get(_url("recommendations")).content.decode()
    assert (
        "übernommen" in page
        and _url("recommendation_drop", Recommendation.objects.for_kommune(world.kommune).get().pk) in page
    )

    twice = client.post(_url("recommendation_accept"), body)
    assert twice.status_code == 200 and "bereits übernommen" in twice.content.decode()
    assert Recommendation.objects.for_kommune(world.kommune).count() == 1


def test_bad_accept_input_changes_nothing(world: Any, framework: Any, tmp_path: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    client = world.client_for(world.admin)
    url = _url("recommendation_accept")
    empty = client.post(url, {"field": field(world, "daten").pk, "template": "open-data-portal", "reason": ""})
    html = empty.content.decode()
    assert empty.status_code == 200 and "Bitte begründen Sie" in html and 'aria-invalid="true"' in html
    unknown = client.post(url, {"field": field(world, "daten").pk, "template": "gibt-es-nicht", "reason": "x"})
    assert unknown.status_code == 200 and "gibt es nicht" in unknown.content.decode()
    assert client.post(url, {"field": "abc", "template": "x"}).status_code == 302  # not a form of the page
    adopted_framework(world.other, tmp_path / "other")
    foreign = type("W", (), {"kommune": world.other})()
    assert client.post(url, {"field": field(foreign, "daten").pk, "template": "open-data-portal"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not Recommendation.objects.unscoped().exists()


def test_readers_and_limited_editors_may_not_accept_or_drop(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    recommendation = _accept(world, "open-data-portal", "daten", "x")
    body = {"field": field(world, "rollen-verantwortung").pk, "template": "lotsen-netzwerk", "reason": "y"}
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.post(_url("recommendation_accept"), body).status_code == 403
        assert client.get(_url("recommendation_drop", recommendation.pk)).status_code == 403
        assert client.post(_url("recommendation_drop", recommendation.pk), {"reason": "z"}).status_code == 403
    assert world.client_for(world.outsider).post(_url("recommendation_accept"), body).status_code == 404
    assert Recommendation.objects.for_kommune(world.kommune).get().status == RecommendationStatus.ACCEPTED


def test_dropping_through_the_page(world: Any, framework: Any) -> None:
    closed_campaign(world, {"daten": 2.0})
    recommendation = _accept(world, "open-data-portal", "daten", "x")
    client = world.client_for(world.admin)
    url = _url("recommendation_drop", recommendation.pk)
    assert client.get(url).status_code == 200
    missing = client.post(url, {"reason": "", "version": "1"})
    assert missing.status_code == 200 and 'id="id_reason-error"' in missing.content.decode()
    done = client.post(url, {"reason": "Zu teuer", "version": "1"})
    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DROPPED and recommendation.dropped_reason == "Zu teuer"
    assert client.get(_url("recommendation_drop", 10**9)).status_code == 404


def test_templates_of_the_kommunes_type_are_marked(world: Any, framework: Any) -> None:
    MeasureTemplate.objects.create(
        key="prozessdaten",
        name="Prozessdaten auswerten",
        field_keys=["daten"],
        max_level=3,
        kommunentypen=["optimierer"],
        source="Test",
        confidence="abgeleitet",
        version="t",
    )
    closed_campaign(world, {"daten": 2.0})
    (before,) = [s for s in selectors.suggestions(world.kommune)[0].suggestions if s.template.key == "prozessdaten"]
    assert not before.suits_kommune and before.type_names == ["Die Optimierer"]
    services_targets.type_profile_save(kommune=world.kommune, actor=world.admin, answers=OPTIMIERER)
    marks = {s.template.key: s.suits_kommune for s in selectors.suggestions(world.kommune)[0].suggestions}
    assert marks == {"open-data-portal": False, "prozessdaten": True}
    assert "passt zu Ihrem Kommunentyp" in world.client_for(world.reader).get(_url("recommendations")).content.decode()


def test_the_recommendations_page_costs_the_same_queries_for_more_fields_and_recommendations(
    world: Any, framework: Any
) -> None:
    campaign = closed_campaign(world, {"daten": 2.0, "rollen-verantwortung": 1.0})
    _accept(world, "open-data-portal", "daten", "x")
    client = world.client_for(world.admin)
    url = _url("recommendations") + "?alle=1"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    extra = more_fields(world, 12, with_targets=True)
    for i, f in enumerate(extra):
        MeasureTemplate.objects.create(
            key=f"vorlage-{i}",
            name=f"Vorlage {i}",
            field_keys=[f.key],
            max_level=5,
            source="T",
            confidence="belegt",
            version="t",
        )
        Recommendation.objects.create(kommune=world.kommune, field=f, title=f"Empfehlung {i}", reason="r")
    add_scores(world, campaign, {f.key: 1.5 for f in extra})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    html = response.content.decode()
    assert "Empfehlung 11" in html and "Vorlage 11" in html
    assert len(many.captured_queries) == len(few.captured_queries)
