"""The demo Kommunen "Musterstadt" and "Kleinhausen", with invented people and demo logins.

Musterstadt is a kreisangehörige Stadt of about 45,000 inhabitants in Nordrhein-Westfalen with a
Verwaltungsgliederung in the KGSt numbering (Verwaltungsvorstand, four Dezernate, Ämter with
Abteilungen and Sachgebiete, a Stabsstelle Digitalisierung, an Eigenbetrieb and a Beteiligung).
Kleinhausen is a small Gemeinde in Rheinland-Pfalz, there so that tenant isolation can be seen.
Every name is invented; the AGS use Kreis numbers that do not exist. The data is the same on
every run: names come from a seeded `random.Random`, never from the clock.

Everything is written through the services (`org.services`, `accounts.services`), so the audit
log of the demo reads like that of a real Kommune ("Befehl" as the source). The role models
(catalogue adopted, roles filled, Lotsen) come from `kompass.demo.roles`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kompass.accounts.models import User
from kompass.accounts.services import membership_create
from kompass.audit.context import change_context
from kompass.demo.agenda import AgendaSummary, agenda_snapshot, load_agenda
from kompass.demo.assessment import AssessmentSummary, load_assessment
from kompass.demo.roles import load_role_models, role_snapshot
from kompass.org.models import OrgUnit, Person
from kompass.org.services import orgunit_create, orgunit_update, person_create
from kompass.tenancy.models import Kommune, Membership, Role

DEMO_URL = "http://127.0.0.1:8000"
MAIL_DOMAIN = "musterstadt.de"

# --- names (invented combinations of common German first and last names) -------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_NAMES = _words(
    """Anna Andrea Anja Annette Bärbel Barbara Bettina Birgit Carolin Charlotte Christina Claudia Daniela Doris
    Elif Elke Eva Franziska Gabriele Greta Hannah Heike Ines Jana Jennifer Johanna Judith Julia Jutta Karin
    Katharina Kathrin Kerstin Laura Lea Lena Lisa Maria Marie Martina Melanie Miriam Monika Nadine Natalia
    Nicole Petra Renate Sabine Sandra Sarah Silke Simone Sophie Stefanie Susanne Tanja Ulrike Vanessa Zeynep"""
)
MALE_NAMES = _words(
    """Alexander Andreas Bernd Björn Christian Daniel David Dennis Dieter Dirk Emre Felix Florian Frank Günter
    Heiko Hendrik Holger Jan Jens Jonas Jörg Jürgen Kai Klaus Lars Leon Lukas Marco Markus Martin Matthias
    Maximilian Mehmet Michael Moritz Niklas Nils Oliver Patrick Paul Peter Philipp Piotr Rainer Ralf Sebastian
    Simon Sören Stefan Sven Thomas Thorsten Tim Timo Tobias Uwe Volker Wolfgang Yusuf"""
)
LAST_NAMES = _words(
    """Albrecht Arnold Bauer Baumann Beck Becker Berger Bergmann Böhm Brandt Braun Brinkmann Busch Dietrich Engel
    Fischer Frank Franke Friedrich Fuchs Graf Groß Günther Haas Hahn Hartmann Heinrich Herrmann Hoffmann Hofmann
    Horn Huber Jäger Jung Kaiser Kaya Keller Klein Koch Köhler König Kowalski Krämer Kraus Krause Krüger Kuhn
    Lang Lange Lehmann Lorenz Ludwig Maier Martin Mayer Meier Meyer Möller Müller Neumann Nowak Otto Öztürk
    Peters Pfeiffer Pohl Richter Roth Sauer Schäfer Schmid Schmidt Schmitt Schmitz Schneider Scholz Schreiber
    Schröder Schubert Schulte Schulz Schulze Schumacher Schuster Schwarz Seidel Simon Sommer Stein Strauß Thomas
    Vogel Vogt Voigt Voß Wagner Walter Weber Weiß Werner Winkler Winter Wolf Wolff Yildiz Ziegler Zimmermann"""
)

# --- organisation ------------------------------------------------------------------------------
#
# One unit per line: code | type | parent code | name | function of the head ("–": vacant).
# Indented lines below a unit list its staff, separated by ";" ("3× X": three people doing X).
# "{male/female}" is resolved by the person's (or, in unit names, the mayor's) first name.

MUSTERSTADT_ORG = """
VV   | verwaltungsvorstand | –  | Verwaltungsvorstand | Bürgermeister{/in}
01   | stabsstelle  | VV | Büro de{s/r} Bürgermeister{s/in} | Büroleitung
     Referat der Verwaltungsführung; Presse- und Öffentlichkeitsarbeit; Bürgeranliegen und Beschwerden
