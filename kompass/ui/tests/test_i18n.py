"""English translation: the catalogue is complete, compiled, and used when a visitor switches to English.

The compiled `.mo` is committed so that a machine without GNU gettext still shows English. Instead
of comparing file times (a fresh git checkout gives both files arbitrary times), the test reads the
`.mo` and checks that it holds exactly the translations of the `.po`: a `.po` edited without
`make messages` fails here.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kompass.conftest import World

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    _key: tuple[str, int] = ("msgid", 0)

    def add(self, keyword: str, index: int, text: str) -> None:
        self._key = (keyword, index)
        self.extend(text)

    def extend(self, text: str) -> None:
        keyword, index = self._key
        if keyword == "msgstr":
            self.msgstr[index] = self.msgstr.get(index, "") + text
        elif keyword == "msgid_plural":
            self.msgid_plural = (self.msgid_plural or "") + text
        else:
            self.msgid += text


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (without the header); enough of the format for our own catalogue."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword = re.compile(r'^(msgid|msgid_plural|msgstr)(?:\[(\d)\])? (".*")$')
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current is not None and current.msgid:
                entries.append(current)
            current = None
            continue
        current = current or Entry()
        if line.startswith("#,"):
            current.fuzzy = "fuzzy" in line
        elif match := keyword.match(line):
            current.add(match[1], int(match[2] or 0), ast.literal_eval(match[3]))
        elif line.startswith('"'):
            current.extend(ast.literal_eval(line))
    return entries


def test_the_english_catalogue_exists_where_django_looks_for_it() -> None:
    assert PO_FILE.is_file(), f"{PO_FILE} is missing: run `make messages`"
    assert MO_FILE.is_file(), f"{MO_FILE} is missing: run `make messages` and commit the .mo"


def test_every_message_has_a_finished_english_translation() -> None:
    entries = read_po(PO_FILE)
    assert len(entries) > 100, "the catalogue looks empty: was makemessages run?"
    unfinished = [e.msgid for e in entries if e.fuzzy or not e.msgstr or not all(e.msgstr.values())]
    assert not unfinished, f"{len(unfinished)} messages without a finished translation, e.g. {unfinished[:5]}"


def test_compiled_catalogue_holds_exactly_the_translations_of_the_po_file() -> None:
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(PO_FILE):
        if entry.msgid_plural is None:
            if compiled.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)] != [
            entry.msgstr[0],
            entry.msgstr[1],
        ]:
            stale.append(entry.msgid)
    assert not stale, f"the .mo is older than the .po ({len(stale)} differences, e.g. {stale[:3]}): run `make messages`"


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]|%%|<[^>]+>")
    broken = []
    for entry in read_po(PO_FILE):
        expected = sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
        translated = sorted(placeholder.findall(entry.msgstr[max(entry.msgstr)]))
        if expected != translated:
            broken.append((entry.msgid, entry.msgstr))
    assert not broken, f"placeholders or markup lost in translation: {broken[:3]}"


@pytest.mark.django_db
def test_login_page_is_german_even_for_a_browser_that_asks_for_english() -> None:
    """German is the product language; English is a deliberate switch, not the browser's wish."""
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get(reverse("accounts:login"))
    html = response.content.decode()
    assert '<html lang="de">' in html and "Zum Inhalt springen" in html
    assert "Skip to content" not in html
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie() -> None:
    client = Client(headers={"Accept-Language": "de"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    english = response.content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english and "Log in" in english and "Accessibility statement" in english
    assert "Zum Inhalt springen" not in english
    assert response["Content-Language"] == "en"
    # The English is the request's only: the thread goes back to German for whatever runs next.
    assert translation.get_language() == settings.LANGUAGE_CODE


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["fr", "xx", "", "en" * 300, "../en", "en!"])
def test_an_unknown_language_cookie_gives_german(cookie: str) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode() and response["Content-Language"] == "de"


@pytest.mark.django_db
def test_a_regional_english_cookie_gives_english() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-GB"
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_pages_vary_by_cookie_and_not_by_accept_language() -> None:
    """Caches must keep the German and the English page apart by the cookie, and need no Accept-Language key."""
    response = Client(headers={"Accept-Language": "en"}).get(reverse("ui:impressum"))
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    assert "cookie" in vary
    assert "accept-language" not in vary


@pytest.mark.django_db
def test_api_errors_are_german_for_a_client_that_asks_for_english() -> None:
    response = Client(headers={"Accept-Language": "en"}).get("/api/v1/kommunen")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Bitte melden Sie sich an")
    assert response["Content-Language"] == "de"


def test_language_cookie_switches_a_kommune_page_to_english(admin_client: Client, world: World) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get(reverse("org:tree", kwargs={"kommune_slug": world.kommune.slug}))
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Organisation chart" in html and "Expand all" in html
    assert "Verwaltungsgliederung" not in html


def test_language_button_sets_english_and_german_again(admin_client: Client, world: World) -> None:
    page = reverse("ui:dashboard", kwargs={"kommune_slug": world.kommune.slug})
    response = admin_client.post(reverse("set_language"), {"language": "en", "next": page}, follow=True)
    assert "Key figures" in response.content.decode()
    response = admin_client.post(reverse("set_language"), {"language": "de", "next": page}, follow=True)
    assert "Kennzahlen" in response.content.decode()


# Words that only appear in German running text; data of the test world (names, codes) has none of them.
GERMAN_WORDS = re.compile(r"\b(und|oder|der|die|das|nicht|Sie|Ihre?|mit|für|wurde|keine|Bitte|Seite|zur|zum)\b")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(
    "name",
    [
        "ui:dashboard",
        "org:tree",
        "org:unit_list",
        "org:person_list",
        "org:unit_create",
        "org:import_export",
        "audit:log",
        "accounts:members",
        "ui:accessibility",
        "ui:feedback",
        "ui:privacy",
        "ui:impressum",
    ],
)
def test_english_pages_show_no_unmarked_german_text(name: str, admin_client: Client, world: World) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    kwargs = (
        {"kommune_slug": world.kommune.slug}
        if name not in {"ui:accessibility", "ui:feedback", "ui:privacy", "ui:impressum"}
        else {}
    )
    response = admin_client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    leaks = sorted({m.group(0) for m in GERMAN_WORDS.finditer(_visible_text(response.content.decode()))})
    context = [
        line.strip() for line in _visible_text(response.content.decode()).splitlines() if GERMAN_WORDS.search(line)
    ]
    assert not leaks, f"German words on the English page {name}: {leaks} in {context[:5]}"


def test_english_not_found_page_is_translated(admin_client: Client) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get("/gibt-es-nicht/")
    text = _visible_text(response.content.decode())
    assert response.status_code == 404
    assert not GERMAN_WORDS.search(text), [line.strip() for line in text.splitlines() if GERMAN_WORDS.search(line)]
