"""The role model of the Großstadt benchmark profile: KGSt adopted, 30,000 assignments, 300 Lotsen.

Generated deterministically with bulk inserts on top of `kompass.demo.bench_profile`
(1,500 units, 20,000 people). The mix follows a large city administration: the core roles with
deputies, a Fachbereichsleitung per Dezernat and Amt, Organisation and Personal in every Amt,
300 Lotsen (one per Abteilung, a few Abteilungen without), about 19,000 current service
responsibilities (Leistungsverantwortung), a few assignments ending soon, and history: ended
assignments of earlier years. Every assignment gets the "created" audit entry it would have.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kompass.audit.context import change_context
from kompass.audit.models import AuditAction, AuditEntry, AuditSource
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.roles import services
from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
from kompass.roles.models import Assignment, Catalogue, QualificationStatus, Role
from kompass.tenancy.models import Kommune

ASSIGNMENTS = 30_000
LOTSEN = 300
HISTORY = 8_000  # ended assignments
EXPIRING = 40  # current assignments ending within 60 days
BATCH = 2_000
START = datetime.date(2024, 1, 1)


@dataclass(frozen=True)
class RoleSize:
    """How many assignments one Kommune gets: all of them, the Lotsen, the ended ones, those ending soon."""

    assignments: int
    lotsen: int
    history: int
    expiring: int

    @classmethod
    def grossstadt(cls) -> RoleSize:
        return cls(ASSIGNMENTS, LOTSEN, HISTORY, EXPIRING)


class _Builder:
    """Collects unsaved assignments of one Kommune."""

    def __init__(self, kommune: Kommune, today: datetime.date, size: RoleSize) -> None:
        self.kommune, self.today, self.size = kommune, today, size
        self.rng = random.Random("grossstadt-rollen")  # noqa: S311 - reproducible benchmark data
        self.roles = {r.key: r for r in Role.objects.for_kommune(kommune)}
        self.units = list(OrgUnit.objects.for_kommune(kommune).order_by("path"))
        self.people = list(Person.objects.for_kommune(kommune).order_by("pk").values_list("pk", "org_unit_id"))
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        for pk, unit_id in self.people:
            self.by_unit[unit_id].append(pk)
        self.items: list[Assignment] = []

    def add(self, person_id: int, role: str, share: int, **extra: object) -> None:
        values = {"valid_from": START, **extra}
        self.items.append(
            Assignment(
                kommune=self.kommune, person_id=person_id, role=self.roles[role], time_share=Decimal(share), **values
            )
        )

    def units_of(self, unit_type: str) -> list[OrgUnit]:
        return [u for u in self.units if u.unit_type == unit_type]

    def person_in(self, unit: OrgUnit) -> int:
        """A person working in `unit` or below it (the first one by the seeded order)."""
        below = [u.pk for u in self.units if u.path.startswith(unit.path)]
        candidates = [pk for unit_id in below for pk in self.by_unit[unit_id] if pk != unit.head_id]
        return self.rng.choice(candidates) if candidates else self.people[0][0]


def _core(b: _Builder) -> None:
    top = b.units_of(OrgUnitType.VERWALTUNGSVORSTAND)[0]
    head = top.head_id or b.people[0][0]
    b.add(head, "hvb", 10)
    picks = b.rng.sample([pk for pk, _unit in b.people[:2000]], 12)
    for key, holder, deputy in zip(("cdo", "cio", "isb", "dsb"), picks[0::2], picks[1::2], strict=False):
        b.add(holder, key, 80, deputy_id=deputy, mandate="Dienstanweisung vom 01.03.2025")
    for pk in picks[8:12]:
        b.add(pk, "it_steuerung", 50)


def _line_roles(b: _Builder) -> None:
    """Fachbereichsleitung for the heads of Dezernate and Ämter; Organisation and Personal per Amt."""
    for unit in b.units_of(OrgUnitType.DEZERNAT) + b.units_of(OrgUnitType.AMT):
        if unit.head_id:
            b.add(unit.head_id, "fachbereichsleitung", 10, org_unit=unit)
    for unit in b.units_of(OrgUnitType.AMT):
        b.add(b.person_in(unit), "organisation", 20, org_unit=unit)
        b.add(b.person_in(unit), "personal", 15, org_unit=unit)


def _lotsen(b: _Builder) -> None:
    """300 Lotsen, one per Abteilung (the last 30 Abteilungen have none); the Amt's head approves."""
    by_pk = {u.pk: u for u in b.units}
    qualifications = QualificationStatus.values
    for n, unit in enumerate(b.units_of(OrgUnitType.ABTEILUNG)[: b.size.lotsen]):
        amt = by_pk[unit.parent_id] if unit.parent_id else None
        approver = amt.head_id if amt is not None and n % 25 else None
        b.add(
            b.person_in(unit),
            "lotse",
            5 + n % 16,
            org_unit=unit,
            approved_by_id=approver,
            qualification=qualifications[n % len(qualifications)],
            mandate="Dienstanweisung Digitallotsen vom 01.03.2025",
        )