02   | stabsstelle  | VV | Stabsstelle Digitalisierung | Leitung Stabsstelle Digitalisierung (CDO)
     Digitalisierungsmanagement; Prozessmanagement; Informationssicherheit (ISB)
14   | amt          | VV | Rechnungsprüfungsamt | Amtsleitung
     Prüfung Jahresabschluss; Vergabeprüfung; Prüfung IT-Verfahren
B1   | beteiligung  | VV | Stadtwerke Musterstadt GmbH | Geschäftsführung
D1   | dezernat     | VV | Dezernat I – Allgemeine Verwaltung und Finanzen | Erste{r/} Beigeordnete{r/}
     Dezernatsassistenz
10   | amt          | D1 | Hauptamt | Amtsleitung
     Teamassistenz
10.1 | abteilung    | 10 | Organisation und IT | Abteilungsleitung
     Organisationsentwicklung; IT-Administration; 3× IT-Support; Anwendungsbetreuung Fachverfahren
     Netzwerk und Telefonie; Stellenbewertung
10.2 | abteilung    | 10 | Zentrale Dienste | Abteilungsleitung
     Poststelle; Zentrale Beschaffung; Hausdienste; Registratur und Archiv
10.3 | sachgebiet   | 10 | Ratsbüro | Sachgebietsleitung
     Sitzungsdienst; Ratsinformationssystem
11   | amt          | D1 | Personalamt | Amtsleitung
     Teamassistenz
11.1 | abteilung    | 11 | Personalverwaltung | Abteilungsleitung
     2× Personalsachbearbeitung; Entgeltabrechnung; Beihilfe und Versorgung; Zeiterfassung
11.2 | sachgebiet   | 11 | Personalentwicklung und Ausbildung | Sachgebietsleitung
     Ausbildungsleitung; Fortbildung; Personalgewinnung
12   | amt          | D1 | Amt für Statistik und Wahlen | –
     Wahlorganisation; Kommunalstatistik
20   | amt          | D1 | Kämmerei | Amtsleitung
     Teamassistenz
20.1 | abteilung    | 20 | Haushalt und Controlling | Abteilungsleitung
     Haushaltsplanung; Finanzcontrolling; Beteiligungscontrolling; Fördermittelmanagement
20.2 | abteilung    | 20 | Steuern und Abgaben | Abteilungsleitung
     Gewerbesteuer; 2× Grundsteuer; Hundesteuer und Vergnügungssteuer; Gebührenveranlagung
21   | amt          | D1 | Stadtkasse | Amtsleitung
     2× Zahlungsverkehr; 2× Vollstreckung; Buchhaltung; Mahnwesen
23   | amt          | D1 | Liegenschaftsamt | Amtsleitung
     Grundstücksverkehr; Mietverwaltung; Erbbaurechte und Pachten
D2   | dezernat     | VV | Dezernat II – Recht, Ordnung und Bürgerservice | Beigeordnete{r/}
     Dezernatsassistenz
30   | amt          | D2 | Rechtsamt | Amtsleitung
     Justiziariat; Vergaberecht
32   | amt          | D2 | Ordnungsamt | Amtsleitung
     Teamassistenz
32.1 | sachgebiet   | 32 | Allgemeine Ordnungsangelegenheiten | Sachgebietsleitung
     Sachbearbeitung Allgemeine Ordnung; Sachbearbeitung Fundbüro; Sachbearbeitung Veranstaltungen
     2× Kommunaler Ordnungsdienst
32.2 | sachgebiet   | 32 | Gewerbeangelegenheiten | Sachgebietsleitung
     2× Sachbearbeitung Gewerbeangelegenheiten; Sachbearbeitung Gaststättenrecht; Sachbearbeitung Marktwesen
