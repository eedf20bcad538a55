"""The council report ("Sachstandsbericht Digitale Agenda"): what it says at a Stichtag, and its
three files — the tagged PDF, the editable Word document and the workbook of all measures and KPI
values (formula-safe)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from kompass.agenda import council_report, exports, report_docx, report_pdf, services
from kompass.agenda.council_report import BadOptions, ReportOptions, parse_options
from kompass.agenda.tests.factories_council import council_scene
from kompass.conftest import World
from kompass.reports.tests.helpers import pdf_info, pdf_text

TODAY = timezone.localdate()


def full(scope: str = "alle", on: datetime.date = TODAY) -> ReportOptions:
    return ReportOptions(on, kpi_scope=scope)


@pytest.fixture
def scene(world: World):  # type: ignore[no-untyped-def]
    return council_scene(world)


def test_the_report_counts_measures_by_status_and_sums_the_budget(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    report = council_report.build(world.kommune, full())
    counts = {code: n for code, _label, n in report.counts}
    assert counts == {"idee": 1, "geplant": 1, "in_umsetzung": 1, "abgeschlossen": 0, "gestoppt": 0}
    assert report.budget_planned == "150.000,00 €" and report.budget_spent == "45.500,50 €"
    assert report.budget_funding == "60.000,00 €"
    assert [(row.year, row.planned) for row in report.years] == [(2026, "120.000,00 €"), (2027, "30.000,00 €")]
    assert report.version_label == "Fassung 1, beschlossen am 20.03.2025"


def test_the_money_per_handlungsfeld_counts_a_measure_once_under_its_first_field(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    """The Online-Terminvergabe belongs to both fields; its money counts under the first only."""
    report = council_report.build(world.kommune, full())
    assert [(row.label, row.planned, row.spent, row.funding) for row in report.field_budget] == [
        ("Verwaltung digital", "150.000,00 €", "45.500,50 €", "60.000,00 €")
    ]


def test_the_budget_table_lists_the_open_measures_with_the_most_money_and_points_to_the_workbook(
    world: World,
    scene,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = council_report.build(world.kommune, full())
    assert [row.title for row in report.budget_rows] == ["E-Akte einführen", "Online-Terminvergabe"]
    assert report.budget_row_total == 2
    pdf = report_pdf.report_pdf(report)
    assert "Excel-Anlage" not in pdf_text(pdf)

    monkeypatch.setattr(council_report, "TOP_BUDGET_ROWS", 1)
    report = council_report.build(world.kommune, full())
    assert [row.title for row in report.budget_rows] == ["E-Akte einführen"]  # 120,000 before 30,000
    assert report.budget_row_total == 2
    text = " ".join(pdf_text(report_pdf.report_pdf(report)).split())
    assert "Die 1 geplanten und laufenden Maßnahmen mit den höchsten geplanten Mitteln (von 2" in text
    assert "Blatt „Haushaltsansätze“ der Excel-Anlage" in text
    document = Document(io.BytesIO(report_docx.report_docx(report)))
    assert any("Blatt „Haushaltsansätze“" in p.text for p in document.paragraphs)
    (budget,) = [t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["Maßnahme", "Haushaltsstelle"]]
    assert [row.cells[0].text for row in budget.rows[1:]] == ["E-Akte einführen"]


def test_the_workbook_has_every_budget_line_with_its_haushaltsstelle_and_decision(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(exports.agenda_xlsx(world.kommune)))
    rows = list(book["Haushaltsansätze"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[4], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("E-Akte einführen", 2026, "11.10.01", 120000, 45500.5, "Digitalfonds Land", 60000),
        ("Online-Terminvergabe", 2027, "KST 4711", 30000, 0, None, None),
    ]
    assert rows[0][9] and rows[1][9] is None


def test_measures_stand_under_their_handlungsfelder_and_those_without_one_last(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    """A measure of two fields is a row under the first (in the version's order) and named under the
    second; counts and progress of a field take all its measures."""
    report = council_report.build(world.kommune, full())
    by_name = {section.name: [row.measure.title for row in section.rows] for section in report.fields}
    assert by_name == {
        "Verwaltung digital": ["E-Akte einführen", "Online-Terminvergabe"],
        "Schulen und Bildung": [],
        "Ohne Handlungsfeld": ["Chatbot prüfen"],
    }
    bildung = report.fields[1]
    assert [row.measure.title for row in bildung.all_rows] == ["Online-Terminvergabe"]
    assert bildung.also_text == "Online-Terminvergabe" and bildung.counts_text == "geplant: 1"
    eakte = report.fields[0].rows[0]
    assert (eakte.role, eakte.unit, eakte.progress) == ("Chief Digital Officer", "Hauptamt", 40)


def test_a_kpi_shows_baseline_the_value_at_the_stichtag_and_target_with_its_status(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    today = council_report.build(world.kommune, full())
    row = next(r for r in today.kpis if r.name == "Anteil digitaler Akten")
    assert row.current == "48,25 %" and row.status in ("im Plan", "gefährdet", "nicht im Plan")
    assert row.baseline.startswith("10 %") and row.target.startswith("90 %")
    earlier = council_report.build(world.kommune, full(on=TODAY - datetime.timedelta(days=150)))
    assert next(r for r in earlier.kpis if r.name == "Anteil digitaler Akten").current == "20 %"


def test_the_goals_scope_lists_only_the_kpis_of_goals_but_counts_all(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    report = council_report.build(world.kommune, full("ziele"))
    assert [row.name for row in report.kpis] == ["Anteil digitaler Akten"]
    assert report.kpi_total == 2


def test_a_measure_created_after_the_stichtag_is_left_out_and_counted(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    report = council_report.build(world.kommune, full(on=TODAY - datetime.timedelta(days=1)))
    assert report.measure_total == 0 and report.created_later == 3


def test_the_status_at_the_stichtag_comes_from_the_history(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    services.measure_status_change(
        kommune=world.kommune, actor=world.admin, measure=scene.eakte, status="abgeschlossen"
    )
    report = council_report.build(world.kommune, full())
    assert {code: n for code, _l, n in report.counts}["abgeschlossen"] == 1


def test_open_decisions_are_those_after_the_stichtag_or_adjourned_and_planned_measures_without_budget_decision(
    world: World,
    scene,  # type: ignore[no-untyped-def]
) -> None:
    report = council_report.build(world.kommune, full())
    assert [d.drucksache for d in report.open_decisions] == ["DS-2026/101"]
    assert [d.drucksache for d in report.decisions] == ["DS-2025/017"]
    assert report.decisions[0].concerns == "Fassung 1 der Digitalen Agenda, 1 Haushaltsansatz"
    assert [row.measure.title for row in report.waiting] == ["Online-Terminvergabe"]


def test_a_decision_still_in_beratung_is_open_though_its_day_has_passed(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "body": "Hauptausschuss",
            "decided_on": "2025-06-01",
            "drucksache": "DS-2025/050",
            "result": "in_beratung",
        },
    )
    report = council_report.build(world.kommune, full())
    assert "DS-2025/050" in [d.drucksache for d in report.open_decisions]
    assert "DS-2025/050" not in [d.drucksache for d in report.decisions]


def test_effect_chains_use_the_kommunes_labels_and_risks_are_ranked(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    report = council_report.build(world.kommune, full())
    (chain,) = report.chains
    assert [label for label, _texts in chain.levels] == ["Input", "Output", "Effekt (direkte Wirkung)"]
    assert report.risks[0].score == 16 and report.risks[0].measure == "E-Akte einführen"


def test_the_report_builder_needs_the_same_number_of_queries_for_more_measures(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        council_report.build(world.kommune, full())
    for n in range(5):
        measure = services.measure_create(
            kommune=world.kommune,
            actor=world.admin,
            data={"title": f"Weitere {n}", "status": "in_umsetzung", "handlungsfelder": [scene.bildung.pk]},
        )
        services.risk_create(kommune=world.kommune, actor=world.admin, measure=measure, data={"title": "R"})
        services.budget_line_create(
            kommune=world.kommune,
            actor=world.admin,
            measure=measure,
            data={"year": 2026, "planned": "1", "haushalt_kind": "produkt"},
        )
        services.impact_step_create(
            kommune=world.kommune, actor=world.admin, measure=measure, data={"level": "output", "text": "x"}
        )
    with CaptureQueriesContext(connection) as after:
        council_report.build(world.kommune, full())
    assert len(after) == len(before)


# --- options ---------------------------------------------------------------------------------------


def test_the_options_default_to_today_every_part_and_the_goals_kpis() -> None:
    options = parse_options({}, today=datetime.date(2026, 6, 1))
    assert options == ReportOptions(datetime.date(2026, 6, 1))
    assert options.query() == "stichtag=2026-06-01&kennzahlen=ziele"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stichtag": "31.02.2026"}, "„31.02.2026“ ist kein gültiger Stichtag"),
        ({"teil": ["geheim"]}, "Diesen Teil des Berichts gibt es nicht: geheim"),
        ({"kennzahlen": "keine"}, "Diese Auswahl der Kennzahlen gibt es nicht"),
    ],
)
def test_a_malformed_option_is_refused_in_german(params: dict[str, object], message: str) -> None:
    with pytest.raises(BadOptions, match=message):
        parse_options(params)


# --- the files -------------------------------------------------------------------------------------


def test_the_pdf_is_titled_and_names_the_handlungsfelder_and_a_kpi_value(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    pdf = report_pdf.report_pdf(council_report.build(world.kommune, full()))
    text = pdf_text(pdf)
    for expected in ("Sachstandsbericht Digitale Agenda", "Verwaltung digital", "Schulen und Bildung", "48,25 %"):
        assert expected in text
    info = " ".join(pdf_info(pdf).split())
    assert "Tagged: yes" in info  # German through the base template's <html lang="de">
    assert f"Title: Sachstandsbericht Digitale Agenda – Teststadt – Stichtag {TODAY:%d.%m.%Y}" in info


def test_a_part_left_out_is_not_in_the_pdf(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    options = ReportOptions(TODAY, frozenset({"zusammenfassung"}), "alle")
    text = pdf_text(report_pdf.report_pdf(council_report.build(world.kommune, options)))
    assert "Zusammenfassung" in text and "Scan-Rückstau" not in text and "Gremienbeschlüsse" not in text


def test_the_word_document_has_title_language_headings_and_tables(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    content = report_docx.report_docx(council_report.build(world.kommune, full()))
    document = Document(io.BytesIO(content))
    assert document.core_properties.title.startswith("Sachstandsbericht Digitale Agenda – Teststadt")
    assert document.core_properties.language == "de-DE"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "Sachstandsbericht Digitale Agenda" in headings
    assert {"Verwaltung digital", "Schulen und Bildung", "Haushalt", "Risiken"} <= set(headings)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert f"48,25 % ({TODAY - datetime.timedelta(days=10):%d.%m.%Y})" in cells
    assert "Scan-Rückstau" in cells


def test_the_word_document_drops_control_characters_it_cannot_carry(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=scene.eakte, data={"title": "E-Akte\x0b einführen"}
    )
    document = Document(io.BytesIO(report_docx.report_docx(council_report.build(world.kommune, full()))))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "E-Akte einführen" in cells


def test_the_workbook_has_the_measures_and_every_kpi_value_and_defuses_formulas(world: World, scene) -> None:  # type: ignore[no-untyped-def]
    services.measure_update(
        kommune=world.kommune,
        actor=world.admin,
        measure=scene.chatbot,
        data={"title": '=HYPERLINK("https://boese.example","klick")'},
    )
    book = load_workbook(io.BytesIO(exports.agenda_xlsx(world.kommune)))
    assert book.sheetnames == ["Maßnahmen", "Haushaltsansätze", "Kennzahlen", "Kennzahlenwerte", "Legende"]
    titles = [row[0] for row in book["Maßnahmen"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("https://boese.example","klick")' in titles
    for row in book["Maßnahmen"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    values = list(book["Kennzahlenwerte"].iter_rows(min_row=2, values_only=True))
    assert len(values) == 3 and values[-1][0] == "Anteil digitaler Akten" and values[-1][3] == 48.25
    kpis = {row[0]: row for row in book["Kennzahlen"].iter_rows(min_row=2, values_only=True)}
    assert kpis["Anteil digitaler Akten"][8] == 48.25 and kpis["Interne Durchlaufzeit"][10] == "keine Werte"
