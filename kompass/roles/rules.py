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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompass.core.registry import Registry
from kompass.org.models import OrgUnit, OrgUnitType
from kompass.roles.markers import short_label
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role

ERROR, WARNING, NOTE = "fehler", "warnung", "hinweis"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOTE: 2}
SEVERITY_LABELS = {ERROR: "Fehler", WARNING: "Warnung", NOTE: "Hinweis"}
CORE_MARKERS = ("cdo", "cio", "isb", "dsb")
# Every marker a rule reads through `holders_of`/`people_with`: `selectors.check_data` loads the
# current holders of these roles (not every current assignment of a Großstadt).
WATCHED_MARKERS = (*CORE_MARKERS, "lotse", "hvb", "personal", "it_betrieb")
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

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass
class CheckData:
    """What the rules read. `current` holds at least every current assignment of a role with a
    `WATCHED_MARKERS` marker, every one ending within the expiry window and every one of a person
    above 100 %; `filled` (if given) names every (role, unit) pair with a current assignment,
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


def percent(value: Decimal) -> str:
    """German percentage figure without trailing zeros: 12.50 → "12,5"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- rules -----------------------------------------------------------------------------------


def rule_raci_one_accountable(data: CheckData) -> list[Finding]:
    """Every activity has exactly one A and at least one R (RACI principle; KGSt-Bericht 9/2016:
    clearly regulated responsibilities)."""
    active = {r.pk for r in data.roles if r.is_active}
    letters: dict[int, list[str]] = defaultdict(list)
    for cell in data.cells:
        if cell.role_id in active:
            letters[cell.activity_id].append(cell.letter)
    findings = []
    source = _("RACI-Prinzip; KGSt-Bericht 9/2016 (klar geregelte Verantwortlichkeiten)")
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
                )
            )
    return findings


def rule_core_roles_filled(data: CheckData) -> list[Finding]:
    """CDO (or an equivalent), CIO, ISB and DSB are filled or deliberately not filled
    (KGSt-Bericht 9/2016 and 8/2018; DSGVO Art. 37; BSI IT-Grundschutz ISMS.1).

    Several active roles may carry the same marker (the catalogue CDO and the Kommune's own
    "Digitalisierungsbeauftragte oder -beauftragter"): the core role counts as filled when one of them has a current
    holder; the others that are neither filled nor deliberately not filled get a hint. Without a
    holder, being deliberately not filled excuses only when every role with the marker is.
    """
    labels = {
        "cdo": "Chief Digital Officer",
        "cio": "CIO",
        "isb": _("Informationssicherheitsbeauftragte oder -beauftragter"),
        "dsb": _("Datenschutzbeauftragte oder -beauftragter"),
    }
    sources = {
        "cdo": "KGSt-Bericht 8/2018; KGSt CDO-Netzwerk",
        "cio": "KGSt-Bericht 9/2016",
        "isb": "BSI IT-Grundschutz ISMS.1",
        "dsb": "DSGVO Art. 37",
    }
    findings = []
    for marker in CORE_MARKERS:
        roles = data.roles_with(marker)
        held = {a.role_id for a in data.holders_of(marker)}
        open_roles = [r for r in roles if r.pk not in held and not r.not_filled]
        if held:
            filled_by = next(r for r in roles if r.pk in held)
            findings.extend(_also_marked_unfilled(marker, filled_by, open_roles, sources[marker]))
        elif open_roles or not roles:
            findings.append(
                Finding(
                    f"kernrolle.{marker}",
                    ERROR,
                    _("Kernrolle nicht besetzt: %(role)s") % {"role": labels[marker]},
                    _(
                        "Regel „Kernrollen besetzt“: Für diese Rolle gibt es keine aktuelle Zuordnung. "
                        "Besetzen Sie sie oder markieren Sie sie mit Begründung als bewusst nicht besetzt."
                    ),
                    sources[marker],
                    _role_fix(open_roles[0]) if open_roles else ("roles:role_list", {}),
                )
            )
    return findings


def _also_marked_unfilled(marker: str, filled_by: Role, open_roles: list[Role], source: str) -> list[Finding]:
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
            source,
            _role_fix(role),
        )
        for role in open_roles
    ]


def lotse_unit(a: Assignment) -> OrgUnit | None:
    """The unit a Lotse works for: the assignment's unit, else the person's own unit."""
    return a.org_unit if a.org_unit_id else a.person.org_unit


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
    """At least one Lotse per Fachbereich/Amt (practice Stadt Konstanz: ≥1 Lotse from each of the
    23 Ämter; KGSt Lotsen-Profil 2022)."""
    coverage = lotse_coverage(data)
    source = _("Praxis Stadt Konstanz (mind. eine Lotsin oder ein Lotse je Amt); KGSt 2022")
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
        )
        for unit, lotsen in coverage.units
        if not lotsen
    ]


