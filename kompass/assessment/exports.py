"""The aggregates of a campaign as a workbook (XLSX): fields, criteria, audiences, org units.

Laid out by the shared `reports.workbooks` (formula-safe text cells, frozen header, legend). Every
number comes from the stored result; a hidden group has the word "verborgen" in each of its
cells, never a number, and a value the result does not have (too few valid answers to a question,
a distribution below 10 answers) stays empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from kompass.assessment import grouping, result_tables
from kompass.assessment.result_tables import Group, Result
from kompass.reports import workbooks
from kompass.reports.workbooks import Cell

CONTENT_TYPE = workbooks.CONTENT_TYPE
BREAKDOWNS = (
    result_tables.GESAMT,
    result_tables.KRITERIUM,
    result_tables.ZIELGRUPPEN,
    result_tables.EINHEITEN,
    result_tables.KREUZTABELLE,
)


def hidden_word() -> str:
    return _("verborgen")


def results_xlsx(result: Result) -> bytes:
    """The workbook: sheets Felder, Kriterien, Zielgruppen, Einheiten and the legend (in German)."""
    with override("de"):
        sheets = [fields_sheet(result), criteria_sheet(result), audiences_sheet(result), units_sheet(result)]
        return workbooks.workbook(sheets, legend(result))


def fields_sheet(result: Result) -> workbooks.Sheet:
    total = result.total
    hidden = total is None or total.hidden
    rows: list[list[Cell]] = []
    for dimension in result.dimensions:
        for f in dimension.fields:
            cannot = result.cannot_range(grouping.ALL, f)
            if hidden:
                rows.append([dimension.name, f.name, *[hidden_word()] * 4])
                continue
            rows.append(
                [
                    dimension.name,
                    f.name,
                    result.field_score(grouping.ALL, f.key),
                    result.dimension_score(grouping.ALL, dimension.key),
                    cannot[0] if cannot else None,
                    cannot[1] if cannot else None,
                ]
            )
    header = [
        _("Dimension"),
        _("Feld"),
        _("Mittelwert Gesamt"),
        _("Mittelwert der Dimension"),
        _("„kann ich nicht beurteilen“: niedrigster Anteil je Kriterium"),
        _("„kann ich nicht beurteilen“: höchster Anteil je Kriterium"),
    ]
    return workbooks.Sheet(
        _("Felder"),
        header,
        rows,
        widths=(24, 36, 14, 14, 22, 22),
        title=_("Felder (Gesamt)"),
        frozen_columns=2,
    )


def criteria_sheet(result: Result) -> workbooks.Sheet:
    rows: list[list[Cell]] = []
    for f in result.fields:
        for item in f.items:
            stat = result.stat(grouping.ALL, item.id)
            if stat is None:
                rows.append([f.dimension_name, f.name, item.name, item.question, *[hidden_word()] * 12])
                continue
            agreed = result_tables.consensus(stat.get("sd"))
            dist = stat.get("dist") or [None] * 5
            rows.append(
                [
                    f.dimension_name,
                    f.name,
                    item.name,
                    item.question,
                    stat.get("n"),
                    stat.get("mean"),
                    stat.get("median"),
                    stat.get("sd"),
                    agreed[1] if agreed else None,
                    *dist,
                    stat.get("cannot"),
                    stat.get("cannot_share"),
                ]
            )
    header = [
        _("Dimension"),
        _("Feld"),
        _("Kriterium"),
        _("Frage"),
        _("Gültige Antworten"),
        _("Mittelwert"),
        _("Median"),
        _("Standardabweichung"),
        _("Einigkeit"),
        *[_("Stufe %(n)d") % {"n": n} for n in range(1, 6)],
        _("„kann ich nicht beurteilen“ (Anzahl)"),
        _("„kann ich nicht beurteilen“ (Anteil)"),
    ]
    widths = (22, 28, 30, 50, 12, 12, 10, 14, 12, 9, 9, 9, 9, 9, 16, 16)
    return workbooks.Sheet(_("Kriterien"), header, rows, widths=widths, title=_("Kriterien (Gesamt)"), frozen_columns=3)


def _group_cells(result: Result, group: Group | None, fields: Sequence[result_tables.FieldInfo]) -> list[Cell]:
    if group is None:
        return [None] * len(fields)
    if group.hidden:
        return [hidden_word()] * len(fields)
    return [result.field_score(group.key, f.key) for f in fields]


def audiences_sheet(result: Result) -> workbooks.Sheet:
    audiences = result.audiences
    answered: list[Cell] = [hidden_word() if a.hidden else a.n for a in audiences]
    rows: list[list[Cell]] = [[_("Antworten (Anzahl)"), "", *answered]]
    for f in result.fields:
        rows.append(
            [
                f.dimension_name,
                f.name,
                *[hidden_word() if a.hidden else result.field_score(a.key, f.key) for a in audiences],
            ]
        )
    header = [_("Dimension"), _("Feld"), *[a.label for a in audiences]]
    return workbooks.Sheet(
        _("Zielgruppen"),
        header,
        rows,
        widths=(24, 36, *[18] * len(audiences)),
        title=_("Mittelwerte je Feld und Zielgruppe"),
        frozen_columns=2,
    )


def _kind_label(kind: str) -> str:
    return {"unit": _("Einheit"), "subunit": _("Untereinheit"), "cross": _("Zielgruppe in der Einheit")}.get(kind, kind)


def units_sheet(result: Result) -> workbooks.Sheet:
    fields = result.fields
    cross = {row.unit.key: row.cells for row in result.cross}
    rows: list[list[Cell]] = []
    for group in result.units:
        rows.append(_unit_row(result, group, fields))
        if group.kind == "unit":
            rows.extend(_unit_row(result, cell, fields) for cell in cross.get(group.key, []) if cell is not None)
    header = [_("Gruppe"), _("Art"), _("Antworten (Anzahl)"), *[f.name for f in fields]]
    return workbooks.Sheet(
        _("Einheiten"),
        header,
        rows,
        widths=(40, 22, 14, *[16] * len(fields)),
        title=_("Mittelwerte je Feld und Organisationseinheit"),
        frozen_columns=1,
    )


def _unit_row(result: Result, group: Group, fields: Sequence[result_tables.FieldInfo]) -> list[Cell]:
    n: Cell = hidden_word() if group.hidden else group.n
    return [group.label, _kind_label(group.kind), n, *_group_cells(result, group, fields)]


def legend(result: Result) -> workbooks.Legend:
    campaign = result.campaign
    period = f"{formats.date_format(campaign.starts_on, 'd.m.Y')} – {formats.date_format(campaign.ends_on, 'd.m.Y')}"
    agreed, split = (
        formats.number_format(v, 1) for v in (result_tables.CONSENSUS_AGREED, result_tables.CONSENSUS_SPLIT)
    )
    return workbooks.Legend(
        [
            (_("Kommune"), campaign.kommune.name),
            (_("Umfrage"), campaign.title),
            (_("Zeitraum"), period),
            (_("Anonymität"), result.k_statement),
            ("", ""),
            (_("verborgen"), result.hidden_text + "."),
            (
                _("leeres Feld"),
                _("Kein Wert: zu wenige gültige Antworten auf die Frage, oder das Feld wurde nicht gefragt."),
            ),
            (_("Stufen"), _("1 Einstieg, 2 Aufbau, 3 Etabliert, 4 Fortgeschritten, 5 Vorreiter.")),
            (
                _("Verteilung, Median"),
                _("Nur ab %(n)d gültigen Antworten je Gruppe.") % {"n": result.k_distribution},
            ),
            (
                _("Einigkeit"),
                _("Standardabweichung unter %(a)s: einig; unter %(b)s: gemischt; sonst uneinig.")
                % {"a": agreed, "b": split},
            ),
            (_("Anteil"), _("Als Dezimalzahl: 0,25 sind 25 %.")),
        ]
    )
