"""The measure pages: every member reads them; changes need EDIT_MEASURES at the measure's unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kompass.agenda.tests import factories_measures as fm
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: object) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


@pytest.mark.parametrize("name", ["portfolio", "bubble", "roadmap", "board"])
def test_the_overview_pages_render_for_a_reader(world: World, name: str) -> None:
    s = fm.scene(world)
    response = world.client_for(world.reader).get(url(name))
    assert response.status_code == 200
    assert s.inside.title in response.content.decode()


def test_the_measure_page_renders_for_a_reader(world: World) -> None:
    s = fm.scene(world)
    response = world.client_for(world.reader).get(url("measure_detail", s.inside.pk))
    assert response.status_code == 200
