"""The role checks ("Rollen-Check"): one small function per rule, each naming its source.

Every rule reads a `CheckData` snapshot (loaded in a fixed number of queries by
`selectors.check_data`) and returns findings. A finding carries a severity, a German explanation
that names the rule and its source, and where to fix it.

The rules are items of the registry `CHECK_RULES`; apps above the role model (the digital agenda,
for instance) add their own rules there in `AppConfig.ready`, together with a `CheckDataLoader`
that loads what their rules read into `CheckData.extra[<loader key>]` — so the Rollen-Check shows
their findings without the roles app importing them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompass.core.percent import percent_text
from kompass.core.registry import Registry
from kompass.org.models import OrgUnit, OrgUnitType
from kompass.roles.markers import short_label
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role, periods_overlap

ERROR, WARNING, NOTE = "fehler", "warnung", "hinweis"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOTE: 2}
SEVERITY_LABELS = {ERROR: "Fehler", WARNING: "Warnung", NOTE: "Hinweis"}
# How well a rule is backed, in the catalogue's words (`Confidence`): "belegt" when a public source
# (a law, a standard, a publication or a documented practice example) says what the rule checks,
# "abgeleitet" when the rule is our own conclusion from sources or practice.
BELEGT, ABGELEITET = "belegt", "abgeleitet"
CONFIDENCES = (BELEGT, ABGELEITET)
CORE_MARKERS = ("cdo", "cio", "isb", "dsb")
# Every marker a rule reads through `holders_of`/`people_with`: `selectors.check_data` loads the
# current holders of these roles (not every current assignment of a Großstadt).
WATCHED_MARKERS = (*CORE_MARKERS, "lotse", "hvb", "personal", "it_betrieb", "it_steuerung")
EXPIRY_WINDOW_DAYS = 60
RECENTLY_EXPIRED_DAYS = 90
COVERED_UNIT_TYPES = (OrgUnitType.FACHBEREICH, OrgUnitType.AMT)
# The units the rules look at: the covered ones and the Verwaltungsvorstand (CDO placement).
CHECKED_UNIT_TYPES = (*COVERED_UNIT_TYPES, OrgUnitType.VERWALTUNGSVORSTAND)
# `CheckData.extra` key of the overlapping assignments (`load_duplicate_assignments`).
DUPLICATES = "roles.duplicates"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    title: str
    explanation: str
    source: str
    fix: tuple[str, dict[str, Any]] | None = None
    # "belegt" or "abgeleitet" (see `CONFIDENCES`); None: the rule's own (`CheckRule.confidence`),
    # which `run_checks` fills in.
    confidence: str | None = None

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass
class CheckData:
    """What the rules read. `current` holds at least every current assignment of a role with a
    `WATCHED_MARKERS` marker, every one ending within the expiry window and every one of a person
    above her Beschäftigungsumfang; `filled` (if given) names every (role, unit) pair with a current assignment,
    else it is taken from `current`."""

    today: datetime.date
    roles: list[Role]
    current: list[Assignment]
    recent_past: list[Assignment]
    activities: list[ActivityTemplate]
    cells: list[RaciCell]
    units: list[OrgUnit]
    filled: set[tuple[int, int | None]] | None = None
    # What registered loaders of other apps added, by loader key (see `CHECK_DATA_LOADERS`).
    extra: dict[str, Any] = field(default_factory=dict)
    _by_marker: dict[str, list[Role]] = field(default_factory=dict, init=False)

    def roles_with(self, marker: str) -> list[Role]:
        if marker not in self._by_marker:
            self._by_marker[marker] = [r for r in self.roles if r.is_active and r.has_marker(marker)]
        return self._by_marker[marker]

    def holders_of(self, marker: str) -> list[Assignment]:
        keys = {r.pk for r in self.roles_with(marker)}
        return [a for a in self.current if a.role_id in keys]

    def people_with(self, marker: str) -> set[int]:
        return {a.person_id for a in self.holders_of(marker)}


def _role_fix(role: Role) -> tuple[str, dict[str, Any]]:
    return ("roles:role_detail", {"pk": role.pk})


def _assignment_fix(a: Assignment) -> tuple[str, dict[str, Any]]:
    return ("roles:assignment_edit", {"pk": a.pk})


percent = percent_text  # German percentage figure without trailing zeros: 12.50 → "12,5"


# --- rules -----------------------------------------------------------------------------------


def rule_raci_one_accountable(data: CheckData) -> list[Finding]:
    """Every activity has exactly one A and at least one R. "Exactly one A" is the general RACI
    convention, not a rule of a municipal source; KGSt-Bericht 6/2017 ("Kommunale IT erfolgreich
    steuern. Teil 2") names clearly regulated responsibilities as a success factor of IT steering.
    Confidence: abgeleitet (the convention applied to the Kommune's matrix)."""
    active = {r.pk for r in data.roles if r.is_active}
    letters: dict[int, list[str]] = defaultdict(list)
    for cell in data.cells:
        if cell.role_id in active:
            letters[cell.activity_id].append(cell.letter)
    findings = []
    source = _(
        "Allgemeine RACI-Konvention (genau eine verantwortliche Rolle je Tätigkeit); KGSt-Bericht 6/2017 "
        "„Kommunale IT erfolgreich steuern. Teil 2“: klar geregelte Verantwortlichkeiten als Erfolgsfaktor"
    )
    for activity in data.activities:
        row = letters.get(activity.pk, [])
        a_count, r_count = row.count("A"), row.count("R")
        problems = []
        if a_count != 1:
            problems.append(_("%(n)d verantwortliche Rollen (A) statt genau einer") % {"n": a_count})
        if r_count < 1:
            problems.append(_("keine durchführende Rolle (R)"))
        if problems:
            findings.append(
                Finding(
                    "raci.eindeutig",
                    ERROR,
                    _("Matrix: „%(name)s“ ist nicht eindeutig geregelt") % {"name": activity.name},
                    _("Regel „Genau ein A, mindestens ein R“: %(problems)s.") % {"problems": "; ".join(problems)},
                    source,
                    ("roles:matrix", {}),
                    ABGELEITET,
                )
            )
    return findings


@dataclass(frozen=True)
class CoreRole:
    """How the Rollen-Check treats a core marker: the severity of a missing holder follows what the
    source says about the role (a legal duty, a standard, a recommendation)."""

    label: Callable[[], str]
    severity: str
    source: Callable[[], str]
    confidence: str
    reason: Callable[[], str]


CORE_ROLES: dict[str, CoreRole] = {
    # No public source makes a CDO mandatory; only about a third of Kommunen have such a post.
    "cdo": CoreRole(
        lambda: "Chief Digital Officer",
        WARNING,
        lambda: _(
            "Empfehlung, keine Pflicht: Keine öffentliche Quelle schreibt die Rolle vor; nach der Studie "
            "„Kommunale Herausforderungen digital meistern“ (im Auftrag des BMWK, 2022) hat gut ein Drittel der "
            "Kommunen eine eigene Stelle für Digitalisierung."
        ),
        ABGELEITET,
        lambda: _(
            "Eine benannte Digitalisierungsverantwortung ist empfohlen, aber nicht vorgeschrieben. Benennen Sie "
            "eine Person oder markieren Sie die Rolle mit Begründung als bewusst nicht besetzt, etwa wenn die "
            "Verwaltungsspitze die Aufgabe selbst trägt."
        ),
    ),
    "cio": CoreRole(
        lambda: "CIO",
        ERROR,
        lambda: _(
            "KGSt-Bericht 9/2016 „Kommunale IT erfolgreich steuern. Teil 1: Das KGSt-Rollenmodell zur IT-Steuerung“"
        ),
        BELEGT,
        lambda: _("Besetzen Sie sie oder markieren Sie sie mit Begründung als bewusst nicht besetzt."),
    ),
    "isb": CoreRole(
        lambda: _("Informationssicherheitsbeauftragte oder -beauftragter"),
        ERROR,
        lambda: _("BSI IT-Grundschutz-Kompendium, Baustein ISMS.1, Anforderung ISMS.1.A4 (Benennung der oder des ISB)"),
        BELEGT,
        lambda: _("Besetzen Sie sie oder markieren Sie sie mit Begründung als bewusst nicht besetzt."),
    ),
    "dsb": CoreRole(
        lambda: _("Datenschutzbeauftragte oder -beauftragter"),
        ERROR,
        lambda: _("DSGVO Art. 37 Abs. 1 Buchst. a (Benennungspflicht für Behörden und öffentliche Stellen)"),
        BELEGT,
        lambda: _("Besetzen Sie sie oder markieren Sie sie mit Begründung als bewusst nicht besetzt."),
    ),
}


def rule_core_roles_filled(data: CheckData) -> list[Finding]:
    """CDO (or an equivalent), CIO, ISB and DSB are filled or deliberately not filled. The severity
    follows the marker's source (`CORE_ROLES`): DSB is a legal duty (DSGVO Art. 37), the ISB a
    requirement of BSI IT-Grundschutz (ISMS.1.A4), the CIO the KGSt role model (KGSt-Bericht 9/2016):
    an error each. The CDO is a recommendation no public source makes mandatory: a warning.

    Several active roles may carry the same marker (the catalogue CDO and the Kommune's own
    "Digitalisierungsbeauftragte oder -beauftragter"): the core role counts as filled when one of them has a current
    holder; the others that are neither filled nor deliberately not filled get a hint. Without a
    holder, being deliberately not filled excuses only when every role with the marker is.
    """
    findings = []
    for marker in CORE_MARKERS:
        core = CORE_ROLES[marker]
        roles = data.roles_with(marker)
        held = {a.role_id for a in data.holders_of(marker)}
        open_roles = [r for r in roles if r.pk not in held and not r.not_filled]
        if held:
            filled_by = next(r for r in roles if r.pk in held)
            findings.extend(_also_marked_unfilled(marker, filled_by, open_roles, core))
        elif open_roles or not roles:
            findings.append(
                Finding(
                    f"kernrolle.{marker}",
                    core.severity,
                    _("Kernrolle nicht besetzt: %(role)s") % {"role": core.label()},
                    _("Regel „Kernrollen besetzt“: Für diese Rolle gibt es keine aktuelle Zuordnung. %(reason)s")
                    % {"reason": core.reason()},
                    core.source(),
                    _role_fix(open_roles[0]) if open_roles else ("roles:role_list", {}),
                    core.confidence,
                )
            )
    return findings


def _also_marked_unfilled(marker: str, filled_by: Role, open_roles: list[Role], core: CoreRole) -> list[Finding]:
    """A hint for every further role with a core marker that nobody holds while another one is filled."""
    label = short_label(marker)
    return [
        Finding(
            f"kernrolle.{marker}.weitere",
            NOTE,
            _("Die Rolle „%(role)s“ trägt ebenfalls die Markierung %(marker)s und ist unbesetzt")
            % {"role": role.name, "marker": label},
            _(
                "Regel „Kernrollen besetzt“: %(marker)s gilt als besetzt, weil „%(filled)s“ besetzt ist. Besetzen "
                "Sie „%(role)s“, markieren Sie sie als bewusst nicht besetzt oder nehmen Sie ihr die Markierung "
                "%(marker)s, wenn „%(filled)s“ die Aufgabe allein trägt."
            )
            % {"marker": label, "filled": filled_by.name, "role": role.name},
            core.source(),
            _role_fix(role),
            core.confidence,
        )
        for role in open_roles
    ]


def lotse_unit(a: Assignment) -> OrgUnit | None:
    """The unit a Lotse works for: the assignment's unit, else the person's own unit."""
    return role_unit(a)


@dataclass
class Coverage:
    units: list[tuple[OrgUnit, list[Assignment]]]

    @property
    def covered(self) -> int:
        return sum(1 for _unit, lotsen in self.units if lotsen)

    @property
    def percent(self) -> int:
        return round(100 * self.covered / len(self.units)) if self.units else 100


def lotse_coverage(data: CheckData) -> Coverage:
    """Per Fachbereich/Amt: the Lotsen working for it or for a unit below it."""
    by_path: dict[str, list[Assignment]] = defaultdict(list)
    for a in data.holders_of("lotse"):
        unit = lotse_unit(a)
        parts = unit.path.split("/")[:-1] if unit is not None else []
        for n in range(1, len(parts) + 1):  # the Lotse works for her unit and every unit above it
            by_path["/".join(parts[:n]) + "/"].append(a)
    return Coverage(
        [
            (unit, by_path.get(unit.path, []))
            for unit in data.units
            if unit.unit_type in COVERED_UNIT_TYPES and unit.is_active
        ]
    )


def rule_lotse_coverage(data: CheckData) -> list[Finding]:
    """At least one Lotse per Fachbereich/Amt. Source: the practice of Stadt Konstanz, whose
    Digitallotsen network took at least one person from each of its 23 Ämter and Bereiche
    (konstanz.de, Digitallotsen). Confidence: belegt (a documented practice example)."""
    coverage = lotse_coverage(data)
    source = _(
        "Praxis der Stadt Konstanz: Für ihr Netzwerk der Digitallotsinnen und Digitallotsen wurde aus jedem der "
        "23 Ämter und Bereiche mindestens eine Person ausgewählt (Stadt Konstanz, Projektseite Digitallotsen)"
    )
    return [
        Finding(
            "lotsen.abdeckung",
            WARNING,
            _("Ohne Digitale Lotsin oder Digitalen Lotsen: %(unit)s") % {"unit": f"{unit.code} {unit.name}"},
            _(
                "Regel „Jede Organisationseinheit hat eine Lotsin oder einen Lotsen“. Abdeckung insgesamt: "
                "%(percent)d %% (%(covered)d von %(total)d)."
            )
            % {"percent": coverage.percent, "covered": coverage.covered, "total": len(coverage.units)},
            source,
            ("roles:assignment_create", {}),
            BELEGT,
        )
        for unit, lotsen in coverage.units
        if not lotsen
    ]


def rule_lotse_time_and_approval(data: CheckData) -> list[Finding]:
    """Every Lotse has a fixed time share > 0 and an approving line manager.

    The time share rests on the survey of 81 Lotsinnen and Lotsen in the bachelor thesis
    "Digitallotsen als Treiber der Transformation?" (Sophia Blank, Hochschule Kehl, 2025), which
    recommends fixed time quotas (feste Zeitkontingente): belegt. That the line manager approves
    the quota is our conclusion (no source says who approves): abgeleitet. Two kinds of finding,
    each with its own source.
    """
    time_source = _(
        "Bachelorarbeit „Digitallotsen als Treiber der Transformation?“ (Sophia Blank, Hochschule Kehl, 2025): "
        "Befragung von 81 Lotsinnen und Lotsen, Empfehlung fester Zeitkontingente"
    )
    approval_source = _(
        "abgeleitet: Ein fester Zeitanteil braucht die Zustimmung der Führungskraft, die die Arbeitszeit "
        "verantwortet; keine Quelle legt fest, wer ihn freigibt"
    )
    findings = []
    for a in data.holders_of("lotse"):
        holder = {"person": a.person, "as_role": a.role.as_holder}
        if a.time_share <= 0:
            findings.append(
                Finding(
                    "lotsen.zeitanteil",
                    WARNING,
                    _("%(person)s %(as_role)s: kein Zeitanteil") % holder,
                    _(
                        "Regel „Fester Zeitanteil für jede Lotsin, jeden Lotsen“: Ohne festen Zeitanteil fehlt im "
                        "Arbeitsalltag die Zeit für die Rolle."
                    ),
                    time_source,
                    _assignment_fix(a),
                    BELEGT,
                )
            )
        if a.approved_by_id is None:
            findings.append(
                Finding(
                    "lotsen.freigabe",
                    WARNING,
                    _("%(person)s %(as_role)s: keine Freigabe durch die Führungskraft") % holder,
                    _(
                        "Regel „Freigabe des Zeitanteils durch die Führungskraft“: Tragen Sie ein, wer den Zeitanteil "
                        "freigegeben hat, damit er im Arbeitsalltag auch gilt."
                    ),
                    approval_source,
                    _assignment_fix(a),
                    ABGELEITET,
                )
            )
    return findings


OK, OVERLOAD, LOTSE_EXTRA = "ok", "ueberlastung", "lotse_zusaetzlich"


@dataclass(frozen=True)
class PersonLoad:
    """A person's current time shares against her Beschäftigungsumfang (both in percent of a
    full-time post). `lotse` is the part of `total` in roles with the Lotse marker."""

    capacity: Decimal
    total: Decimal
    lotse: Decimal = Decimal(0)

    @property
    def other(self) -> Decimal:
        return self.total - self.lotse

    @property
    def extra(self) -> Decimal:
        """How far the time shares go beyond the Beschäftigungsumfang."""
        return max(self.total - self.capacity, Decimal(0))

    @property
    def state(self) -> str:
        """OK within the Beschäftigungsumfang; LOTSE_EXTRA when only a Lotse role beside the post
        goes beyond it (the other roles fit in, the Lotse share is at most half the post);
        OVERLOAD otherwise. See `rule_person_overload`."""
        if self.total <= self.capacity:
            return OK
        if self.other <= self.capacity and 0 < self.lotse <= self.capacity / 2:
            return LOTSE_EXTRA
        return OVERLOAD


def person_load(capacity: Decimal, assignments: Iterable[Assignment]) -> PersonLoad:
    """The load of one person from her current assignments (their roles loaded)."""
    total = lotse = Decimal(0)
    for a in assignments:
        total += a.time_share
        if a.role.has_marker("lotse"):
            lotse += a.time_share
    return PersonLoad(capacity, total, lotse)


def rule_person_overload(data: CheckData) -> list[Finding]:
    """The current time shares of a person fit into her Beschäftigungsumfang (`Person.employment_percent`,
    percent of a full-time post like the time shares; 100 unless entered).

    Semantics (abgeleitet — no public source sets a limit; the time shares and the Beschäftigungsumfang
    are the Kommune's own data): the sum of the current time shares above the Beschäftigungsumfang is
    an overload (Fehler) — a part-time person with 50 % and roles of 60 % is overloaded. One exception:
    a Lotse role is a side role, whose fixed time quota is meant to be released from the person's post
    (Befragung HS Kehl 2025: feste Zeitkontingente; Stadt Konstanz: the time burden is underestimated).
    When the other roles fit into the Beschäftigungsumfang and only the Lotse share (at most half the
    post) goes beyond it, the finding says so — "Lotsenrolle neben voller Stelle: 10 % zusätzlich" —
    as a warning that the Lotse time is not released, not as an overload of 110 %. A Lotse share above
    half the post is no side role: that counts as overload again.
    """
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in data.current:
        by_person[a.person_id].append(a)
    findings = []
    for person_id in sorted(by_person):
        items = sorted(by_person[person_id], key=lambda a: (a.role.position, a.pk))  # the same text everywhere
        person = items[0].person
        load = person_load(person.employment_percent, items)
        if load.state == OK:
            continue
        detail = "; ".join(f"{a.role.name} {percent(a.time_share)} %" for a in items)
        if load.state == OVERLOAD:
            findings.append(
                Finding(
                    "person.ueberlastung",
                    ERROR,
                    _("%(person)s: %(total)s %% Zeitanteil bei %(capacity)s %% Beschäftigungsumfang")
                    % {"person": person, "total": percent(load.total), "capacity": percent(load.capacity)},
                    _(
                        "Regel „Zeitanteile passen in den Beschäftigungsumfang“: %(detail)s. Verringern Sie "
                        "Zeitanteile, verteilen Sie Rollen um oder prüfen Sie den Beschäftigungsumfang der Person."
                    )
                    % {"detail": detail},
                    _("abgeleitet (Zeitanteile aus den Rollenzuordnungen, Beschäftigungsumfang der Person)"),
                    _assignment_fix(items[0]),
                    ABGELEITET,
                )
            )
            continue
        lotse = next(a for a in items if a.role.has_marker("lotse"))
        if load.capacity >= 100:
            title = _("%(person)s: Lotsenrolle neben voller Stelle: %(extra)s %% zusätzlich")
        else:
            title = _("%(person)s: Lotsenrolle neben Teilzeitstelle (%(capacity)s %%): %(extra)s %% zusätzlich")
        findings.append(
            Finding(
                "person.lotse_zusaetzlich",
                WARNING,
                title % {"person": person, "extra": percent(load.extra), "capacity": percent(load.capacity)},
                _(
                    "Regel „Lotsenzeit aus der Stelle freistellen“: Die übrigen Rollen füllen %(other)s %% von "
                    "%(capacity)s %% Beschäftigungsumfang, die Lotsenrolle kommt mit %(lotse)s %% hinzu (%(detail)s). "
                    "Das ist keine Überlastung im Sinne des Rollen-Checks, aber die Zeit für die Lotsenrolle ist nicht "
                    "freigestellt: Verringern Sie den Zeitanteil der übrigen Rollen entsprechend."
                )
                % {
                    "other": percent(load.other),
                    "capacity": percent(load.capacity),
                    "lotse": percent(load.lotse),
                    "detail": detail,
                },
                _("Befragung HS Kehl 2025 (feste Zeitkontingente); Erfahrung Stadt Konstanz; abgeleitet"),
                _assignment_fix(lotse),
                ABGELEITET,
            )
        )
    return findings


def rule_it_steering_in_house(data: CheckData) -> list[Finding]:
    """IT steering is not held only by people of an external body.

    Source: KGSt-Bericht 9/2016 „Kommunale IT erfolgreich steuern. Teil 1: Das KGSt®-Rollenmodell zur
    IT-Steuerung“ (KGSt, 2016; summary on kgst.de): the steering of the IT is a task of every
    administration itself, may not be outsourced and is carried out by the strategic management, the
    Verwaltungsvorstand; KGSt, Themenfeld IT-Steuerung: unlike the operative IT service, it cannot be
    delegated to an IT-Dienstleister. Confidence: belegt.

    The IT steering is every active role with the marker CIO or IT-Steuerung. The rule fires when these
    roles have current holders and every one of them belongs to an external body (`Person.employer_kind`);
    one holder of the own administration suffices (an external IT-Controlling beside an own CIO is fine).
    No holder at all is the core-role rule's finding (CIO), not this one's.
    """
    holders = [a for marker in ("cio", "it_steuerung") for a in data.holders_of(marker)]
    if not holders or any(not a.person.is_external for a in holders):
        return []
    items = sorted({a.pk: a for a in holders}.values(), key=lambda a: (a.role.position, a.pk))
    detail = "; ".join(
        _("%(person)s (%(employer)s) %(as_role)s")
        % {"person": a.person, "employer": a.person.employer_name, "as_role": a.role.as_holder}
        for a in items
    )
    return [
        Finding(
            "it_steuerung.extern",
            ERROR,
            _("Die IT-Steuerung liegt nur bei externen Stellen"),
            _(
                "Regel „IT-Steuerung bleibt in der Verwaltung“: Alle aktuellen Inhaberinnen und Inhaber der Rollen "
                "mit der Markierung CIO oder IT-Steuerung gehören zu externen Stellen: %(detail)s. Die Steuerung der "
                "IT ist eine Führungsaufgabe der Verwaltung und lässt sich nicht an einen IT-Dienstleister auslagern; "
                "ordnen Sie die CIO-Rolle einer Person der eigenen Verwaltung zu, in der Regel der oder dem für IT "
                "zuständigen Beigeordneten."
            )
            % {"detail": detail},
            _(
                "KGSt-Bericht 9/2016 „Kommunale IT erfolgreich steuern. Teil 1: Das KGSt®-Rollenmodell zur "
                "IT-Steuerung“ (die IT-Steuerung darf nicht ausgelagert werden)"
            ),
            _role_fix(items[0].role),
            BELEGT,
        )
    ]


def _same_people(data: CheckData, first: str, others: Iterable[str]) -> dict[int, list[str]]:
    holders = data.people_with(first)
    hits: dict[int, list[str]] = defaultdict(list)
    for marker in others:
        for person_id in holders & data.people_with(marker):
            hits[person_id].append(marker)
    return hits


def _person_name(data: CheckData, person_id: int) -> str:
    return next(str(a.person) for a in data.current if a.person_id == person_id)


MARKER_LABELS = {
    "hvb": "Verwaltungsleitung (HVB)",
    "cio": "IT-Leitung (CIO)",
    "it_betrieb": "Leitung IT-Betrieb",
    "personal": "Personalleitung",
    "cdo": "CDO",
    "isb": "ISB",
    "dsb": "DSB",
}
# Markers whose every holder leads (the Verwaltungsspitze, the CIO in the Verwaltungsvorstand) and
# markers of a field whose holders lead it only when they head the unit the role is for.
LEADING_MARKERS = ("hvb", "cio")
FIELD_MARKERS = ("it_betrieb", "personal")


def role_unit(a: Assignment) -> OrgUnit | None:
    """The unit a role is held for: the assignment's unit, else the person's own unit."""
    return a.org_unit if a.org_unit_id else a.person.org_unit


def leads_role_unit(a: Assignment) -> bool:
    """Whether the holder heads the unit the role is held for (`OrgUnit.head`): the head of the
    Personalamt holding the HR role is the Personalleitung, a clerk of it is not."""
    unit = role_unit(a)
    return unit is not None and unit.head_id is not None and unit.head_id == a.person_id


def leaders_with(data: CheckData, marker: str) -> set[int]:
    """The people who hold a role with `marker` as its Leitung (see `LEADING_MARKERS`, `FIELD_MARKERS`)."""
    if marker in LEADING_MARKERS:
        return data.people_with(marker)
    return {a.person_id for a in data.holders_of(marker) if leads_role_unit(a)}


def rule_dsb_conflict(data: CheckData) -> list[Finding]:
    """The DSB should not also be the Verwaltungsleitung, the IT-Leitung (CIO), the Leitung of IT
    operations or the Personalleitung: check it. DSGVO Art. 38(6) forbids other tasks that result in
    a conflict of interests; the EuGH (9 February 2023, C-453/21, X-FAB Dresden) holds that a conflict
    can exist when the other tasks lead the DSB to determine the purposes and means of processing, to
    be judged case by case. The typical conflicting positions (senior management, head of IT, head of
    HR) come from the Article 29 Working Party's Guidelines on DPOs (WP 243 rev.01, section 3.5),
    endorsed by the EDPB. So the rule fires only for the Leitung of IT operations or HR (the person
    heads the unit the role is held for), not for every holder of those roles, and says "prüfen".
    Confidence: belegt."""
    hits: dict[int, list[str]] = defaultdict(list)
    dsb = data.people_with("dsb")
    for marker in (*LEADING_MARKERS, *FIELD_MARKERS):
        for person_id in sorted(dsb & leaders_with(data, marker)):
            hits[person_id].append(marker)
    return [
        Finding(
            "konflikt.dsb",
            WARNING,
            _("Interessenkonflikt prüfen: %(person)s ist DSB und %(roles)s")
            % {"person": _person_name(data, pid), "roles": ", ".join(MARKER_LABELS[m] for m in markers)},
            _(
                "Regel „Interessenkonflikte beim Datenschutz prüfen“: Wer als Leitung Zwecke und Mittel einer "
                "Verarbeitung festlegt, kontrolliert sich als DSB selbst. Ob ein Konflikt besteht, ist im Einzelfall "
                "nach Aufgaben und Organisation zu beurteilen. Prüfen Sie die Doppelrolle und halten Sie das Ergebnis "
                "fest oder trennen Sie die Rollen."
            ),
            _(
                "DSGVO Art. 38 Abs. 6; EuGH, Urteil vom 9. Februar 2023, C-453/21 (Konflikt möglich, Prüfung im "
                "Einzelfall); Artikel-29-Datenschutzgruppe, Leitlinien in Bezug auf Datenschutzbeauftragte "
                "(WP 243 rev.01, Abschnitt 3.5, vom Europäischen Datenschutzausschuss bestätigt): typischerweise "
                "unvereinbar sind Leitungspositionen wie Behörden-, IT- oder Personalleitung"
            ),
            ("roles:assignment_list", {}),
            BELEGT,
        )
        for pid, markers in sorted(hits.items())
    ]


def rule_isb_not_it_operations(data: CheckData) -> list[Finding]:
    """The ISB should not work in IT operations. BSI IT-Grundschutz-Kompendium ORP.1.A4
    ("Funktionstrennung zwischen unvereinbaren Aufgaben") requires an institution to name and
    separate incompatible tasks; that the ISB, who checks security, and IT operations, whose work is
    checked, are such a pair is our conclusion. Confidence: abgeleitet."""
    hits = _same_people(data, "isb", ("it_betrieb",))
    leaders = leaders_with(data, "it_betrieb")
    return [
        Finding(
            "konflikt.isb",
            WARNING,
            (
                _("%(person)s ist ISB und leitet den IT-Betrieb")
                if pid in leaders
                else _("%(person)s ist ISB und arbeitet im IT-Betrieb")
            )
            % {"person": _person_name(data, pid)},
            _(
                "Regel „ISB unabhängig vom IT-Betrieb“: Wer im IT-Betrieb arbeitet oder ihn leitet, prüft als ISB "
                "die Sicherheit der eigenen Arbeit. Trennen Sie die Rollen oder sorgen Sie für eine unabhängige "
                "Prüfung."
            ),
            _(
                "BSI IT-Grundschutz-Kompendium, Anforderung ORP.1.A4 „Funktionstrennung zwischen unvereinbaren "
                "Aufgaben“; dass ISB und IT-Betrieb unvereinbar sind, ist abgeleitet"
            ),
            ("roles:assignment_list", {}),
            ABGELEITET,
        )
        for pid in sorted(hits)
    ]


@dataclass(frozen=True)
class Bundle:
    """Two roles in one person that a source discusses, with that source's reason."""

    first: str
    second: str
    title: Callable[[], str]
    reason: Callable[[], str]
    source: Callable[[], str]
    confidence: str


# The pairs the sources discuss. Not flagged: CDO and CIO in one person (the KGSt role model lets
# the Beigeordnete in the Verwaltungsvorstand hold the CIO role; no source calls the pair a risk).
BUNDLES: tuple[Bundle, ...] = (
    Bundle(
        "cdo",
        "isb",
        lambda: _("%(person)s ist zugleich CDO und ISB"),
        lambda: _(
            "Regel „Rollenbündelung prüfen: CDO und ISB“: In kleinen Kommunen kommt das vor; im Landkreis "
            "Lüchow-Dannenberg etwa leitet die CDO die Stabsstelle Digitalisierung und ist zugleich "
            "Informationssicherheits- und Notfallbeauftragte. Wer die "
            "Digitalisierung vorantreibt, prüft dann auch ihre Sicherheit; sorgen Sie für Vertretung, genug Zeit "
            "für beide Rollen und eine unabhängige Prüfung der Sicherheit."
        ),
        lambda: _(
            "Praxisbeispiel Landkreis Lüchow-Dannenberg (Interview „CDO aus Leidenschaft“, Kommune21); Risiko "
            "abgeleitet "
            "aus BSI IT-Grundschutz-Kompendium ORP.1.A4 (Funktionstrennung)"
        ),
        ABGELEITET,
    ),
    Bundle(
        "cio",
        "isb",
        lambda: _("%(person)s ist zugleich CIO und ISB"),
        lambda: _(
            "Regel „Rollenbündelung prüfen: CIO und ISB“: Wer die IT verantwortet, prüft als ISB die Sicherheit "
            "der eigenen Entscheidungen. Trennen Sie die Rollen oder sorgen Sie für eine unabhängige Prüfung, etwa "
            "durch eine externe Stelle."
        ),
        lambda: _(
            "BSI IT-Grundschutz-Kompendium, Anforderung ORP.1.A4 „Funktionstrennung zwischen unvereinbaren "
            "Aufgaben“; dass CIO und ISB unvereinbar sind, ist abgeleitet"
        ),
        ABGELEITET,
    ),
)


def rule_role_bundling(data: CheckData) -> list[Finding]:
    """Flag the pairs of roles in one person that the sources discuss (`BUNDLES`), each with its own
    reason and source: CDO and ISB (practice Landkreis Lüchow-Dannenberg, where the CDO is also ISB),
    CIO and ISB (BSI IT-Grundschutz ORP.1.A4, Funktionstrennung). Common in small Kommunen, so a
    warning. Confidence: abgeleitet (the risk is our conclusion)."""
    return [
        Finding(
            f"buendelung.{bundle.first}_{bundle.second}",
            WARNING,
            bundle.title() % {"person": _person_name(data, pid)},
            bundle.reason(),
            bundle.source(),
            ("roles:assignment_list", {}),
            bundle.confidence,
        )
        for bundle in BUNDLES
        for pid in sorted(data.people_with(bundle.first) & data.people_with(bundle.second))
    ]


def rule_cdo_placement(data: CheckData) -> list[Finding]:
    """A hint, worded as a question, when the CDO sits more than one level below the
    Verwaltungsvorstand. No source sets a level: the study "Kommunale Herausforderungen digital
    meistern" (commissioned by the BMWK, 2022) finds CDO posts as Stabsstellen at the mayor's office
    and as lead posts in Fachabteilungen; the Trendreport Digitaler Staat 2022 names the backing of
    the top as central. The threshold "one level" is ours. Confidence: abgeleitet."""
    tops = [u for u in data.units if u.unit_type == OrgUnitType.VERWALTUNGSVORSTAND]
    top_depth = min((u.depth for u in tops), default=0)
    findings = []
    for a in data.holders_of("cdo"):
        unit = role_unit(a)
        if unit is not None and unit.depth - top_depth > 1:
            findings.append(
                Finding(
                    "verortung.cdo",
                    NOTE,
                    _("Nah genug an der Verwaltungsspitze? CDO %(person)s ist in %(unit)s verortet")
                    % {"person": a.person, "unit": f"{unit.code} {unit.name}"},
                    _(
                        "Frage zur Verortung der CDO-Funktion: Hat sie von dort direkten Zugang zur Verwaltungsspitze "
                        "und den Rückhalt, gesamtkommunal zu steuern? Keine Quelle schreibt eine Ebene vor; "
                        "CDO-Stellen gibt es als Stabsstelle bei der Verwaltungsspitze wie als Leitungsstelle in einer "
                        "Fachabteilung. Ist die Verortung bewusst so gewählt, ist nichts zu tun."
                    ),
                    _(
                        "Studie „Kommunale Herausforderungen digital meistern“ (im Auftrag des BMWK, 2022): "
                        "CDO-Stellen als Stabsstellen bei der Verwaltungsspitze oder als Leitungsstellen in "
                        "Fachabteilungen; Trendreport Digitaler Staat 2022: Rückhalt der Verwaltungsspitze als "
                        "zentraler Faktor; die Schwelle „mehr als eine Ebene unter dem Verwaltungsvorstand“ ist "
                        "abgeleitet"
                    ),
                    _assignment_fix(a),
                    ABGELEITET,
                )
            )
    return findings


def rule_assignment_expiry(data: CheckData) -> list[Finding]:
    """Assignments that end within 60 days, or ended recently without a successor (derived)."""
    findings = []
    soon = data.today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    for a in data.current:
        if a.valid_until is not None and a.valid_until <= soon:
            findings.append(
                Finding(
                    "zuordnung.endet",
                    WARNING,
                    _("Endet bald: %(person)s %(as_role)s am %(date)s")
                    % {"person": a.person, "as_role": a.role.as_holder, "date": a.valid_until.strftime("%d.%m.%Y")},
                    _("Regel „Auslaufende Zuordnungen rechtzeitig verlängern oder nachbesetzen“ (Frist %(days)d Tage).")
                    % {"days": EXPIRY_WINDOW_DAYS},
                    _("abgeleitet"),
                    _assignment_fix(a),
                )
            )
    filled = set(data.filled) if data.filled is not None else {(a.role_id, a.org_unit_id) for a in data.current}
    for a in data.recent_past:
        if (a.role_id, a.org_unit_id) not in filled:
            findings.append(
                Finding(
                    "zuordnung.abgelaufen",
                    WARNING,
                    _("Abgelaufen ohne Nachfolge: %(role)s (zuletzt %(person)s)")
                    % {"person": a.person, "role": a.role.name},
                    _("Regel „Abgelaufene Zuordnungen nachbesetzen“: seit %(date)s ist niemand zugeordnet.")
                    % {"date": a.valid_until.strftime("%d.%m.%Y") if a.valid_until else "?"},
                    _("abgeleitet"),
                    ("roles:assignment_create", {}),
                )
            )
            filled.add((a.role_id, a.org_unit_id))
    return findings


def rule_key_roles_deputy(data: CheckData) -> list[Finding]:
    """Key roles (CDO, CIO, ISB, DSB) have a deputy. BSI IT-Grundschutz-Kompendium ORP.2.A3
    (Vertretungsregelungen, Baustein ORP.2 Personal) asks for workable deputy arrangements for the
    essential tasks. Confidence: belegt."""
    return [
        Finding(
            "vertretung.kernrolle",
            WARNING,
            _("Keine Vertretung: %(person)s %(as_role)s") % {"person": a.person, "as_role": a.role.as_holder},
            _("Regel „Schlüsselrollen haben eine Vertretung“."),
            _("BSI IT-Grundschutz-Kompendium, Anforderung ORP.2.A3 (Vertretungsregelungen)"),
            _assignment_fix(a),
            BELEGT,
        )
        for marker in CORE_MARKERS
        for a in data.holders_of(marker)
        if a.deputy_id is None
    ]


def rule_no_duplicate_assignments(data: CheckData) -> list[Finding]:
    """One person holds a role for one unit only once at a time: two assignments of the same person,
    role and unit with overlapping periods count time share and coverage twice (derived; the form,
    the API and the import refuse new duplicates, this rule finds older ones)."""
    findings = []
    for earlier, later in data.extra.get(DUPLICATES, []):
        unit = f" ({later.org_unit})" if later.org_unit_id else ""
        until = earlier.valid_until.strftime("%d.%m.%Y") if earlier.valid_until else _("offen")
        findings.append(
            Finding(
                "zuordnung.doppelt",
                ERROR,
                _("Doppelte Zuordnung: %(person)s %(role)s%(unit)s")
                % {"person": later.person, "role": later.role.as_holder, "unit": unit},
                _(
                    "Regel „Keine doppelten Zuordnungen“: Die Zuordnung ab %(later)s überschneidet sich mit der "
                    "Zuordnung vom %(earlier)s (bis %(until)s). Zeitanteil und Besetzung zählen so doppelt; "
                    "beenden oder löschen Sie eine der beiden."
                )
                % {
                    "later": later.valid_from.strftime("%d.%m.%Y"),
                    "earlier": earlier.valid_from.strftime("%d.%m.%Y"),
                    "until": until,
                },
                _("abgeleitet (eine Person hat eine Rolle je Einheit zur selben Zeit nur einmal)"),
                _assignment_fix(later),
            )
        )
    return findings


def load_duplicate_assignments(kommune: Any, on: datetime.date) -> list[tuple[Assignment, Assignment]]:
    """Pairs (earlier, later) of assignments of the same person, role and unit whose periods overlap,
    at any time (history included). The periods of the people who hold a role for a unit more than
    once are read as plain values (a Großstadt's history makes that most assignments); only the
    assignments of the overlapping pairs are then loaded as objects."""
    assignments = Assignment.objects.for_kommune(kommune)
    repeated = assignments.order_by().values("person_id", "role_id", "org_unit_id").annotate(n=Count("pk"))
    periods = (
        assignments.filter(person_id__in=repeated.filter(n__gt=1).values("person_id"))
        .order_by("valid_from", "pk")
        .values_list("pk", "person_id", "role_id", "org_unit_id", "valid_from", "valid_until")
    )
    by_holder: dict[tuple[int, int, int | None], list[tuple[int, datetime.date, datetime.date | None]]]
    by_holder = defaultdict(list)
    for pk, person_id, role_id, unit_id, valid_from, valid_until in periods:
        by_holder[(person_id, role_id, unit_id)].append((pk, valid_from, valid_until))
    pair_ids = []
    for items in by_holder.values():
        for n, (later, later_from, later_until) in enumerate(items):
            earlier = next(
                (pk for pk, start, end in items[:n] if periods_overlap(start, end, later_from, later_until)), None
            )
            if earlier is not None:
                pair_ids.append((earlier, later))
    wanted = {pk for pair in pair_ids for pk in pair}
    by_pk = {a.pk: a for a in assignments.filter(pk__in=wanted).select_related("person", "role", "org_unit")}
    pairs = [(by_pk[earlier], by_pk[later]) for earlier, later in pair_ids]
    return sorted(pairs, key=lambda pair: (str(pair[1].person), pair[1].role.position, pair[1].pk))


@dataclass(frozen=True)
class CheckRule:
    """A rule of the Rollen-Check: `check` reads the snapshot and returns findings. Its docstring
    names the rule's source (a law, the KGSt report, a practice example); `confidence` says how
    well that source backs the rule ("belegt" or "abgeleitet"). A finding may state its own
    confidence when one rule checks things of different backing (the core roles); the others
    show the rule's."""

    key: str
    check: Callable[[CheckData], list[Finding]]
    order: int = 100
    confidence: str = ABGELEITET


@dataclass(frozen=True)
class CheckDataLoader:
    """Loads what another app's rules read, in a fixed number of queries, into
    `CheckData.extra[key]`; called by `selectors.check_data` with the Kommune and the check date."""

    key: str
    load: Callable[[Any, datetime.date], Any]
    order: int = 100


def _validate_rule(rule: CheckRule) -> None:
    if not callable(rule.check):
        raise ImproperlyConfigured(f"check rule {rule.key!r}: check is not callable")
    if not (rule.check.__doc__ or "").strip():
        raise ImproperlyConfigured(f"check rule {rule.key!r}: the rule's docstring must name its source")
    if rule.confidence not in CONFIDENCES:
        raise ImproperlyConfigured(f"check rule {rule.key!r}: confidence must be one of {CONFIDENCES}")


def _validate_loader(loader: CheckDataLoader) -> None:
    if not callable(loader.load):
        raise ImproperlyConfigured(f"check data loader {loader.key!r}: load is not callable")


CHECK_RULES: Registry[CheckRule] = Registry("roles.check_rules", _validate_rule)
CHECK_DATA_LOADERS: Registry[CheckDataLoader] = Registry("roles.check_data_loaders", _validate_loader)


@dataclass(frozen=True)
class FindingGroupTitle:
    """How the Rollen-Check sums up several findings of one kind: `key` is the findings' `rule`
    ("lotsen.abdeckung"), `title(n)` the heading of the group ("17 Fachbereiche und Ämter ohne
    Lotsin oder Lotse"). Kinds without an entry get a neutral heading."""

    key: str
    title: Callable[[int], str]


def _validate_group_title(item: FindingGroupTitle) -> None:
    # Not called here: this module may load before translations can (the registry's test calls it).
    if not callable(item.title):
        raise ImproperlyConfigured(f"finding group {item.key!r}: title is not callable")


FINDING_GROUP_TITLES: Registry[FindingGroupTitle] = Registry("roles.finding_group_titles", _validate_group_title)

# The role model's own rules, in the order the Rollen-Check lists their findings within a severity.
for _position, _rule in enumerate(
    (
        rule_raci_one_accountable,
        rule_core_roles_filled,
        rule_lotse_coverage,
        rule_lotse_time_and_approval,
        rule_person_overload,
        rule_it_steering_in_house,
        rule_dsb_conflict,
        rule_isb_not_it_operations,
        rule_role_bundling,
        rule_cdo_placement,
        rule_assignment_expiry,
        rule_key_roles_deputy,
        rule_no_duplicate_assignments,
    )
):
    CHECK_RULES.register(CheckRule(key=_rule.__name__.removeprefix("rule_"), check=_rule, order=_position))
CHECK_DATA_LOADERS.register(CheckDataLoader(key=DUPLICATES, load=load_duplicate_assignments))


# Headings for repeated findings of the role model's own rules (literal ngettext calls, so that
# makemessages finds both forms).
_GROUP_TITLES: dict[str, Callable[[int], str]] = {
    "raci.eindeutig": lambda n: (
        ngettext(
            "%(n)d Tätigkeit der Matrix ist nicht eindeutig geregelt",
            "%(n)d Tätigkeiten der Matrix sind nicht eindeutig geregelt",
            n,
        )
        % {"n": n}
    ),
    "lotsen.abdeckung": lambda n: (
        ngettext(
            "%(n)d Fachbereich oder Amt ohne Lotsin oder Lotse",
            "%(n)d Fachbereiche und Ämter ohne Lotsin oder Lotse",
            n,
        )
        % {"n": n}
    ),
    "lotsen.zeitanteil": lambda n: (
        ngettext(
            "%(n)d Lotsenrolle ohne Zeitanteil",
            "%(n)d Lotsenrollen ohne Zeitanteil",
            n,
        )
        % {"n": n}
    ),
    "lotsen.freigabe": lambda n: (
        ngettext(
            "%(n)d Lotsenrolle ohne Freigabe durch die Führungskraft",
            "%(n)d Lotsenrollen ohne Freigabe durch die Führungskraft",
            n,
        )
        % {"n": n}
    ),
    "person.ueberlastung": lambda n: (
        ngettext(
            "%(n)d Person mit mehr Zeitanteil als Beschäftigungsumfang",
            "%(n)d Personen mit mehr Zeitanteil als Beschäftigungsumfang",
            n,
        )
        % {"n": n}
    ),
    "person.lotse_zusaetzlich": lambda n: (
        ngettext(
            "%(n)d Lotsenrolle zusätzlich zur ausgefüllten Stelle",
            "%(n)d Lotsenrollen zusätzlich zur ausgefüllten Stelle",
            n,
        )
        % {"n": n}
    ),
    "konflikt.dsb": lambda n: (
        ngettext(
            "%(n)d möglicher Interessenkonflikt beim Datenschutz: prüfen",
            "%(n)d mögliche Interessenkonflikte beim Datenschutz: prüfen",
            n,
        )
        % {"n": n}
    ),
    "konflikt.isb": lambda n: (
        ngettext(
            "%(n)d Person ist ISB und zugleich im IT-Betrieb",
            "%(n)d Personen sind ISB und zugleich im IT-Betrieb",
            n,
        )
        % {"n": n}
    ),
    "buendelung.cdo_isb": lambda n: (
        ngettext(
            "%(n)d Person ist zugleich CDO und ISB",
            "%(n)d Personen sind zugleich CDO und ISB",
            n,
        )
        % {"n": n}
    ),
    "buendelung.cio_isb": lambda n: (
        ngettext(
            "%(n)d Person ist zugleich CIO und ISB",
            "%(n)d Personen sind zugleich CIO und ISB",
            n,
        )
        % {"n": n}
    ),
    "verortung.cdo": lambda n: (
        ngettext(
            "%(n)d CDO-Rolle weit unten in der Linie: nah genug an der Verwaltungsspitze?",
            "%(n)d CDO-Rollen weit unten in der Linie: nah genug an der Verwaltungsspitze?",
            n,
        )
        % {"n": n}
    ),
    "zuordnung.endet": lambda n: (
        ngettext(
            "%(n)d Zuordnung endet bald",
            "%(n)d Zuordnungen enden bald",
            n,
        )
        % {"n": n}
    ),
    "zuordnung.abgelaufen": lambda n: (
        ngettext(
            "%(n)d Zuordnung abgelaufen ohne Nachfolge",
            "%(n)d Zuordnungen abgelaufen ohne Nachfolge",
            n,
        )
        % {"n": n}
    ),
    "zuordnung.doppelt": lambda n: (
        ngettext(
            "%(n)d doppelte Zuordnung",
            "%(n)d doppelte Zuordnungen",
            n,
        )
        % {"n": n}
    ),
    "vertretung.kernrolle": lambda n: (
        ngettext(
            "%(n)d Schlüsselrolle ohne Vertretung",
            "%(n)d Schlüsselrollen ohne Vertretung",
            n,
        )
        % {"n": n}
    ),
}
for _marker in CORE_MARKERS:
    _GROUP_TITLES[f"kernrolle.{_marker}.weitere"] = lambda n: (
        ngettext(
            "%(n)d weitere Rolle mit derselben Markierung ist unbesetzt",
            "%(n)d weitere Rollen mit derselben Markierung sind unbesetzt",
            n,
        )
        % {"n": n}
    )
for _key, _title in _GROUP_TITLES.items():
    FINDING_GROUP_TITLES.register(FindingGroupTitle(key=_key, title=_title))


def group_title(rule: str, n: int) -> str:
    """The heading of `n` findings of the kind `rule`."""
    entry = FINDING_GROUP_TITLES.get(rule)
    if entry is not None:
        return entry.title(n)
    return ngettext("%(n)d Feststellung dieser Art", "%(n)d Feststellungen dieser Art", n) % {"n": n}


def run_checks(data: CheckData) -> list[Finding]:
    """Every registered rule's findings, each with its confidence (the rule's unless it names its own)."""
    findings = [
        finding if finding.confidence else replace(finding, confidence=rule.confidence)
        for rule in CHECK_RULES
        for finding in rule.check(data)
    ]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.title))
