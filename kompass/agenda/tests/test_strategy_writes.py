"""Changing the strategy through its pages: who may (Administration and Redaktion without limit),
who may not (a reader: 403; a Redaktion limited to a subtree: 403; another Kommune: 404), what bad
input answers (400 with the German message, nothing stored), that a decided version is read-only,
that a stale form is a conflict, and that every change leaves its audit entry."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.agenda import services
from kompass.agenda.models import (
    Agenda,
    AgendaSettings,
    AgendaVersion,
    CouncilDecision,
    Goal,
    Handlungsfeld,
    Leitsatz,
)
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import decision, draft, fields, first_field, goal, url
from kompass.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def audited(obj: Any, action: str) -> bool:
    return (
        AuditEntry.objects.for_kommune(obj.kommune)
        .filter(object_type=obj._meta.model_name, object_id=str(obj.pk), action=action)
        .exists()
    )


def text(response: Any) -> str:
    return response.content.decode()


# --- starting the agenda ---------------------------------------------------------------------------


def test_admin_starts_the_agenda_with_a_first_draft(world: Any) -> None:
    response = world.client_for(world.admin).post(url("create"), {"title": "Digitale Agenda 2030"})
    assert response.status_code == 302 and response["Location"] == url("overview")
    agenda = Agenda.objects.for_kommune(world.kommune).get()
    assert agenda.title == "Digitale Agenda 2030"
    version = AgendaVersion.objects.for_kommune(world.kommune).get()
    assert version.number == 1 and not version.is_decided
    assert audited(agenda, "create") and audited(version, "create")


def test_starting_a_second_agenda_is_refused_with_400(world: Any) -> None:
    factories.agenda(world)
    response = world.client_for(world.admin).post(url("create"), {"title": "Noch eine"})
    assert response.status_code == 400
    assert "bereits eine Digitale Agenda" in text(response)
    assert Agenda.objects.for_kommune(world.kommune).count() == 1


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_reader_and_limited_editor_may_not_start_or_configure_the_agenda(world: Any, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    assert client.post(url("create"), {"title": "x"}).status_code == 403
    assert client.get(url("settings")).status_code == 403
    assert not Agenda.objects.for_kommune(world.kommune).exists()


def test_create_answers_only_post(world: Any) -> None:
    assert world.client_for(world.admin).get(url("create")).status_code == 405


# --- versions ------------------------------------------------------------------------------------------


def test_editing_the_vision_of_a_draft(world: Any) -> None:
    version = draft(world)
    client = world.client_for(world.admin)
    assert client.get(url("version_edit", version.pk)).status_code == 200
    response = client.post(
        url("version_edit", version.pk), {"vision": "Digital, nah, offen.", "version": version.version}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.vision == "Digital, nah, offen." and audited(version, "update")


def test_a_stale_form_is_a_conflict_and_changes_nothing(world: Any) -> None:
    version = draft(world)
    client = world.client_for(world.admin)
    client.post(url("version_edit", version.pk), {"vision": "Erste Änderung", "version": version.version})
    response = client.post(url("version_edit", version.pk), {"vision": "Zweite Änderung", "version": version.version})
    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in text(response)
    version.refresh_from_db()
    assert version.vision == "Erste Änderung"


def test_deciding_a_draft_with_its_council_decision_freezes_it(world: Any) -> None:
    version = draft(world)
    d = decision(world)
    client = world.client_for(world.admin)
    page = text(client.get(url("version_decide", version.pk)))
    assert "Danach ist die Fassung unveränderlich" in page and "Digitale Agenda 2025" in page
    response = client.post(
        url("version_decide", version.pk), {"decided_on": "20.03.2025", "decision": d.pk, "version": version.version}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_decided and version.decision_id == d.pk and str(version.decided_on) == "2025-03-20"
    assert audited(version, "update")
    # Read-only from now on: the form pages explain why, a POST is refused and changes nothing.
    frozen = client.get(url("version_edit", version.pk))
    assert frozen.status_code == 200 and "ist beschlossen und kann nicht mehr geändert werden" in text(frozen)
    assert 'name="vision"' not in text(frozen)
    refused = client.post(url("version_edit", version.pk), {"vision": "Heimlich geändert", "version": version.version})
    assert refused.status_code == 400
    version.refresh_from_db()
    assert version.vision == "Digital und nah."
    leitsatz = Leitsatz.objects.for_kommune(world.kommune).get(agenda_version=version)
    assert client.post(url("leitsatz_edit", leitsatz.pk), {"text": "anders"}).status_code == 400
    assert client.post(url("leitsatz_delete", leitsatz.pk), {}).status_code == 400
    assert client.post(url("leitsatz_create", version.pk), {"text": "neu"}).status_code == 400
    hf = first_field(world, version)
    assert client.post(url("handlungsfeld_edit", hf.pk), {"name": "anders"}).status_code == 400
    assert client.post(url("handlungsfeld_delete", hf.pk), {}).status_code == 400
    assert client.post(url("version_decide", version.pk), {"decided_on": "01.01.2026"}).status_code == 400
    leitsatz.refresh_from_db()
    hf.refresh_from_db()
    assert leitsatz.text == "Nutzen zuerst." and hf.name == "Verwaltung digital"


def test_deciding_needs_a_date_and_an_approving_decision(world: Any) -> None:
    version = draft(world)
    rejected = decision(world, result="abgelehnt")
    client = world.client_for(world.admin)
    response = client.post(url("version_decide", version.pk), {"decided_on": "", "version": version.version})
    assert response.status_code == 400 and "Bitte das Datum des Beschlusses angeben." in text(response)
    response = client.post(url("version_decide", version.pk), {"decided_on": "31.02.2025", "version": version.version})
    assert response.status_code == 400 and "hat nur 28 Tage" in text(response)
    response = client.post(
        url("version_decide", version.pk),
        {"decided_on": "20.03.2025", "decision": rejected.pk, "version": version.version},
    )
    assert response.status_code == 400  # not offered: a rejected decision does not decide a version
    version.refresh_from_db()
    assert not version.is_decided


def test_a_version_without_handlungsfelder_cannot_be_decided(world: Any) -> None:
    factories.agenda(world)
    version = factories.first_version(world)
    response = world.client_for(world.admin).post(
        url("version_decide", version.pk), {"decided_on": "20.03.2025", "version": version.version}
    )
    assert response.status_code == 400 and "ohne Handlungsfelder" in text(response)


def test_a_new_draft_copies_a_decided_version_and_shows_the_diff(world: Any) -> None:
    version = factories.decided_agenda(world)
    client = world.client_for(world.admin)
    response = client.post(url("version_new_draft", version.pk))
    new = AgendaVersion.objects.for_kommune(world.kommune).get(number=2)
    assert response.status_code == 302 and response["Location"] == url("version_detail", new.pk)
    assert new.based_on_id == version.pk and audited(new, "create")
    assert Handlungsfeld.objects.for_kommune(world.kommune).filter(agenda_version=new).count() == 1
    again = client.post(url("version_new_draft", version.pk))
    assert again.status_code == 400 and "bereits einen Entwurf" in text(again)
    assert client.post(url("version_new_draft", new.pk)).status_code == 400  # a draft is no source
    assert AgendaVersion.objects.for_kommune(world.kommune).count() == 2


# --- Leitsätze and Handlungsfelder -----------------------------------------------------------------------


def test_leitsatz_create_edit_delete(world: Any) -> None:
    version = draft(world)
    client = world.client_for(world.admin)
    assert client.post(url("leitsatz_create", version.pk), {"text": "  "}).status_code == 400
    assert client.post(url("leitsatz_create", version.pk), {"text": "Offen und sicher."}).status_code == 302
    leitsatz = Leitsatz.objects.for_kommune(world.kommune).get(text="Offen und sicher.")
    assert audited(leitsatz, "create")
    response = client.post(url("leitsatz_edit", leitsatz.pk), {"text": "Offen, sicher.", "version": leitsatz.version})
    assert response.status_code == 302
    leitsatz.refresh_from_db()
    assert leitsatz.text == "Offen, sicher." and audited(leitsatz, "update")
    assert client.post(url("leitsatz_delete", leitsatz.pk), {"version": leitsatz.version}).status_code == 302
    assert not Leitsatz.objects.for_kommune(world.kommune).filter(pk=leitsatz.pk).exists()
    assert audited(leitsatz, "delete")


def test_handlungsfeld_maps_framework_fields_and_gestaltungsfelder(world: Any) -> None:
    plain, outside = fields(world)
    version = draft(world)
    client = world.client_for(world.admin)
    page = text(client.get(url("handlungsfeld_create", version.pk)))
    assert "Gestaltungsfelder" in page and outside.name in page and plain.name in page
    response = client.post(
        url("handlungsfeld_create", version.pk),
        {"name": "Bürgerservice digital", "framework_field_keys": [plain.key], "gestaltungsfelder": [outside.key]},
    )
    assert response.status_code == 302
    hf = Handlungsfeld.objects.for_kommune(world.kommune).get(name="Bürgerservice digital")
    assert hf.framework_field_keys == [plain.key, outside.key] and audited(hf, "create")
    response = client.post(
        url("handlungsfeld_edit", hf.pk),
        {"name": "Bürgerservice", "framework_field_keys": [plain.key], "version": hf.version},
    )
    assert response.status_code == 302
    hf.refresh_from_db()
    assert hf.name == "Bürgerservice" and hf.framework_field_keys == [plain.key] and audited(hf, "update")
    assert client.post(url("handlungsfeld_delete", hf.pk), {"version": hf.version}).status_code == 302
    assert audited(hf, "delete")


def test_handlungsfeld_bad_input_is_refused(world: Any) -> None:
    plain, _outside = fields(world)
    version = draft(world)
    client = world.client_for(world.admin)
    response = client.post(url("handlungsfeld_create", version.pk), {"name": "", "framework_field_keys": [plain.key]})
    assert response.status_code == 400 and "Bitte einen Namen angeben." in text(response)
    response = client.post(url("handlungsfeld_create", version.pk), {"name": "X", "framework_field_keys": ["erfunden"]})
    assert response.status_code == 400  # not a choice of the Kommune's framework
    response = client.post(url("handlungsfeld_create", version.pk), {"name": "Verwaltung digital"})
    assert response.status_code == 400 and "bereits ein Handlungsfeld" in text(response)
    assert Handlungsfeld.objects.for_kommune(world.kommune).count() == 1


def test_handlungsfeld_form_without_framework_explains_it(world: Any) -> None:
    version = draft(world)
    page = text(world.client_for(world.admin).get(url("handlungsfeld_create", version.pk)))
    assert "noch nicht übernommen" in page


# --- goals -------------------------------------------------------------------------------------------


def test_goal_create_edit_delete(world: Any) -> None:
    version = draft(world)
    hf = first_field(world, version)
    client = world.client_for(world.admin)
    data = {
        "kind": "wirkungsziel",
        "title": "Anliegen online",
        "effect": "buerger_unternehmen",
        "handlungsfelder": [hf.pk],
    }
    response = client.post(url("goal_create"), data)
    wz = Goal.objects.for_kommune(world.kommune).get(title="Anliegen online")
    assert response.status_code == 302 and response["Location"] == url("goal_detail", wz.pk)
    assert audited(wz, "create")
    assert list(
        Goal.handlungsfelder.through.objects.filter(goal_id=wz.pk).values_list("handlungsfeld_id", flat=True)
    ) == [hf.pk]
    operative = {"kind": "operativ", "parent": wz.pk, "title": "40 Leistungen", "effect": "leistungen_prozesse"}
    assert client.post(url("goal_create"), operative).status_code == 302
    child = Goal.objects.for_kommune(world.kommune).get(title="40 Leistungen")
    assert child.parent_id == wz.pk
    edit = {**operative, "title": "50 Leistungen", "version": child.version}
    assert client.post(url("goal_edit", child.pk), edit).status_code == 302
    child.refresh_from_db()
    assert child.title == "50 Leistungen" and audited(child, "update")
    refused = client.post(url("goal_delete", wz.pk), {"version": wz.version})
    assert refused.status_code == 400 and "operative Ziele" in text(refused)
    assert client.post(url("goal_delete", child.pk), {"version": child.version}).status_code == 302
    assert audited(child, "delete")


def test_goal_bad_input_is_refused_in_german(world: Any) -> None:
    factories.agenda(world)
    client = world.client_for(world.admin)
    response = client.post(
        url("goal_create"), {"kind": "operativ", "title": "Ohne Wirkungsziel", "effect": "mitarbeitende"}
    )
    assert response.status_code == 400 and "Ein operatives Ziel gehört zu einem Wirkungsziel" in text(response)
    response = client.post(url("goal_create"), {"kind": "", "title": "", "effect": ""})
    page = text(response)
    assert response.status_code == 400
    assert "Bitte einen Titel angeben." in page and "Bitte wählen, wem das Ziel dient." in page
    assert not Goal.objects.for_kommune(world.kommune).exists()


def test_goal_of_another_kommune_cannot_be_named_as_parent(world: Any) -> None:
    factories.agenda(world)
    services.agenda_create(kommune=world.other, actor=world.outsider)
    foreign = services.goal_create(
        kommune=world.other,
        actor=world.outsider,
        data={"kind": "wirkungsziel", "title": "Fremd", "effect": "mitarbeitende"},
    )
    response = world.client_for(world.admin).post(
        url("goal_create"),
        {"kind": "operativ", "parent": foreign.pk, "title": "Unter fremdem Ziel", "effect": "mitarbeitende"},
    )
    assert response.status_code == 400
    assert not Goal.objects.for_kommune(world.kommune).exists()


def test_goal_create_offers_the_wirkungsziel_it_was_asked_for(world: Any) -> None:
    factories.agenda(world)
    wz = goal(world)
    page = text(world.client_for(world.admin).get(url("goal_create") + f"?kind=operativ&parent={wz.pk}"))
    assert f'value="{wz.pk}" selected' in page


# --- council decisions ----------------------------------------------------------------------------------


DECISION = {
    "body": "Rat",
    "decided_on": "12.12.2024",
    "title": "Digitale Agenda 2025",
    "drucksache": "0342/2024",
    "beratungsfolge": "Hauptausschuss → Rat",
    "result": "beschlossen",
    "link": "https://ratsinfo.example/vorlage/0342",
    "oparl_id": "",
}


def test_decision_create_edit_delete(world: Any) -> None:
    client = world.client_for(world.admin)
    assert client.post(url("decision_create"), DECISION).status_code == 302
    d = CouncilDecision.objects.for_kommune(world.kommune).get()
    assert d.drucksache == "0342/2024" and audited(d, "create")
    edit = {**DECISION, "oparl_id": "https://ratsinfo.example/oparl/paper/4711", "version": d.version}
    assert client.post(url("decision_edit", d.pk), edit).status_code == 302
    d.refresh_from_db()
    assert d.oparl_id.endswith("/4711") and audited(d, "update")
    assert client.post(url("decision_delete", d.pk), {"version": d.version}).status_code == 302
    assert not CouncilDecision.objects.for_kommune(world.kommune).exists() and audited(d, "delete")


def test_decision_bad_input_is_refused_in_german(world: Any) -> None:
    client = world.client_for(world.admin)
    bad = {**DECISION, "body": "", "decided_on": "32.13.2024", "link": "ratsinfo.example/vorlage", "result": "x"}
    response = client.post(url("decision_create"), bad)
    page = text(response)
    assert response.status_code == 400
    assert "Bitte das Gremium angeben" in page
    assert "Einen Monat 13 gibt es nicht" in page
    assert 'id="id_result-error"' in page
    response = client.post(url("decision_create"), {**DECISION, "link": "ratsinfo.example/vorlage"})
    assert response.status_code == 400 and "mit https:// beginnt" in text(response)
    assert not CouncilDecision.objects.for_kommune(world.kommune).exists()


def test_a_decision_a_decided_version_rests_on_is_kept(world: Any) -> None:
    d = decision(world)
    version = draft(world)
    services.version_decide(
        kommune=world.kommune, actor=world.admin, version=version, data={"decided_on": "12.12.2024", "decision": d.pk}
    )
    response = world.client_for(world.admin).post(url("decision_delete", d.pk), {"version": d.version})
    assert response.status_code == 400 and "bleibt erhalten" in text(response)
    assert CouncilDecision.objects.for_kommune(world.kommune).filter(pk=d.pk).exists()


# --- settings ------------------------------------------------------------------------------------------


SETTINGS = {
    "weight_benefit": "3",
    "weight_urgency": "2",
    "weight_effort": "1",
    "accountable_limit": "5",
    "report_period_days": "60",
    "kpi_overdue_tolerance_days": "14",
    "impact_labels": "eu",
    "version": "0",  # no settings stored yet: the form shows the defaults
}


def test_settings_show_the_formula_and_both_label_sets_and_save(world: Any) -> None:
    client = world.client_for(world.admin)
    page = text(client.get(url("settings")))
    assert "Priorität = (2 × Nutzen + 1 × Dringlichkeit + 1 × (6 − Aufwand)) ÷ 4" in page
    assert "Outcome (gesellschaftliche Wirkung)" in page and "Impact (gesellschaftliche Wirkung)" in page
    assert client.post(url("settings"), SETTINGS).status_code == 302
    row = AgendaSettings.objects.for_kommune(world.kommune).get()
    assert (row.weight_benefit, row.accountable_limit, row.impact_labels) == (3, 5, "eu")
    assert audited(row, "update")
    page = text(client.get(url("settings")))
    assert "Priorität = (3 × Nutzen + 2 × Dringlichkeit + 1 × (6 − Aufwand)) ÷ 6" in page


def test_settings_sent_without_the_version_they_were_loaded_in_are_refused(world: Any) -> None:
    """R3: a POST without the version could overwrite a concurrent change; it is refused and changes nothing."""
    client = world.client_for(world.admin)
    body = {key: value for key, value in SETTINGS.items() if key != "version"}
    response = client.post(url("settings"), body)
    assert response.status_code == 400 and "ohne den Stand der Daten" in text(response)
    assert not AgendaSettings.objects.for_kommune(world.kommune).exists()
    assert client.post(url("settings"), SETTINGS).status_code == 302
    assert client.post(url("settings"), SETTINGS).status_code == 400  # version 0 again: someone saved meanwhile


def test_settings_out_of_range_are_refused(world: Any) -> None:
    client = world.client_for(world.admin)
    response = client.post(url("settings"), {**SETTINGS, "weight_benefit": "11"})
    assert response.status_code == 400
    assert "Gewicht Nutzen: bitte eine ganze Zahl von 0 bis 10 angeben." in text(response)
    response = client.post(url("settings"), {**SETTINGS, "report_period_days": "zwei"})
    assert response.status_code == 400 and "Bitte eine ganze Zahl angeben." in text(response)
    row = AgendaSettings.objects.for_kommune(world.kommune).first()
    assert row is None or row.weight_benefit == 2


# --- who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_strategy_writes_are_forbidden_to_readers_and_limited_editors(world: Any, persona: str) -> None:
    version = draft(world)
    hf = first_field(world, version)
    leitsatz = Leitsatz.objects.for_kommune(world.kommune).get()
    g = goal(world)
    d = decision(world)
    client = world.client_for(getattr(world, persona))
    for name, args, body in (
        ("version_edit", [version.pk], {"vision": "x"}),
        ("version_decide", [version.pk], {"decided_on": "01.01.2025"}),
        ("version_new_draft", [version.pk], {}),
        ("leitsatz_create", [version.pk], {"text": "x"}),
        ("leitsatz_edit", [leitsatz.pk], {"text": "x"}),
        ("leitsatz_delete", [leitsatz.pk], {}),
        ("handlungsfeld_create", [version.pk], {"name": "x"}),
        ("handlungsfeld_edit", [hf.pk], {"name": "x"}),
        ("handlungsfeld_delete", [hf.pk], {}),
        ("goal_create", [], {"kind": "wirkungsziel", "title": "x", "effect": "mitarbeitende"}),
        ("goal_edit", [g.pk], {"title": "x"}),
        ("goal_delete", [g.pk], {}),
        ("decision_create", [], DECISION),
        ("decision_edit", [d.pk], DECISION),
        ("decision_delete", [d.pk], {}),
        ("settings", [], SETTINGS),
    ):
        assert client.post(url(name, *args), body).status_code == 403, name
        if name != "version_new_draft":
            assert client.get(url(name, *args)).status_code == 403, name
    version.refresh_from_db()
    assert version.vision == "Digital und nah." and not version.is_decided
    assert Goal.objects.for_kommune(world.kommune).count() == 1
    assert CouncilDecision.objects.for_kommune(world.kommune).count() == 1


def test_another_kommunes_admin_cannot_write_here(world: Any) -> None:
    version = draft(world)
    g = goal(world)
    client = world.client_for(world.outsider)
    assert client.post(url("version_edit", version.pk), {"vision": "x"}).status_code == 404
    assert client.post(url("goal_delete", g.pk), {}).status_code == 404
    assert client.post(url("create"), {"title": "x"}).status_code == 404
    # and through Nachbarort's own address, Teststadt's ids are not found either
    from django.urls import reverse

    assert client.post(reverse("agenda:goal_delete", args=["nachbarort", g.pk]), {}).status_code == 404
    assert Goal.objects.for_kommune(world.kommune).filter(pk=g.pk).exists()
