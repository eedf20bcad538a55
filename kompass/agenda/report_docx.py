"""The council report as an editable Word document (DOCX, python-docx).

A Vorlage for the council is edited before it is sent (the Verwaltung adds its Beschlussvorschlag
and the Begründung), so the report is also offered as a document with real headings, tables and
lists — the same content as the PDF (`council_report.build`), without the charts, whose numbers
stand in the tables. The document has a title and the language de-DE in its core properties and
its styles (spell checking, screen readers); header rows repeat on every page.

Decision: python-docx (maintained, pure Python on lxml, writes DOCX that Word and LibreOffice
open); ODT would need odfpy, whose tables and styles are harder to get right.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from kompass.agenda.council_report import CouncilReport, DecisionRow, FieldSection

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "de-DE"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_docx(report: CouncilReport) -> bytes:
    with translation.override("de"):
        document = Document()
        _set_up(document, report)
        _head(document, report)
        for key, write in SECTION_WRITERS:
            if report.shows(key):
                heading(document, report.section_labels[key], level=1)
                write(document, report)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def _set_up(document: DocumentType, report: CouncilReport) -> None:
    props = document.core_properties
    props.title = f"{report.title} – {report.kommune.name} – {report.stichtag}"
    props.subject = report.agenda_title
    props.author = report.kommune.name
    props.language = LANGUAGE
    props.keywords = "Digitale Agenda, Sachstandsbericht"
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for style in styles:
        element = getattr(style, "element", None)
        if element is not None and style.type == 1:  # paragraph styles: the language of their text
            _set_language(element.get_or_add_rPr())


def _set_language(rpr: object) -> None:
    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _head(document: DocumentType, report: CouncilReport) -> None:
    para(document, f"{report.kommune.name} · {report.agenda_title}")
    heading(document, report.title, level=0)
    para(
        document,
        _("Stand zum Stichtag %(day)s · %(version)s") % {"day": report.stichtag, "version": report.version_label},
    )


def clean(text: str) -> str:
    """Text without the control characters XML cannot carry (python-docx refuses them)."""
    return CONTROL.sub("", text)


def heading(document: DocumentType, text: str, level: int) -> Paragraph:
    return document.add_heading(clean(text), level=level)


def para(document: DocumentType, text: str, style: str | None = None) -> Paragraph:
    return document.add_paragraph(clean(text), style=style)


def table(document: DocumentType, caption: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A captioned table whose header row repeats on every page; numbers right-aligned."""
    para(document, caption, style="Caption")
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean(str(text))).bold = True
    _repeat_header(grid.rows[0])
    for values in rows:
        row = grid.add_row()
        # The row's own cells: `row.cells` lays out the whole table each time (quadratic in rows).
        cells = [_Cell(tc, grid) for tc in row._tr.tc_lst]
        for cell, value in zip(cells, values, strict=True):
            cell.text = clean(str(value))
            if isinstance(value, int) or str(value).endswith(("€", "%")):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# --- the sections --------------------------------------------------------------------------------


def _summary(document: DocumentType, report: CouncilReport) -> None:
    facts = [
        (_("Maßnahmen am Stichtag"), str(report.measure_total)),
        (_("Haushalt geplant"), report.budget_planned),
        (_("Haushalt ausgegeben"), report.budget_spent),
        (_("Fördermittel"), report.budget_funding),
        (_("Kennzahlen"), str(report.kpi_total)),
    ]
    for term, value in facts:
        paragraph = para(document, "")
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(clean(value))
    if report.created_later:
        para(
            document,
            _("%(n)d weitere Maßnahmen wurden nach dem Stichtag angelegt und fehlen in diesem Bericht.")
            % {"n": report.created_later},
        )
    status = [(label, n) for _code, label, n in report.counts]
    table(document, _("Maßnahmen nach Status"), [_("Status"), _("Anzahl")], status)
    kpis = [(label, n) for _code, label, n in report.kpi_counts]
    table(document, _("Kennzahlen nach Status"), [_("Status"), _("Anzahl")], kpis)
    if report.vision:
        heading(document, _("Vision"), level=2)
        para(document, report.vision)
    if report.leitsaetze:
        heading(document, _("Leitsätze"), level=2)
        for text in report.leitsaetze:
            para(document, text, style="List Number")


def _fields(document: DocumentType, report: CouncilReport) -> None:
    header = [_("Maßnahme"), _("Status"), _("Verantwortliche Rolle"), _("Federführung"), _("Fortschritt")]
    for section in report.fields:
        heading(document, section.name, level=2)
        if not section.all_rows:
            para(document, _("Keine Maßnahmen."))
            continue
        para(
            document,
            f"{section.counts_text} · {_('mittlerer Fortschritt laut Sachstandsberichten')}: {section.progress}",
        )
        rows = [
            (r.measure.title, r.status_label, r.role, r.unit, "–" if r.progress is None else f"{r.progress} %")
            for r in section.rows
        ]
        if rows:
            table(document, _("Maßnahmen im Handlungsfeld „%(name)s“") % {"name": section.name}, header, rows)
        if section.also:
            para(document, _also_text(section))


def _also_text(section: FieldSection) -> str:
    return ngettext(
        "Außerdem gehört hierher (als Zeile unter ihrem ersten Handlungsfeld): %(titles)s.",
        "Außerdem gehören hierher (als Zeile unter ihrem ersten Handlungsfeld): %(titles)s.",
        len(section.also),
    ) % {"titles": section.also_text}


