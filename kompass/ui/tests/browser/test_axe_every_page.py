"""X1/X5: every page and its important states pass axe-core (WCAG 2.1 A/AA) and carry the page shell.

The page list is generated from the URL resolver: every named route outside the API must be either
in `PAGES` (how to fill its URL and who looks at it) or in `NOT_PAGES` (why it is no HTML page).
A new route that is in neither makes `test_every_route_is_scanned_or_explained` fail, so new pages
are scanned as soon as they exist.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kompass.accounts.models import ApiToken
from kompass.accounts.services import api_token_create
from kompass.conftest import World
from kompass.factories import UserFactory, person
from kompass.tenancy.models import Membership, Role
from kompass.tenancy.public import Publication, publications
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan, login


class Fill:
    """The objects page URLs are filled with: the world, and a role model built only when a page needs it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.slug = {"kommune_slug": world.kommune.slug}
        self._roles: dict[str, Any] | None = None

    def roles(self) -> dict[str, Any]:
        """Teststadt adopts the shipped KGSt-oriented catalogue; Alice holds the CDO role."""
        if self._roles is None:
            from kompass.roles import services as role_services
            from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
            from kompass.roles.models import ActivityTemplate, Role

            load_catalogues()
            catalogue = latest_catalogue("kgst")
            w = self.world
            role_services.catalogue_adopt(kommune=w.kommune, actor=w.admin, catalogue=catalogue)
            role = Role.objects.for_kommune(w.kommune).filter(key="cdo").first() or (
                Role.objects.for_kommune(w.kommune).order_by("pk").first()
            )
            assignment = role_services.assignment_create(
                kommune=w.kommune,
                actor=w.admin,
                data={
                    "person": w.alice,
                    "role": role,
                    "org_unit": w.hauptamt,
                    "time_share": "20",
                    "valid_from": datetime.date(2026, 1, 1),
                    "qualification": "keine",
                },
            )
            activity = ActivityTemplate.objects.order_by("pk").first()
            self._roles = {"catalogue": catalogue, "role": role, "assignment": assignment, "activity": activity}
        return self._roles

    def invitation_secret(self) -> str:
        """An open invitation to Teststadt for an address without an account: the page asks for a password."""
        from kompass.accounts.invitations import invitation_create

        _invitation, path = invitation_create(
            kommune=self.world.kommune, actor=self.world.admin, email="ines.eingeladen@teststadt.example", role="reader"
        )
        return path.rstrip("/").rsplit("/", 1)[1]

    def role(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.roles()["role"].pk}

    def assignment(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.roles()["assignment"].pk}


@dataclass(frozen=True)
class Page:
    """How to open a page: its URL arguments and query, and as whom (admin, anonymous, operator)."""

    kwargs: Callable[[Fill], dict[str, Any]] = lambda f: {}
    as_user: str = "admin"
    query: Callable[[Fill], str] = lambda f: ""
    published: bool = False  # a public page: the Kommune publishes something while it is scanned


def _slug(f: Fill) -> dict[str, Any]:
    return f.slug


def _roles(f: Fill) -> dict[str, Any]:
    f.roles()
    return f.slug


