"""Fixtures of the role-model API tests: both Kommunen with an adopted catalogue and a few assignments."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kompass.api.tests.helpers import ApiClient
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.roles import services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment, Catalogue, RaciCell, Role, RoleModel
from kompass.roles.tests.conftest import write_catalogues
from kompass.tenancy.capabilities import ROLE_CAPABILITIES, Capability
from kompass.tenancy.models import Role as MemberRole

SENTINEL = b"GEHEIM"
START = datetime.date(2025, 3, 1)


@dataclass
class Scene:
    world: World
    roles: dict[str, Role]
    other_roles: dict[str, Role]
    lotse: Assignment  # Bruno (32.1, inside the editor's subtree) as Lotse for 32
    cdo: Assignment  # Alice (10 Hauptamt, outside the editor's subtree) as CDO
    foreign: Assignment  # Nachbarort's person as Nachbarort's Lotse

    def state(self) -> tuple[Any, ...]:
        """Everything a role-model write could change, in both Kommunen."""
        return (
            list(Role.objects.unscoped().order_by("pk").values()),
            list(Assignment.objects.unscoped().order_by("pk").values()),
            list(RaciCell.objects.unscoped().order_by("pk").values()),
            RoleModel.objects.unscoped().count(),
            AuditEntry.objects.unscoped().count(),
        )


def assign(kommune: Any, holder: Any, role: Role, **extra: Any) -> Assignment:
    data = {"person": holder, "role": role, "time_share": Decimal(10), "valid_from": START, **extra}
    return services.assignment_create(kommune=kommune, actor=None, data=data)


@pytest.fixture
def catalogues(db: Any, tmp_path: Path) -> dict[str, Catalogue]:
    load_catalogues(write_catalogues(tmp_path / "v1"))
    return {c.key: c for c in Catalogue.objects.all()}


@pytest.fixture
def scene(world: World, catalogues: dict[str, Catalogue]) -> Scene:
    """Both Kommunen adopted the (test) KGSt catalogue; Nachbarort's role names carry the sentinel."""
    models = {}
    for kommune, actor in ((world.kommune, world.admin), (world.other, world.outsider)):
        services.catalogue_adopt(kommune=kommune, actor=actor, catalogue=catalogues["kgst"])
        models[kommune.pk] = {r.key: r for r in Role.objects.for_kommune(kommune)}
    other_roles = models[world.other.pk]
    for role in other_roles.values():
        services.role_update(kommune=world.other, actor=None, role=role, data={"name": f"GEHEIM {role.name}"})
    other_roles = {r.key: r for r in Role.objects.for_kommune(world.other)}
    roles = models[world.kommune.pk]
    return Scene(
        world=world,
        roles=roles,
        other_roles=other_roles,
        lotse=assign(world.kommune, world.bruno, roles["lotse"], org_unit=world.ordnungsamt),
        cdo=assign(world.kommune, world.alice, roles["cdo"], deputy=world.bruno, time_share=Decimal(50)),
        foreign=assign(world.other, world.other_person, other_roles["lotse"]),
    )


def put(client: ApiClient, url: str, body: Any) -> Any:
    return client.raw("PUT", url, json.dumps(body))


def assert_no_sentinel(response: Any) -> None:
    assert SENTINEL not in response.content


def editor_without(monkeypatch: pytest.MonkeyPatch, capability: Capability) -> None:
    """The capability map with the Redaktion lacking `capability` (it keeps EDIT_ORG and EDIT_PEOPLE)."""
    editor = ROLE_CAPABILITIES[MemberRole.EDITOR]
    monkeypatch.setitem(ROLE_CAPABILITIES, MemberRole.EDITOR, editor - {capability})
