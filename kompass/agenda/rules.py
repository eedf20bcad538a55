"""The agenda's rules in the Rollen-Check: one small function per rule, each naming its source.

The rules read `AgendaCheckData`, which `load_check_data` builds in a fixed number of queries
and the Rollen-Check stores in `CheckData.extra[LOADER_KEY]` (registered in `registrations`);
so the rules stay pure and the roles app does not know the agenda.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompass.agenda.models import KPI, Goal, Measure, MeasureStatus
from kompass.agenda.ownership import KEINE_ROLLE, MEHRDEUTIG, NIEMAND, Ownership
from kompass.roles.rules import ABGELEITET, NOTE, WARNING, CheckData, Finding

LOADER_KEY = "agenda"
# Measures that are over (done or stopped) need no owner and no report any more.
CLOSED = (MeasureStatus.ABGESCHLOSSEN, MeasureStatus.GESTOPPT)


@dataclass
class AgendaCheckData:
    """What the agenda rules read: the open measures with their owners, the goals and KPIs with
    what they lack, the days of the last values and reports, and the Kommune's limits."""

    today: datetime.date
    accountable_limit: int
    report_period_days: int
    kpi_tolerance_days: int
    measures: list[Measure] = field(default_factory=list)
    ownership: dict[int, Ownership] = field(default_factory=dict)
    goals_without_kpi: list[Goal] = field(default_factory=list)
    kpis: list[KPI] = field(default_factory=list)
    last_value: dict[int, datetime.date] = field(default_factory=dict)
    last_report: dict[int, datetime.date] = field(default_factory=dict)


def _data(data: CheckData) -> AgendaCheckData | None:
    return data.extra.get(LOADER_KEY)


def _measure_fix(measure: Measure) -> tuple[str, dict[str, Any]]:
    return ("agenda:measure_detail", {"pk": measure.pk})


def _kpi_fix(kpi: KPI) -> tuple[str, dict[str, Any]]:
    return ("agenda:kpi_detail", {"pk": kpi.pk})


def rule_measure_owner(data: CheckData) -> list[Finding]:
    """Every open measure has one owner: its accountable role is held, and by one person for it.

    Source: abgeleitet — the KGSt's steering by roles (KGSt-Bericht 9/2016 „Kommunale IT erfolgreich
    steuern. Teil 1“; KGSt-Bericht 6/2017: clearly regulated responsibilities as a success factor)
    applied to the agenda: a measure is owned through a role, so the role must be held. How the
    owner is found among several holders is `ownership.resolve_owner`.
    """
    agenda = _data(data)
    if agenda is None:
        return []
    source = _(
        "abgeleitet: KGSt-Bericht 9/2016 „Kommunale IT erfolgreich steuern. Teil 1“ und KGSt-Bericht 6/2017 "
        "(klar geregelte Verantwortlichkeiten); Verantwortung für Maßnahmen über Rollen"
    )
    findings = []
    for measure in agenda.measures:
        owner = agenda.ownership.get(measure.pk)
        if owner is None or owner.is_clear:
            continue
        role = measure.accountable_role
        if owner.state == KEINE_ROLLE:
            title = _("Maßnahme „%(measure)s“ ohne verantwortliche Rolle") % {"measure": measure.title}
            text = _(
                "Regel „Jede Maßnahme hat eine verantwortliche Rolle“: Wählen Sie die Rolle aus dem Rollenmodell, "
                "die für die Maßnahme verantwortlich ist."
            )
            findings.append(
                Finding("agenda.ohne_rolle", WARNING, title, text, source, _measure_fix(measure), ABGELEITET)
            )
        elif owner.state == NIEMAND:
            title = _("Maßnahme „%(measure)s“: Die verantwortliche Rolle „%(role)s“ ist unbesetzt") % {
                "measure": measure.title,
                "role": role.name if role else "",
            }
            text = _(
                "Regel „Die verantwortliche Rolle einer Maßnahme ist besetzt“: Niemand hat die Rolle zurzeit. "
                "Ordnen Sie ihr eine Person zu oder wählen Sie eine andere verantwortliche Rolle."
            )
            findings.append(
                Finding("agenda.rolle_unbesetzt", WARNING, title, text, source, _measure_fix(measure), ABGELEITET)
            )
        elif owner.state == MEHRDEUTIG:
            names = ", ".join(sorted({str(a.person) for a in owner.candidates}))
            title = _("Maßnahme „%(measure)s“: Verantwortung nicht eindeutig") % {"measure": measure.title}
            text = _(
                "Regel „Eine Person verantwortet die Maßnahme“: Die Rolle „%(role)s“ haben mehrere Personen "
                "(%(names)s), und keine ist der federführenden Organisationseinheit der Maßnahme oder einer "
                "übergeordneten allein zugeordnet. Legen Sie die federführende Einheit fest oder ordnen Sie die "
                "Rolle für diese Einheit zu."
            ) % {"role": role.name if role else "", "names": names}
            findings.append(Finding("agenda.mehrdeutig", NOTE, title, text, source, _measure_fix(measure), ABGELEITET))
    return findings


