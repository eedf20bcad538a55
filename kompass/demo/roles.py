"""The role models of the demo Kommunen: something true for the Rollen-Check to show.

Musterstadt adopts the KGSt-oriented catalogue and fills it: the Bürgermeister:in as HVB, a CDO
heading the Stabsstelle Digitalisierung (with deputy), a CIO, an ISB, a DSB (with deputy),
IT-Steuerung, Personal- and Organisationsmanagement, and 15 Digitallotsinnen und -lotsen for 22
of the 25 Ämter. On purpose the check finds: three Ämter without a Lotse (Feuerwehr, Sportamt,
Stadtreinigung), one Lotse without the line manager's approval, the DSB who also holds
Personalmanagement (DSGVO Art. 38(6)), the head of Organisation und IT with two Lotse roles beside
a post filled by CIO and IT-Steuerung (120 %, shown as "Lotsenrolle neben voller Stelle"), one
Lotse assignment ending within 60 days, and CIO and ISB without a deputy. An ended DSB assignment
stays as history. Kleinhausen has a small model in which one person is CDO, CIO and ISB at once
(the warning for small Kommunen).

People are picked from the demo plan by unit and function, so the data is the same on every run;
only the ending assignment is relative to the day of loading. Everything goes through the role
services, so the audit log reads like that of a real Kommune.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.roles import services
from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
from kompass.roles.models import Assignment, Role
from kompass.tenancy.models import Kommune

if TYPE_CHECKING:
    from kompass.demo.kommunen import KommunePlan

NETWORK_START = datetime.date(2025, 3, 1)
NETWORK_MANDATE = "Dienstanweisung Digitallotsinnen und -lotsen vom 01.03.2025"
EXPIRING_IN_DAYS = 45  # inside the check's 60-day window
LINE_UNIT_TYPES = (OrgUnitType.AMT, OrgUnitType.FACHBEREICH)


@dataclass(frozen=True)
class Holder:
    """A person of the plan: the head of a unit, or the first active person with this function."""

    unit: str
    function: str | None = None  # None: the head of the unit


@dataclass(frozen=True)
class AssignmentSpec:
    holder: Holder
    role: str
    share: int
    start: datetime.date
    mandate: str = ""
    deputy: Holder | None = None
    end: datetime.date | None = None


@dataclass(frozen=True)
class LotseSpec:
    holder: Holder
    amter: tuple[str, ...]  # the Ämter the Lotse works for (one assignment each)
    share: int  # per Amt
    qualification: str
    approved: bool = True
    expiring: bool = False


HEAD_IT = Holder("10.1")  # Abteilungsleitung Organisation und IT
HEAD_HR = Holder("11.1")  # Abteilungsleitung Personalverwaltung

MUSTERSTADT_ROLES = (
    AssignmentSpec(Holder("VV"), "hvb", 10, datetime.date(2020, 11, 1), "Gemeindeordnung NRW, § 62"),
    AssignmentSpec(
        Holder("02"),
        "cdo",
        80,
        NETWORK_START,
        "Dienstanweisung vom 01.03.2025",
        deputy=Holder("02", "Digitalisierungsmanagement"),
    ),
    AssignmentSpec(Holder("02", "Digitalisierungsmanagement"), "digital_team", 60, NETWORK_START),
    AssignmentSpec(Holder("02", "Prozessmanagement"), "digital_team", 80, NETWORK_START),
    AssignmentSpec(
        HEAD_IT, "cio", 70, datetime.date(2024, 1, 1), "Geschäftsverteilungsplan Hauptamt, Stand 01.01.2024"
    ),
    AssignmentSpec(HEAD_IT, "it_steuerung", 30, datetime.date(2024, 1, 1), "Geschäftsverteilungsplan Hauptamt"),
    AssignmentSpec(
        Holder("02", "Informationssicherheit"), "isb", 50, datetime.date(2024, 1, 15), "Bestellung vom 15.01.2024"
    ),
    AssignmentSpec(
        HEAD_HR,
        "dsb",
        30,
        NETWORK_START,
        "Bestellung zur/zum Datenschutzbeauftragten vom 01.03.2025 (Art. 37 DSGVO)",
        deputy=Holder("30", "Vergaberecht"),
    ),
    AssignmentSpec(HEAD_HR, "personal", 50, datetime.date(2023, 7, 1), "Geschäftsverteilungsplan Personalamt"),
    AssignmentSpec(Holder("10.1", "Organisationsentwicklung"), "organisation", 60, datetime.date(2024, 1, 1)),
    # History: the DSB until the Bestellung of 01.03.2025.
    AssignmentSpec(
        Holder("30", "Justiziariat"),
        "dsb",
        25,
        datetime.date(2018, 5, 25),
        "Bestellung vom 25.05.2018",
        end=datetime.date(2025, 2, 28),
    ),
)

MUSTERSTADT_LOTSEN = (
    LotseSpec(HEAD_IT, ("10", "12"), 10, "aufbau"),
    LotseSpec(Holder("11.2", "Fortbildung"), ("11",), 15, "aufbau"),
    LotseSpec(Holder("14", "Prüfung IT-Verfahren"), ("14",), 5, "grundlagen"),
    LotseSpec(Holder("20.1", "Finanzcontrolling"), ("20", "21"), 10, "grundlagen"),
    LotseSpec(Holder("23", "Mietverwaltung"), ("23",), 5, "geplant"),
    LotseSpec(Holder("30", "Justiziariat"), ("30",), 10, "keine", approved=False),
    LotseSpec(Holder("32.1", "Sachbearbeitung Veranstaltungen"), ("32",), 15, "aufbau"),
    LotseSpec(Holder("33.1", "Bürgerservice"), ("33", "34"), 10, "grundlagen"),
    LotseSpec(Holder("40", "Schul-IT und Medienentwicklungsplan"), ("40",), 20, "aufbau"),
    LotseSpec(Holder("42", "Medienbearbeitung"), ("41", "42", "43"), 5, "grundlagen"),
    LotseSpec(Holder("50.1", "Sachbearbeitung Grundsicherung"), ("50",), 10, "geplant", expiring=True),
    LotseSpec(Holder("51.1", "Kita-Bedarfsplanung"), ("51",), 10, "grundlagen"),
    LotseSpec(Holder("61.1", "Geoinformation"), ("61",), 15, "aufbau"),
    LotseSpec(Holder("63.1", "Bautechnische Prüfung"), ("63", "65"), 10, "keine"),
    LotseSpec(Holder("66.1", "Straßenplanung"), ("66", "67"), 10, "geplant"),
)

HEAD_SG_IT = Holder("1.2")  # Sachgebietsleitung IT und Digitalisierung

KLEINHAUSEN_ROLES = (
    AssignmentSpec(Holder("VV"), "hvb", 10, datetime.date(2019, 7, 1), "Gemeindeordnung Rheinland-Pfalz, § 47"),
    AssignmentSpec(HEAD_SG_IT, "cdo", 20, datetime.date(2024, 4, 1), "Verfügung des Bürgermeisters vom 01.04.2024"),
    AssignmentSpec(HEAD_SG_IT, "cio", 20, datetime.date(2024, 4, 1), "Verfügung des Bürgermeisters vom 01.04.2024"),
    AssignmentSpec(HEAD_SG_IT, "isb", 10, datetime.date(2024, 4, 1), "Verfügung des Bürgermeisters vom 01.04.2024"),
    AssignmentSpec(
        Holder("1.1", "Organisation"),
        "dsb",
        15,
        datetime.date(2022, 1, 1),
        "Bestellung vom 01.01.2022",
        deputy=Holder("1.1", "Personalsachbearbeitung"),
    ),
)

KLEINHAUSEN_LOTSEN = (
    LotseSpec(Holder("3.1", "Bürgerservice"), ("FB3",), 10, "grundlagen"),
    LotseSpec(Holder("2.1", "Haushaltsplanung"), ("FB2",), 5, "geplant"),
)


# --- finding the people ------------------------------------------------------------------------------


class People:
    """The demo plan's people of one Kommune, found by unit and function."""

    def __init__(self, kommune: Kommune, plan: KommunePlan) -> None:
        self.plan = plan
        self.by_email = {p.email: p for p in Person.objects.for_kommune(kommune).select_related("org_unit")}
        self.units = {u.code: u for u in OrgUnit.objects.for_kommune(kommune)}

    def __call__(self, holder: Holder) -> Person:
        for spec in self.plan.people:
            if spec.unit_code != holder.unit or not spec.is_active:
                continue
            if (holder.function is None and spec.is_head) or (
                holder.function is not None and not spec.is_head and spec.function_title.startswith(holder.function)
            ):
                return self.by_email[spec.email]
        raise LookupError(f"no active person {holder} in the demo plan")

    def line_manager(self, person: Person) -> Person | None:
        """The head of the Amt or Fachbereich the person works in (not the person herself)."""
        by_pk = {u.pk: u for u in self.units.values()}
        people = {p.pk: p for p in self.by_email.values()}
        unit = by_pk.get(person.org_unit_id) if person.org_unit_id else None
        while unit is not None:
            if unit.unit_type in LINE_UNIT_TYPES and unit.head_id not in (None, person.pk):
                return people[unit.head_id]
            unit = by_pk.get(unit.parent_id) if unit.parent_id else None
        return None