32.3 | sachgebiet   | 32 | Verkehrsüberwachung | Sachgebietsleitung
     4× Überwachung ruhender Verkehr; 2× Bußgeldstelle; Geschwindigkeitsüberwachung
     Verkehrsbehördliche Anordnungen
33   | amt          | D2 | Bürgeramt | Amtsleitung
     Teamassistenz
33.1 | sachgebiet   | 33 | Bürgerbüro | Sachgebietsleitung
     10× Bürgerservice
33.2 | sachgebiet   | 33 | Pass- und Meldewesen | –
     2× Sachbearbeitung Meldewesen; 2× Sachbearbeitung Pass- und Ausweiswesen
34   | amt          | D2 | Standesamt | Amtsleitung
     2× Standesamtliche Beurkundung; Eheschließungen
37   | amt          | D2 | Feuerwehr | Leitung der Feuerwehr
     Teamassistenz
37.1 | abteilung    | 37 | Einsatz und Ausbildung | Abteilungsleitung
     12× Einsatzdienst; Atemschutzwerkstatt; Ausbildung Freiwillige Feuerwehr; Gerätewartung
37.2 | sachgebiet   | 37 | Vorbeugender Brandschutz | Sachgebietsleitung
     Brandschutzprüfung; Brandverhütungsschau; Brandschutzerziehung
D3   | dezernat     | VV | Dezernat III – Bildung, Jugend und Soziales | Beigeordnete{r/}
     Dezernatsassistenz
40   | amt          | D3 | Schulverwaltungsamt | Amtsleitung
     Schulentwicklungsplanung; Schülerbeförderung; Schul-IT und Medienentwicklungsplan; 3× Schulsekretariate
     Offene Ganztagsschule
41   | amt          | D3 | Kulturamt | Amtsleitung
     Kulturförderung; Veranstaltungsmanagement; Stadtarchiv
42   | amt          | D3 | Stadtbibliothek | Bibliotheksleitung
     Medienbearbeitung; 3× Ausleihe und Beratung; Leseförderung
43   | amt          | D3 | Volkshochschule | Leitung der Volkshochschule
     Programmplanung Sprachen; Programmplanung Beruf und EDV; Kursverwaltung
50   | amt          | D3 | Sozialamt | Amtsleitung
     Teamassistenz
50.1 | abteilung    | 50 | Grundsicherung | Abteilungsleitung
     7× Sachbearbeitung Grundsicherung; Sachbearbeitung Hilfe zur Pflege
50.2 | sachgebiet   | 50 | Wohngeld | Sachgebietsleitung
     4× Sachbearbeitung Wohngeld
50.3 | sachgebiet   | 50 | Senioren und Inklusion | Sachgebietsleitung
     Seniorenberatung; Inklusionsbeauftragte Stelle; Quartiersmanagement
51   | amt          | D3 | Jugendamt | Amtsleitung
     Teamassistenz
51.1 | abteilung    | 51 | Kindertagesbetreuung | Abteilungsleitung
     3× Kita-Platzvergabe; Fachberatung Kindertagespflege; 2× Elternbeiträge; Kita-Bedarfsplanung
51.2 | abteilung    | 51 | Allgemeiner Sozialer Dienst | Abteilungsleitung
     9× Sozialarbeit ASD; Pflegekinderdienst; Wirtschaftliche Jugendhilfe
51.3 | sachgebiet   | 51 | Jugendförderung | –
     Offene Jugendarbeit; Jugendsozialarbeit; Kinder- und Jugendbeteiligung
52   | amt          | D3 | Sportamt | Amtsleitung
     Sportstättenvergabe; Sportförderung
D4   | dezernat     | VV | Dezernat IV – Planen, Bauen und Umwelt | Technische{r/} Beigeordnete{r/}
     Dezernatsassistenz
61   | amt          | D4 | Stadtplanungsamt | Amtsleitung
     Teamassistenz
61.1 | abteilung    | 61 | Bauleitplanung | Abteilungsleitung
     2× Stadtplanung; Geoinformation (GIS); Städtebauförderung
61.2 | sachgebiet   | 61 | Verkehrs- und Mobilitätsplanung | Sachgebietsleitung
     Verkehrsplanung; Radverkehrsplanung; ÖPNV-Planung
