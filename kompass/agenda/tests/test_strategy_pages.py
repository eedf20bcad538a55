"""The strategy pages as every member reads them: the overview (empty and as a tree), versions and
their diff, a Handlungsfeld, goals, council decisions, the start page's panel — and what another
Kommune's objects answer (404)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import (
    decision,
    draft,
    fields,
    first_field,
    goal,
    handlungsfeld,
    url,
)

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def test_empty_overview_explains_and_offers_to_start_to_an_editor_of_the_whole_kommune(world: Any) -> None:
    page = text(world.client_for(world.admin).get(url("overview")))
    assert "noch keine Digitale Agenda" in page
    assert "Für eine kleine Gemeinde genügen oft drei Handlungsfelder" in page
    assert reverse("agenda:create", args=["teststadt"]) in page
    assert "gesamtstädtisch" not in page.lower()


def test_empty_overview_offers_no_form_to_a_reader_or_a_limited_editor(world: Any) -> None:
    for user in (world.reader, world.editor):
        page = text(world.client_for(user).get(url("overview")))
        assert reverse("agenda:create", args=["teststadt"]) not in page
        assert "Administration und die Redaktion ohne Beschränkung" in page


def test_overview_shows_the_tree_from_vision_to_measures(world: Any) -> None:
    plain, outside = fields(world)
    version = draft(world)
    hf = handlungsfeld(world, version, "Bürgerservice digital", [plain.key, outside.key])
    wz = goal(world, "Anliegen online erledigen", handlungsfelder=[hf.pk])
    goal(world, "40 Leistungen online", kind="operativ", parent=wz.pk, handlungsfelder=[hf.pk])
    factories.kpi(world, goal=wz.pk)
    factories.measure(world, "Serviceportal einführen", handlungsfelder=[hf.pk], status="in_umsetzung")
    page = text(world.client_for(world.reader).get(url("overview")))
    assert "Digital und nah." in page  # the vision
    assert "Nutzen zuerst." in page  # a Leitsatz
    assert "Entwurf" in page and "noch nicht beschlossen" in page
    assert "Bürgerservice digital" in page
    assert "Felder des Orientierungsrahmens:" in page and plain.name in page
    assert "Gestaltungsfelder:" in page and outside.name in page
    assert "Anliegen online erledigen" in page and "40 Leistungen online" in page
    assert "1 Kennzahl" in page and "ohne Kennzahl" in page  # the operative goal has none
    assert "Serviceportal einführen" in page
    assert "Verwaltung digital" in page  # the second Handlungsfeld, empty


def test_overview_names_the_decided_version_and_its_council_decision(world: Any) -> None:
    d = decision(world)
    factories.agenda(world)
    version = factories.first_version(world)
    handlungsfeld(world, version, "Verwaltung digital")
    services.version_decide(
        kommune=world.kommune, actor=world.admin, version=version, data={"decided_on": "12.12.2024", "decision": d.pk}
    )
    page = text(world.client_for(world.reader).get(url("overview")))
    assert "beschlossen am 12.12.2024" in page
    assert "Drucksache 0342/2024" in page
    assert reverse("agenda:decision_detail", args=["teststadt", d.pk]) in page


def test_version_pages_render_for_a_reader(world: Any) -> None:
    version = factories.decided_agenda(world)
    new = services.version_new_draft(kommune=world.kommune, actor=world.admin, source=version)
    services.version_update(kommune=world.kommune, actor=world.admin, version=new, data={"vision": "Noch näher."})
    services.leitsatz_create(kommune=world.kommune, actor=world.admin, version=new, data={"text": "Offen und sicher."})
    client = world.client_for(world.reader)
    listing = text(client.get(url("version_list")))
    assert "Fassung 1" in listing and "Fassung 2" in listing and "gilt" in listing
    detail = text(client.get(url("version_detail", version.pk)))
    assert "Eine beschlossene Fassung bleibt unverändert" in detail
    assert reverse("agenda:leitsatz_create", args=["teststadt", version.pk]) not in detail
    diff = text(client.get(url("version_diff", new.pk)))
    assert "Vision geändert" in diff and "Noch näher." in diff
    assert "Leitsatz neu: „Offen und sicher.“" in diff
    first = text(client.get(url("version_diff", version.pk)))
    assert "beruht auf keiner früheren Fassung" in first


def test_a_reader_sees_no_edit_links(world: Any) -> None:
    version = draft(world)
    page = text(world.client_for(world.reader).get(url("version_detail", version.pk)))
    assert reverse("agenda:version_edit", args=["teststadt", version.pk]) not in page
    assert reverse("agenda:version_decide", args=["teststadt", version.pk]) not in page


def test_handlungsfeld_page_shows_fields_goals_and_measures(world: Any) -> None:
    plain, outside = fields(world)
    version = draft(world)
    hf = handlungsfeld(world, version, "Bürgerservice digital", [plain.key, outside.key])
    goal(world, "Anliegen online erledigen", handlungsfelder=[hf.pk])
    factories.measure(world, "Serviceportal einführen", handlungsfelder=[hf.pk])
    page = text(world.client_for(world.reader).get(url("handlungsfeld_detail", hf.pk)))
    assert outside.name in page and "Gestaltungsfelder:" in page
    assert "Anliegen online erledigen" in page and "Serviceportal einführen" in page
    assert "0 von 1 Maßnahmen abgeschlossen" in page


def test_goal_pages_flag_a_goal_without_kpi_and_explain_the_kpi_status(world: Any) -> None:
    factories.agenda(world)
    measured = goal(world, "Anliegen online erledigen")
    bare = goal(world, "Schneller bearbeiten", kind="operativ", parent=measured.pk)
    factories.kpi(world, goal=measured.pk)
    client = world.client_for(world.reader)
    listing = text(client.get(url("goal_list")))
    assert "1 Ziel hat noch keine Kennzahl." in listing
    detail = text(client.get(url("goal_detail", measured.pk)))
    assert "Anteil digitaler Anträge" in detail
    assert "keine Werte" in detail and "So wird der Status berechnet" in detail
    assert "Schneller bearbeiten" in detail  # its operative goal
    flagged = text(client.get(url("goal_detail", bare.pk)))
    assert "Dieses Ziel hat keine Kennzahl" in flagged


def test_decision_pages_show_what_the_decision_is_linked_to(world: Any) -> None:
    d = decision(world, oparl_id="https://ratsinfo.example/oparl/paper/4711")
    factories.agenda(world)
    version = factories.first_version(world)
    handlungsfeld(world, version, "Verwaltung digital")
    services.version_decide(
        kommune=world.kommune, actor=world.admin, version=version, data={"decided_on": "12.12.2024", "decision": d.pk}
    )
    client = world.client_for(world.reader)
    listing = text(client.get(url("decision_list")))
    assert "Digitale Agenda 2025" in listing and "0342/2024" in listing and "1 Eintrag" in listing
    detail = text(client.get(url("decision_detail", d.pk)))
    assert "https://ratsinfo.example/vorlage/0342" in detail
    assert "nur verlinkt, nicht abgerufen" in detail
    assert reverse("agenda:version_detail", args=["teststadt", version.pk]) in detail


def test_another_kommunes_objects_are_not_found(world: Any) -> None:
    version = draft(world)
    hf = first_field(world, version)
    g = goal(world)
    d = decision(world)
    client = world.client_for(world.outsider)
    for name, pk in (
        ("version_detail", version.pk),
        ("version_diff", version.pk),
        ("handlungsfeld_detail", hf.pk),
        ("goal_detail", g.pk),
        ("decision_detail", d.pk),
    ):
        # The outsider is a member of Nachbarort only: Teststadt's pages and ids are not found.
        assert client.get(url(name, pk)).status_code == 404, name
        assert client.get(reverse(f"agenda:{name}", args=["nachbarort", pk])).status_code == 404, name


def test_pages_answer_anonymous_with_the_login(world: Any) -> None:
    response = world.client_for(None).get(url("overview"))
    assert response.status_code == 302 and "anmelden" in response["Location"]


def test_dashboard_panel_shows_the_agendas_state(world: Any) -> None:
    version = factories.decided_agenda(world)
    factories.measure(world, "Serviceportal einführen", starts_on=datetime.date(2020, 1, 1), status="in_umsetzung")
    factories.kpi(world)
    page = text(world.client_for(world.reader).get(reverse("ui:dashboard", args=["teststadt"])))
    assert "Digitale Agenda" in page
    assert f"Es gilt Fassung {version.number}" in page
    assert "Überfällige Sachstandsberichte" in page
    assert "in Umsetzung 1" in page
    assert "keine Werte 1" in page


def test_dashboard_panel_without_agenda_invites_to_start_one(world: Any) -> None:
    page = text(world.client_for(world.reader).get(reverse("ui:dashboard", args=["teststadt"])))
    assert "Digitale Agenda ansehen und anlegen" in page


def test_overview_lists_fifteen_measures_per_handlungsfeld_and_links_to_all(world: Any) -> None:
    version = draft(world)
    hf = first_field(world, version)
    for i in range(17):
        factories.measure(world, f"Maßnahme {i:02d}", handlungsfelder=[hf.pk])
    page = text(world.client_for(world.reader).get(url("overview")))
    assert "Maßnahme 14" in page and "Maßnahme 15" not in page
    assert "Alle 17 Maßnahmen im Handlungsfeld „Verwaltung digital“ ansehen" in page
    detail = text(world.client_for(world.reader).get(url("handlungsfeld_detail", hf.pk)))
    assert "Maßnahme 16" in detail