def rule_accountable_limit(data: CheckData) -> list[Finding]:
    """No person is accountable for more open measures than the Kommune's limit (default 8).

    Source: abgeleitet — no public source sets a number; the limit is the Kommune's own setting
    (`AgendaSettings.accountable_limit`), so that the owner can follow each measure month by month.
    """
    agenda = _data(data)
    if agenda is None:
        return []
    by_person: dict[int, list[Measure]] = defaultdict(list)
    people: dict[int, Any] = {}
    for measure in agenda.measures:
        owner = agenda.ownership.get(measure.pk)
        if owner is not None and owner.is_clear and owner.holder is not None:
            by_person[owner.holder.person_id].append(measure)
            people[owner.holder.person_id] = owner.holder.person
    findings = []
    for person_id, items in sorted(by_person.items(), key=lambda pair: str(people[pair[0]])):
        if len(items) <= agenda.accountable_limit:
            continue
        findings.append(
            Finding(
                "agenda.zu_viele_massnahmen",
                WARNING,
                _("%(person)s verantwortet %(n)d Maßnahmen (Grenze: %(limit)d)")
                % {"person": people[person_id], "n": len(items), "limit": agenda.accountable_limit},
                _(
                    "Regel „Höchstzahl verantworteter Maßnahmen je Person“: %(titles)s. Verteilen Sie die "
                    "Verantwortung auf weitere Rollen oder ändern Sie die Grenze in den Einstellungen der Agenda."
                )
                % {"titles": "; ".join(m.title for m in items)},
                _("abgeleitet: Grenze aus den Einstellungen der Digitalen Agenda der Kommune"),
                None,
                ABGELEITET,
            )
        )
    return findings


def rule_goal_has_kpi(data: CheckData) -> list[Finding]:
    """Every goal is measured by at least one KPI.

    Source: KGSt-Bericht 5/2017 „Wirkungsorientiertes Steuern“ (goals with indicators that show
    whether the effect is reached) and issue 10 §2 ("each with at least one KPI"); confidence
    abgeleitet (applied to the agenda's goals).
    """
    agenda = _data(data)
    if agenda is None:
        return []
    return [
        Finding(
            "agenda.ziel_ohne_kennzahl",
            WARNING,
            _("Ziel „%(goal)s“ ohne Kennzahl") % {"goal": goal.title},
            _(
                "Regel „Jedes Ziel hat eine Kennzahl“: Ohne Kennzahl lässt sich nicht zeigen, ob das Ziel erreicht "
                "wird. Legen Sie mindestens eine Kennzahl mit Ausgangs- und Zielwert an."
            ),
            _("KGSt-Bericht 5/2017 „Wirkungsorientiertes Steuern“: Ziele mit Kennzahlen; abgeleitet"),
            ("agenda:goal_detail", {"pk": goal.pk}),
            ABGELEITET,
        )
        for goal in agenda.goals_without_kpi
    ]


def kpi_overdue(kpi: KPI, last: datetime.date | None, today: datetime.date, tolerance: int) -> bool:
    """A KPI's value is overdue when none was measured within its reporting period plus the
    Kommune's tolerance, counted from its newest value (or its baseline date, without any)."""
    since = last or kpi.baseline_on
    return (today - since).days > kpi.period_days + tolerance


def rule_kpi_owner_and_values(data: CheckData) -> list[Finding]:
    """Every KPI has an owner role and a value within its reporting period (plus the Kommune's tolerance).

    Source: abgeleitet — a KPI nobody maintains, or whose values stop, cannot steer (KGSt-Bericht
    5/2017 „Wirkungsorientiertes Steuern“: Kennzahlen need responsibility and regular collection).
    """
    agenda = _data(data)
    if agenda is None:
        return []
    source = _("abgeleitet: KGSt-Bericht 5/2017 „Wirkungsorientiertes Steuern“ (Verantwortung und Erhebung)")
    findings = []
    for kpi in agenda.kpis:
        if kpi.owner_role_id is None:
            findings.append(
                Finding(
                    "agenda.kennzahl_ohne_verantwortung",
                    WARNING,
                    _("Kennzahl „%(kpi)s“ ohne verantwortliche Rolle") % {"kpi": kpi.name},
                    _("Regel „Jede Kennzahl hat eine verantwortliche Rolle“: Wählen Sie die Rolle, die sie erhebt."),
                    source,
                    _kpi_fix(kpi),
                    ABGELEITET,
                )
            )
        last = agenda.last_value.get(kpi.pk)
        if kpi_overdue(kpi, last, agenda.today, agenda.kpi_tolerance_days):
            since = _("seit %(date)s") % {"date": f"{last:%d.%m.%Y}"} if last else _("noch nie")
            findings.append(
                Finding(
                    "agenda.kennzahl_ohne_wert",
                    WARNING,
                    _("Kennzahl „%(kpi)s“: kein aktueller Wert (%(since)s)") % {"kpi": kpi.name, "since": since},
                    _(
                        "Regel „Kennzahlen werden regelmäßig erhoben“: Der Erhebungszeitraum beträgt %(days)d Tage "
                        "(Toleranz %(tolerance)d Tage). Tragen Sie den aktuellen Wert ein."
                    )
                    % {"days": kpi.period_days, "tolerance": agenda.kpi_tolerance_days},
                    source,
                    _kpi_fix(kpi),
                    ABGELEITET,
                )
            )
    return findings


