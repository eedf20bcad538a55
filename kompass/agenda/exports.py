"""All measures and all KPI values of the agenda as a workbook (XLSX).

Sheets: "Maßnahmen" (one row per measure: status, Handlungsfelder, role, unit, scores, dates,
staff and money), "Haushaltsansätze" (one row per budget line: year, Haushaltsstelle, money, funding
and approving decision; the council report lists only the largest), "Kennzahlen" (baseline,
target, latest value and status) and "Kennzahlenwerte" (one row per measured value), then a legend.
A Großstadt has some 72,000 values, so the workbook is written in openpyxl's streaming mode; every
text cell goes through `reports.workbooks.cell_text` (formula-safe, I4) and is stored as a string,
numbers and dates stay numbers and dates.

No person is named: measures and KPIs are owned by roles.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, WriteOnlyCell
from openpyxl.styles import Font

from kompass.agenda import kpi_status, selectors
from kompass.agenda.models import KPI, BudgetLine, KPIValue, Measure
from kompass.reports.workbooks import CONTENT_TYPE, cell_text
from kompass.tenancy.models import Kommune

__all__ = ["CONTENT_TYPE", "agenda_xlsx", "filename"]

DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)


def agenda_xlsx(kommune: Kommune) -> bytes:
    """The workbook of the Kommune's agenda (German headers whatever the request's language)."""
    with translation.override("de"):
        book = Workbook(write_only=True)
        _sheet(book, _("Maßnahmen"), measure_header(), _measure_rows(kommune), (40, 14, 30, 28, 24))
        _sheet(
            book,
            _("Haushaltsansätze"),
            budget_header(),
            _budget_rows(kommune),
            (40, 14, 10, 18, 18, 14, 14, 30, 14, 30),
        )
        _sheet(book, _("Kennzahlen"), kpi_header(), _kpi_rows(kommune), (36, 10, 30))
        _sheet(book, _("Kennzahlenwerte"), value_header(), _value_rows(kommune), (36, 10, 12, 14))
        _sheet(book, _("Legende"), [_("Begriff"), _("Bedeutung")], _legend(), (24, 90))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def filename(kommune: Kommune) -> str:
    return f"digitale-agenda-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell | None:
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = TYPE_STRING  # SECURITY (docs/security.md I4): never a formula, even after defusing
    elif isinstance(value, Decimal):
        cell.value = float(value)
    else:
        cell.value = value
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def _sheet(
    book: Workbook, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]
) -> None:
    sheet = book.create_sheet(title=name[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, text, bold=True) for text in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


# --- measures -------------------------------------------------------------------------------------


def measure_header() -> list[str]:
    return [
        _("Titel"),
        _("Status"),
        _("Handlungsfelder"),
        _("Ziele"),
        _("Verantwortliche Rolle"),
        _("Federführende Organisationseinheit"),
        _("Nutzen"),
        _("Dringlichkeit"),
        _("Aufwand"),
        _("Beginn"),
        _("Ende"),
        _("Personaleinsatz (VZÄ)"),
        _("Geplant (EUR)"),
        _("Ausgegeben (EUR)"),
        _("Wem die Maßnahme nützt"),
        _("Beschreibung"),
    ]


def _measure_rows(kommune: Kommune) -> Iterable[list[Any]]:
    money: dict[int, tuple[Decimal, Decimal]] = {
        row["measure_id"]: (row["planned"], row["spent"])
        for row in BudgetLine.objects.for_kommune(kommune)
        .order_by()
        .values("measure_id")
        .annotate(planned=Sum("planned"), spent=Sum("spent"))
    }
    measures: Iterable[Measure] = selectors.measures(kommune).order_by("title", "pk")
    for m in measures:
        planned, spent = money.get(m.pk, (None, None))
        yield [
            m.title,
            m.get_status_display(),
            ", ".join(sorted({h.name for h in m.handlungsfelder.all()})),
            ", ".join(g.title for g in m.goals.all()),
            m.accountable_role.name if m.accountable_role else "",
            m.responsible_unit.name if m.responsible_unit else "",
            m.benefit,
            m.urgency,
            m.effort,
            m.starts_on,
            m.ends_on,
            m.fte,
            planned,
            spent,
            m.beneficiaries,
            m.description,
        ]


# --- budget lines --------------------------------------------------------------------------------


def budget_header() -> list[str]:
    return [
        _("Maßnahme"),
        _("Status"),
        _("Haushaltsjahr"),
        _("Art der Haushaltsstelle"),
        _("Haushaltsstelle"),
        _("Geplant (EUR)"),
        _("Ausgegeben (EUR)"),
        _("Förderprogramm"),
        _("Fördersumme (EUR)"),
        _("Haushaltsbeschluss"),
    ]


def _budget_rows(kommune: Kommune) -> Iterable[list[Any]]:
    lines = (
        BudgetLine.objects.for_kommune(kommune)
        .select_related("measure", "decision")
        .order_by("measure__title", "measure_id", "year", "pk")
    )
    for line in lines:
        yield [
            line.measure.title,
            line.measure.get_status_display(),
            line.year,
            line.get_haushalt_kind_display(),
            line.haushalt_ref,
            line.planned,
            line.spent,
            line.funding_programme,
            line.funding_amount,
            _decision_text(line.decision),
        ]


def _decision_text(decision: Any) -> str:
    if decision is None:
        return ""
    parts = (decision.drucksache, decision.body, f"{decision.decided_on:%d.%m.%Y}")
    return ", ".join(part for part in parts if part)


# --- KPIs and values ------------------------------------------------------------------------------


def kpi_header() -> list[str]:
    return [
        _("Kennzahl"),
        _("Einheit"),
        _("Ziel oder Maßnahme"),
        _("Richtung"),
        _("Ausgangswert"),
        _("Ausgangswert vom"),
        _("Zielwert"),
        _("Zielwert bis"),
        _("Letzter Wert"),
        _("Letzter Wert vom"),
        _("Status"),
        _("Verantwortliche Rolle"),
        _("Datenquelle"),
        _("Öffentlich"),
    ]


def _kpis(kommune: Kommune) -> list[KPI]:
    return list(KPI.objects.for_kommune(kommune).select_related("goal", "measure", "owner_role").order_by("name", "pk"))


def _kpi_rows(kommune: Kommune) -> Iterable[list[Any]]:
    latest = selectors.latest_values(kommune)
    for kpi in _kpis(kommune):
        value = latest.get(kpi.pk)
        yield [
            kpi.name,
            kpi.unit,
            kpi.goal.title if kpi.goal else kpi.measure.title if kpi.measure else "",
            kpi.get_direction_display(),
            kpi.baseline_value,
            kpi.baseline_on,
            kpi.target_value,
            kpi.target_on,
            value.value if value else None,
            value.measured_on if value else None,
            selectors.status_of(kpi, value).label,
            kpi.owner_role.name if kpi.owner_role else "",
            kpi.data_source,
            _("ja") if kpi.is_public else _("nein"),
        ]


def value_header() -> list[str]:
    return [_("Kennzahl"), _("Einheit"), _("Stichtag"), _("Wert"), _("Herkunft"), _("Anmerkung")]


def _value_rows(kommune: Kommune) -> Iterable[list[Any]]:
    """Every value, KPI by KPI in date order (one query, streamed)."""
    names = {kpi.pk: (kpi.name, kpi.unit) for kpi in _kpis(kommune)}
    order = {pk: index for index, pk in enumerate(names)}
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    values = KPIValue.objects.for_kommune(kommune).order_by("measured_on", "id")
    for kpi_id, on, value, source, note in values.values_list("kpi_id", "measured_on", "value", "source", "note"):
        rows[kpi_id].append((on, value, source, note))
    sources = dict(KPIValue._meta.get_field("source").choices or [])
    for kpi_id in sorted(rows, key=lambda pk: order.get(pk, 0)):
        name, unit = names[kpi_id]
        for on, value, source, note in rows[kpi_id]:
            yield [name, unit, on, value, str(sources.get(source, source)), note]


def _legend() -> list[tuple[str, str]]:
    return [
        (_("Maßnahmen"), _("Jede Maßnahme der Digitalen Agenda mit Status, Zuständigkeit, Bewertung und Mitteln.")),
        (_("Kennzahlen"), _("Jede Kennzahl mit Ausgangs-, Ziel- und letztem Wert und ihrem Status.")),
        (_("Kennzahlenwerte"), _("Jeder gemessene Wert einer Kennzahl mit Stichtag und Herkunft.")),
        (_("Status einer Kennzahl"), kpi_status.explanation()),
        (_("Stand"), timezone.localdate().strftime("%d.%m.%Y")),
    ]
