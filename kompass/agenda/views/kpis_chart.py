"""The chart of one KPI, drawn by the shared chart layer (`reports.charts`): the measured values over
time, the plan line from baseline to target (the line the status is computed against) and the
target, with the data table the chart layer puts next to it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.translation import gettext as _

from kompass.agenda import kpi_status
from kompass.agenda.models import KPI, Direction, KPIValue
from kompass.reports.charts import Chart, line_chart


def kpi_chart(kpi: KPI, values: Sequence[KPIValue]) -> Chart:
    """Labels are the days of the baseline, every measured value and the target, in order; the
    plan line is drawn at each of them, so the value and its Soll stand side by side in the table."""
    line = kpi_status.Line.of(kpi)
    measured = {v.measured_on: v.value for v in values}
    days = sorted({kpi.baseline_on, kpi.target_on, *measured})
    series: dict[str, list[float | None]] = {
        _("Messwert"): [float(measured[d]) if d in measured else None for d in days],
        _("Soll-Verlauf (Ausgangswert bis Zielwert)"): [float(kpi_status.expected_value(line, d)) for d in days],
        _("Zielwert"): [float(kpi.target_value) for _d in days],
    }
    better = (
        _("steigende Werte sind besser") if kpi.direction == Direction.STEIGEND else _("fallende Werte sind besser")
    )
    description = _(
        "Gemessene Werte von %(first)s bis %(last)s, die gerade Linie vom Ausgangswert (%(start)s) zum Zielwert "
        "(%(end)s) und der Zielwert; %(better)s."
    ) % {
        "first": _day(days[0]),
        "last": _day(days[-1]),
        "start": _day(kpi.baseline_on),
        "end": _day(kpi.target_on),
        "better": better,
    }
    return line_chart(
        title=_("Verlauf: %(name)s") % {"name": kpi.name},
        description=description,
        labels=[_day(d) for d in days],
        series=series,
        label_header=_("Stichtag"),
        unit=kpi.unit if kpi.unit and len(kpi.unit) <= 3 else "",
    )


def _day(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"
