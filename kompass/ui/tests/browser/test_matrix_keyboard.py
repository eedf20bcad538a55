"""Editing the responsibility matrix with the keyboard only, in a real browser (issue 3, X1, X2).

Teststadt adopts the KGSt-oriented catalogue (roles and the default matrix). The administrator tabs
into the grid, moves with the arrow keys, sets and clears letters, is told when a second A is
refused and when someone else changed a cell meanwhile, finds the saved values after a reload,
and the page passes an axe-core scan.
"""

from __future__ import annotations

from typing import Any

import pytest

from kompass.roles import services
from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
from kompass.roles.models import ActivityTemplate, RaciCell, Role
from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, assert_shell, axe_scan, focused


@pytest.fixture
def matrix_browsing(admin_browsing: Browsing) -> Browsing:
    load_catalogues()
    catalogue = latest_catalogue("kgst")
    assert catalogue is not None
    world = admin_browsing.world
    services.catalogue_adopt(kommune=world.kommune, actor=world.admin, catalogue=catalogue)
    return admin_browsing


def active(page: Any) -> dict[str, Any]:
    """Where the focus is in the grid: row (activity id), role id, the letter the cell holds."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const cell = el.closest("td, th");
          const row = el.closest("tr");
          return {tag: el.tagName.toLowerCase(), activity: row ? row.dataset.activity || "" : "",
                  role: cell ? cell.dataset.role || "" : "", letter: cell ? cell.dataset.letter : null,
                  text: cell ? cell.innerText.trim() : "", status: !!(cell && cell.hasAttribute("data-status"))};
        }"""
    )


def press_and_wait(page: Any, key: str) -> dict[str, Any]:
    """Press a letter key on the focused cell and wait until the save has been answered."""
    page.keyboard.press(key)
    page.wait_for_function("() => !document.activeElement.hasAttribute('aria-busy')")
    page.wait_for_function("() => document.getElementById('matrix-status').textContent.trim() !== ''")
    return active(page)


def forgive_expected_refusals(browsing: Browsing) -> None:
    """Chromium logs every non-2xx fetch as a console error. The refused second A (422) and the
    conflict (409) are answers this test provokes on purpose; any other console error still fails."""
    expected = ("status of 409 (Conflict)", "status of 422 (Unprocessable Entity)")
    errors = browsing.guard.console_errors
    errors[:] = [e for e in errors if not (e.startswith("Failed to load resource") and e.endswith(expected))]


def live_region(page: Any) -> str:
    return page.locator("#matrix-status").inner_text()


def cell_letter(world: Any, activity: ActivityTemplate, role_id: int) -> str:
    cell = RaciCell.objects.for_kommune(world.kommune).filter(activity=activity, role_id=role_id).first()
    return cell.letter if cell else ""