def _history(b: _Builder) -> None:
    keys = ["leistungsverantwortung", "lotse", "organisation", "digital_team", "fachbereichsleitung"]
    for n in range(b.size.history):
        person_id, _unit = b.people[(n * 7) % len(b.people)]
        start = datetime.date(2018 + n % 5, 1 + n % 12, 1)
        end = start + datetime.timedelta(days=200 + n % 400)
        b.add(person_id, keys[n % len(keys)], 10 + n % 20, valid_from=start, valid_until=end)


def _responsibilities(b: _Builder) -> None:
    """Current Leistungsverantwortung up to the total, some of it ending within 60 days."""
    n = 0
    while len(b.items) < b.size.assignments:
        person_id, _unit = b.people[(n * 13 + 5) % len(b.people)]
        until = b.today + datetime.timedelta(days=10 + n) if n < b.size.expiring else None
        b.add(person_id, "leistungsverantwortung", 5 + n % 26, valid_until=until)
        n += 1


def _audit(kommune: Kommune, items: list[Assignment]) -> Iterator[AuditEntry]:
    for a in items:
        yield AuditEntry(
            kommune=kommune, actor_name="System", action=AuditAction.CREATE, source=AuditSource.COMMAND,
            object_type="assignment", object_id=str(a.pk), object_label=f"Zuordnung {a.pk}", changes={},
            request_id="bench",
        )  # fmt: skip


def kgst_catalogue() -> Catalogue:
    """The KGSt role catalogue, loaded into the database if it is not there yet."""
    load_catalogues()
    catalogue = latest_catalogue("kgst")
    if catalogue is None:
        raise LookupError("the KGSt role catalogue is not loaded")
    return catalogue


def build_role_model(kommune: Kommune, catalogue: Catalogue, today: datetime.date, size: RoleSize) -> None:
    """Adopt the catalogue in `kommune` and bulk-insert its assignments at the given size."""
    with change_context("command", "bench"):
        services.catalogue_adopt(kommune=kommune, actor=None, catalogue=catalogue)
    builder = _Builder(kommune, today, size)
    for step in (_core, _line_roles, _lotsen, _history, _responsibilities):
        step(builder)
    Assignment.objects.bulk_create(builder.items, batch_size=BATCH)
    AuditEntry.objects.bulk_create(_audit(kommune, builder.items), batch_size=BATCH)


@transaction.atomic
def generate_role_profile(kommune: Kommune, today: datetime.date | None = None) -> None:
    """Adopt the KGSt catalogue and bulk-insert the 30,000 assignments of the Großstadt."""
    build_role_model(kommune, kgst_catalogue(), today or timezone.localdate(), RoleSize.grossstadt())


def role_profile_present(kommune: Kommune) -> bool:
    return Assignment.objects.for_kommune(kommune).count() == ASSIGNMENTS