63   | amt          | D4 | Bauordnungsamt | Amtsleitung
     Teamassistenz
63.1 | abteilung    | 63 | Baugenehmigungen | Abteilungsleitung
     6× Sachbearbeitung Baugenehmigungen; Bautechnische Prüfung
63.2 | sachgebiet   | 63 | Bauaufsicht und Denkmalschutz | Sachgebietsleitung
     2× Bauaufsicht; Untere Denkmalbehörde
65   | amt          | D4 | Hochbau und Gebäudemanagement | Amtsleitung
     2× Projektleitung Hochbau; Technisches Gebäudemanagement; Energiemanagement
     Kaufmännisches Gebäudemanagement; 4× Hausmeisterdienst
66   | amt          | D4 | Tiefbauamt | Amtsleitung
     Teamassistenz
66.1 | abteilung    | 66 | Straßenbau | Abteilungsleitung
     Straßenplanung; Bauüberwachung Straßenbau; Brückenprüfung; Straßenbeleuchtung
66.2 | abteilung    | 66 | Straßenunterhaltung und Bauhof | –
     9× Straßenunterhaltung; Winterdienstkoordination; Werkstatt; Disposition Bauhof
67   | amt          | D4 | Grünflächenamt | Amtsleitung
     Grünplanung; Friedhofsverwaltung; Baumkontrolle; Spielplatzunterhaltung; Klimaschutzmanagement
70   | amt          | D4 | Stadtreinigung und Abfallwirtschaft | Amtsleitung
     Abfallberatung; Gebührenveranlagung Abfall; Disposition Stadtreinigung; 5× Straßenreinigung; Wertstoffhof
81   | eigenbetrieb | D4 | Stadtentwässerung Musterstadt (Eigenbetrieb) | Betriebsleitung
     Kaufmännische Betriebsführung; Kanalnetzplanung; 2× Kanalbetrieb; Klärwerk; Gebührenkalkulation Abwasser
"""

KLEINHAUSEN_ORG = """
VV   | verwaltungsvorstand | –   | Verwaltungsvorstand | Bürgermeister{/in}
FB1  | fachbereich  | VV  | Fachbereich 1 – Zentrale Dienste | Fachbereichsleitung
1.1  | sachgebiet   | FB1 | Personal und Organisation | Sachgebietsleitung
     Personalsachbearbeitung; Organisation
1.2  | sachgebiet   | FB1 | IT und Digitalisierung | Sachgebietsleitung
     IT-Administration; Digitalisierung
FB2  | fachbereich  | VV  | Fachbereich 2 – Finanzen | Fachbereichsleitung
2.1  | sachgebiet   | FB2 | Haushalt | Sachgebietsleitung
     Haushaltsplanung; Anlagenbuchhaltung
2.2  | sachgebiet   | FB2 | Gemeindekasse | Sachgebietsleitung
     Zahlungsverkehr; Vollstreckung
2.3  | sachgebiet   | FB2 | Steuern | –
     Grundsteuer; Gewerbesteuer
FB3  | fachbereich  | VV  | Fachbereich 3 – Bürgerservice und Ordnung | Fachbereichsleitung
3.1  | sachgebiet   | FB3 | Bürgerbüro | Sachgebietsleitung
     3× Bürgerservice
3.2  | sachgebiet   | FB3 | Ordnung und Gewerbe | Sachgebietsleitung
     Allgemeine Ordnung; Gewerbeangelegenheiten
3.3  | sachgebiet   | FB3 | Standesamt | Sachgebietsleitung
     Standesamtliche Beurkundung
FB4  | fachbereich  | VV  | Fachbereich 4 – Bauen und Umwelt | Fachbereichsleitung
4.1  | sachgebiet   | FB4 | Bauverwaltung | Sachgebietsleitung
     Bauleitplanung; Liegenschaften; Umwelt
4.2  | sachgebiet   | FB4 | Bauhof | Sachgebietsleitung
     7× Bauhof