def rule_lotse_time_and_approval(data: CheckData) -> list[Finding]:
    """Every Lotse has a time share > 0 and an approving line manager (Lotsen survey HS Kehl 2025:
    fixed time quotas; Konstanz: time burden underestimated)."""
    source = _("Befragung HS Kehl 2025 (feste Zeitkontingente); Erfahrung Stadt Konstanz")
    findings = []
    for a in data.holders_of("lotse"):
        missing = []
        if a.time_share <= 0:
            missing.append(_("kein Zeitanteil"))
        if a.approved_by_id is None:
            missing.append(_("keine Freigabe durch die Führungskraft"))
        if missing:
            findings.append(
                Finding(
                    "lotsen.zeit_freigabe",
                    WARNING,
                    _("%(person)s %(as_role)s: %(missing)s")
                    % {"person": a.person, "as_role": a.role.as_holder, "missing": ", ".join(missing)},
                    _(
                        "Regel „Zeitanteil und Freigabe für jede Lotsin, jeden Lotsen“: ohne festen Zeitanteil und "
                        "Zustimmung der Führungskraft fehlt die Zeit für die Rolle."
                    ),
                    source,
                    _assignment_fix(a),
                )
            )
    return findings


def rule_person_overload(data: CheckData) -> list[Finding]:
    """No person above 100 % total time share across roles (derived rule)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    roles: dict[int, list[Assignment]] = defaultdict(list)
    for a in data.current:
        totals[a.person_id] += a.time_share
        roles[a.person_id].append(a)
    findings = []
    for person_id, total in sorted(totals.items()):
        if total > 100:
            items = sorted(roles[person_id], key=lambda a: (a.role.position, a.pk))  # the same text on every database
            detail = "; ".join(f"{a.role.name} {percent(a.time_share)} %" for a in items)
            findings.append(
                Finding(
                    "person.ueberlastung",
                    ERROR,
                    _("%(person)s: %(total)s %% Zeitanteil") % {"person": items[0].person, "total": percent(total)},
                    _("Regel „Höchstens 100 %% Zeitanteil je Person“: %(detail)s.") % {"detail": detail},
                    _("abgeleitet (Zeitanteile aus den Rollenzuordnungen)"),
                    _assignment_fix(items[0]),
                )
            )
    return findings


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
    "it_betrieb": "IT-Betrieb",
    "personal": "Personalleitung",
    "cdo": "CDO",
    "isb": "ISB",
    "dsb": "DSB",
}


def rule_dsb_conflict(data: CheckData) -> list[Finding]:
    """The DSB must not also lead the administration, IT or HR (DSGVO Art. 38(6): no conflict
    of interest; EuGH C-453/21)."""
    hits = _same_people(data, "dsb", ("hvb", "cio", "it_betrieb", "personal"))
    return [
        Finding(
            "konflikt.dsb",
            ERROR,
            _("Interessenkonflikt: %(person)s ist DSB und %(roles)s")
            % {"person": _person_name(data, pid), "roles": ", ".join(MARKER_LABELS[m] for m in markers)},
            _(
                "Regel „Keine Interessenkonflikte beim Datenschutz“: Wer Zwecke und Mittel der Verarbeitung festlegt "
                "(Verwaltungs-, IT- oder Personalleitung), kann sich nicht selbst kontrollieren."
            ),
            _("DSGVO Art. 38 Abs. 6; EuGH, Urteil vom 9. Februar 2023, C-453/21"),
            ("roles:assignment_list", {}),
        )
        for pid, markers in hits.items()
    ]


def rule_isb_not_it_operations(data: CheckData) -> list[Finding]:
    """The ISB should not lead IT operations (BSI IT-Grundschutz ISMS.1: independence of the ISB)."""
    hits = _same_people(data, "isb", ("it_betrieb",))
    return [
        Finding(
            "konflikt.isb",
            WARNING,
            _("%(person)s ist ISB und leitet den IT-Betrieb") % {"person": _person_name(data, pid)},
            _("Regel „ISB unabhängig vom IT-Betrieb“: Wer den Betrieb verantwortet, prüft die eigene Sicherheit."),
            _("BSI IT-Grundschutz-Kompendium, Baustein ISMS.1"),
            ("roles:assignment_list", {}),
        )
        for pid in hits
    ]


def rule_cdo_cio_isb_one_person(data: CheckData) -> list[Finding]:
    """Warn when CDO, CIO and ISB are one person: common in small Kommunen, but a risk
    (practice Lüchow-Dannenberg; derived)."""
    people = data.people_with("cdo") & data.people_with("cio") & data.people_with("isb")
    return [
        Finding(
            "buendelung.cdo_cio_isb",
            WARNING,
            _("%(person)s ist zugleich CDO, CIO und ISB") % {"person": _person_name(data, pid)},
            _(
                "Regel „Rollenbündelung prüfen“: In kleinen Kommunen häufig, aber Steuerung, IT-Verantwortung und "
                "Sicherheitskontrolle liegen dann in einer Hand; sorgen Sie für Vertretung und externe Prüfung."
            ),
            _("Praxis Landkreis Lüchow-Dannenberg (CDO zugleich ISB); abgeleitet"),
            ("roles:assignment_list", {}),
        )
        for pid in sorted(people)
    ]


def rule_cdo_placement(data: CheckData) -> list[Finding]:
    """The CDO sits at most one level below the Verwaltungsvorstand (KGSt CDO-Netzwerk; Trendreport
    2022: backing by the top is the central success factor)."""
    tops = [u for u in data.units if u.unit_type == OrgUnitType.VERWALTUNGSVORSTAND]
    top_depth = min((u.depth for u in tops), default=0)
    findings = []
    for a in data.holders_of("cdo"):
        unit = a.org_unit if a.org_unit_id else a.person.org_unit
        if unit is not None and unit.depth - top_depth > 1:
            findings.append(
                Finding(
                    "verortung.cdo",
                    WARNING,
                    _("CDO %(person)s ist tief in der Linie verortet (%(unit)s)")
                    % {"person": a.person, "unit": f"{unit.code} {unit.name}"},
                    _(
                        "Regel „CDO nah an der Verwaltungsspitze“: höchstens eine Ebene unter dem Verwaltungsvorstand, "
                        "z. B. als Stabsstelle."
                    ),
                    _("KGSt CDO-Netzwerk; Trendreport Digitaler Staat 2022"),
                    _assignment_fix(a),
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
                    _("Endet bald: %(person)s als %(role)s am %(date)s")
                    % {"person": a.person, "role": a.role.name, "date": a.valid_until.strftime("%d.%m.%Y")},
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
    """Key roles (CDO, CIO, ISB, DSB) have a deputy (BSI IT-Grundschutz ORP.2 / ISMS.1:
    Vertretungsregelungen)."""
    return [
        Finding(
            "vertretung.kernrolle",
            WARNING,
            _("Keine Vertretung: %(person)s als %(role)s") % {"person": a.person, "role": a.role.name},
            _("Regel „Schlüsselrollen haben eine Vertretung“."),
            _("BSI IT-Grundschutz ORP.1/ISMS.1 (Vertretungsregelungen)"),
            _assignment_fix(a),
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
    at any time (history included), in one query: the assignments of the people who hold a role for
    a unit more than once."""
    assignments = Assignment.objects.for_kommune(kommune)
    repeated = assignments.order_by().values("person_id", "role_id", "org_unit_id").annotate(n=Count("pk"))
    candidates = (
        assignments.filter(person_id__in=repeated.filter(n__gt=1).values("person_id"))
        .select_related("person", "role", "org_unit")
        .order_by("valid_from", "pk")
    )
    by_holder: dict[tuple[int, int, int | None], list[Assignment]] = defaultdict(list)
    for a in candidates:
        by_holder[(a.person_id, a.role_id, a.org_unit_id)].append(a)
    pairs = []
    for items in by_holder.values():
        for n, later in enumerate(items):
            earlier = next((a for a in items[:n] if a.overlaps(later.valid_from, later.valid_until)), None)
            if earlier is not None:
                pairs.append((earlier, later))
    return sorted(pairs, key=lambda pair: (str(pair[1].person), pair[1].role.position, pair[1].pk))


