"""The assessment report as PDF: method, questionnaire, participation, charts, results, k.

This module gathers what the report shows from the stored result; rendering is the shared
`reports.pdf.render_pdf` (template `assessment/pdf/report.html`, extending `reports/pdf/base.html`).
The charts are the result pages' own (`assessment.charts`), each printed with its data table.

What the report never shows: anything of a hidden group. Hidden audiences and units are left out
of every table and chart (their labels too) and only counted ("3 Gruppen verborgen"); a sub-unit
appears only under a visible unit.

It stays within a few seconds for 60 questions by leaving out what would only repeat: the
overview's charts (webs and bars per dimension) and the perception gap's chart (the ten largest,
with its data table) are printed; the audiences stand as one table instead of a chart per
dimension, and the distributions as numbers in the criteria table instead of a chart per question.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kompass.assessment import charts, grouping, result_tables
from kompass.assessment.models import Audience
from kompass.assessment.result_tables import Group, Result
from kompass.framework import selectors as framework_selectors
from kompass.reports.pdf import CONTENT_TYPE, render_pdf

__all__ = ["BREAKDOWNS", "CONTENT_TYPE", "report_context", "report_pdf"]

STYLESHEETS = ("assessment/report.css",)
BREAKDOWNS = (result_tables.GESAMT, result_tables.ZIELGRUPPEN, result_tables.EINHEITEN, result_tables.KRITERIUM)


def report_pdf(result: Result, earlier: Result | None = None) -> bytes:
    """The report; with `earlier` (the previous closed campaign) its field scores for comparison."""
    return render_pdf("assessment/pdf/report.html", report_context(result, earlier), stylesheets=STYLESHEETS)


def report_context(result: Result, earlier: Result | None = None) -> dict[str, Any]:
    campaign = result.campaign
    framework = framework_selectors.framework(campaign.kommune)
    catalogue = framework.catalogue if framework is not None else None
    gaps = result.perception_gaps()
    return {
        "kommune": campaign.kommune,
        "today": timezone.localdate(),
        "campaign": campaign,
        "result": result,
        "catalogue": catalogue,
        "level_names": framework_selectors.level_names(catalogue),
        "asked": [str(Audience(a).label) for a in campaign.audiences if a in Audience.values],
        "participation": [row for row in result.participation if not row.hidden],
        "earlier": earlier,
        "field_sections": _field_sections(result, earlier),
        "criteria": _criteria(result),
        "audiences": [a for a in result.audiences if not a.hidden],
        "audience_table": _audience_table(result),
        "gaps": gaps,
        "units": _visible_units(result),
        "charts": _charts(result, earlier),
        "gap_chart": charts.gap_bars(gaps),
        "consensus_thresholds": (result_tables.CONSENSUS_AGREED, result_tables.CONSENSUS_SPLIT),
    }


def _charts(result: Result, earlier: Result | None) -> list[Any]:
    """The overview's charts of the result pages (webs and bars per dimension)."""
    radar, per_dimension = charts.overview(result, earlier)
    found = [radar, *[chart for pair in per_dimension.values() for chart in pair]]
    return [chart for chart in found if chart is not None]


def _field_sections(
    result: Result, earlier: Result | None
) -> list[tuple[result_tables.DimensionInfo, list[result_tables.FieldRow]]]:
    rows = {row.field.key: row for row in result_tables.field_rows(result, earlier)}
    return [(d, [rows[f.key] for f in d.fields]) for d in result.dimensions]


def _criteria(result: Result) -> list[tuple[result_tables.FieldInfo, list[dict[str, Any]]]]:
    rows = []
    for f in result.fields:
        items = []
        for item in f.items:
            stat = result.stat(grouping.ALL, item.id)
            items.append(
                {
                    "item": item,
                    "stat": stat,
                    "consensus": result_tables.consensus(stat.get("sd") if stat else None),
                    "cannot_percent": round(100 * stat["cannot_share"])
                    if stat and stat.get("cannot_share") is not None
                    else None,
                }
            )
        rows.append((f, items))
    return rows


def _audience_table(result: Result) -> list[tuple[result_tables.FieldInfo, list[float | None]]]:
    visible = [a for a in result.audiences if not a.hidden]
    return [(f, [result.field_score(a.key, f.key) for a in visible]) for f in result.fields]


def _visible_units(result: Result) -> list[tuple[Group, list[float | None]]]:
    """Visible units with their dimension scores; a sub-unit only under a visible unit."""
    rows = []
    for group in result.units:
        if group.hidden:
            continue
        if group.kind == "subunit" and not result.visible(group.parent or ""):
            continue
        rows.append((group, [result.dimension_score(group.key, d.key) for d in result.dimensions]))
    return rows
