"""The charts of the self-assessment's results, drawn by the shared chart layer (`reports.charts`).

The same functions feed the result pages and the PDF report, so both show the same pictures with
the same data tables. Every value comes from the stored result (`result_tables.Result`); a hidden
group has no series at all, a value the result does not have is a gap ("–" in the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from kompass.assessment import grouping
from kompass.assessment.result_tables import DimensionInfo, FieldInfo, Gap, Group, Result, Trend, TrendField
from kompass.reports.charts import Chart, bar_chart, horizontal_bar_chart, line_chart, radar_chart

SCALE: dict[str, Any] = {"value_range": (1.0, 5.0), "ticks": (1, 2, 3, 4, 5), "decimals": 1}
BARS: dict[str, Any] = {"value_range": (0.0, 5.0), "ticks": (0, 1, 2, 3, 4, 5), "decimals": 1}  # bars start at 0
RADAR_MAX = 12  # more spokes than this and the labels of one web run into each other
RADAR_DIMENSION_MIN = 5  # a dimension gets its own web from five fields on (fewer read better as bars)
LABEL_LIMIT = 32
GAP_CHART_MAX = 10
RADAR_LABEL_LIMIT = 26  # what fits beside the web without being cut off


def short(label: str, limit: int = LABEL_LIMIT) -> str:
    """A label cut at a word boundary so that it fits beside a chart (the tables keep the full name)."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–-")
    return f"{cut}…"


def fields_radar(
    result: Result, previous: Result | None = None, dimension: DimensionInfo | None = None
) -> Chart | None:
    """The "Spinnennetz": the field scores of "Gesamt" (all fields, or one dimension's), and of the
    previous campaign if there is one. None for fewer than three fields (a web needs three spokes)."""
    fields = dimension.fields if dimension is not None else result.fields
    if len(fields) < 3:
        return None
    series = {result.campaign.title: [result.field_score(grouping.ALL, f.key) for f in fields]}
    if previous is not None and previous.campaign.title != result.campaign.title:
        series[previous.campaign.title] = [previous.field_score(grouping.ALL, f.key) for f in fields]
    description = _("Mittelwert je Feld über alle Antworten (Stufe 1 Einstieg bis 5 Vorreiter)%(compare)s.") % {
        "compare": _(", im Vergleich mit der vorigen Umfrage") if len(series) > 1 else ""
    }
    title = (
        _("Spinnennetz: %(dimension)s") % {"dimension": dimension.name}
        if dimension is not None
        else _("Spinnennetz aller Felder")
    )
    return radar_chart(
        title=title,
        description=description,
        labels=[short(f.name, RADAR_LABEL_LIMIT) for f in fields],
        series=series,
        label_header=_("Feld"),
        **SCALE,
    )


def dimension_bars(result: Result, dimension: DimensionInfo, previous: Result | None = None) -> Chart:
    """The field scores of one dimension for "Gesamt" (and the previous campaign), as horizontal bars."""
    name = result.campaign.title if previous is not None else _("Gesamt")
    series = {name: [result.field_score(grouping.ALL, f.key) for f in dimension.fields]}
    if previous is not None and previous.campaign.title != name:
        series[previous.campaign.title] = [previous.field_score(grouping.ALL, f.key) for f in dimension.fields]
    return horizontal_bar_chart(
        title=_("%(dimension)s: Reifegrad je Feld") % {"dimension": dimension.name},
        description=_("Mittelwert je Feld über alle Antworten, Stufe 1 bis 5%(compare)s.")
        % {"compare": _(", darunter die vorige Umfrage") if previous is not None else ""},
        labels=[short(f.name) for f in dimension.fields],
        series=series,
        label_header=_("Feld"),
        **BARS,
    )


def overview(
    result: Result, previous: Result | None = None
) -> tuple[Chart | None, dict[str, tuple[Chart | None, Chart]]]:
    """The charts of the overview (page and report): one web of all fields when they are few
    enough to read (`RADAR_MAX`), else one web per dimension of five or more fields; a bar chart
    per dimension."""
    overall = fields_radar(result, previous) if len(result.fields) <= RADAR_MAX else None
    per_dimension = {
        d.key: (
            fields_radar(result, previous, d) if overall is None and len(d.fields) >= RADAR_DIMENSION_MIN else None,
            dimension_bars(result, d, previous),
        )
        for d in result.dimensions
    }
    return overall, per_dimension


