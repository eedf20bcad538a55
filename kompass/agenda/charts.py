"""The agenda's charts, built on the shared chart layer (`kompass.reports.charts`): the portfolio's
bubble chart, a KPI's course against its plan line (the one KPI chart of the pages), and the roadmap.

The roadmap is drawn here as plain SVG (bars from start to end on a time axis; pygal has no Gantt
chart): one image named by a German title and description, colours with a second carrier (the
bars' line style follows the status, the legend names both), no script and no CSS, and its data
table for the partial "reports/partials/chart.html" like every other chart.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kompass.agenda import kpi_status
from kompass.agenda.models import KPI, Direction, KPIValue, MeasureStatus
from kompass.agenda.selectors_measures import Roadmap, Row
from kompass.reports.charts import (
    FONT,
    INK,
    MUTED,
    SVG_NS,
    Bubble,
    Chart,
    DataTable,
    bubble_chart,
    line_chart,
)

# One outline, fill and line style per status, in the order of the life cycle (as the status badges).
STATUS_COLOURS: dict[str, str] = {
    MeasureStatus.IDEE: "#2044aa",
    MeasureStatus.GEPLANT: "#2044aa",
    MeasureStatus.IN_UMSETZUNG: "#14307a",
    MeasureStatus.ABGESCHLOSSEN: "#00513c",
    MeasureStatus.GESTOPPT: "#c31c13",
}
STATUS_DASHES: dict[str, str] = dict(zip(MeasureStatus.values, ("4,3", "", "", "1,0", "8,3,2,3"), strict=True))
STATUS_FILLS: dict[str, str] = {
    MeasureStatus.IDEE: "#ffffff",
    MeasureStatus.GEPLANT: "#c9d3ef",
    MeasureStatus.IN_UMSETZUNG: "#2044aa",
    MeasureStatus.ABGESCHLOSSEN: "#007155",
    MeasureStatus.GESTOPPT: "#f3d6d4",
}


def date_text(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def money_text(amount: Decimal | None) -> str:
    """1234.5 → "1.234,50 €"."""
    if amount is None:
        return "–"
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


# --- portfolio --------------------------------------------------------------------------------


def portfolio_chart(rows: Sequence[Row], budgets: dict[int, tuple[Decimal, Decimal]]) -> Chart | None:
    """Benefit (up) against effort (right), the area of each bubble by the planned budget, one colour
    per status: top left are the measures that bring much for little."""
    if not rows:
        return None
    series: dict[str, list[Bubble]] = {}
    for code, label in MeasureStatus.choices:
        bubbles = [
            Bubble(r.measure.title, r.measure.effort, r.measure.benefit, float(budgets.get(r.measure.pk, (0, 0))[0]))
            for r in rows
            if r.measure.status == code
        ]
        if bubbles:
            series[str(label)] = bubbles
    return bubble_chart(
        title=_("Portfolio: Nutzen und Aufwand der Maßnahmen"),
        description=_(
            "Jede Blase ist eine Maßnahme: nach rechts wächst der Aufwand, nach oben der Nutzen (je 1 bis 5), die "
            "Fläche zeigt das geplante Budget aller Jahre, die Farbe den Status. Oben links stehen Maßnahmen mit "
            "viel Nutzen für wenig Aufwand. Maßnahmen mit gleicher Bewertung stehen im Kreis um ihren Punkt."
        ),
        series=series,
        x_title=_("Aufwand"),
        y_title=_("Nutzen"),
        size_title=_("Budget geplant"),
        x_range=(0.4, 5.6),
        y_range=(0.4, 5.6),
        x_ticks=range(1, 6),
        y_ticks=range(1, 6),
        label_header=_("Nr. und Maßnahme"),
        series_header=_("Status"),
        size_decimals=2,
        size_unit="€",
    )


# --- a KPI against its plan ----------------------------------------------------------------------

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
    """The measured values of a KPI over time, the plan line (Soll-Verlauf) from the baseline to the
    target — the line its status is computed against (`kpi_status`) — and the target. The one KPI
    chart: the KPI's page and the measure's page draw it from the same values, so they show the same
    picture (and the chart layer draws it once for both).

    The time axis is a calendar: one point per month (per several months for long plans) from the
    earlier of baseline and first value to the later of target and last value, so equal distances
    mean equal time; the plan line stands at each month's last day, so it is straight (and flat before
    the baseline and after the target). A month with several values shows its last one;
    every value with its day is in the values table of the KPI's page. Only plain numbers and texts
    go to the chart layer, which keys its memo on them."""
    line = kpi_status.Line.of(kpi)
    ordered = sorted(values, key=lambda v: v.measured_on)
    first = min([kpi.baseline_on, *(v.measured_on for v in ordered[:1])])
    last = max([kpi.target_on, *(v.measured_on for v in ordered[-1:])])
    periods = buckets(first, last)
    measured: list[float | None] = []
    plan: list[float | None] = []
    for begin, end in periods:
        inside = [v for v in ordered if begin <= v.measured_on < end]
        measured.append(float(inside[-1].value) if inside else None)
        # The plan at the period's last day, for every period alike: the line stays straight on the
        # calendar axis (a day of its own per point would bend it where the measured values stop).
        plan.append(float(kpi_status.expected_value(line, end - datetime.timedelta(days=1))))
    monthly = periods[0][1] == _first_day(_month(periods[0][0]) + 1)
    return line_chart(
        title=_("Verlauf: %(name)s") % {"name": kpi.name},
        description=_kpi_description(kpi, monthly),
        labels=[f"{begin:%m/%Y}" for begin, _end in periods],
        series={
            _("Messwert"): measured,
            _("Soll-Verlauf (Ausgangswert bis Zielwert)"): plan,
            _("Zielwert"): [float(kpi.target_value)] * len(periods),
        },
        label_header=_("Monat") if monthly else _("Ab Monat"),
        unit=kpi.unit if kpi.unit and len(kpi.unit) <= 3 else "",
    )


def _kpi_description(kpi: KPI, monthly: bool) -> str:
    better = (
        _("steigende Werte sind besser") if kpi.direction == Direction.STEIGEND else _("fallende Werte sind besser")
    )
    return _(
        "%(per)s der letzte gemessene Wert, die gerade Linie vom Ausgangswert (%(start)s) zum Zielwert (%(end)s) "
        "und der Zielwert; %(better)s."
    ) % {
        "per": _("Je Monat") if monthly else _("Je Zeitabschnitt"),
        "start": date_text(kpi.baseline_on),
        "end": date_text(kpi.target_on),
        "better": better,
    }


# --- roadmap ---------------------------------------------------------------------------------------

WIDTH = 1100
LABEL_WIDTH = 330
ROW = 26
LANE = 34
TOP = 40
LEGEND = 84


def _el(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quarters(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    day = datetime.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    found = []
    while day <= last:
        found.append(day)
        month = day.month + 3
        day = datetime.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return found


def roadmap_chart(roadmap: Roadmap, today: datetime.date) -> Chart | None:
    """The roadmap as one SVG image with its data table (None when no measure has a date)."""
    if roadmap.first is None or roadmap.last is None or not roadmap.lanes:
        return None
    first = datetime.date(roadmap.first.year, 1, 1)
    last = datetime.date(roadmap.last.year, 12, 31)
    span = max((last - first).days, 1)
    plot = WIDTH - LABEL_WIDTH - 20

    def x(day: datetime.date) -> float:
        return LABEL_WIDTH + plot * (day - first).days / span

    rows = sum(len(lane.rows) for lane in roadmap.lanes)
    height = TOP + LANE * len(roadmap.lanes) + ROW * rows + LEGEND
    root = ET.Element("svg", {"viewBox": f"0 0 {WIDTH} {height}", "font-family": FONT, "font-size": "13"})
    _axis(root, first, last, x, height)
    y = TOP
    for lane in roadmap.lanes:
        _el(root, "text", lane.title, x=8, y=y + 22, font_weight="bold", font_size=15, fill=INK)
        _el(root, "line", x1=0, x2=WIDTH, y1=y + LANE - 2, y2=y + LANE - 2, stroke="#a9aec6")
        y += LANE
        for row in lane.rows:
            _bar(root, row, roadmap, x, y, first, last)
            y += ROW
    if first <= today <= last:
        _el(root, "line", x1=x(today), x2=x(today), y1=TOP - 8, y2=y + 4, stroke="#c31c13", stroke_dasharray="6,4")
        _el(root, "text", _("heute"), x=x(today) + 4, y=y + 16, fill="#c31c13", font_size=12)
    _legend(root, y + 30)
    table = _roadmap_table(roadmap)
    title = _("Zeitplan der Maßnahmen nach Handlungsfeld")
    description = _(
        "Je Handlungsfeld ein Balken je Maßnahme von ihrem Beginn bis zu ihrem Ende; Farbe und Linienart zeigen "
        "den Status, Rauten die Meilensteine (gefüllt: erreicht). Die rote Linie ist der heutige Tag."
    )
    chart_id = "diagramm-" + hashlib.sha256(repr(("roadmap", title, table)).encode()).hexdigest()[:10]
    root.set("class", "kk-chart__svg")
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-titel {chart_id}-beschreibung")
    root.set("focusable", "false")
    root.set("xmlns", SVG_NS)
    desc = ET.Element("desc", {"id": f"{chart_id}-beschreibung"})
    desc.text = description
    name = ET.Element("title", {"id": f"{chart_id}-titel"})
    name.text = title
    root.insert(0, desc)
    root.insert(0, name)
    svg = ET.tostring(root, encoding="unicode")
    # Safe: ElementTree built the markup and escaped every text in it.
    return Chart(svg=mark_safe(svg), title=title, description=description, table=table, chart_id=chart_id)  # noqa: S308 - escaped by ElementTree


def _axis(root: ET.Element, first: datetime.date, last: datetime.date, x: object, height: int) -> None:
    position = x  # a function of the day
    for quarter in _quarters(first, last):
        left = position(quarter)  # type: ignore[operator]
        is_year = quarter.month == 1
        _el(
            root,
            "line",
            x1=f"{left:.1f}",
            x2=f"{left:.1f}",
            y1=TOP - 6,
            y2=height - LEGEND,
            stroke="#8e93b1" if is_year else "#d5d8e6",
        )
        label = str(quarter.year) if is_year else f"Q{(quarter.month - 1) // 3 + 1}"
        _el(root, "text", label, x=f"{left + 3:.1f}", y=TOP - 14, fill=INK if is_year else MUTED, font_size=12)


def _bar(
    root: ET.Element,
    row: Row,
    roadmap: Roadmap,
    x: object,
    y: int,
    first: datetime.date,
    last: datetime.date,
) -> None:
    position = x
    measure = row.measure
    _el(root, "text", _short(measure.title), x=16, y=y + 17, fill=INK)
    start = measure.starts_on or measure.ends_on
    end = measure.ends_on or measure.starts_on
    assert start is not None and end is not None
    left, right = position(max(start, first)), position(min(end, last))  # type: ignore[operator]
    colour = STATUS_COLOURS.get(measure.status, INK)
    attrs: dict[str, object] = {
        "x": f"{left:.1f}",
        "y": y + 5,
        "width": f"{max(right - left, 4):.1f}",
        "height": ROW - 10,
        "rx": 3,
        "fill": STATUS_FILLS.get(measure.status, "#ffffff"),
        "stroke": colour,
        "stroke_width": 2,
    }
    dash = STATUS_DASHES.get(measure.status, "")
    if dash:
        attrs["stroke_dasharray"] = dash
    _el(root, "rect", **attrs)
    for milestone in roadmap.milestones.get(measure.pk, []):
        if not first <= milestone.due_on <= last:
            continue
        cx, cy = position(milestone.due_on), y + ROW / 2  # type: ignore[operator]
        points = f"{cx:.1f},{cy - 7:.1f} {cx + 7:.1f},{cy:.1f} {cx:.1f},{cy + 7:.1f} {cx - 7:.1f},{cy:.1f}"
        done = milestone.done_on is not None  # filled; its white rim keeps it visible on a dark bar
        _el(root, "polygon", points=points, fill=INK, stroke="#ffffff", stroke_width=1.5) if done else _el(
            root, "polygon", points=points, fill="#ffffff", stroke=INK, stroke_width=2
        )


def _legend(root: ET.Element, y: int) -> None:
    left = 16
    for code, label in MeasureStatus.choices:
        attrs: dict[str, object] = {
            "x": left,
            "y": y,
            "width": 28,
            "height": 14,
            "rx": 3,
            "fill": STATUS_FILLS[code],
            "stroke": STATUS_COLOURS[code],
            "stroke_width": 2,
        }
        if STATUS_DASHES[code]:
            attrs["stroke_dasharray"] = STATUS_DASHES[code]
        _el(root, "rect", **attrs)
        _el(root, "text", str(label), x=left + 36, y=y + 12, fill=INK)
        left += 48 + 8 * len(str(label))
    diamond = f"{left + 7},{y} {left + 14},{y + 7} {left + 7},{y + 14} {left},{y + 7}"
    _el(root, "polygon", points=diamond, fill="#ffffff", stroke=INK, stroke_width=2)
    _el(root, "text", _("Meilenstein"), x=left + 22, y=y + 12, fill=INK)


def _roadmap_table(roadmap: Roadmap) -> DataTable:
    rows = []
    for lane in roadmap.lanes:
        for row in lane.rows:
            m = row.measure
            milestones = "; ".join(
                f"{ms.title} ({date_text(ms.due_on)}{', ' + _('erreicht') if ms.done_on else ''})"
                for ms in roadmap.milestones.get(m.pk, [])
            )
            rows.append(
                (m.title, lane.title, m.get_status_display(), date_text(m.starts_on), date_text(m.ends_on), milestones)
            )
    return DataTable(
        caption=_("Daten: Zeitplan der Maßnahmen nach Handlungsfeld"),
        headers=(_("Maßnahme"), _("Handlungsfeld"), _("Status"), _("Beginn"), _("Ende"), _("Meilensteine")),
        rows=tuple(rows),
    )
