"""The board offers dragging only where the member may move a card: a movable card is marked for the
board's script (`agenda/board.js`, loaded from the page, no inline script) and keeps its form with
the status select and "Verschieben"; a reader's cards are neither marked nor movable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kompass.agenda.tests import factories_measures as fm
from kompass.conftest import World

pytestmark = pytest.mark.django_db
BOARD = reverse("agenda:board", args=["teststadt"])


def _card(page: str, pk: int) -> str:
    start = page.index(f'id="karte-{pk}"')
    return page[page.rindex("<li", 0, start) : page.index("</li>", start)]


def test_the_cards_a_member_may_move_are_marked_for_dragging_and_keep_their_form(world: World) -> None:
    s = fm.scene(world)
    page = world.client_for(world.editor).get(BOARD).content.decode()  # Redaktion limited to 32 Ordnungsamt
    inside, outside = _card(page, s.inside.pk), _card(page, s.outside.pk)
    assert "data-kk-card" in inside and 'name="status"' in inside and "Verschieben" in inside
    assert "data-kk-card" not in outside and "<form" not in outside
    for status in ("idee", "geplant", "in_umsetzung", "abgeschlossen", "gestoppt"):
        assert f'data-kk-drop="{status}"' in page
    assert 'src="/static/agenda/board.js"' in page and "<script>" not in page


def test_a_reader_gets_no_draggable_card(world: World, reader_client: Client) -> None:
    fm.scene(world)
    page = reader_client.get(BOARD).content.decode()
    assert "karte-" in page and "data-kk-card" not in page