PAGES: dict[str, Page] = {
    "ui:home": Page(),
    "ui:dashboard": Page(_slug),
    "ui:impressum": Page(),
    "ui:privacy": Page(),
    "ui:accessibility": Page(),
    "ui:feedback": Page(as_user="anonymous"),
    "accounts:login": Page(as_user="anonymous"),
    "accounts:password_change": Page(),
    "accounts:password_change_done": Page(),
    "accounts:api_tokens": Page(),
    "accounts:members": Page(_slug),
    "accounts:invitation": Page(lambda f: {"token": f.invitation_secret()}, as_user="anonymous"),
    "accounts:operator_access": Page(as_user="operator"),
    "accounts:operator_kommunen": Page(as_user="operator"),
    "accounts:operator_kommune_create": Page(as_user="operator"),
    "accounts:operator_kommune_status": Page(_slug, as_user="operator"),
    "accounts:operator_access_kommune": Page(_slug, as_user="operator"),
    "accounts:kommune_settings": Page(_slug),
    "org:tree": Page(_slug),
    "org:unit_list": Page(_slug),
    "org:unit_create": Page(_slug),
    "org:unit_detail": Page(lambda f: {**f.slug, "pk": f.world.ordnungsamt.pk}),
    "org:unit_edit": Page(lambda f: {**f.slug, "pk": f.world.ordnungsamt.pk}),
    "org:unit_delete": Page(lambda f: {**f.slug, "pk": f.world.sachgebiet.pk}),
    "org:person_list": Page(_slug),
    "org:person_create": Page(_slug),
    "org:person_detail": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "org:person_edit": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "org:person_delete": Page(lambda f: {**f.slug, "pk": f.world.bruno.pk}),
    "org:import_export": Page(_slug),
    "audit:log": Page(_slug),
    # The role model (issue 3), with the KGST catalogue adopted.
    "roles:role_list": Page(_roles),
    "roles:catalogue_list": Page(_roles),
    "roles:catalogue_role": Page(lambda f: {**f.slug, "catalogue_id": f.roles()["catalogue"].pk, "role_key": "cdo"}),
    "roles:catalogue_updates": Page(_roles),
    "roles:role_create": Page(_roles),
    "roles:role_detail": Page(Fill.role),
    "roles:role_edit": Page(Fill.role),
    "roles:role_delete": Page(Fill.role),
    "roles:assignment_list": Page(_roles),
    "roles:assignment_create": Page(_roles),
    "roles:assignment_edit": Page(Fill.assignment),
    "roles:assignment_end": Page(Fill.assignment),
    "roles:assignment_delete": Page(Fill.assignment),
    "roles:lotsen": Page(_roles),
    "roles:checks": Page(_roles),
    "roles:graph": Page(_roles),
    "roles:matrix": Page(_roles),
    "roles:matrix_row": Page(_roles, query=lambda f: f"?aktivitaet={f.roles()['activity'].pk}"),
    # Public pages (anonymous), open only while a module publishes something of the Kommune.
    "public:kommune": Page(_slug, as_user="anonymous", published=True),
}

# Routes that are no HTML page (a POST action, a download, a machine endpoint), with the reason.
NOT_PAGES: dict[str, str] = {
    "set_language": "POST action of the language button",
    "ui:health": "JSON health check for the reverse proxy",
    "accounts:logout": "POST action",
    "accounts:api_token_revoke": "POST action",
    "accounts:member_remove": "POST action",
    "accounts:invitation_resend": "POST action",
    "accounts:invitation_revoke": "POST action",
    "org:import_preview": "POST action of the upload form (its result page is scanned in test_journeys)",
    "org:import_confirm": "POST action of the preview (its result page is scanned in test_journeys)",
    "org:export": "CSV/XLSX download",
    "org:search_people": "JSON search behind the person combobox (option markup for htmx); its fields are scanned",
    "org:search_units": "JSON search behind the unit combobox (option markup for htmx); its fields are scanned",
    "org:import_template": "CSV/XLSX download (empty template)",
    "org:import_example": "CSV/XLSX download (example file)",
    "roles:catalogue_adopt": "POST action",
    "roles:role_take_catalogue_version": "POST action",
    "roles:relation_take_catalogue_version": "POST action",
    "roles:relation_add_from_catalogue": "POST action",
    "roles:role_add_from_catalogue": "POST action",
    "roles:relation_create": "POST action",
    "roles:relation_delete": "POST action",
    "roles:matrix_cell": "POST action (htmx cell save)",
    "roles:matrix_csv": "CSV download",
    "roles:matrix_xlsx": "XLSX download",
    "roles:matrix_pdf": "PDF download",
    "roles:role_pdf": "PDF download",
}
NOT_PAGE_KWARGS: dict[str, Callable[[Fill], dict[str, Any]]] = {
    "accounts:api_token_revoke": lambda f: {"pk": 1},
    "accounts:member_remove": lambda f: {**f.slug, "pk": 1},
    "accounts:invitation_resend": lambda f: {**f.slug, "pk": 1},
    "accounts:invitation_revoke": lambda f: {**f.slug, "pk": 1},
    "org:import_preview": _slug,
    "org:import_confirm": _slug,
    "org:export": lambda f: {**f.slug, "kind": "personen", "fmt": "csv"},
    "org:search_people": _slug,
    "org:search_units": _slug,
    "org:import_template": lambda f: {**f.slug, "kind": "personen", "fmt": "xlsx"},
    "org:import_example": lambda f: {**f.slug, "kind": "rollenzuordnungen", "fmt": "csv"},
    "roles:catalogue_adopt": _slug,
    "roles:role_take_catalogue_version": lambda f: {**f.slug, "pk": 1},
    "roles:relation_take_catalogue_version": lambda f: {**f.slug, "pk": 1},
    "roles:relation_add_from_catalogue": _slug,
    "roles:role_add_from_catalogue": _slug,
    "roles:relation_create": lambda f: {**f.slug, "pk": 1},
    "roles:relation_delete": lambda f: {**f.slug, "pk": 1},
    "roles:matrix_cell": _slug,
    "roles:matrix_csv": _slug,
    "roles:matrix_xlsx": _slug,
    "roles:matrix_pdf": _slug,
    "roles:role_pdf": Fill.role,
}