# --- writing -----------------------------------------------------------------------------------------


def _assign(kommune: Kommune, role: Role, data: dict[str, Any]) -> Assignment:
    return services.assignment_create(kommune=kommune, actor=None, data={"role": role, **data})


def _roles(kommune: Kommune, people: People, roles: dict[str, Role], specs: Iterable[AssignmentSpec]) -> None:
    for spec in specs:
        data = {
            "person": people(spec.holder),
            "time_share": Decimal(spec.share),
            "valid_from": spec.start,
            "valid_until": spec.end,
            "mandate": spec.mandate,
            "deputy": people(spec.deputy) if spec.deputy else None,
        }
        _assign(kommune, roles[spec.role], data)


def _lotsen(kommune: Kommune, people: People, lotse: Role, specs: Iterable[LotseSpec], today: datetime.date) -> None:
    for spec in specs:
        holder = people(spec.holder)
        for code in spec.amter:
            data = {
                "person": holder,
                "org_unit": people.units[code],
                "time_share": Decimal(spec.share),
                "valid_from": NETWORK_START,
                "valid_until": today + datetime.timedelta(days=EXPIRING_IN_DAYS) if spec.expiring else None,
                "mandate": NETWORK_MANDATE,
                "approved_by": people.line_manager(holder) if spec.approved else None,
                "qualification": spec.qualification,
            }
            _assign(kommune, lotse, data)


