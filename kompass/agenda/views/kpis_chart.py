"""The chart of one KPI, drawn by the shared chart layer (`reports.charts`): the measured values over
time, the plan line from baseline to target (the line the status is computed against) and the
target, with the data table the chart layer puts next to it.

The time axis is a calendar: one point per month (per several months for long plans) from the
earlier of baseline and first value to the later of target and last value, so equal distances mean
equal time and the plan line is straight. A month with several values shows its last one; every
value with its day is in the values table of the page.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from django.utils.translation import gettext as _

from kompass.agenda import kpi_status
from kompass.agenda.models import KPI, Direction, KPIValue
from kompass.reports.charts import Chart, line_chart

MAX_POINTS = 60  # five years month by month; longer plans are drawn in steps of several months


def _month(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(month: int) -> datetime.date:
    return datetime.date(month // 12, month % 12 + 1, 1)


def buckets(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The periods of the axis: (first day, first day of the next) from `first`'s month to `last`'s."""
    start, end = _month(first), _month(last)
    step = max(1, math.ceil((end - start + 1) / MAX_POINTS))
    return [(_first_day(m), _first_day(m + step)) for m in range(start, end + 1, step)]


def kpi_chart(kpi: KPI, values: Sequence[KPIValue]) -> Chart:
    line = kpi_status.Line.of(kpi)
    ordered = sorted(values, key=lambda v: v.measured_on)
    first = min([kpi.baseline_on, *(v.measured_on for v in ordered[:1])])
    last = max([kpi.target_on, *(v.measured_on for v in ordered[-1:])])
    periods = buckets(first, last)
    measured: list[float | None] = []
    plan: list[float | None] = []
    for begin, end in periods:
        inside = [v for v in ordered if begin <= v.measured_on < end]
        marks = [d for d in (kpi.baseline_on, kpi.target_on) if begin <= d < end]
        day = inside[-1].measured_on if inside else (marks[-1] if marks else begin)
        measured.append(float(inside[-1].value) if inside else None)
        plan.append(float(kpi_status.expected_value(line, day)))
    monthly = periods[0][1] == _first_day(_month(periods[0][0]) + 1)
    series: dict[str, list[float | None]] = {
        _("Messwert"): measured,
        _("Soll-Verlauf (Ausgangswert bis Zielwert)"): plan,
        _("Zielwert"): [float(kpi.target_value)] * len(periods),
    }
    better = (
        _("steigende Werte sind besser") if kpi.direction == Direction.STEIGEND else _("fallende Werte sind besser")
    )
    description = _(
        "%(per)s der letzte gemessene Wert, die gerade Linie vom Ausgangswert (%(start)s) zum Zielwert (%(end)s) "
        "und der Zielwert; %(better)s."
    ) % {
        "per": _("Je Monat") if monthly else _("Je Zeitabschnitt"),
        "start": f"{kpi.baseline_on:%d.%m.%Y}",
        "end": f"{kpi.target_on:%d.%m.%Y}",
        "better": better,
    }
    return line_chart(
        title=_("Verlauf: %(name)s") % {"name": kpi.name},
        description=description,
        labels=[f"{begin:%m/%Y}" for begin, _end in periods],
        series=series,
        label_header=_("Monat") if monthly else _("Ab Monat"),
        unit=kpi.unit if kpi.unit and len(kpi.unit) <= 3 else "",
    )
