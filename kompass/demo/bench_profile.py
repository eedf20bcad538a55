"""The Großstadt scale profile for `manage.py bench`: 1,500 org units in 5 levels, 20,000 people.

Generated deterministically (seeded names, fixed tree shape) with bulk inserts: the benchmark
measures reading pages at scale, not the speed of creating data one object at a time. Tree
paths and depths are set exactly as `org.services` would set them, and every object gets the
"created" audit entry it would have, so the audit log has a realistic size too.

Later issues extend the profile (role assignments, measures, KPIs …) with their own
generator functions called from `generate_profile`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction

from kompass.accounts.models import User
from kompass.audit.models import AuditAction, AuditEntry, AuditSource
from kompass.demo.kommunen import FEMALE_NAMES, LAST_NAMES, MALE_NAMES, transliterate
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune, Membership, Role

PROFILE_SLUG = "grossstadt"
IMPORT_SLUG = "importstadt"
ADMIN_USERNAME = "bench-admin"
LEVEL_SIZES = (1, 9, 60, 330, 1100)  # Verwaltungsvorstand, Dezernate, Ämter, Abteilungen, Sachgebiete
LEVEL_TYPES = (
    OrgUnitType.VERWALTUNGSVORSTAND,
    OrgUnitType.DEZERNAT,
    OrgUnitType.AMT,
    OrgUnitType.ABTEILUNG,
    OrgUnitType.SACHGEBIET,
)
LEVEL_WEIGHTS = (1, 2, 3, 6, 15)  # people per unit grow towards the leaves
PEOPLE = 20_000
VACANT_EVERY = 25  # every 25th unit has no head
BATCH = 2_000
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
AMT_NAMES = {
    "10": "Hauptamt", "11": "Personalamt", "12": "Amt für Statistik und Wahlen", "14": "Rechnungsprüfungsamt",
    "20": "Kämmerei", "21": "Stadtkasse", "22": "Steueramt", "23": "Liegenschaftsamt", "30": "Rechtsamt",
    "32": "Ordnungsamt", "33": "Bürgeramt", "34": "Standesamt", "37": "Feuerwehr", "40": "Schulverwaltungsamt",
    "41": "Kulturamt", "42": "Stadtbibliothek", "43": "Volkshochschule", "50": "Sozialamt", "51": "Jugendamt",
    "52": "Sportamt", "53": "Gesundheitsamt", "61": "Stadtplanungsamt", "62": "Vermessungs- und Katasteramt",
    "63": "Bauordnungsamt", "65": "Hochbauamt", "66": "Tiefbauamt", "67": "Grünflächenamt",
}  # fmt: skip


@dataclass(frozen=True)
class PersonRow:
    """One generated person: the same rows feed the bulk insert and the import CSV."""

    email: str
    first_name: str
    last_name: str
    function_title: str
    unit_code: str


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    unit_type: str
    parent_code: str | None
    level: int


def unit_rows(level_sizes: Sequence[int] = LEVEL_SIZES) -> list[UnitRow]:
    """The fixed tree shape: codes VV, D1–D9, 10–69, then `<Amt>.<n>` and `<Abteilung>.<n>`; a
    smaller administration (the Rechenzentrum profile) passes fewer or smaller levels."""
    rows = [UnitRow("VV", "Verwaltungsvorstand", LEVEL_TYPES[0], None, 0)]
    parents = rows[:]
    for level in range(1, len(level_sizes)):
        level_rows: list[UnitRow] = []
        sibling_count: dict[str, int] = {}
        for i in range(level_sizes[level]):
            parent = parents[i % len(parents)]
            sibling_count[parent.code] = sibling_count.get(parent.code, 0) + 1
            code, name = _code_and_name(level, i, parent.code, sibling_count[parent.code])
            level_rows.append(UnitRow(code, name, LEVEL_TYPES[level], parent.code, level))
        rows += level_rows
        parents = level_rows
    return rows


def _code_and_name(level: int, index: int, parent_code: str, nth: int) -> tuple[str, str]:
    if level == 1:
        return f"D{index + 1}", f"Dezernat {ROMAN[index]}"
    if level == 2:
        code = str(10 + index)
        return code, AMT_NAMES.get(code, f"Amt {code}")
    kind = "Abteilung" if level == 3 else "Sachgebiet"
    code = f"{parent_code}.{nth}"
    return code, f"{kind} {code}"


def person_rows(units: list[UnitRow], domain: str, seed: str = "grossstadt", count: int = PEOPLE) -> list[PersonRow]:
    """`count` people (20,000) over the units, weighted towards the leaves; e-mails unique."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not security
    weights = [LEVEL_WEIGHTS[u.level] for u in units]
    chosen = rng.choices(units, weights=weights, k=count)
    seen: dict[str, int] = {}
    rows = []
    for unit in chosen:
        female = rng.random() < 0.55
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(LAST_NAMES)
        local = f"{transliterate(first)}.{transliterate(last)}"
        seen[local] = seen.get(local, 0) + 1
        suffix = str(seen[local]) if seen[local] > 1 else ""
        rows.append(PersonRow(f"{local}{suffix}@{domain}", first, last, f"Sachbearbeitung {unit.name}", unit.code))
    return rows


