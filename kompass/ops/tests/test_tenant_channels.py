"""Channels beside the database are scoped by Kommune: cache keys, stored files, export names (docs/security.md T5).

Two Kommunen with the same object names: what is kept or written for one never reaches the other.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client
from django.urls import reverse

from kompass.conftest import World
from kompass.ops import services, tenant_data
from kompass.tenancy.scoping import TenantModel


def test_every_stored_file_field_lives_on_a_tenant_model_under_the_kommunes_prefix() -> None:
    """A file field added later must store below `kommunen/<id>/` (an `upload_to` callable)."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            assert issubclass(model, TenantModel), f"{model._meta.label}.{field.name}: file without Kommune"
            assert callable(field.upload_to), f"{model._meta.label}.{field.name}: upload_to must name the Kommune"
            sample = model(kommune_id=7)
            assert field.upload_to(sample, "bericht.pdf").startswith(tenant_data.kommune_storage_prefix(7))


def test_a_kommunes_files_are_listed_and_deleted_only_below_its_own_prefix() -> None:
    default_storage.save("kommunen/1/a.pdf", ContentFile(b"EINS"))
    default_storage.save("kommunen/10/b.pdf", ContentFile(b"ZEHN"))  # same start of the id
    default_storage.save("kommunen/1/unter/c.pdf", ContentFile(b"EINS-UNTER"))
    try:
        assert sorted(tenant_data.storage_files(tenant_data.kommune_storage_prefix(1))) == [
            "kommunen/1/a.pdf",
            "kommunen/1/unter/c.pdf",
        ]
    finally:
        for name in ("kommunen/1/a.pdf", "kommunen/10/b.pdf", "kommunen/1/unter/c.pdf"):
            default_storage.delete(name)


@pytest.mark.django_db
def test_cache_deletion_of_a_kommune_spares_ids_that_only_look_alike() -> None:
    for kommune_id in (1, 10, 21):
        cache.set(f"{tenant_data.kommune_cache_prefix('agenda-public', kommune_id)}overview:de", kommune_id)
    cache.set("ratelimit:login:60:1:", "fremd")  # not a Kommune's key
    assert tenant_data.delete_cache_entries(1) == 1
    assert cache.get("agenda-public:1:overview:de") is None
    assert cache.get("agenda-public:10:overview:de") == 10 and cache.get("agenda-public:21:overview:de") == 21
    assert cache.get("ratelimit:login:60:1:") == "fremd"


@pytest.fixture
def two_published(world: World) -> World:
    """Teststadt and Nachbarort with the same agenda (the same names), both public."""
    from kompass.agenda import public_page
    from kompass.agenda.tests.factories_council import council_scene

    neighbour = dataclasses.replace(
        world, kommune=world.other, admin=world.outsider, alice=world.other_person, hauptamt=world.other_unit
    )
    for scene_world in (world, neighbour):
        council_scene(scene_world)
        public_page.public_settings_update(
            kommune=scene_world.kommune, actor=scene_world.admin, data={"public_page_enabled": True}
        )
    return world


def test_the_cached_public_page_of_one_kommune_is_never_served_for_another(two_published: World) -> None:
    """Both change stamps are made equal, so only the cache key keeps the two pages apart."""
    world = two_published
    cache.clear()
    with mock.patch("kompass.agenda.public_page.change_stamp", return_value="gleich"):
        first = Client().get(reverse("public:agenda", args=[world.kommune.slug])).content.decode()
        second = Client().get(reverse("public:agenda", args=[world.other.slug])).content.decode()
    assert "Teststadt" in first and "Nachbarort" not in first
    assert "Nachbarort" in second and "Teststadt" not in second


def test_an_export_names_its_kommune_and_holds_none_of_the_other(world: World, tmp_path: Path) -> None:
    archive = services.kommune_export(world.other, tmp_path)
    assert archive.name.startswith(f"kommune-{world.other.slug}-")
    raw = archive.read_bytes()
    assert b"GEHEIM-Nachbar" in raw
    for sentinel in (b"Teststadt", b"Alice", b"Amtsleiterin", b"Ordnungsamt"):
        assert sentinel not in raw


@pytest.mark.django_db
def test_reminder_mails_of_one_kommune_name_nothing_of_the_other(world: World) -> None:
    """The same agenda in both Kommunen, each with a due report: every mail names one Kommune only."""
    import datetime

    import time_machine
    from django.core import mail

    from kompass.agenda import reminders
    from kompass.agenda.tests import factories_kpis
    from kompass.factories import KommuneFactory, UserFactory, orgunit, person
    from kompass.org.models import Person
    from kompass.tenancy.models import Membership, Role

    # A second Kommune with the same names (the scene also writes into `other`, so both get fresh ones).
    drittstadt = KommuneFactory(name="Drittstadt", slug="drittstadt")
    hauptamt = orgunit(drittstadt, "10", "Hauptamt")
    admin = UserFactory(username="admin-drittstadt")
    Membership.objects.create(kommune=drittstadt, user=admin, role=Role.ADMIN)
    neighbour = dataclasses.replace(
        world,
        kommune=drittstadt,
        other=KommuneFactory(slug="viertstadt"),
        admin=admin,
        alice=person(drittstadt, "Alice", "Amtsleiterin", hauptamt, function_title="Amtsleitung"),
        hauptamt=hauptamt,
        ordnungsamt=orgunit(drittstadt, "32", "Ordnungsamt"),
    )
    for scene_world, address in ((world, "alice@teststadt.example"), (neighbour, "alice@drittstadt.example")):
        factories_kpis.scene(scene_world)
        Person.objects.for_kommune(scene_world.kommune).filter(pk=scene_world.alice.pk).update(email=address)
    with time_machine.travel(datetime.date(2025, 4, 1), tick=False):
        reminders.send_report_reminders.call(None, "t5-sentinel")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"alice@teststadt.example", "alice@drittstadt.example"}
    ours, theirs = by_address["alice@teststadt.example"], by_address["alice@drittstadt.example"]
    assert "Teststadt" in ours.subject and "/k/teststadt/" in ours.body
    assert "Drittstadt" not in ours.subject + ours.body and "/k/drittstadt/" not in ours.body
    assert "Drittstadt" in theirs.subject and "/k/drittstadt/" in theirs.body
    assert "Teststadt" not in theirs.subject + theirs.body and "/k/teststadt/" not in theirs.body
