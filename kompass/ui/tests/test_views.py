"""The shell: start page per Kommune, feedback without login, legal pages, health and German error pages."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from kompass.conftest import World
from kompass.org import services
from kompass.ui.models import Feedback

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("ui:dashboard", args=["teststadt"])


def missing_section(body: str) -> str:
    return body.split('id="fehlt"', 1)[1].split("</section>", 1)[0]


# --- start page ----------------------------------------------------------------------------------


def panel(response: Any, key: str) -> Any:
    """The context of a registered dashboard panel: its values, as the panel's template sees them."""
    panels = {p["template"]: p for p in response.context["panels"]}
    return panels[key]


def test_the_start_page_lists_a_unit_without_head_under_what_is_missing(world: World) -> None:
    for unit in (world.root, world.dezernat, world.ordnungsamt, world.sachgebiet):
        services.orgunit_update(kommune=world.kommune, actor=None, unit=unit, data={"head": world.bruno})
    response = world.client_for(world.reader).get(DASHBOARD)
    assert response.status_code == 200
    section = missing_section(response.content.decode())
    assert "Was noch fehlt" in response.content.decode()
    assert "Leitung fehlt" in section
    assert reverse("org:unit_detail", args=["teststadt", world.hauptamt.pk]) in section
    assert "Hauptamt" in section and "Ordnungsamt" not in section
    assert [u.code for u in panel(response, "org/partials/dashboard_panel.html")["figures"].units_without_head] == [
        "10"
    ]


def test_the_start_page_counts_units_and_people_of_the_kommune_only(world: World) -> None:
    response = world.client_for(world.reader).get(DASHBOARD)
    figures = panel(response, "org/partials/dashboard_panel.html")["figures"]
    assert (figures.orgunits, figures.people, figures.active_people) == (5, 2, 2)


def test_a_member_of_one_kommune_goes_straight_to_its_start_page(world: World) -> None:
    response = world.client_for(world.reader).get(reverse("ui:home"))
    assert response.status_code == 302 and response["Location"] == DASHBOARD


def test_an_unknown_kommune_is_404_for_members_and_a_login_redirect_for_visitors(world: World) -> None:
    unknown = reverse("ui:dashboard", args=["gibt-es-nicht"])
    assert world.client_for(world.admin).get(unknown).status_code == 404
    anonymous = Client().get(unknown)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


# --- feedback, legal pages, health ---------------------------------------------------------------


def test_the_feedback_form_works_without_login(world: World) -> None:
    client = Client()
    form = client.get(reverse("ui:feedback"), {"seite": "/impressum/"})
    assert form.status_code == 200 and 'value="/impressum/"' in form.content.decode()
    with override_settings(ADMINS=[("Barrierefreiheit", "barrierefreiheit@example.org")]):
        response = client.post(
            reverse("ui:feedback"),
            {"page_url": "/impressum/", "message": "Der Kontrast der Links ist zu gering.", "email": ""},
            follow=True,
        )
    assert "Vielen Dank! Ihre Rückmeldung ist eingegangen." in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.page_url, feedback.message) == ("/impressum/", "Der Kontrast der Links ist zu gering.")
    assert len(mail.outbox) == 1 and "Kontrast" in mail.outbox[0].body


def test_empty_feedback_gives_a_german_error_and_stores_nothing() -> None:
    response = Client().post(reverse("ui:feedback"), {"message": "", "email": "keine-adresse"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in body
    assert "Bitte gültige E-Mail-Adresse eingeben." in body
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("name", "heading"),
    [("impressum", "Impressum"), ("privacy", "Datenschutz"), ("accessibility", "Erklärung zur Barrierefreiheit")],
)
def test_the_legal_pages_are_public_and_german(name: str, heading: str) -> None:
    response = Client().get(reverse(f"ui:{name}"))
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert response.content.decode().startswith("<!doctype html>") and 'lang="de"' in response.content.decode()


def test_every_page_links_the_legal_pages_and_the_feedback_form(world: World) -> None:
    body = world.client_for(world.reader).get(DASHBOARD).content.decode()
    for name in ("impressum", "privacy", "accessibility", "feedback"):
        assert f'href="{reverse(f"ui:{name}")}' in body


def test_health_answers_ok_while_the_database_is_reachable() -> None:
    response = Client().get(reverse("ui:health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_language_can_be_switched_to_english(world: World) -> None:
    client = world.client_for(world.reader)
    response = client.post(reverse("set_language"), {"language": "en", "next": DASHBOARD})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert client.cookies["django_language"].value == "en"
    assert client.get(DASHBOARD).headers["Content-Language"] == "en"


# --- error pages ---------------------------------------------------------------------------------


def test_the_404_page_is_german_and_names_the_request_id(world: World) -> None:
    response = world.client_for(world.admin).get("/gibt-es-nicht/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in body and "Vorgangsnummer" in body
    assert response["X-Request-ID"] in body


def test_the_403_page_is_german(world: World) -> None:
    response = world.client_for(world.reader).get(reverse("audit:log", args=["teststadt"]))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_the_405_answer_is_not_a_server_error(world: World) -> None:
    assert world.client_for(world.reader).delete(DASHBOARD).status_code == 405


def test_a_server_error_shows_a_german_page_without_internals(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.reader)
    with mock.patch("kompass.org.selectors.key_figures", side_effect=RuntimeError("geheimer Stacktrace")):
        response = client.get(DASHBOARD)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Es ist ein Fehler aufgetreten" in body and "Es wurde nichts gespeichert." in body
    assert response["X-Request-ID"] in body
    for leak in ("geheimer Stacktrace", "Traceback", "RuntimeError", "/work/", "key_figures"):
        assert leak not in body


def test_a_checkbox_hint_is_rendered_where_aria_describedby_points() -> None:
    from django import forms
    from django.template.loader import render_to_string

    class Form(forms.Form):
        agree = forms.BooleanField(label="Einverstanden", help_text="Gilt für alle Einheiten.", required=False)

    html = render_to_string("includes/field.html", {"field": Form()["agree"]})
    assert 'aria-describedby="id_agree-hint"' in html
    assert 'id="id_agree-hint">Gilt für alle Einheiten.</div>' in html