def _fill(
    kommune: Kommune,
    plan: KommunePlan,
    roles: tuple[AssignmentSpec, ...],
    lotsen: tuple[LotseSpec, ...],
    today: datetime.date,
) -> None:
    catalogue = latest_catalogue("kgst")
    if catalogue is None:
        raise LookupError("the KGSt role catalogue is not loaded")
    services.catalogue_adopt(kommune=kommune, actor=None, catalogue=catalogue)
    by_key = {r.key: r for r in Role.objects.for_kommune(kommune)}
    people = People(kommune, plan)
    _roles(kommune, people, by_key, roles)
    _lotsen(kommune, people, by_key["lotse"], lotsen, today)


def load_role_models(kommunen: list[Kommune], plans: list[KommunePlan], today: datetime.date | None = None) -> int:
    """Load the catalogues, then give Musterstadt and Kleinhausen their role models. Returns the
    number of assignments created. Runs inside `load_demo`'s transaction and change context."""
    load_catalogues()
    today = today or timezone.localdate()
    musterstadt, kleinhausen = kommunen
    _fill(musterstadt, plans[0], MUSTERSTADT_ROLES, MUSTERSTADT_LOTSEN, today)
    _fill(kleinhausen, plans[1], KLEINHAUSEN_ROLES, KLEINHAUSEN_LOTSEN, today)
    # Two Kommunen on purpose: the demo loader counts what it made for both.
    return Assignment.objects.unscoped().filter(kommune__in=kommunen).count()


def role_snapshot(slugs: list[str]) -> list[tuple[Any, ...]]:
    """The demo's assignments without primary keys, to compare two loads."""
    rows = (
        Assignment.objects.unscoped()
        .filter(kommune__slug__in=slugs)
        .values_list(
            "kommune__slug",
            "person__email",
            "role__key",
            "org_unit__code",
            "time_share",
            "valid_from",
            "valid_until",
            "deputy__email",
            "approved_by__email",
            "mandate",
            "qualification",
        )
    )
    return sorted(rows, key=repr)