def audience_bars(result: Result, dimension: DimensionInfo | None = None) -> Chart | None:
    """The field scores of every visible audience side by side (hidden audiences have no series),
    for all fields or one dimension's."""
    audiences = [g for g in result.audiences if not g.hidden]
    fields = list(dimension.fields if dimension is not None else result.fields)
    if not audiences or not fields:
        return None
    title = (
        _("%(dimension)s: Reifegrad je Zielgruppe") % {"dimension": dimension.name}
        if dimension is not None
        else _("Reifegrad je Feld und Zielgruppe")
    )
    return horizontal_bar_chart(
        title=title,
        description=_("Mittelwert je Feld, getrennt nach Zielgruppen, Stufe 1 bis 5."),
        labels=[short(f.name) for f in fields],
        series={a.label: [result.field_score(a.key, f.key) for f in fields] for a in audiences},
        label_header=_("Feld"),
        **BARS,
    )


def gap_bars(gaps: Sequence[Gap]) -> Chart | None:
    """The perception gap per field and leadership audience (positive: leadership sees it better);
    the `GAP_CHART_MAX` largest only (the table lists all)."""
    if not gaps:
        return None
    shown = list(gaps[:GAP_CHART_MAX])
    more = len(gaps) > len(shown)
    gaps = shown
    leaders: list[Group] = []
    for gap in gaps:
        if gap.leader not in leaders:
            leaders.append(gap.leader)
    fields: list[FieldInfo] = []
    for gap in gaps:
        if gap.field.key not in [f.key for f in fields]:
            fields.append(gap.field)
    by_pair = {(g.leader.key, g.field.key): g.gap for g in gaps}
    series = {
        _("%(leader)s minus Mitarbeitende") % {"leader": leader.label}: [
            by_pair.get((leader.key, f.key)) for f in fields
        ]
        for leader in leaders
    }
    return horizontal_bar_chart(
        title=_("Wahrnehmungslücke zwischen Leitung und Mitarbeitenden"),
        description=_(
            "Unterschied der Mittelwerte je Feld in Stufen: positiv, wo die Leitung das Feld besser sieht "
            "als die Mitarbeitenden, negativ, wo sie es schlechter sieht. Größte Unterschiede zuerst%(more)s."
        )
        % {"more": _("; die %(n)d größten, alle stehen in der Tabelle") % {"n": GAP_CHART_MAX} if more else ""},
        labels=[short(f.name) for f in fields],
        series=series,
        label_header=_("Feld"),
        decimals=1,
    )


def distribution_bars(level_names: Sequence[str], dist: Sequence[int], title: str) -> Chart:
    """How many chose each level of one criterion (only where the result has a distribution)."""
    return bar_chart(
        title=_("Verteilung der Antworten: %(name)s") % {"name": title},
        description=_("Anzahl der Antworten je Stufe; „kann ich nicht beurteilen“ zählt nicht mit."),
        labels=[f"{n} {name}" for n, name in zip(range(1, 6), level_names, strict=False)],
        series={_("Antworten"): [float(v) for v in dist]},
        label_header=_("Stufe"),
        decimals=0,
    )


def unit_bars(result: Result, field_info: FieldInfo, units: Sequence[Group]) -> Chart | None:
    """One field's score per visible unit (hidden units have no bar)."""
    visible = [u for u in units if not u.hidden and result.field_score(u.key, field_info.key) is not None]
    if not visible:
        return None
    return horizontal_bar_chart(
        title=_("%(field)s je Organisationseinheit") % {"field": field_info.name},
        description=_("Mittelwert des Feldes je Organisationseinheit, Stufe 1 bis 5; verborgene fehlen."),
        labels=[short(u.label) for u in visible],
        series={field_info.name: [result.field_score(u.key, field_info.key) for u in visible]},
        label_header=_("Organisationseinheit"),
        **BARS,
    )


def trend_lines(trend: Trend, dimension: str, fields: Sequence[TrendField]) -> Chart:
    """The field scores of one dimension across the campaigns, a line per field. The campaigns are
    named by the month they began (titles are too long to stand under the axis); the description
    says which is which."""
    named = "; ".join(f"{c.starts_on:%m/%Y}: {c.title}" for c in trend.campaigns)
    return line_chart(
        title=_("%(dimension)s: Verlauf je Feld") % {"dimension": dimension},
        description=_("Mittelwert je Feld über alle Antworten in jeder abgeschlossenen Umfrage (%(named)s).")
        % {"named": named},
        labels=[f"{c.starts_on:%m/%Y}" for c in trend.campaigns],
        series=_unique_names(fields),
        label_header=_("Beginn der Umfrage"),
        **SCALE,
    )


def _unique_names(fields: Sequence[TrendField]) -> dict[str, list[float | None]]:
    """Series by short field name; the full names where two short ones would collide."""
    names = [short(f.name) for f in fields]
    if len(set(names)) < len(names):
        names = [f.name for f in fields]
    return {name: f.scores for name, f in zip(names, fields, strict=True)}
