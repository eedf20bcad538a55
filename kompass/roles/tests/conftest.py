"""Fixtures for the role-model tests: small fixture catalogues and an adopted role model.

The catalogues here are deliberately tiny and stable (the shipped files in `catalogue/` are
long and still growing); they have the same shape, keys and markers the role checks rely on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kompass.conftest import World
from kompass.roles import services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment, Catalogue, Role, RoleModel

KGST_ROLES = [
    ("rat", "Rat", "Rat", "gremium", ["rat"]),
    ("hvb", "Verwaltungsvorstand", "HVB/VV", "intern", ["hvb"]),
    ("cdo", "Chief Digital Officer", "CDO", "intern", ["cdo", "core"]),
    ("cio", "Chief Information Officer", "CIO", "intern", ["cio", "core"]),
    ("lotse", "Digitale Lotsinnen und Lotsen", "Lotse", "intern", ["lotse"]),
    ("personal", "Personalmanagement", "Personal", "intern", ["personal"]),
    ("isb", "Informationssicherheitsbeauftragte(r)", "ISB", "intern", ["isb", "core"]),
    ("dsb", "Datenschutzbeauftragte(r)", "DSB", "intern", ["dsb", "core"]),
    ("partner", "Externe Partner", "Partner", "extern", ["extern"]),
]

ITPLR_ROLES = [
    ("cio", "CIO (E-Kompetenz)", "CIO", "intern", ["cio", "core"]),
    ("prozessmanager", "Prozessmanager(in)", "Prozess", "intern", ["organisation"]),
    ("it_architekt", "IT-Architekt(in)", "IT-Arch", "intern", []),
]


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def role_toml(key: str, name: str, short: str, kind: str, markers: list[str], **overrides: Any) -> str:
    values = {
        "purpose": f"Zweck der Rolle {name}.",
        "tasks": [f"Aufgabe eins von {short}", f"Aufgabe zwei von {short}"],
        "responsibilities": [f"Verantwortung von {short}"],
        "placement": "Nah an der Verwaltungsspitze.",
        "competences": ["Strategische Steuerung", "Kommunikation"],
        "source": "Testquelle",
        "confidence": "belegt",
        **overrides,
    }
    lines = ["[[roles]]", f'key = "{key}"', f'name = "{name}"', f'short_name = "{short}"', f'kind = "{kind}"']
    for field, value in values.items():
        lines.append(f"{field} = {_toml_list(value) if isinstance(value, list) else repr_toml(value)}")
    lines.append(f"markers = {_toml_list(markers)}")
    return "\n".join(lines) + "\n"


def repr_toml(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '\\"') + '"'


def catalogue_toml(key: str, name: str, version: str, roles: list[str], relations: str = "") -> str:
    head = f'[catalogue]\nkey = "{key}"\nname = "{name}"\nversion = "{version}"\ndescription = "Testkatalog."\nsource = "Test"\n\n'
    return head + "\n".join(roles) + "\n" + relations


KGST_RELATIONS = """
[[relations]]
from = "cdo"
to = "hvb"
type = "berichtet_an"
note = "Berichtet regelmäßig."
confidence = "belegt"

[[relations]]
from = "lotse"
to = "cdo"
type = "arbeitet_zu"
confidence = "abgeleitet"
"""

ACTIVITIES = """
[catalogue]
key = "aktivitaeten"
name = "Aktivitäten"
version = "2026.1"

[[activities]]
key = "strategie"
name = "Digitalstrategie beschließen"
confidence = "abgeleitet"
[activities.raci]
rat = "A"
cdo = "R"
hvb = "R"

[[activities]]
key = "sicherheit"
name = "Informationssicherheit freigeben"
confidence = "abgeleitet"
[activities.raci]
hvb = "A"
isb = "R"
"""


def write_catalogues(directory: Path, *, kgst_version: str = "2026.1", kgst_roles: list[str] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    roles = kgst_roles if kgst_roles is not None else [role_toml(*r) for r in KGST_ROLES]
    (directory / "kgst.toml").write_text(
        catalogue_toml("kgst", "KGSt-orientiertes Rollenmodell (Test)", kgst_version, roles, KGST_RELATIONS),
        encoding="utf-8",
    )
    (directory / "itplr-ekompetenz.toml").write_text(
        catalogue_toml("itplr-ekompetenz", "E-Kompetenz (Test)", "2026.1", [role_toml(*r) for r in ITPLR_ROLES]),
        encoding="utf-8",
    )
    (directory / "activities.toml").write_text(ACTIVITIES, encoding="utf-8")
    return directory


@pytest.fixture
def catalogues(db: Any, tmp_path: Path) -> dict[str, Catalogue]:
    """The two fixture catalogues and the activities, loaded as `load_catalogues` would."""
    load_catalogues(write_catalogues(tmp_path / "v1"))
    return {c.key: c for c in Catalogue.objects.all()}


@dataclass
class Model:
    world: World
    model: RoleModel
    roles: dict[str, Role]

    def assign(self, person: Any, key: str, share: int | str = 10, **extra: Any) -> Assignment:
        data = {
            "person": person,
            "role": self.roles[key],
            "time_share": Decimal(str(share)),
            "valid_from": extra.pop("valid_from", datetime.date(2025, 1, 1)),
            **extra,
        }
        return services.assignment_create(kommune=self.world.kommune, actor=None, data=data)


@pytest.fixture
def adopted(world: World, catalogues: dict[str, Catalogue]) -> Model:
    """Teststadt has adopted the fixture KGSt catalogue."""
    model = services.catalogue_adopt(kommune=world.kommune, actor=world.admin, catalogue=catalogues["kgst"])
    roles = {r.key: r for r in Role.objects.for_kommune(world.kommune)}
    return Model(world, model, roles)