@dataclass(frozen=True)
class CheckRule:
    """A rule of the Rollen-Check: `check` reads the snapshot and returns findings. Its docstring
    names the rule's source (a law, the KGSt report, a practice example)."""

    key: str
    check: Callable[[CheckData], list[Finding]]
    order: int = 100


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
        rule_dsb_conflict,
        rule_isb_not_it_operations,
        rule_cdo_cio_isb_one_person,
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
    "lotsen.zeit_freigabe": lambda n: (
        ngettext(
            "%(n)d Lotsenrolle ohne Zeitanteil oder Freigabe",
            "%(n)d Lotsenrollen ohne Zeitanteil oder Freigabe",
            n,
        )
        % {"n": n}
    ),
    "person.ueberlastung": lambda n: (
        ngettext(
            "%(n)d Person über 100 %% Zeitanteil",
            "%(n)d Personen über 100 %% Zeitanteil",
            n,
        )
        % {"n": n}
    ),
    "konflikt.dsb": lambda n: (
        ngettext(
            "%(n)d Interessenkonflikt beim Datenschutz",
            "%(n)d Interessenkonflikte beim Datenschutz",
            n,
        )
        % {"n": n}
    ),
    "konflikt.isb": lambda n: (
        ngettext(
            "%(n)d ISB leitet den IT-Betrieb",
            "%(n)d ISB leiten den IT-Betrieb",
            n,
        )
        % {"n": n}
    ),
    "buendelung.cdo_cio_isb": lambda n: (
        ngettext(
            "%(n)d Person ist zugleich CDO, CIO und ISB",
            "%(n)d Personen sind zugleich CDO, CIO und ISB",
            n,
        )
        % {"n": n}
    ),
    "verortung.cdo": lambda n: (
        ngettext(
            "%(n)d CDO tief in der Linie verortet",
            "%(n)d CDO tief in der Linie verortet",
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
    findings = [finding for rule in CHECK_RULES for finding in rule.check(data)]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.title))