def _named_routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> dict[str, str]:
    routes: dict[str, str] = {}
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes.update(_named_routes(entry.url_patterns, route, ns))
        elif isinstance(entry, URLPattern) and entry.name:
            routes[namespace + entry.name] = route
    return routes


def html_routes() -> dict[str, str]:
    """Every named route of the product outside the API (`/api/…` is covered by the API tests)."""
    return {
        name: route
        for name, route in _named_routes(get_resolver().url_patterns).items()
        if not route.startswith("api/")
    }


def test_every_route_is_scanned_or_explained() -> None:
    routes = set(html_routes())
    unmapped = routes - set(PAGES) - set(NOT_PAGES)
    assert not unmapped, f"Add these routes to PAGES (to scan them) or NOT_PAGES (with a reason): {sorted(unmapped)}"
    stale = (set(PAGES) | set(NOT_PAGES)) - routes
    assert not stale, f"These mapped routes no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_routes_listed_as_no_page_answer_get_without_an_html_page(name: str, world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    kwargs = NOT_PAGE_KWARGS.get(name, lambda f: {})(Fill(world))
    response = client.get(reverse(name, kwargs=kwargs or None))
    is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not is_page, f"{name} serves an HTML page on GET: scan it (move it to PAGES)"


def _open_as(browsing: Browsing, as_user: str) -> None:
    w = browsing.world
    if as_user == "admin":
        # A second membership, so the Kommune switcher in the header is part of every scan.
        Membership.objects.create(kommune=w.other, user=w.admin, role=Role.READER)
        api_token_create(user=w.admin, name="Abgleich Personalsystem")
        login(browsing.page, browsing.base, w.admin.username)
    elif as_user == "operator":
        operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
        login(browsing.page, browsing.base, operator.username)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_passes_axe_and_has_the_page_shell(name: str, browsing: Browsing) -> None:
    spec = PAGES[name]
    _open_as(browsing, spec.as_user)
    fill = Fill(browsing.world)
    url = reverse(name, kwargs=spec.kwargs(fill) or None) + spec.query(fill)
    if spec.published:
        publications.register(Publication("axe-scan", lambda kommune: True))
    try:
        response = browsing.page.goto(browsing.base + url)
    finally:
        publications.unregister("axe-scan")
    assert response is not None and response.status == 200, f"{name} ({url}) answered {response and response.status}"
    assert_shell(browsing.page)
    axe_scan(browsing.page, f"{name} ({url})")
    browsing.guard.assert_clean()


# --- states ----------------------------------------------------------------------------------


def test_unit_form_with_validation_errors_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:unit_create", kommune_slug=admin_browsing.world.kommune.slug))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#fehler").is_visible()
    assert page.evaluate("document.activeElement.id") == "fehler", "the error summary should receive focus"
    assert page.locator("[aria-invalid=true]").count() >= 2
    assert_shell(page)
    axe_scan(page, "unit form with errors")


def test_feedback_form_with_errors_passes_axe_anonymously(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.url("ui:feedback"))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#fehler").is_visible()
    assert_shell(page)
    axe_scan(page, "feedback form with errors")


def test_empty_search_result_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:person_list", kommune_slug=admin_browsing.world.kommune.slug) + "?q=zzzzkeiner")
    assert page.locator("#ergebnis tbody tr").count() == 1
    assert "0 Personen" in page.locator("#ergebnis caption").inner_text()
    assert_shell(page)
    axe_scan(page, "empty person list")


def test_paginated_person_list_passes_axe_on_both_pages(admin_browsing: Browsing) -> None:
    w = admin_browsing.world
    for i in range(60):
        person(w.kommune, f"Vorname{i:02d}", f"Nachname{i:02d}", w.hauptamt)
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:person_list", kommune_slug=w.kommune.slug))
    nav = page.locator("nav.kk-pagination")
    assert nav.is_visible()
    axe_scan(page, "person list page 1")
    nav.locator("a[rel=next]").click()
    page.wait_for_load_state("load")
    assert "page=2" in page.url
    assert_shell(page)
    axe_scan(page, "person list page 2")


