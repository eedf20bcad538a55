"""The main journeys in a real browser, each ending with an axe-core scan of the final page.

Log in, work the org tree with the keyboard only (X2: visible focus at every step), switch the
language, filter the person list with and without JavaScript, import a CSV through the upload page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kompass.org.models import OrgUnit
from kompass.ui.tests.browser.conftest import (
    Browsing,
    assert_focus_visible,
    assert_shell,
    axe_scan,
    focused,
    login,
)


def tab_until(page: Any, wanted: Callable[[dict[str, Any]], bool], limit: int = 40, key: str = "Tab") -> dict[str, Any]:
    """Press Tab until the focused element is the wanted one; every element on the way must show focus."""
    for _step in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        assert info["tag"] != "body", "focus fell back to the document: a keyboard trap or a lost focus"
        assert_focus_visible(info)
        if wanted(info):
            return info
    raise AssertionError(f"did not reach the wanted element within {limit} presses of {key}")


def is_open(page: Any) -> bool:
    """Whether the <details> of the focused <summary> is open."""
    return bool(page.evaluate("document.activeElement.parentElement.open"))


def test_admin_logs_in_with_the_form_and_lands_on_the_kommune_start_page(browsing: Browsing) -> None:
    page = browsing.page
    world = browsing.world
    page.goto(browsing.url("org:tree", kommune_slug=world.kommune.slug))
    assert "/anmelden/" in page.url, "anonymous visitors are sent to the login"
    page.goto(browsing.url("accounts:login"))
    page.get_by_label("Benutzername").fill("admin")
    page.get_by_label("Passwort").fill("ein-langes-testpasswort")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state("load")
    assert page.url == browsing.url("ui:dashboard", kommune_slug=world.kommune.slug)
    assert page.locator("h1").inner_text() == "Teststadt"
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert_shell(page)
    axe_scan(page, "start page after login")


def test_keyboard_user_skips_to_content_and_works_the_org_tree(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    world = admin_browsing.world
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=world.kommune.slug))

    # The skip link is the first stop and moves the focus to the main content.
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["text"] == "Zum Inhalt springen" and info["href"] == "#inhalt"
    assert_focus_visible(info)
    assert page.locator("a.kk-skip-link").bounding_box()["x"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhalt"

    # From the content, on to the org tree.
    tab_until(page, lambda i: i["text"] == "Verwaltungsgliederung ansehen")
    page.keyboard.press("Enter")
    page.wait_for_url(admin_browsing.url("org:tree", kommune_slug=world.kommune.slug))

    # The root is open; Dezernat I is closed and opens and closes with Enter and Space.
    info = tab_until(page, lambda i: i["tag"] == "summary" and "Dezernat I" in i["text"])
    assert not is_open(page)
    page.keyboard.press("Enter")
    assert is_open(page)
    page.keyboard.press("Enter")
    assert not is_open(page)
    # Closed: its children are skipped, the next stop lies after the tree.
    page.keyboard.press("Tab")
    assert "Hauptamt" not in focused(page)["text"]
    page.keyboard.press("Shift+Tab")
    assert "Dezernat I" in focused(page)["text"]
    page.keyboard.press("Space")
    assert is_open(page)

    # Open: Tab walks into its children.
    tab_until(page, lambda i: i["text"] == "Details zu Dezernat I", limit=1)
    tab_until(page, lambda i: i["tag"] == "a" and "Hauptamt" in i["text"], limit=1)
    tab_until(page, lambda i: i["tag"] == "summary" and "Ordnungsamt" in i["text"], limit=1)
    assert not is_open(page)
    page.keyboard.press("Space")
    assert is_open(page)
    tab_until(page, lambda i: i["text"] == "Details zu Ordnungsamt", limit=1)
    page.keyboard.press("Enter")
    page.wait_for_url(admin_browsing.url("org:unit_detail", kommune_slug=world.kommune.slug, pk=world.ordnungsamt.pk))
    assert "Ordnungsamt" in page.locator("h1").inner_text()
    assert_shell(page)
    axe_scan(page, "unit detail reached by keyboard")


def test_expand_all_and_collapse_all_buttons_work_by_keyboard(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:tree", kommune_slug=admin_browsing.world.kommune.slug))
    tab_until(page, lambda i: i["text"] == "Alle aufklappen")
    page.keyboard.press("Enter")
    assert page.locator(".kk-tree details:not([open])").count() == 0
    tab_until(page, lambda i: i["text"] == "Alle zuklappen", limit=1)
    page.keyboard.press("Space")
    assert page.locator(".kk-tree details[open]").count() == 0
    axe_scan(page, "tree collapsed")


def test_person_filter_updates_the_table_while_typing(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    slug = admin_browsing.world.kommune.slug
    page.goto(admin_browsing.url("org:person_list", kommune_slug=slug))
    assert page.locator("#ergebnis tbody tr").count() == 2
    with page.expect_response(lambda r: "q=Ordner" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#id_q").press_sequentially("Ordner")
    page.wait_for_function("document.querySelectorAll('#ergebnis tbody tr').length === 1")
    assert "Ordner, Bruno" in page.locator("#ergebnis tbody").inner_text()
    assert "q=Ordner" in page.url, "the filter is kept in the address (hx-push-url)"
    assert page.locator("#ergebnis-status").inner_text().strip() == "1 Person", "screen readers hear the new count"
    assert_shell(page)
    axe_scan(page, "person list filtered by htmx")


def test_person_filter_works_without_javascript(admin_browsing: Browsing) -> None:
    page = admin_browsing.new_page(java_script_enabled=False)
    login(page, admin_browsing.base, admin_browsing.world.admin.username)
    page.goto(admin_browsing.url("org:person_list", kommune_slug=admin_browsing.world.kommune.slug))
    page.fill("#id_q", "Amtsleiterin")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_load_state("load")
    assert "q=Amtsleiterin" in page.url
    rows = page.locator("#ergebnis tbody tr")
    assert rows.count() == 1 and "Amtsleiterin, Alice" in rows.inner_text()
    # Scripts cannot run in this context, so axe scans the same address in the guarded page with JavaScript.
    filtered_url = page.url
    admin_browsing.page.goto(filtered_url)
    assert admin_browsing.page.locator("#ergebnis tbody tr").count() == 1
    axe_scan(admin_browsing.page, "person list filtered without JavaScript")


def test_user_switches_to_english_and_back_with_the_header_button(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    tree_url = admin_browsing.url("org:tree", kommune_slug=admin_browsing.world.kommune.slug)
    page.goto(tree_url)
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert page.url == tree_url, "the switch stays on the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Organisation chart"
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    assert page.get_by_role("link", name="Skip to content").count() == 1
    axe_scan(page, "tree in English")

    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Verwaltungsgliederung"
    assert_shell(page)
    axe_scan(page, "tree back in German")


ORG_CSV = (
    "kennung;name;typ;uebergeordnet;leitung_email\r\n"
    "37.1;Einsatzplanung;Sachgebiet;37;\r\n"  # the child comes first: rows may come in any order
    "37;Feuerwehr;Amt;D1;\r\n"
    "20;Kämmerei;Amt;D1;alice.amtsleiterin@teststadt.example\r\n"
).encode("utf-8-sig")


def nav_to(page: Any, link: str) -> None:
    """Follow a link of the main navigation."""
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    group = nav.locator("details").filter(has=page.get_by_text(link, exact=True))
    if group.count():  # the link sits in its module's group: open it first, as a user does
        group.locator("summary").click()
    nav.get_by_role("link", name=link, exact=True).click()


def _upload(page: Any, name: str, content: bytes, kind_label: str = "Organisationseinheiten") -> None:
    page.get_by_label(kind_label, exact=True).check()
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_load_state("load")


def test_admin_imports_org_units_from_a_csv_through_the_upload_page(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    world = admin_browsing.world
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=world.kommune.slug))
    nav_to(page, "Import und Export")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Import und Export"

    _upload(page, "gliederung.csv", ORG_CSV)
    assert page.locator("h2", has_text="Vorschau: gliederung.csv").count() == 1
    assert page.locator(".kk-figure", has_text="Neu").locator("dd").inner_text() == "3"
    assert page.locator("#vorschau-caption").inner_text() == "Geplante Änderungen: 3 Zeilen"
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="37").exists(), "the preview saves nothing"
    assert_shell(page)
    axe_scan(page, "import preview")

    page.get_by_role("button", name="Import ausführen").click()
    page.wait_for_load_state("load")
    assert "Import abgeschlossen: 3 neu, 0 geändert, 0 unverändert" in page.locator(".kk-messages").inner_text()
    kaemmerei = OrgUnit.objects.for_kommune(world.kommune).get(code="20")
    assert kaemmerei.head == world.alice and kaemmerei.parent == world.dezernat

    nav_to(page, "Organigramm")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Alle aufklappen").click()
    tree = page.locator(".kk-tree")
    for text in ("Feuerwehr", "Einsatzplanung", "Kämmerei"):
        assert tree.get_by_text(text).first.is_visible(), f"{text} is not visible in the tree"
    assert_shell(page)
    axe_scan(page, "tree after the import")


def test_a_rejected_import_names_row_and_column_and_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    world = admin_browsing.world
    page.goto(admin_browsing.url("org:import_export", kommune_slug=world.kommune.slug))
    bad = b"kennung;name;typ;uebergeordnet\n40;Schulamt;Amt;GIBTESNICHT\n"
    _upload(page, "kaputt.csv", bad)
    assert page.locator("#fehler").is_visible(), "the error summary is shown"
    errors = page.locator("table", has=page.locator("#fehler-caption"))
    assert "2" in errors.locator("tbody th").first.inner_text() and "uebergeordnet" in errors.inner_text()
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="40").exists()
    assert_shell(page)
    axe_scan(page, "import rejected")