"""

VACANT = "–"


@dataclass(frozen=True)
class UnitSpec:
    """One org unit: KGSt code, type, parent code, name, head function (None: vacant), staff."""

    code: str
    unit_type: str
    parent: str | None
    name: str
    head: str | None
    staff: tuple[str, ...] = ()


def _staff(line: str) -> list[str]:
    functions: list[str] = []
    for item in (part.strip() for part in line.split(";")):
        count, sep, title = item.partition("× ")
        functions.extend([title] * int(count) if sep and count.isdigit() else [item])
    return functions


def parse_units(table: str) -> tuple[UnitSpec, ...]:
    """Read an org table (format above) into unit specs, in table order (parents first)."""
    units: list[UnitSpec] = []
    for line in table.strip("\n").splitlines():
        if line.startswith(" "):
            last = units.pop()
            units.append(UnitSpec(**{**last.__dict__, "staff": (*last.staff, *_staff(line))}))
            continue
        code, unit_type, parent, name, head = (cell.strip() for cell in line.split("|"))
        units.append(
            UnitSpec(code, unit_type, None if parent == VACANT else parent, name, None if head == VACANT else head)
        )
    return tuple(units)


@dataclass(frozen=True)
class KommuneSpec:
    name: str
    slug: str
    kommune_type: str
    bundesland: str
    population: int
    ags: str  # invented: the Kreis numbers 799 (NW) and 399 (RP) do not exist
    mail_domain: str
    units: tuple[UnitSpec, ...]
    seed: str
    unplaced: int = 0  # new staff not yet assigned to a unit (shown under "Was noch fehlt")
    inactive_every: int = 0  # every n-th staff member has left (inactive), 0: none


MUSTERSTADT = KommuneSpec(
    name="Musterstadt",
    slug="musterstadt",
    kommune_type="stadt",
    bundesland="NW",
    population=45_210,
    ags="05799045",
    mail_domain=MAIL_DOMAIN,
    units=parse_units(MUSTERSTADT_ORG),
    seed="musterstadt-2026",
    unplaced=2,
    inactive_every=60,
)
KLEINHAUSEN = KommuneSpec(
    name="Kleinhausen",
    slug="kleinhausen",
    kommune_type="gemeinde",
    bundesland="RP",
    population=3_870,
    ags="07399017",
    mail_domain="kleinhausen.de",
    units=parse_units(KLEINHAUSEN_ORG),
    seed="kleinhausen-2026",
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: the person it belongs to (unit code, position in the unit) and its role."""

    username: str
    password: str
    role: str | None
    description: str
    unit_code: str | None = None
    person_index: int = 0
    scope_unit: str | None = None
    superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin", "Musterstadt-Admin-2026", Role.ADMIN, "Administration (Musterstadt und Kleinhausen)", unit_code="02"
    ),
    DemoLogin(
        "redaktion",
        "Musterstadt-Redaktion-2026",
        Role.EDITOR,
        "Redaktion, nur 32 Ordnungsamt",
        unit_code="32.1",
        person_index=1,
        scope_unit="32",
    ),
    DemoLogin("lesend", "Musterstadt-Lesend-2026", Role.READER, "Lesend", unit_code="01", person_index=1),
    DemoLogin(
        "betrieb",
        "Plattform-Betrieb-2026",
        None,
        "Plattformbetrieb (Zugriff nur begründet, protokolliert)",
        superuser=True,
    ),
)

# --- planning (pure, deterministic) ------------------------------------------------------------


@dataclass
class PersonSpec:
    first_name: str
    last_name: str
    female: bool
    function_title: str
    unit_code: str | None
    is_head: bool = False
    is_active: bool = True
    email: str = ""
    username: str | None = None  # the demo account linked to this person


@dataclass
class KommunePlan:
    spec: KommuneSpec
    people: list[PersonSpec] = field(default_factory=list)

    def unit_name(self, unit: UnitSpec) -> str:
        """Unit names that mention the Verwaltungsspitze follow the head of the Verwaltungsvorstand."""
        mayor = next((p for p in self.people if p.is_head), None)
        return gendered(unit.name, mayor.female if mayor else True)


