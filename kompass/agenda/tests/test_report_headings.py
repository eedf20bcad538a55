"""The outline of the council report: on the page the preview is an h2, its parts h3 and what each
part names inside (a Handlungsfeld, the vision, the measures waiting for a decision) h4; in the PDF,
where the parts are h2, the same partials give h3. No level is skipped going down."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from kompass.agenda import council_report
from kompass.agenda.tests.factories_council import council_scene
from kompass.conftest import World

pytestmark = pytest.mark.django_db


class Headings(HTMLParser):
    """(level, text) of every h1–h6, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._level = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._level = int(tag[1])
            self.found.append((self._level, ""))

    def handle_endtag(self, tag: str) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._level = 0

    def handle_data(self, data: str) -> None:
        if self._level:
            level, text = self.found[-1]
            self.found[-1] = (level, " ".join(f"{text} {data}".split()))


def headings(html: str) -> list[tuple[int, str]]:
    parser = Headings()
    parser.feed(html)
    return parser.found


def level_of(found: list[tuple[int, str]], text: str) -> int:
    levels = {level for level, heading in found if heading == text}
    assert len(levels) == 1, f"{text!r}: {levels or 'missing'}"
    return levels.pop()


def assert_no_skipped_level(found: list[tuple[int, str]]) -> None:
    for (before, _a), (after, b) in itertools.pairwise(found):
        assert after <= before + 1, f"{b!r} (h{after}) follows an h{before}"


def test_the_preview_nests_what_each_part_names_under_the_part(world: World, admin_client: Client) -> None:
    council_scene(world)
    page = admin_client.get(reverse("agenda:council_report", args=["teststadt"])).content.decode()
    preview = headings(page[page.index('id="vorschau"') - 40 :])
    assert preview[0][0] == 2
    for _key, part in council_report.SECTIONS:
        assert level_of(preview, str(part)) == 3
    for named in ("Verwaltung digital", "Schulen und Bildung", "Vision", "Leitsätze"):
        assert level_of(preview, named) == 4
    assert level_of(preview, "Maßnahmen, die auf einen Beschluss warten") == 4
    assert_no_skipped_level(headings(page))


def test_the_pdf_keeps_its_parts_at_h2_and_what_they_name_at_h3(world: World) -> None:
    council_scene(world)
    report = council_report.build(world.kommune, council_report.parse_options({}))
    html = render_to_string(
        "agenda/council/pdf/report.html", {"report": report, "kommune": world.kommune, "today": report.today}
    )
    found = headings(html)
    for named in ("Verwaltung digital", "Schulen und Bildung", "Vision", "Leitsätze"):
        assert level_of(found, named) == 3
    assert level_of(found, "Maßnahmen, die auf einen Beschluss warten") == 3
    assert_no_skipped_level(found)