def test_admin_edits_the_matrix_with_the_keyboard_only(matrix_browsing: Browsing) -> None:
    page, world = matrix_browsing.page, matrix_browsing.world
    roles = list(Role.objects.for_kommune(world.kommune).filter(is_active=True).order_by("position", "id"))
    activities = list(ActivityTemplate.objects.all())
    first, second = activities[0], activities[1]
    page.goto(matrix_browsing.url("roles:matrix", kommune_slug=world.kommune.slug))
    assert page.locator("#matrix[role=grid]").count() == 1, "the script turned the table into a grid"
    assert page.locator("#matrix-hilfe").is_visible()

    # Tab from the last control before the grid: the grid is a single tab stop on its first letter cell.
    page.locator("#matrix").scroll_into_view_if_needed()
    page.locator("main button[type=submit]").last.focus()
    page.keyboard.press("Tab")
    here = active(page)
    assert (here["activity"], here["role"]) == (str(first.pk), str(roles[0].pk))
    assert_focus_visible(focused(page))
    page.keyboard.press("Tab")
    assert active(page)["activity"] == "", "one more Tab leaves the grid"
    page.keyboard.press("Shift+Tab")
    assert active(page)["role"] == str(roles[0].pk), "Shift+Tab comes back to the same cell"

    # Arrow keys, Home and End.
    page.keyboard.press("ArrowRight")
    assert active(page)["role"] == str(roles[1].pk)
    page.keyboard.press("ArrowDown")
    assert (active(page)["activity"], active(page)["role"]) == (str(second.pk), str(roles[1].pk))
    page.keyboard.press("End")
    assert active(page)["status"], "End goes to the row's check at the end of the row"
    page.keyboard.press("Home")
    assert active(page)["tag"] == "summary", "Home goes to the row header with the activity's description"
    page.keyboard.press("ArrowUp")
    assert active(page)["activity"] == str(first.pk)
    assert_focus_visible(focused(page))

    # Find the first empty cell of the first row by moving right.
    for _step in range(len(roles)):
        page.keyboard.press("ArrowRight")
        if active(page)["letter"] == "":
            break
    target = active(page)
    assert target["letter"] == "" and target["role"]
    role_id = int(target["role"])

    # C, I, R set the letter; each save is announced; Delete clears.
    for key, letter in (("c", "C"), ("i", "I"), ("R", "R")):
        here = press_and_wait(page, key)
        assert here["letter"] == letter and here["text"] == letter
        assert "Gespeichert" in live_region(page)
        assert cell_letter(world, first, role_id) == letter
    here = press_and_wait(page, "Delete")
    assert here["letter"] == "" and cell_letter(world, first, role_id) == ""

    # A second A in the row is refused: the cell stays empty and the live region explains why.
    here = press_and_wait(page, "a")
    assert here["letter"] == "" and here["text"] == ""
    assert "bereits eine verantwortliche Rolle (A)" in live_region(page)
    assert cell_letter(world, first, role_id) == ""

    # Someone else sets the cell meanwhile: the editor's key press is not saved, the cell shows
    # the other person's letter and the conflict is announced.
    press_and_wait(page, "c")
    services.raci_set(
        kommune=world.kommune,
        actor=world.admin,
        activity=first,
        role=Role.objects.for_kommune(world.kommune).get(pk=role_id),
        letter="I",
        expected="C",
    )
    here = press_and_wait(page, "r")
    assert here["letter"] == "I" and here["text"] == "I"
    assert "inzwischen von jemand anderem" in live_region(page)
    assert cell_letter(world, first, role_id) == "I"

    # After a reload the saved letters are there.
    page.reload()
    cell = page.locator(f"#zeile-{first.pk} td[data-role='{role_id}']")
    assert cell.inner_text().strip() == "I"
    assert_shell(page)
    page.locator("#matrix td[tabindex='0']").focus()
    axe_scan(page, "responsibility matrix")
    forgive_expected_refusals(matrix_browsing)


def test_row_check_updates_after_a_change(matrix_browsing: Browsing) -> None:
    page, world = matrix_browsing.page, matrix_browsing.world
    first = ActivityTemplate.objects.all()[0]
    page.goto(matrix_browsing.url("roles:matrix", kommune_slug=world.kommune.slug))
    status = page.locator(f"#zeile-{first.pk} td[data-status]")
    assert "in Ordnung" in status.inner_text()
    # Clear the row's A: the check says "kein A" without a reload.
    accountable = page.locator(f"#zeile-{first.pk} td[data-letter='A']")
    accountable.click()
    page.keyboard.press("Backspace")
    page.wait_for_function(
        "id => document.querySelector(`#zeile-${id} td[data-status]`).innerText.includes('kein A')", arg=first.pk
    )
    axe_scan(page, "responsibility matrix after a change")


def test_row_form_and_role_network_pages_pass_axe(matrix_browsing: Browsing) -> None:
    page, world = matrix_browsing.page, matrix_browsing.world
    slug = world.kommune.slug
    first = ActivityTemplate.objects.all()[0]
    page.goto(matrix_browsing.url("roles:matrix_row", kommune_slug=slug) + f"?aktivitaet={first.pk}")
    assert_shell(page)
    axe_scan(page, "matrix row form")
    page.goto(matrix_browsing.url("roles:graph", kommune_slug=slug))
    assert page.locator("svg[role=img] title").count() == 1
    assert_shell(page)
    axe_scan(page, "role network graph")
