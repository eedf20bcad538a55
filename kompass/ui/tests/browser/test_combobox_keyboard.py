"""Picking a unit and a person with the search combobox, by keyboard only, in a real browser (issue 8).

The administrator tabs into the unit field of a new person, types part of a name, hears how many
matches there are (live region), moves through the suggestions with the arrow keys, Home and End,
picks one with Enter (which does not send the form), closes the list with Escape, and saves. The
page passes axe-core with the list open and closed. The head of a unit is picked the same way.
"""

from __future__ import annotations

from typing import Any

from kompass.org.models import OrgUnit, Person
from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, axe_scan, focused

FIELD = "#id_org_unit"
LIST = "#id_org_unit-liste"


def state(page: Any, field: str = FIELD) -> dict[str, Any]:
    return page.evaluate(
        """field => {
          const input = document.querySelector(field);
          const list = document.getElementById(input.getAttribute("aria-controls"));
          const active = input.getAttribute("aria-activedescendant");
          const option = active ? document.getElementById(active) : null;
          return {role: input.getAttribute("role"), expanded: input.getAttribute("aria-expanded"),
                  open: !list.hidden, options: list.querySelectorAll("[role=option]").length,
                  active: option ? option.querySelector(".kk-combobox__name").textContent : null,
                  selected: option ? option.getAttribute("aria-selected") : null,
                  value: input.value, id: document.querySelector(field + "_wert").value,
                  status: document.querySelector(field + "-status").textContent,
                  focus: document.activeElement === input};
        }""",
        field,
    )


def type_and_wait(page: Any, text: str, status: str, field: str = FIELD) -> dict[str, Any]:
    page.keyboard.type(text)
    page.wait_for_function(
        "([field, status]) => document.querySelector(field + '-status').textContent.startsWith(status)",
        arg=[field, status],
    )
    return state(page, field)


def test_a_unit_is_picked_and_saved_by_keyboard_only(admin_browsing: Browsing) -> None:
    page, world = admin_browsing.page, admin_browsing.world
    page.goto(admin_browsing.url("org:person_create", kommune_slug=world.kommune.slug))
    page.focus("#id_first_name")
    page.keyboard.type("Clara")
    page.keyboard.press("Tab")
    page.keyboard.type("Neu")
    page.keyboard.press("Tab")
    page.keyboard.type("clara.neu@teststadt.example")
    page.keyboard.press("Tab")  # function title
    page.keyboard.press("Tab")  # the unit combobox
    info = focused(page)
    assert info["id"] == "id_org_unit"
    assert_focus_visible(info)
    assert state(page)["role"] == "combobox" and state(page)["expanded"] == "false"

    # "amt" matches 10 Hauptamt and 32 Ordnungsamt: the list opens and says how many.
    now = type_and_wait(page, "amt", "2 Treffer")
    assert now["open"] and now["expanded"] == "true" and now["options"] == 2 and now["active"] is None
    axe_scan(page, "person form with the unit suggestions open")

    page.keyboard.press("ArrowDown")
    assert (state(page)["active"], state(page)["selected"]) == ("10 Hauptamt", "true")
    page.keyboard.press("ArrowDown")
    assert state(page)["active"] == "32 Ordnungsamt"
    page.keyboard.press("ArrowDown")  # wraps to the first
    assert state(page)["active"] == "10 Hauptamt"
    page.keyboard.press("End")
    assert state(page)["active"] == "32 Ordnungsamt"
    page.keyboard.press("Home")
    assert state(page)["active"] == "10 Hauptamt"
    page.keyboard.press("ArrowUp")  # wraps to the last
    assert state(page)["active"] == "32 Ordnungsamt"

    page.keyboard.press("Escape")  # closes the list, keeps the text
    now = state(page)
    assert not now["open"] and now["expanded"] == "false" and now["value"] == "amt" and now["focus"]
    page.keyboard.press("ArrowDown")  # opens again on the first suggestion
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks; the form is not sent
    now = state(page)
    assert now["value"] == "32 Ordnungsamt" and now["id"] == str(world.ordnungsamt.pk) and not now["open"]
    assert now["status"] == "Ausgewählt: 32 Ordnungsamt" and "/personen/neu/" in page.url
    axe_scan(page, "person form with a unit picked")

    page.focus("#id_first_name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    created = Person.objects.for_kommune(world.kommune).get(email="clara.neu@teststadt.example")
    assert created.org_unit == world.ordnungsamt


def test_escape_on_a_closed_list_clears_the_field_and_typing_again_drops_the_pick(admin_browsing: Browsing) -> None:
    page, world = admin_browsing.page, admin_browsing.world
    page.goto(admin_browsing.url("org:person_edit", kommune_slug=world.kommune.slug, pk=world.bruno.pk))
    assert state(page)["value"] == "32.1 Gewerbe" and state(page)["id"] == str(world.sachgebiet.pk)
    page.focus(FIELD)
    page.keyboard.press("End")
    page.keyboard.press("Backspace")  # the text is no longer the picked unit's label
    assert state(page)["id"] == ""
    page.keyboard.press("Escape")
    assert state(page)["value"] == ""
    type_and_wait(page, "gew", "1 Treffer")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert state(page)["id"] == str(world.sachgebiet.pk)


def test_the_head_of_a_unit_is_picked_by_name_with_unit_and_email_to_tell_namesakes_apart(
    admin_browsing: Browsing,
) -> None:
    page, world = admin_browsing.page, admin_browsing.world
    from kompass.factories import person

    twin = person(world.kommune, "Bruno", "Ordner", world.hauptamt, email="b.ordner2@teststadt.example")
    page.goto(admin_browsing.url("org:unit_edit", kommune_slug=world.kommune.slug, pk=world.hauptamt.pk))
    page.focus("#id_head_email")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    now = type_and_wait(page, "bruno", "2 Treffer", "#id_head_email")
    details = page.locator("#id_head_email-liste .kk-combobox__detail").all_inner_texts()
    assert now["options"] == 2 and any("b.ordner2@teststadt.example" in d for d in details)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk).head == twin
