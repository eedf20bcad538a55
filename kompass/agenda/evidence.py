"""The digital agenda's evidence for the self-assessment: signals for the Steuerung fields
"Strategie", "Wirkungsorientierung" and "Steuerungskreislauf" (`core.extensions.EVIDENCE_PROVIDERS`).

What the Kommunalkompass holds about them, each rated "gut", "mittel" or "schwach":

- Strategie — the Digitale Agenda: a decided version → gut; only a draft → mittel; none → schwach.
- Wirkungsorientierung — goals with at least one KPI, and KPIs with a current value (within their
  reporting period plus the Kommune's tolerance, the Rollen-Check's rule): from 80 % → gut, from
  50 % → mittel, below → schwach.
- Steuerungskreislauf — measures in Umsetzung whose status report is not overdue (the Rollen-Check's
  rule `rules.report_due`): the same steps.

The steps of 80 % and 50 % are ours (abgeleitet), the same as the role model's Lotsen coverage, so
one Kommune reads one scale. One load of the Rollen-Check data of the agenda (`selectors.check_data`)
and two counts give all signals; a Kommune without agenda gets one signal for "Strategie".
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.agenda import rules, selectors
from kompass.agenda.models import Goal, MeasureStatus
from kompass.core.extensions import EvidenceSignal
from kompass.tenancy.models import Kommune

STRATEGY, IMPACT, CYCLE = "strategie", "wirkungsorientierung", "steuerungskreislauf"
FIELD_KEYS = (STRATEGY, IMPACT, CYCLE)
SHARE_GOOD = 80
SHARE_FAIR = 50


def _url(name: str, kommune: Kommune) -> str:
    try:
        return reverse(name, args=[kommune.slug])
    except NoReverseMatch:  # the page of that area is not there (yet)
        return ""


def share_rating(part: int, whole: int) -> str:
    """From 80 % → gut, from 50 % → mittel, below → schwach (abgeleitet, see the module)."""
    percent = 100 * part / whole if whole else 0
    return "gut" if percent >= SHARE_GOOD else "mittel" if percent >= SHARE_FAIR else "schwach"


def _share(label: str, part: int, whole: int, detail: str, url: str, source: str) -> EvidenceSignal:
    value = _("%(part)d von %(whole)d (%(percent)d %%)") % {
        "part": part,
        "whole": whole,
        "percent": round(100 * part / whole),
    }
    return EvidenceSignal(label, value, share_rating(part, whole), detail, url, source)


def collect(kommune: Kommune) -> dict[str, list[EvidenceSignal]]:
    source = _("Digitale Agenda")
    overview = _url("agenda:overview", kommune)
    if selectors.agenda(kommune) is None:
        signal = EvidenceSignal(
            _("Digitale Agenda"),
            _("noch nicht angelegt"),
            "schwach",
            _("Ohne Digitale Agenda gibt es keine beschlossene Strategie, Ziele und Kennzahlen im Kompass."),
            overview,
            source,
        )
        return {STRATEGY: [signal]}
    found: dict[str, list[EvidenceSignal]] = {STRATEGY: [strategy_signal(kommune, overview, source)]}
    data = selectors.check_data(kommune, timezone.localdate())
    if data is None:  # pragma: no cover - the agenda exists (checked above)
        return found
    goals = Goal.objects.for_kommune(kommune).count()
    impact = []
    if goals:
        with_kpi = goals - len(data.goals_without_kpi)
        impact.append(
            _share(
                _("Ziele mit Kennzahl"),
                with_kpi,
                goals,
                _("Ein Ziel ohne Kennzahl lässt sich nicht an seiner Wirkung messen."),
                _url("agenda:goal_list", kommune),
                source,
            )
        )
    if data.kpis:
        current = sum(
            not rules.kpi_overdue(kpi, data.last_value.get(kpi.pk), data.today, data.kpi_tolerance_days)
            for kpi in data.kpis
        )
        impact.append(
            _share(
                _("Kennzahlen mit aktuellem Wert"),
                current,
                len(data.kpis),
                _("Aktuell: ein Wert innerhalb des Erhebungszeitraums der Kennzahl (mit Toleranz)."),
                _url("agenda:kpi_list", kommune),
                source,
            )
        )
    if impact:
        found[IMPACT] = impact
    running = [m for m in data.measures if m.status == MeasureStatus.IN_UMSETZUNG]
    if running:
        on_time = sum(
            not rules.report_due(m, data.last_report.get(m.pk), data.today, data.report_period_days) for m in running
        )
        found[CYCLE] = [
            _share(
                _("Sachstandsberichte fristgerecht"),
                on_time,
                len(running),
                _("Maßnahmen in Umsetzung, deren letzter Sachstandsbericht nicht älter ist als ihr Berichtszeitraum."),
                _url("agenda:reports_overdue", kommune),
                source,
            )
        ]
    return found


def strategy_signal(kommune: Kommune, url: str, source: str) -> EvidenceSignal:
    decided = selectors.decided_version(kommune)
    if decided is not None:
        when = f"{decided.decided_on:%d.%m.%Y}" if decided.decided_on else ""
        value = _("Fassung %(n)d beschlossen %(when)s") % {"n": decided.number, "when": when}
        return EvidenceSignal(_("Digitale Agenda"), value.strip(), "gut", "", url, source)
    return EvidenceSignal(
        _("Digitale Agenda"),
        _("nur als Entwurf"),
        "mittel",
        _("Eine Strategie wirkt erst, wenn das zuständige Gremium sie beschlossen hat."),
        url,
        source,
    )