def csv_for_import(rows: list[PersonRow]) -> bytes:
    """The people as the documented import format `email;vorname;nachname;funktion;organisationseinheit`."""
    lines = ["email;vorname;nachname;funktion;organisationseinheit"]
    lines += [f"{r.email};{r.first_name};{r.last_name};{r.function_title};{r.unit_code}" for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# --- writing ----------------------------------------------------------------------------------


def create_kommune(
    slug: str, name: str, ags: str, *, kommune_type: str = "kreisfreie_stadt", population: int = 600_000
) -> Kommune:
    return Kommune.objects.create(
        name=name, slug=slug, kommune_type=kommune_type, bundesland="NW", population=population, ags=ags
    )


def create_units(kommune: Kommune, rows: list[UnitRow]) -> dict[str, OrgUnit]:
    """Bulk-insert the tree level by level; paths are built from primary keys like the services do."""
    by_code: dict[str, OrgUnit] = {}
    for level in range(max(r.level for r in rows) + 1):
        level_units = [
            OrgUnit(kommune=kommune, code=r.code, name=r.name, unit_type=r.unit_type,
                    parent=by_code[r.parent_code] if r.parent_code else None, depth=level)
            for r in rows if r.level == level
        ]  # fmt: skip
        OrgUnit.objects.bulk_create(level_units, batch_size=BATCH)
        for unit in level_units:
            unit.path = f"{unit.parent.path if unit.parent else ''}{unit.pk}/"
            by_code[unit.code] = unit
        OrgUnit.objects.for_kommune(kommune).bulk_update(level_units, ["path"], batch_size=BATCH)
    return by_code


def create_people(kommune: Kommune, rows: list[PersonRow], units: dict[str, OrgUnit]) -> list[Person]:
    people = [
        Person(kommune=kommune, first_name=r.first_name, last_name=r.last_name, email=r.email,
               function_title=r.function_title, org_unit=units[r.unit_code])
        for r in rows
    ]  # fmt: skip
    Person.objects.bulk_create(people, batch_size=BATCH)
    return people


def assign_heads(kommune: Kommune, units: dict[str, OrgUnit], people: list[Person]) -> None:
    """The first person of each unit leads it, except every VACANT_EVERY-th unit."""
    first_in_unit: dict[int, Person] = {}
    for person in people:
        first_in_unit.setdefault(person.org_unit_id, person)  # type: ignore[arg-type]
    led = []
    for i, unit in enumerate(units.values()):
        if i % VACANT_EVERY != VACANT_EVERY - 1 and unit.pk in first_in_unit:
            unit.head = first_in_unit[unit.pk]
            led.append(unit)
    OrgUnit.objects.for_kommune(kommune).bulk_update(led, ["head"], batch_size=BATCH)


def audit_created(kommune: Kommune, objects: list[OrgUnit] | list[Person]) -> Iterator[AuditEntry]:
    for obj in objects:
        yield AuditEntry(
            kommune=kommune, actor_name="System", action=AuditAction.CREATE, source=AuditSource.COMMAND,
            object_type=obj._meta.model_name or "", object_id=str(obj.pk), object_label=str(obj)[:300],
            changes={}, request_id="bench",
        )  # fmt: skip


def create_admin(kommunen: list[Kommune]) -> User:
    user = User.objects.create_user(ADMIN_USERNAME, first_name="Bench", last_name="Admin", password=None)
    for kommune in kommunen:
        Membership.objects.create(kommune=kommune, user=user, role=Role.ADMIN)
    return user


def populate(kommune: Kommune, rows: list[UnitRow], people: list[PersonRow]) -> None:
    """The units and people of one Kommune with their heads and "created" audit entries."""
    units = create_units(kommune, rows)
    persons = create_people(kommune, people, units)
    assign_heads(kommune, units, persons)
    AuditEntry.objects.bulk_create(audit_created(kommune, list(units.values())), batch_size=BATCH)
    AuditEntry.objects.bulk_create(audit_created(kommune, persons), batch_size=BATCH)


@transaction.atomic
def generate_profile() -> None:
    """Create the Großstadt (with people) and the Importstadt (units only, for the import run)."""
    rows = unit_rows()
    city = create_kommune(PROFILE_SLUG, "Großstadt (Benchmark)", "05999001")
    populate(city, rows, person_rows(rows, "grossstadt.example"))
    import_city = create_kommune(IMPORT_SLUG, "Importstadt (Benchmark)", "05999002")
    create_units(import_city, rows)
    create_admin([city, import_city])


def profile_present() -> bool:
    city = Kommune.objects.filter(slug=PROFILE_SLUG).first()
    if city is None or not Kommune.objects.filter(slug=IMPORT_SLUG).exists():
        return False
    return (
        OrgUnit.objects.for_kommune(city).count() == sum(LEVEL_SIZES)
        and Person.objects.for_kommune(city).count() == PEOPLE
        and User.objects.filter(username=ADMIN_USERNAME).exists()
    )
