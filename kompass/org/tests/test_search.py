"""Picking people and units: the search endpoints behind the combobox and the fields without script.

The endpoints answer members of the Kommune only, find only the Kommune's own people and units
(another Kommune's never appear, whatever is typed), list at most 20 in one query, and tell
namesakes apart by unit and e-mail. Without script the typed text is resolved on the server: one
match is taken, several are offered as radio buttons, none is a field error.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.conftest import World
from kompass.core.pickers import CANDIDATE_LIMIT, SEARCH_LIMIT
from kompass.factories import person
from kompass.org.forms import OrgUnitForm, PersonFilterForm, PersonForm


def search(world: World, kind: str, q: str, client: Client | None = None, **headers: str) -> object:
    client = client or world.client_for(world.admin)
    return client.get(reverse(f"org:search_{kind}", args=[world.kommune.slug]), {"q": q}, **headers)


# --- the endpoints -----------------------------------------------------------------------------


def test_people_are_found_by_part_of_the_name_with_unit_and_email_beside_it(world: World) -> None:
    response = search(world, "people", "amtsl")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {
                "id": world.alice.pk,
                "label": "Alice Amtsleiterin (10 Hauptamt, alice.amtsleiterin@teststadt.example)",
                "name": "Alice Amtsleiterin",
                "detail": "10 Hauptamt, alice.amtsleiterin@teststadt.example",
            }
        ],
        "more": False,
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("kind", "selector"), [("people", "person_search"), ("units", "unit_search")])
def test_a_nul_character_in_the_search_is_dropped_not_sent_to_the_database(
    world: World, kind: str, selector: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refuses NUL even in a LIKE pattern: the typed text loses it before the query."""
    from kompass.org import selectors

    searched: list[str] = []
    real = getattr(selectors, selector)
    monkeypatch.setattr(
        selectors, selector, lambda kommune, text, **kw: searched.append(text) or real(kommune, text, **kw)
    )
    response = search(world, kind, "amt\x00s")
    assert response.status_code == 200 and searched == ["amts"]


def test_every_word_must_match_and_case_does_not_matter(world: World) -> None:
    assert [r["id"] for r in search(world, "people", "ALICE amtsleit").json()["results"]] == [world.alice.pk]
    assert search(world, "people", "alice ordner").json()["results"] == []


def test_namesakes_are_told_apart_by_unit_and_email(world: World) -> None:
    twin = person(world.kommune, "Alice", "Amtsleiterin", world.sachgebiet, email="a.amtsleiterin2@teststadt.example")
    labels = [r["label"] for r in search(world, "people", "Alice Amtsleiterin").json()["results"]]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert any("32.1 Gewerbe, a.amtsleiterin2@teststadt.example" in label for label in labels)
    assert twin.pk in [r["id"] for r in search(world, "people", "amtsleiterin2").json()["results"]]


@pytest.mark.parametrize("q", ["GEHEIM", "Gudrun", "nachbarort", "gudrun.geheim-nachbar@nachbarort.example"])
def test_another_kommunes_people_and_units_never_appear(world: World, q: str) -> None:
    for kind in ("people", "units"):
        response = search(world, kind, q)
        assert response.status_code == 200
        assert response.json()["results"] == [] and b"GEHEIM" not in response.content


def test_units_are_found_by_kennung_or_name_with_the_unit_above(world: World) -> None:
    results = search(world, "units", "32").json()["results"]
    assert [(r["label"], r["detail"]) for r in results] == [
        ("32 Ordnungsamt", "in D1 Dezernat I"),
        ("32.1 Gewerbe", "in 32 Ordnungsamt"),
    ]
    assert [r["label"] for r in search(world, "units", "haupt").json()["results"]] == ["10 Hauptamt"]


def test_an_empty_search_finds_nothing(world: World) -> None:
    assert search(world, "people", "  ").json() == {"results": [], "more": False}


def test_at_most_twenty_are_listed_and_more_are_announced(world: World) -> None:
    for n in range(SEARCH_LIMIT + 3):
        person(world.kommune, f"Vorname{n}", "Vielfach")
    data = search(world, "people", "vielfach").json()
    assert len(data["results"]) == SEARCH_LIMIT and data["more"] is True


def test_the_search_reads_in_the_same_number_of_queries_for_few_and_many_people(world: World) -> None:
    client = world.client_for(world.admin)
    search(world, "people", "vielfach", client)  # session and Kommune caches warm

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert search(world, "people", "vielfach", client).status_code == 200
        return len(captured)

    few = count()
    for n in range(30):
        person(world.kommune, f"Vorname{n}", "Vielfach")
    assert count() == few
    with CaptureQueriesContext(connection) as captured:
        search(world, "units", "amt", client)
    assert len(captured) == few  # one search query, the rest is the request's own


