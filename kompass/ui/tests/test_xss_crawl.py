"""S3: an XSS payload crawl over every page of the URL resolver.

Every free text of Teststadt (names, titles, descriptions, notes of every table, and the names of every account)
gets a markup payload appended; then every page that answers GET is opened as a persona who may see it. No page
may answer 500, and no HTML page may contain the payload as markup: every text must arrive escaped. The content
security policy would stop an injected script in a browser anyway (docs/security.md S1); this checks the escaping itself, the
first wall, without relying on the second.

The scene is the one of `test_isolation` (built once per module and kind of route); the payload is written in
the test's own transaction, which is rolled back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.utils.html import escape

from kompass.ui.tests import test_isolation as iso
from kompass.ui.tests import url_registry as reg
from kompass.ui.tests.xss import MARKUP, PAGES, PAYLOAD, inject, persona_for

scene_layer, scene, world = iso.scene_layer, iso.scene, iso.world


def test_the_payload_reaches_the_texts_a_page_shows(world: Any) -> None:
    """The injection itself works: a unit's name and an account's name carry the payload afterwards."""
    assert inject(world.kommune) >= 5
    world.hauptamt.refresh_from_db()
    world.admin.refresh_from_db()
    assert world.hauptamt.name.endswith(PAYLOAD) and world.admin.last_name.endswith(PAYLOAD)
    page = world.client_for(world.admin).get(f"/k/{world.kommune.slug}/organisation/").content.decode()
    assert escape(PAYLOAD) in page and PAYLOAD not in page  # shown, escaped


def test_the_crawl_sees_markup_that_is_not_escaped() -> None:
    assert MARKUP in HttpResponse(f"<p>{PAYLOAD}</p>").content
    assert MARKUP not in HttpResponse(f"<p>{escape(PAYLOAD)}</p>").content


@pytest.mark.django_db
@iso.over_routes(PAGES)
def test_every_page_shows_the_payload_escaped_and_never_answers_500(name: str, scene: iso.Scene) -> None:
    route = reg.ROUTES[name]
    iso.prepare(scene, name)
    persona = persona_for(route)
    targets = scene.targets(iso.side_of(persona), scene.user(persona), route)
    url = iso.url_for(name, route, targets)
    inject(scene.world.kommune)
    client = scene.client(persona, route)
    client.raise_request_exception = False  # a crash must show up as the 500 a visitor would get
    response = client.get(url)
    assert response.status_code < 500, f"GET {url} as {persona}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKUP not in response.content, f"GET {url} as {persona} shows the payload as markup"