def transliterate(text: str) -> str:
    """E-mail local part: umlauts as ae/oe/ue, ß as ss, other accents dropped, lower case."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text if ch.isalnum() or ch in ".-")


def gendered(title: str, female: bool) -> str:
    """Resolve "{male/female}" parts, e.g. "Bürgermeister{/in}" → "Bürgermeisterin"."""
    out, rest = [], title
    while "{" in rest:
        before, _, tail = rest.partition("{")
        choice, _, rest = tail.partition("}")
        male_part, _, female_part = choice.partition("/")
        out.extend([before, female_part if female else male_part])
    out.append(rest)
    return "".join(out)


def _new_person(rng: random.Random, function_title: str, unit_code: str | None, *, is_head: bool) -> PersonSpec:
    female = rng.random() < 0.55
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    return PersonSpec(
        first, rng.choice(LAST_NAMES), female, gendered(function_title, female), unit_code, is_head=is_head
    )


def _assign_emails(people: Iterable[PersonSpec], domain: str) -> None:
    taken: set[str] = set()
    for person in people:
        local = f"{transliterate(person.first_name)}.{transliterate(person.last_name)}"
        candidate, n = local, 1
        while candidate in taken:
            n += 1
            candidate = f"{local}{n}"
        taken.add(candidate)
        person.email = f"{candidate}@{domain}"


def plan_kommune(spec: KommuneSpec) -> KommunePlan:
    """All people of a demo Kommune, unit by unit: the head first, then the staff."""
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible demo names, not security
    plan = KommunePlan(spec)
    for unit in spec.units:
        if unit.head is not None:
            plan.people.append(_new_person(rng, unit.head, unit.code, is_head=True))
        for function_title in unit.staff:
            plan.people.append(_new_person(rng, function_title, unit.code, is_head=False))
    for _n in range(spec.unplaced):
        plan.people.append(_new_person(rng, "Neueinstellung – Zuordnung folgt", None, is_head=False))
    if spec.inactive_every:
        staff = [p for p in plan.people if not p.is_head and p.unit_code]
        for person in staff[spec.inactive_every - 1 :: spec.inactive_every]:
            person.is_active = False
    _assign_emails(plan.people, spec.mail_domain)
    return plan


def attach_logins(plan: KommunePlan) -> None:
    """Link each demo account to its person (e.g. `admin` is the CDO of the Stabsstelle)."""
    for login in DEMO_LOGINS:
        if login.unit_code is not None:
            in_unit = [p for p in plan.people if p.unit_code == login.unit_code]
            in_unit[login.person_index].username = login.username


# --- writing (through the services) ------------------------------------------------------------


class DemoExistsError(Exception):
    """The demo data (or one of its accounts) is already in the database."""


def demo_conflicts() -> list[str]:
    """What stands in the way of loading the demo: existing demo Kommunen or user names."""
    conflicts = [
        f"Kommune „{k.name}“ ({k.slug})"
        for k in Kommune.objects.filter(slug__in=[MUSTERSTADT.slug, KLEINHAUSEN.slug]).order_by("slug")
    ]
    conflicts += [
        f"AGS {ags}"
        for ags in Kommune.objects.filter(ags__in=[MUSTERSTADT.ags, KLEINHAUSEN.ags])
        .exclude(slug__in=[MUSTERSTADT.slug, KLEINHAUSEN.slug])
        .values_list("ags", flat=True)
    ]
    names = [login.username for login in DEMO_LOGINS]
    conflicts += [
        f"Benutzerkonto „{u}“"
        for u in User.objects.filter(username__in=names).values_list("username", flat=True).order_by("username")
    ]
    return conflicts


def demo_users_exist() -> bool:
    names = [login.username for login in DEMO_LOGINS]
    return User.objects.filter(username__in=names).count() == len(names)


@dataclass
class DemoSummary:
    kommunen: list[Kommune]
    units: int
    people: int
    users: int
    assignments: int = 0
    assessment: AssessmentSummary | None = None  # the self-assessment (kompass.demo.assessment)
    agenda: AgendaSummary | None = None  # Musterstadt's digital agenda (kompass.demo.agenda)


def load_demo() -> DemoSummary:
    """Create both demo Kommunen with their people and the demo accounts, all or nothing."""
    conflicts = demo_conflicts()
    if conflicts:
        raise DemoExistsError(", ".join(conflicts))
    plans = [plan_kommune(MUSTERSTADT), plan_kommune(KLEINHAUSEN)]
    attach_logins(plans[0])
    with change_context("command"), transaction.atomic():
        users = _create_users(plans[0])
        kommunen, units, people = [], 0, 0
        for plan in plans:
            kommune, unit_map = _create_kommune(plan)
            people += _create_people(kommune, plan, unit_map, users)
            kommunen.append(kommune)
            units += len(unit_map)
        _create_memberships(kommunen, users)
        assignments = load_role_models(kommunen, plans)
        assessment = load_assessment(kommunen)
        agenda = load_agenda(kommunen)
    return DemoSummary(kommunen, units, people, len(users), assignments, assessment, agenda)


def _create_users(plan: KommunePlan) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        person = next((p for p in plan.people if p.username == login.username), None)
        user = User(
            username=login.username,
            first_name=person.first_name if person else "Plattform",
            last_name=person.last_name if person else "Betrieb",
            email=person.email if person else f"betrieb@{MAIL_DOMAIN}",
            is_superuser=login.superuser,
            is_staff=login.superuser,
        )
        user.set_password(login.password)
        user.save()
        users[login.username] = user
    return users


def _create_kommune(plan: KommunePlan) -> tuple[Kommune, dict[str, OrgUnit]]:
    spec = plan.spec
    kommune = Kommune(
        name=spec.name,
        slug=spec.slug,
        kommune_type=spec.kommune_type,
        bundesland=spec.bundesland,
        population=spec.population,
        ags=spec.ags,
    )
    kommune.full_clean()
    kommune.save()
    unit_map: dict[str, OrgUnit] = {}
    for unit in spec.units:
        unit_map[unit.code] = orgunit_create(
            kommune=kommune,
            actor=None,
            data={
                "code": unit.code,
                "name": plan.unit_name(unit),
                "unit_type": unit.unit_type,
                "parent": unit_map[unit.parent] if unit.parent else None,
            },
        )
    return kommune, unit_map


def _create_people(kommune: Kommune, plan: KommunePlan, unit_map: dict[str, OrgUnit], users: dict[str, User]) -> int:
    for spec in plan.people:
        unit = unit_map[spec.unit_code] if spec.unit_code else None
        person = person_create(
            kommune=kommune,
            actor=None,
            data={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "function_title": spec.function_title,
                "org_unit": unit,
                "is_active": spec.is_active,
                "user": users[spec.username] if spec.username else None,
            },
        )
        if spec.is_head and unit is not None:
            orgunit_update(kommune=kommune, actor=None, unit=unit, data={"head": person})
    return len(plan.people)


def _create_memberships(kommunen: list[Kommune], users: dict[str, User]) -> None:
    musterstadt, kleinhausen = kommunen
    for login in DEMO_LOGINS:
        if login.role is None:
            continue
        scope = None
        if login.scope_unit:
            scope = OrgUnit.objects.for_kommune(musterstadt).get(code=login.scope_unit)
        membership_create(
            kommune=musterstadt, actor=None, user=users[login.username], role=login.role, scope_unit=scope
        )
    membership_create(kommune=kleinhausen, actor=None, user=users["admin"], role=Role.ADMIN)


def demo_snapshot() -> dict[str, Any]:
    """The demo data as sorted tuples without primary keys, to compare two loads."""
    slugs = [MUSTERSTADT.slug, KLEINHAUSEN.slug]
    units = (
        OrgUnit.objects.unscoped()
        .filter(kommune__slug__in=slugs)
        .values_list("kommune__slug", "code", "name", "unit_type", "parent__code", "head__email", "depth", "is_active")
    )
    people = (
        Person.objects.unscoped()
        .filter(kommune__slug__in=slugs)
        .values_list(
            "kommune__slug",
            "email",
            "first_name",
            "last_name",
            "function_title",
            "org_unit__code",
            "is_active",
            "user__username",
        )
    )
    members = (
        Membership.objects.unscoped()
        .filter(kommune__slug__in=slugs)
        .values_list("kommune__slug", "user__username", "role", "scope_unit__code")
    )
    return {
        "units": sorted(units, key=repr),
        "people": sorted(people, key=repr),
        "members": sorted(members, key=repr),
        "assignments": role_snapshot(slugs),
        "agenda": agenda_snapshot(slugs),
    }