def _chains(document: DocumentType, report: CouncilReport) -> None:
    if not report.chains:
        para(document, _("Für keine Maßnahme in Umsetzung ist eine Wirkungskette beschrieben."))
    for chain in report.chains:
        paragraph = para(document, "")
        paragraph.add_run(clean(chain.title)).bold = True
        for label, texts in chain.levels:
            paragraph.add_run().add_break()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(clean(" · ".join(texts)))


def _kpis(document: DocumentType, report: CouncilReport) -> None:
    para(
        document,
        _("Gezeigt: %(scope)s. „Aktuell“ ist der letzte Wert bis zum Stichtag %(day)s.")
        % {"scope": report.kpi_scope_label, "day": report.stichtag},
    )
    para(document, report.kpi_explanation)
    header = [_("Kennzahl"), _("Ziel oder Maßnahme"), _("Ausgangswert"), _("Aktuell"), _("Zielwert"), _("Status")]
    rows = [
        (
            r.name,
            r.belongs_to,
            r.baseline,
            r.current if r.current_on == "–" else f"{r.current} ({r.current_on})",
            r.target,
            r.status,
        )
        for r in report.kpis
    ]
    table(document, _("Kennzahlen: Ausgangswert, aktueller Wert und Zielwert mit Status"), header, rows)


def _budget(document: DocumentType, report: CouncilReport) -> None:
    if not report.years:
        para(document, _("Für die Maßnahmen sind keine Haushaltsansätze erfasst."))
        return
    years = [(str(r.year), r.planned, r.spent, r.funding) for r in report.years]
    years.append((_("Summe"), report.budget_planned, report.budget_spent, report.budget_funding))
    header = [_("Haushaltsjahr"), _("Geplant"), _("Ausgegeben"), _("Fördermittel")]
    table(document, _("Mittel der Maßnahmen je Haushaltsjahr"), header, years)
    if report.field_budget:
        fields = [(r.label, r.planned, r.spent, r.funding) for r in report.field_budget]
        header = [_("Handlungsfeld"), _("Geplant"), _("Ausgegeben"), _("Fördermittel")]
        table(
            document,
            _("Mittel je Handlungsfeld (eine Maßnahme zählt unter ihrem ersten Handlungsfeld)"),
            header,
            fields,
        )
    if not report.budget_rows:
        return
    if report.budget_row_total > len(report.budget_rows):
        para(
            document,
            ngettext(
                "Die %(shown)d geplanten und laufenden Maßnahmen mit den höchsten geplanten Mitteln (von %(n)d mit "
                "Haushaltsansätzen). Alle Haushaltsansätze stehen je Jahr im Blatt „Haushaltsansätze“ der "
                "Excel-Anlage.",
                "Die %(shown)d geplanten und laufenden Maßnahmen mit den höchsten geplanten Mitteln (von %(n)d mit "
                "Haushaltsansätzen). Alle Haushaltsansätze stehen je Jahr im Blatt „Haushaltsansätze“ der "
                "Excel-Anlage.",
                report.budget_row_total,
            )
            % {"shown": len(report.budget_rows), "n": report.budget_row_total},
        )
    header = [_("Maßnahme"), _("Haushaltsstelle"), _("Jahre"), _("Geplant"), _("Ausgegeben"), _("Förderung")]
    rows = [(r.title, r.references, r.years, r.planned, r.spent, r.funding) for r in report.budget_rows]
    table(
        document,
        _("Haushaltsansätze der geplanten und laufenden Maßnahmen: Haushaltsstelle, Jahre, Mittel und Förderung"),
        header,
        rows,
    )


def _risks(document: DocumentType, report: CouncilReport) -> None:
    if not report.risks:
        para(document, _("Für die offenen Maßnahmen sind keine Risiken erfasst."))
        return
    header = [_("Risiko"), _("Maßnahme"), _("Wahrscheinlichkeit"), _("Auswirkung"), _("Wert"), _("Gegenmaßnahme")]
    rows = [(r.title, r.measure, r.likelihood, r.impact, r.score, r.mitigation or "–") for r in report.risks]
    table(document, _("Größte Risiken"), header, rows)


def _decision_table(document: DocumentType, caption: str, decisions: Sequence[DecisionRow]) -> None:
    if not decisions:
        para(document, _("Keine Beschlüsse."))
        return
    header = [_("Betreff"), _("Gremium"), _("Datum"), _("Drucksache"), _("Ergebnis"), _("Betrifft")]
    rows = [(d.title, d.body, d.date, d.drucksache, d.result, d.concerns or "–") for d in decisions]
    table(document, caption, header, rows)


def _open_decisions(document: DocumentType, report: CouncilReport) -> None:
    _decision_table(document, _("Beschlüsse nach dem Stichtag, vertagt oder in Beratung"), report.open_decisions)
    heading(document, _("Maßnahmen, die auf einen Beschluss warten"), level=2)
    if not report.waiting:
        para(document, _("Keine geplante Maßnahme wartet auf einen Haushaltsbeschluss."))
    for row in report.waiting:
        para(document, f"{row.measure.title} ({row.role})", style="List Bullet")


def _decisions(document: DocumentType, report: CouncilReport) -> None:
    caption = _("Beschlüsse der Gremien bis zum Stichtag, auf die dieser Bericht sich bezieht")
    _decision_table(document, caption, report.decisions)


SECTION_WRITERS = (
    ("zusammenfassung", _summary),
    ("handlungsfelder", _fields),
    ("wirkungsketten", _chains),
    ("kennzahlen", _kpis),
    ("haushalt", _budget),
    ("risiken", _risks),
    ("entscheidungen", _open_decisions),
    ("beschluesse", _decisions),
)