def report_due(measure: Measure, last: datetime.date | None, today: datetime.date, period: int) -> bool:
    """A measure in Umsetzung is overdue with its status report when the last one (or, without one,
    its start) lies more than its period ago (the measure's own, else the Kommune's)."""
    since = last or measure.starts_on
    if since is None:
        return True
    return (today - since).days > (measure.report_period_days or period)


def rule_status_report_due(data: CheckData) -> list[Finding]:
    """A measure in Umsetzung reports its status at least once per reporting period.

    Source: the council reporting of Kiel and München (framework-agenda.md §3.4: regular progress
    reports on the digital agenda); the period per measure is the Kommune's setting (default 90
    days); confidence abgeleitet.
    """
    agenda = _data(data)
    if agenda is None:
        return []
    findings = []
    for measure in agenda.measures:
        if measure.status != MeasureStatus.IN_UMSETZUNG:
            continue
        last = agenda.last_report.get(measure.pk)
        period = measure.report_period_days or agenda.report_period_days
        if not report_due(measure, last, agenda.today, agenda.report_period_days):
            continue
        since = _("letzter Bericht am %(date)s") % {"date": f"{last:%d.%m.%Y}"} if last else _("noch kein Bericht")
        findings.append(
            Finding(
                "agenda.bericht_ueberfaellig",
                WARNING,
                _("Maßnahme „%(measure)s“: Sachstandsbericht überfällig (%(since)s)")
                % {"measure": measure.title, "since": since},
                _(
                    "Regel „Maßnahmen in Umsetzung berichten regelmäßig“: Der Berichtszeitraum beträgt %(days)d Tage. "
                    "Die verantwortliche Rolle erstellt den Sachstandsbericht."
                )
                % {"days": period},
                _(
                    "Berichtspraxis der Städte Kiel und München an ihre Räte (regelmäßige Fortschrittsberichte); "
                    "abgeleitet"
                ),
                _measure_fix(measure),
                ABGELEITET,
            )
        )
    return findings


RULES = (
    rule_measure_owner,
    rule_accountable_limit,
    rule_goal_has_kpi,
    rule_kpi_owner_and_values,
    rule_status_report_due,
)

GROUP_TITLES = {
    "agenda.ohne_rolle": lambda n: (
        ngettext("%(n)d Maßnahme ohne verantwortliche Rolle", "%(n)d Maßnahmen ohne verantwortliche Rolle", n)
        % {"n": n}
    ),
    "agenda.rolle_unbesetzt": lambda n: (
        ngettext(
            "%(n)d Maßnahme, deren verantwortliche Rolle unbesetzt ist",
            "%(n)d Maßnahmen, deren verantwortliche Rolle unbesetzt ist",
            n,
        )
        % {"n": n}
    ),
    "agenda.mehrdeutig": lambda n: (
        ngettext(
            "%(n)d Maßnahme ohne eindeutige verantwortliche Person",
            "%(n)d Maßnahmen ohne eindeutige verantwortliche Person",
            n,
        )
        % {"n": n}
    ),
    "agenda.zu_viele_massnahmen": lambda n: (
        ngettext(
            "%(n)d Person verantwortet mehr Maßnahmen als vorgesehen",
            "%(n)d Personen verantworten mehr Maßnahmen als vorgesehen",
            n,
        )
        % {"n": n}
    ),
    "agenda.ziel_ohne_kennzahl": lambda n: (
        ngettext("%(n)d Ziel ohne Kennzahl", "%(n)d Ziele ohne Kennzahl", n) % {"n": n}
    ),
    "agenda.kennzahl_ohne_verantwortung": lambda n: (
        ngettext("%(n)d Kennzahl ohne verantwortliche Rolle", "%(n)d Kennzahlen ohne verantwortliche Rolle", n)
        % {"n": n}
    ),
    "agenda.kennzahl_ohne_wert": lambda n: (
        ngettext("%(n)d Kennzahl ohne aktuellen Wert", "%(n)d Kennzahlen ohne aktuellen Wert", n) % {"n": n}
    ),
    "agenda.bericht_ueberfaellig": lambda n: (
        ngettext("%(n)d Sachstandsbericht überfällig", "%(n)d Sachstandsberichte überfällig", n) % {"n": n}
    ),
}
