"""The Datenschutz pages: only the Administration, German messages, audited downloads, typed erasure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.org.models import Person
from kompass.privacy.models import ErasureJournal
from kompass.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def url(name: str, world: World, pk: int | None = None) -> str:
    args: list[Any] = [world.kommune.slug] + ([pk] if pk is not None else [])
    return reverse(f"privacy:{name}", args=args)


def test_the_search_finds_people_and_members(world: World, admin_client: Client) -> None:
    response = admin_client.post(url("index", world), {"q": "Alice"})
    assert response.status_code == 200
    assert url("person_detail", world, world.alice.pk) in response.content.decode()
    response = admin_client.post(url("index", world), {"q": "reader"})
    reader = Membership.objects.for_kommune(world.kommune).get(user=world.reader)
    assert url("member_detail", world, reader.pk) in response.content.decode()
    assert "GEHEIM" not in admin_client.post(url("index", world), {"q": "Gudrun"}).content.decode()


def test_the_search_is_sent_by_post_so_no_name_stands_in_an_address(world: World, admin_client: Client) -> None:
    page = admin_client.get(url("index", world)).content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    response = admin_client.get(url("index", world), {"q": "Alice"})
    assert url("person_detail", world, world.alice.pk) not in response.content.decode()  # GET only shows the form


def test_a_too_short_search_says_so(world: World, admin_client: Client) -> None:
    response = admin_client.post(url("index", world), {"q": "A"})
    assert response.status_code == 200
    assert "mindestens zwei Zeichen" in response.content.decode()


def test_only_the_administration_may_and_other_kommunen_see_nothing(
    world: World, reader_client: Client, editor_client: Client, outsider_client: Client, admin_client: Client
) -> None:
    for client in (reader_client, editor_client):
        assert client.get(url("index", world)).status_code == 403
        assert client.get(url("person_json", world, world.alice.pk)).status_code == 403
    assert outsider_client.get(url("person_detail", world, world.alice.pk)).status_code == 404
    assert admin_client.get(url("person_detail", world, world.other_person.pk)).status_code == 404
    assert admin_client.get(url("person_json", world, world.other_person.pk)).status_code == 404
    assert Client().get(url("index", world)).status_code == 302


def test_the_json_and_pdf_downloads_are_audited_by_pseudonym(world: World, admin_client: Client) -> None:
    response = admin_client.get(url("person_json", world, world.alice.pk))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["person_id"] == world.alice.pk
    response = admin_client.get(url("person_pdf", world, world.alice.pk))
    assert response.content.startswith(b"%PDF")
    exports = AuditEntry.objects.for_kommune(world.kommune).filter(action="access", object_id=str(world.alice.pk))
    labels = list(exports.values_list("object_label", flat=True))
    assert len(labels) == 2
    assert not any("Alice" in label or "Amtsleiterin" in label for label in labels)


def test_downloads_are_rate_limited(world: World, admin_client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export.user": (1, 60)}
    assert admin_client.get(url("person_json", world, world.alice.pk)).status_code == 200
    response = admin_client.get(url("person_json", world, world.alice.pk))
    assert response.status_code == 429 and response["Retry-After"]


def test_the_erasure_needs_the_typed_word_and_changes_nothing_without_it(world: World, admin_client: Client) -> None:
    target = url("person_erase", world, world.bruno.pk)
    assert admin_client.get(target).status_code == 200
    response = admin_client.post(target, {"bestaetigung": "ja"})
    assert response.status_code == 400
    assert "genau „LÖSCHEN“" in response.content.decode()
    assert Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).exists()
    assert not ErasureJournal.objects.for_kommune(world.kommune).exists()


def test_the_erasure_deletes_the_person_and_names_only_a_pseudonym(world: World, admin_client: Client) -> None:
    response = admin_client.post(url("person_erase", world, world.bruno.pk), {"bestaetigung": "löschen"}, follow=True)
    assert response.status_code == 200
    assert "Die Daten wurden gelöscht" in response.content.decode()
    assert not Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).exists()
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="erasurejournal").get()
    assert "Bruno" not in entry.object_label and "P-" in entry.object_label


def test_a_member_is_erased_with_her_account(world: World, admin_client: Client) -> None:
    reader = Membership.objects.for_kommune(world.kommune).get(user=world.reader)
    admin_client.post(url("member_erase", world, reader.pk), {"bestaetigung": "LÖSCHEN"})
    assert not Membership.objects.for_kommune(world.kommune).filter(pk=reader.pk).exists()
    assert not type(world.reader).objects.filter(pk=world.reader.pk).exists()


def test_the_erasure_is_post_only_beside_its_page(world: World, admin_client: Client) -> None:
    assert admin_client.put(url("person_erase", world, world.bruno.pk)).status_code == 405
    assert admin_client.post(url("person_json", world, world.bruno.pk)).status_code == 405
