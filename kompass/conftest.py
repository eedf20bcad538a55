"""Shared test fixtures: two Kommunen and the personas of every access tier.

`world` builds Teststadt (the acting Kommune) and Nachbarort (another Kommune on the same
instance). Personas: `admin`, `editor` (Redaktion limited to 32 Ordnungsamt), `reader`,
`outsider` (administrator of Nachbarort) and anonymous (a plain client).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client

from kompass.accounts.models import User
from kompass.factories import KommuneFactory, UserFactory, orgunit, person
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune, Membership, Role


@dataclass
class World:
    kommune: Kommune
    other: Kommune
    root: OrgUnit
    dezernat: OrgUnit
    hauptamt: OrgUnit
    ordnungsamt: OrgUnit
    sachgebiet: OrgUnit
    alice: Person
    bruno: Person
    other_unit: OrgUnit
    other_person: Person
    admin: User
    editor: User
    reader: User
    outsider: User

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def build_world() -> World:
    """Teststadt and Nachbarort with their units, people and personas (the `world` fixture)."""
    kommune = KommuneFactory(name="Teststadt", slug="teststadt", kommune_type="stadt", ags="05111000", population=45000)
    other = KommuneFactory(name="Nachbarort", slug="nachbarort", ags="05222000")
    root = orgunit(kommune, "VV", "Verwaltungsvorstand", OrgUnitType.VERWALTUNGSVORSTAND)
    dezernat = orgunit(kommune, "D1", "Dezernat I", OrgUnitType.DEZERNAT, root)
    hauptamt = orgunit(kommune, "10", "Hauptamt", OrgUnitType.AMT, dezernat)
    ordnungsamt = orgunit(kommune, "32", "Ordnungsamt", OrgUnitType.AMT, dezernat)
    sachgebiet = orgunit(kommune, "32.1", "Gewerbe", OrgUnitType.SACHGEBIET, ordnungsamt)
    alice = person(kommune, "Alice", "Amtsleiterin", hauptamt, function_title="Amtsleitung")
    bruno = person(kommune, "Bruno", "Ordner", sachgebiet)
    other_unit = orgunit(other, "10", "GEHEIM-Hauptamt-Nachbarort", OrgUnitType.AMT)
    other_person = person(other, "Gudrun", "GEHEIM-Nachbar", other_unit)

    def member(username: str, k: Kommune, role: str, scope: OrgUnit | None = None) -> User:
        user = UserFactory(username=username, first_name=username.capitalize(), last_name="Test")
        Membership.objects.create(kommune=k, user=user, role=role, scope_unit=scope)
        return user

    return World(
        kommune=kommune,
        other=other,
        root=root,
        dezernat=dezernat,
        hauptamt=hauptamt,
        ordnungsamt=ordnungsamt,
        sachgebiet=sachgebiet,
        alice=alice,
        bruno=bruno,
        other_unit=other_unit,
        other_person=other_person,
        admin=member("admin", kommune, Role.ADMIN),
        editor=member("editor", kommune, Role.EDITOR, ordnungsamt),
        reader=member("reader", kommune, Role.READER),
        outsider=member("outsider", other, Role.ADMIN),
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One world for a whole module of tests, for the generated route tests that would otherwise build it (and
    their scenes) again for each of their thousand cases.

    It lives in an outer transaction that is rolled back after the module's last test; each test's own
    `django_db` transaction is a savepoint inside it, so a test still sees exactly what the module built and
    nothing of another test. Use it through a function-scoped fixture that calls `refreshed` (a test may have
    changed the objects in memory). Callbacks of `transaction.on_commit` never run inside it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield refreshed(build_world())
        transaction.set_rollback(True)


def refreshed(world: World) -> World:
    """The world's objects as stored now: a request or a test may have left an older copy in memory."""
    for item in fields(world):
        value = getattr(world, item.name)
        if isinstance(value, models.Model):
            value.refresh_from_db()
    return world


@pytest.fixture
def admin_client(world: World) -> Client:
    return world.client_for(world.admin)


@pytest.fixture
def editor_client(world: World) -> Client:
    return world.client_for(world.editor)


@pytest.fixture
def reader_client(world: World) -> Client:
    return world.client_for(world.reader)


@pytest.fixture
def outsider_client(world: World) -> Client:
    return world.client_for(world.outsider)