def test_unit_list_filtered_and_sorted_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:unit_list", kommune_slug=admin_browsing.world.kommune.slug) + "?sort=-name&q=amt")
    assert page.locator("#ergebnis tbody tr").count() == 2
    axe_scan(page, "unit list filtered and sorted")


def test_new_api_token_shown_once_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("accounts:api_tokens"))
    page.fill("#id_name", "Abgleich")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#neues-token").is_visible()
    assert ApiToken.objects.filter(user=admin_browsing.world.admin).count() == 1
    axe_scan(page, "new API token")


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_not_found_page_passes_axe(who: str, browsing: Browsing) -> None:
    if who == "admin":
        login(browsing.page, browsing.base, browsing.world.admin.username)
    response = browsing.page.goto(browsing.base + "/gibt-es-nicht/")
    assert response is not None and response.status == 404
    # The browser logs the 404 of the document itself as a console error; that one is expected.
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "404" not in e]
    assert_shell(browsing.page)
    axe_scan(browsing.page, "404 page")


def test_forbidden_page_passes_axe(browsing: Browsing) -> None:
    login(browsing.page, browsing.base, browsing.world.reader.username)
    url = reverse("org:unit_create", kwargs={"kommune_slug": browsing.world.kommune.slug})
    response = browsing.page.goto(browsing.base + url)
    assert response is not None and response.status == 403
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "403" not in e]
    assert_shell(browsing.page)
    axe_scan(browsing.page, "403 page")


def test_login_with_wrong_password_and_locked_login_pass_axe(browsing: Browsing, settings: Any) -> None:
    page = browsing.page
    login(page, browsing.base, "admin", password="falsch-falsch-falsch")
    assert page.locator("#fehler").is_visible()
    axe_scan(page, "login with error")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(page, browsing.base, "admin", password="falsch-falsch-falsch")
        if page.locator("h1", has_text="gesperrt").count():
            break
    assert page.locator("h1", has_text="gesperrt").count() == 1, "the locked-login page did not appear"
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "429" not in e]
    assert_shell(page)
    axe_scan(page, "locked login")


def test_english_version_of_a_page_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:tree", kommune_slug=admin_browsing.world.kommune.slug))
    page.locator("form.kk-lang button").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_shell(page)
    axe_scan(page, "tree in English")


def test_api_documentation_page_linked_in_the_footer_passes_axe(browsing: Browsing) -> None:
    """The one HTML page under /api/: linked from every footer, readable without login."""
    response = browsing.page.goto(browsing.url("api:openapi-view"))
    assert response is not None and response.status == 200
    browsing.page.locator("#swagger-ui .info").wait_for()  # rendered by the bundled Swagger UI
    axe_scan(browsing.page, "API documentation")


def test_catalogue_updates_with_relation_changes_pass_axe(admin_browsing: Browsing, tmp_path: Any) -> None:
    """The updates page with a changed, a corrected, a new and a dropped relation (issue 12)."""
    import shutil

    from kompass.roles.catalogue_loader import CATALOGUE_DIR, load_catalogues

    w = admin_browsing.world
    Fill(w).roles()  # Teststadt adopts the shipped catalogue
    newer = tmp_path / "newer"
    shutil.copytree(CATALOGUE_DIR, newer)
    text = (newer / "kgst.toml").read_text(encoding="utf-8")
    text = re.sub(r'^version = "[^"]+"', 'version = "2099.1"', text, count=1, flags=re.MULTILINE)
    old_note = "Legt dem Rat oder Kreistag Fortschrittsberichte zur Digitalstrategie vor."
    text = text.replace(old_note, "Legt dem Rat oder Kreistag jährlich einen Bericht vor.", 1)
    text = text.replace(
        'from = "buerger"\nto = "hvb"\ntype = "beraet"', 'from = "buerger"\nto = "rat"\ntype = "beraet"', 1
    )
    text = text.replace(
        'from = "rat"\nto = "hvb"\ntype = "beauftragt"', 'from = "rat"\nto = "cio"\ntype = "kontrolliert"', 1
    )
    (newer / "kgst.toml").write_text(text, encoding="utf-8")
    load_catalogues(newer)
    page = admin_browsing.page
    page.goto(admin_browsing.url("roles:catalogue_updates", kommune_slug=w.kommune.slug))
    section = page.locator("section[aria-labelledby=beziehungen]")
    assert section.locator("article").count() >= 3
    assert "jährlich einen Bericht" in section.inner_text()
    assert_shell(page)
    axe_scan(page, "catalogue updates with relation changes")
