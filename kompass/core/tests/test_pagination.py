"""Paging lists: out-of-range pages fall back; paging by ids keeps the sort and loads only the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kompass.conftest import World
from kompass.core.pagination import paginate, paginate_by_ids
from kompass.factories import person
from kompass.org.models import Person

pytestmark = pytest.mark.django_db


def _people(world: World, n: int) -> Any:
    for i in range(n):
        person(world.kommune, "Paula", f"Seite{i:02d}")
    return Person.objects.for_kommune(world.kommune).filter(last_name__startswith="Seite").order_by("-last_name")


def test_paging_by_ids_keeps_the_order_and_the_page_figures_of_plain_paging(world: World) -> None:
    qs = _people(world, 7)
    request = RequestFactory().get("/", {"page": "2"})
    plain = paginate(request, qs, per_page=3)
    by_ids = paginate_by_ids(request, qs, lambda ids: Person.objects.for_kommune(world.kommune).filter(pk__in=ids), 3)
    assert [p.last_name for p in by_ids] == [p.last_name for p in plain] == ["Seite03", "Seite02", "Seite01"]
    assert (by_ids.number, by_ids.paginator.count, by_ids.paginator.num_pages) == (2, 7, 3)


def test_paging_by_ids_loads_only_the_rows_of_the_page(world: World) -> None:
    qs = _people(world, 7)
    loaded: list[list[int]] = []

    def load(ids: list[int]) -> Any:
        loaded.append(ids)
        return Person.objects.for_kommune(world.kommune).filter(pk__in=ids)

    request = RequestFactory().get("/", {"page": "99"})  # out of range: the last page
    with CaptureQueriesContext(connection) as queries:
        page = paginate_by_ids(request, qs, load, 3)
    assert [p.last_name for p in page] == ["Seite00"] and len(loaded) == 1 and len(loaded[0]) == 1
    assert len(queries.captured_queries) == 3  # count, the page's ids, the page's rows