def test_htmx_gets_the_options_as_markup(world: World) -> None:
    response = search(world, "people", "alice", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html") and "HX-Request" in response["Vary"]
    assert 'role="option"' in body and f'data-value="{world.alice.pk}"' in body and "<html" not in body


def test_visitors_are_sent_to_the_login_and_outsiders_get_404(world: World) -> None:
    anonymous = search(world, "people", "alice", Client())
    assert anonymous.status_code == 302 and "/anmelden/" in anonymous["Location"]
    assert search(world, "people", "alice", world.client_for(world.outsider)).status_code == 404
    assert search(world, "units", "32", world.client_for(world.reader)).status_code == 200


def test_the_search_answers_only_get(world: World) -> None:
    response = world.client_for(world.admin).post(reverse("org:search_people", args=[world.kommune.slug]))
    assert response.status_code == 405


# --- the fields without script -----------------------------------------------------------------


def person_data(world: World, **unit: str) -> dict[str, str]:
    return {"first_name": "Clara", "last_name": "Neu", "email": "clara.neu@teststadt.example", **unit}


def test_a_unique_text_is_taken(world: World) -> None:
    form = PersonForm(person_data(world, org_unit_text="Ordnungsamt"), kommune=world.kommune)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.ordnungsamt


def test_a_kennung_is_taken_even_where_it_is_part_of_other_kennungen(world: World) -> None:
    form = PersonForm(person_data(world, org_unit_text="32"), kommune=world.kommune)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.ordnungsamt


def test_a_picked_id_is_taken_while_the_text_is_its_label(world: World) -> None:
    data = person_data(world, org_unit=str(world.hauptamt.pk), org_unit_text="10 Hauptamt")
    form = PersonForm(data, kommune=world.kommune)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.hauptamt


def test_a_text_changed_after_picking_decides(world: World) -> None:
    data = person_data(world, org_unit=str(world.hauptamt.pk), org_unit_text="Gewerbe")
    form = PersonForm(data, kommune=world.kommune)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.sachgebiet


def test_several_matches_are_offered_as_radio_buttons_and_the_choice_is_taken(world: World) -> None:
    twin = person(world.kommune, "Alice", "Amtsleiterin", world.sachgebiet, email="a.amtsleiterin2@teststadt.example")
    data = {"code": "11", "name": "Personalamt", "unit_type": "amt", "head_email_text": "Alice Amtsleiterin"}
    form = OrgUnitForm(data, kommune=world.kommune)
    assert not form.is_valid()
    assert "Mehrere Personen passen zu „Alice Amtsleiterin“" in form.errors["head_email"][0]
    html = str(form["head_email"])
    assert html.count('type="radio" name="head_email_wahl"') == 2
    assert f'value="{twin.pk}"' in html and "a.amtsleiterin2@teststadt.example" in html
    chosen = OrgUnitForm({**data, "head_email_wahl": str(twin.pk)}, kommune=world.kommune)
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["head_email"] == twin


def test_too_many_matches_ask_for_a_longer_text(world: World) -> None:
    for n in range(CANDIDATE_LIMIT + 1):
        person(world.kommune, f"Vorname{n}", "Vielfach")
    form = OrgUnitForm(
        {"code": "11", "name": "P", "unit_type": "amt", "head_email_text": "Vielfach"}, kommune=world.kommune
    )
    assert not form.is_valid()
    assert "Mehr als 10 Personen passen zu „Vielfach“" in form.errors["head_email"][0]
    assert 'type="radio"' not in str(form["head_email"])


def test_no_match_is_a_field_error_and_another_kommunes_person_is_no_match(world: World) -> None:
    for text in ("Niemand", world.other_person.email, "GEHEIM"):
        form = OrgUnitForm(
            {"code": "11", "name": "P", "unit_type": "amt", "head_email_text": text}, kommune=world.kommune
        )
        assert not form.is_valid()
        assert form.errors["head_email"] == [f"Keine Person dieser Kommune passt zu „{text}“."]


def test_another_kommunes_id_is_invalid_even_as_a_choice(world: World) -> None:
    for data in ({"org_unit": str(world.other_unit.pk)}, {"org_unit_wahl": str(world.other_unit.pk)}):
        form = PersonForm(person_data(world, **data), kommune=world.kommune)
        assert not form.is_valid()
        assert "gibt es in dieser Kommune nicht" in form.errors["org_unit"][0]


def test_an_id_in_the_address_still_filters(world: World) -> None:
    form = PersonFilterForm({"einheit": str(world.ordnungsamt.pk)}, kommune=world.kommune)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["einheit"] == world.ordnungsamt


def test_the_field_renders_a_text_field_a_hidden_id_and_the_popup_for_the_script(world: World) -> None:
    form = PersonForm(initial={"org_unit": world.sachgebiet.pk}, kommune=world.kommune)
    html = str(form["org_unit"])
    url = reverse("org:search_units", args=[world.kommune.slug])
    assert f'data-search-url="{url}"' in html and 'data-min-chars="1"' in html
    assert 'type="text" name="org_unit_text" value="32.1 Gewerbe"' in html and 'id="id_org_unit"' in html
    assert f'type="hidden" name="org_unit" value="{world.sachgebiet.pk}"' in html
    assert 'role="listbox" hidden' in html and 'role="status"' in html
    # The roles of the combobox are set by the script: without it the field is a plain text field.
    assert 'role="combobox"' not in html


def test_the_person_list_page_no_longer_carries_every_unit(world: World) -> None:
    body = world.client_for(world.admin).get(reverse("org:person_list", args=[world.kommune.slug])).content.decode()
    form = body.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert "Verwaltungsvorstand" not in form and "Gewerbe" not in form  # no option per unit
    assert 'name="einheit_text"' in body
