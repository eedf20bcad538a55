"""The Papierkorb page (docs/security.md R6): who sees it, restore and delete for good through the
page, another Kommune's item is 404, and the list costs the same queries for one item or many."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.conftest import World
from kompass.factories import person
from kompass.org import services as org_services
from kompass.org.models import Person
from kompass.trash.models import TrashItem

pytestmark = pytest.mark.django_db


def trashed(world: World, kommune: Any = None, n: int = 1) -> list[TrashItem]:
    kommune = kommune or world.kommune
    unit = world.hauptamt if kommune == world.kommune else world.other_unit
    items = []
    for i in range(n):
        gone = person(kommune, "Paula", f"Papierkorb{i}", unit)
        org_services.person_delete(kommune=kommune, actor=world.admin, person=gone, expected_version=gone.version)
        items.append(TrashItem.objects.for_kommune(kommune).get(object_id=str(gone.pk)))
    return items


def index_url(world: World) -> str:
    return reverse("trash:index", args=[world.kommune.slug])


def test_the_administration_sees_the_deleted_person_with_who_and_days_left(world: World, admin_client: Any) -> None:
    [item] = trashed(world)
    response = admin_client.get(index_url(world))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Paula Papierkorb0" in text
    assert "Admin Test" in text
    assert "30 Tage" in text, "right after the deletion every one of the 30 days is left"
    assert reverse("trash:restore", args=[world.kommune.slug, item.pk]) in text


def test_a_reader_and_a_limited_editor_get_403(world: World, reader_client: Any, editor_client: Any) -> None:
    [item] = trashed(world)
    assert reader_client.get(index_url(world)).status_code == 403
    assert editor_client.get(index_url(world)).status_code == 403
    url = reverse("trash:restore", args=[world.kommune.slug, item.pk])
    assert reader_client.post(url, {"version": item.version}).status_code == 403
    assert TrashItem.objects.for_kommune(world.kommune).filter(pk=item.pk).exists()


def test_another_kommunes_item_is_404_under_the_own_slug(world: World, admin_client: Any) -> None:
    [foreign] = trashed(world, world.other)
    for name in ("trash:restore", "trash:purge"):
        url = reverse(name, args=[world.kommune.slug, foreign.pk])
        assert admin_client.post(url, {"version": foreign.version}).status_code == 404
    assert TrashItem.objects.for_kommune(world.other).filter(pk=foreign.pk).exists()


def test_restore_through_the_page_brings_the_person_back(world: World, admin_client: Any) -> None:
    [item] = trashed(world)
    url = reverse("trash:restore", args=[world.kommune.slug, item.pk])
    response = admin_client.post(url, {"version": item.version}, follow=True)
    assert "wurde wiederhergestellt" in response.content.decode()
    assert Person.objects.for_kommune(world.kommune).filter(pk=int(item.object_id)).exists()


def test_a_refused_restore_says_why_and_keeps_the_item(world: World, admin_client: Any) -> None:
    [item] = trashed(world)
    person(world.kommune, "Paula", "Neu", world.hauptamt, email="paula.papierkorb0@teststadt.example")
    url = reverse("trash:restore", args=[world.kommune.slug, item.pk])
    response = admin_client.post(url, {"version": item.version}, follow=True)
    assert "gibt es inzwischen" in response.content.decode()
    assert TrashItem.objects.for_kommune(world.kommune).filter(pk=item.pk).exists()


def test_a_restore_without_version_is_refused(world: World, admin_client: Any) -> None:
    [item] = trashed(world)
    admin_client.post(reverse("trash:restore", args=[world.kommune.slug, item.pk]), {})
    assert TrashItem.objects.for_kommune(world.kommune).filter(pk=item.pk).exists()


def test_purge_asks_first_then_deletes_for_good(world: World, admin_client: Any) -> None:
    [item] = trashed(world)
    url = reverse("trash:purge", args=[world.kommune.slug, item.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "endgültig löschen" in page.content.decode()
    assert TrashItem.objects.for_kommune(world.kommune).filter(pk=item.pk).exists()
    response = admin_client.post(url, {"version": item.version})
    assert response.status_code == 302
    assert not TrashItem.objects.for_kommune(world.kommune).filter(pk=item.pk).exists()


def test_the_list_costs_the_same_queries_for_one_item_and_for_ten(world: World, admin_client: Any) -> None:
    trashed(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(index_url(world)).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    trashed(world, n=9)
    assert count() == one


def test_the_navigation_offers_the_papierkorb_to_the_administration_only(
    world: World, admin_client: Any, reader_client: Any
) -> None:
    home = reverse("ui:dashboard", args=[world.kommune.slug])
    assert index_url(world) in admin_client.get(home).content.decode()
    assert index_url(world) not in reader_client.get(home).content.decode()


def test_a_deleted_person_is_gone_from_her_pages_and_lists_until_restored(world: World, admin_client: Any) -> None:
    """R6: the rows leave their tables, so every page, list, export and count is without them."""
    [item] = trashed(world)
    detail = reverse("org:person_detail", args=[world.kommune.slug, int(item.object_id)])
    people = reverse("org:person_list", args=[world.kommune.slug])
    assert admin_client.get(detail).status_code == 404
    assert "Papierkorb0" not in admin_client.get(people).content.decode()
    admin_client.post(reverse("trash:restore", args=[world.kommune.slug, item.pk]), {"version": item.version})
    assert admin_client.get(detail).status_code == 200
    assert "Papierkorb0" in admin_client.get(people).content.decode()


def test_days_left_count_a_begun_day_whole() -> None:
    from kompass.trash.models import TrashItem
    from kompass.trash.selectors import days_left

    now = datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC)
    item = TrashItem(expires_at=now + datetime.timedelta(days=30))
    assert days_left(item, now) == 30
    assert days_left(item, now + datetime.timedelta(seconds=1)) == 30
    assert days_left(item, now + datetime.timedelta(days=29, hours=23)) == 1
    assert days_left(item, now + datetime.timedelta(days=30)) == 0
