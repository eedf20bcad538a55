"""The main navigation as the shell renders it: one item per module, entries by capability, the current
group marked, and a query count that does not grow with the number of entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.conftest import World
from kompass.core.extensions import NAV_ENTRIES, NAV_GROUPS, NavEntry, NavGroup

pytestmark = pytest.mark.django_db

SLUG = "teststadt"
GROUPS = ["Start", "Organisation", "Rollenmodell", "Selbstbewertung", "Digitale Agenda", "Verwaltung"]


@dataclass
class Item:
    """A top-level item of the main navigation: a plain `link` or a `group` with its entries."""

    kind: str = ""
    label: str = ""
    href: str = ""
    current: str | None = None
    links: list[tuple[str, str, str | None]] = field(default_factory=list)  # (label, href, aria-current)


class NavParser(HTMLParser):
    """Reads the items of `<nav aria-label="Hauptnavigation">` from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Item] = []
        self.navs = 0
        self._in_nav = False
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("aria-label") == "Hauptnavigation":
            self._in_nav, self.navs = True, self.navs + 1
        if not self._in_nav:
            return
        classes = (a.get("class") or "").split()
        if tag == "li" and "kk-nav__item" in classes:
            self.items.append(Item())
        elif tag == "summary" or (tag == "a" and "kk-nav__top" in classes):
            item = self.items[-1]
            item.kind = "group" if tag == "summary" else "link"
            item.href, item.current = a.get("href") or "", a.get("aria-current")
            self._text = []
        elif tag == "a":  # an entry of a group; its label follows as text
            self._text = []
            self.items[-1].links.append(("", a.get("href") or "", a.get("aria-current")))

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        if tag in ("a", "summary") and self._text is not None:
            text, self._text = " ".join("".join(self._text).split()), None
            item = self.items[-1]
            if item.links and tag == "a" and item.kind == "group":
                _empty, href, current = item.links[-1]
                item.links[-1] = (text, href, current)
            else:
                item.label = text


def nav(client: Client, url: str) -> list[Item]:
    response = client.get(url)
    assert response.status_code == 200
    parser = NavParser()
    parser.feed(response.content.decode())
    assert parser.navs == 1, "one main navigation per page"
    return parser.items


def url(name: str) -> str:
    return reverse(name, args=[SLUG])


@pytest.fixture
def extra_entries() -> Iterator[list[str]]:
    """A module of 15 entries only the administration sees (the shell must not look them up one by one)."""
    NAV_GROUPS.register(NavGroup(key="test.extra", label="Zusatzmodul", order=950))
    keys = [f"test.extra.{n}" for n in range(15)]
    for n, key in enumerate(keys):
        NAV_ENTRIES.register(
            NavEntry(key=key, group="test.extra", label=f"Eintrag {n}", url_name="audit:log", capability="view_audit")
        )
    yield keys
    for key in keys:
        NAV_ENTRIES.unregister(key)
    NAV_GROUPS.unregister("test.extra")


def test_the_administration_sees_one_item_per_module_and_every_entry_in_its_group(admin_client: Client) -> None:
    items = nav(admin_client, url("org:person_list"))
    assert [item.label for item in items] == GROUPS
    assert [item.kind for item in items] == ["link", "group", "group", "group", "group", "group"]
    assert items[0].href == url("ui:dashboard")
    assert [label for label, _href, _current in items[1].links] == ["Organigramm", "Personen"]
    verwaltung = [(label, href) for label, href, _current in items[-1].links]
    assert verwaltung == [
        ("Import und Export", url("org:import_export")),
        ("Protokoll", url("audit:log")),
        ("Mitglieder", url("accounts:members")),
        ("Stammdaten", url("accounts:kommune_settings")),
        ("Identitätsanbieter", url("sso:providers")),
        ("Datenschutz", url("privacy:index")),
        ("Papierkorb", url("trash:index")),
    ]
    assert sum(len(item.links) or 1 for item in items) == len(NAV_ENTRIES)


def test_a_reader_sees_no_entry_that_needs_a_right_she_lacks(reader_client: Client) -> None:
    items = nav(reader_client, url("org:person_list"))
    assert [item.label for item in items] == [*GROUPS[:-1], "Import und Export"]
    # Of the administration she sees only the export page: the group is a plain link to it.
    assert (items[-1].kind, items[-1].href, items[-1].links) == ("link", url("org:import_export"), [])
    hrefs = {item.href for item in items} | {href for item in items for _label, href, _current in item.links}
    for gated in ("audit:log", "accounts:members", "accounts:kommune_settings"):
        assert url(gated) not in hrefs, gated


def test_a_module_whose_entries_a_member_may_not_see_has_no_item(
    extra_entries: list[str], admin_client: Client, reader_client: Client
) -> None:
    assert "Zusatzmodul" in [item.label for item in nav(admin_client, url("ui:dashboard"))]
    assert "Zusatzmodul" not in [item.label for item in nav(reader_client, url("ui:dashboard"))]


def test_the_group_of_the_page_shown_is_marked_and_the_page_in_it(reader_client: Client) -> None:
    items = nav(reader_client, url("org:person_list"))
    assert [(item.label, item.current) for item in items if item.current] == [("Organisation", "true")]
    current_links = [(label, current) for item in items for label, _href, current in item.links if current]
    assert current_links == [("Personen", "page")]


def test_on_the_start_page_only_the_start_link_is_current(reader_client: Client) -> None:
    items = nav(reader_client, url("ui:dashboard"))
    assert [(item.label, item.kind, item.current) for item in items if item.current] == [("Start", "link", "page")]
    assert not [label for item in items for label, _href, current in item.links if current]


def test_a_single_entry_group_that_holds_the_page_is_a_current_link(reader_client: Client) -> None:
    items = nav(reader_client, url("org:import_export"))
    assert [(item.label, item.current) for item in items if item.current] == [("Import und Export", "page")]


def test_the_navigation_costs_no_query_per_entry(world: World, extra_entries: list[str]) -> None:
    client = world.client_for(world.admin)
    target = url("org:person_list")
    client.get(target)  # warm caches (content types, sessions) before counting

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target)
        parser = NavParser()
        parser.feed(response.content.decode())
        return len(ctx.captured_queries), sum(len(item.links) for item in parser.items)

    with_extra, entries_with = count()
    for key in extra_entries:
        NAV_ENTRIES.unregister(key)
    without, entries_without = count()
    assert entries_with - entries_without == 15, "the extra entries were rendered"
    assert with_extra == without
