"""Charts: static, CSP-proof, accessible SVG with the same values as a table, on the page and in a PDF."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from kompass.reports import charts, pdf
from kompass.reports.tests.helpers import pdf_info, pdf_text

DIMENSIONS = ["Strategie", "Organisation und Steuerung", "Personal", "Prozesse", "Technik", "Daten"]


def maturity() -> charts.Chart:
    return charts.radar_chart(
        title="Reifegrad der Verwaltung",
        description="Selbsteinschätzung je Dimension auf den Stufen 0 bis 5, Ist und Soll.",
        labels=DIMENSIONS,
        series={"Ist": [1, 2, 3.5, 2, 1, 4], "Soll": [3, 3, 4, 3, 3, 4]},
        label_header="Dimension",
        value_range=(0, 5),
        ticks=range(6),
    )


def lotsen_coverage() -> charts.Chart:
    """The demonstration the Rollen-Check page can take over: Lotsen per Dezernat, Ist against Soll."""
    return charts.horizontal_bar_chart(
        title="Lotsen-Abdeckung je Dezernat",
        description="Benannte Digitallotsen je Dezernat im Vergleich zur Empfehlung (ein Lotse je Amt).",
        labels=["Dezernat I – Zentrale Dienste", "Dezernat II – Bürgerdienste", "Dezernat III – Bauen"],
        series={"Benannt": [3, 1, 0], "Empfohlen": [3, 4, 2]},
        label_header="Dezernat",
    )


def progress() -> charts.Chart:
    return charts.line_chart(
        title="Fortschritt der Digitalen Agenda",
        description="Umgesetzte Maßnahmen je Quartal, geplant und tatsächlich.",
        labels=["Q1/2026", "Q2/2026", "Q3/2026", "Q4/2026"],
        series={"Geplant": [5, 10, 15, 20], "Umgesetzt": [4, 7, None, 16]},
    )


def services() -> charts.Chart:
    return charts.bar_chart(
        title="Online-Dienste nach Reifegrad",
        description="Zahl der Verwaltungsleistungen je OZG-Reifegrad.",
        labels=["0", "1", "2", "3", "4"],
        series={"Leistungen": [12, 30, 18, 9, 2]},
        label_header="Reifegrad",
    )


ALL: list[Callable[[], charts.Chart]] = [maturity, lotsen_coverage, progress, services]


def _tree(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output


@pytest.mark.parametrize("make", ALL)
def test_the_svg_is_well_formed_and_one_image_with_german_title_and_description(make: Callable[[], Any]) -> None:
    chart = make()
    root = _tree(chart)
    ns = f"{{{charts.SVG_NS}}}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(root.findall(f".//{ns}title")) == 1 and len(root.findall(f".//{ns}desc")) == 1, "no pygal tooltips"


@pytest.mark.parametrize("make", ALL)
def test_the_svg_has_no_script_no_inline_css_and_no_foreign_reference(make: Callable[[], Any]) -> None:
    svg = str(make().svg)
    root = ET.fromstring(svg)  # noqa: S314
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    assert "script" not in tags and "style" not in tags and "a" not in tags
    assert not [el for el in root.iter() if "style" in el.attrib], "CSP: no style attributes"
    assert not [name for el in root.iter() for name in el.attrib if name.lower().startswith("on")]
    assert "<script" not in svg.lower() and "javascript" not in svg.lower() and "<!--" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= {charts.SVG_NS}
    assert "url(" not in svg, "nothing is loaded"


@pytest.mark.parametrize("make", ALL)
def test_ids_are_few_stable_and_unique_per_chart(make: Callable[[], Any]) -> None:
    first, again = make(), make()
    assert first.svg == again.svg, "the same data give the same SVG"
    ids = [el.get("id") for el in _tree(first).iter() if el.get("id")]
    assert ids == [f"{first.chart_id}-titel", f"{first.chart_id}-beschreibung"]
    assert len({chart.chart_id for chart in (maturity(), lotsen_coverage(), progress(), services())}) == 4


def test_the_table_holds_every_value_in_german_notation() -> None:
    table = maturity().table
    assert table.caption == "Daten: Reifegrad der Verwaltung"
    assert table.headers == ("Dimension", "Ist", "Soll")
    assert table.rows[2] == ("Personal", "3,5", "4")
    assert [row[0] for row in table.rows] == DIMENSIONS
    assert progress().table.rows[2] == ("Q3/2026", "15", "–"), "a missing value is a dash, not a zero"


def test_the_partial_shows_figure_caption_and_a_table_with_scoped_headers() -> None:
    chart = lotsen_coverage()
    html = render_to_string("reports/partials/chart.html", {"chart": chart})
    assert html.count("<svg") == 1 and "<figure" in html and "<figcaption" in html
    assert "Daten als Tabelle" in html and "<details" in html and '<details class="kk-chart__data" open' not in html
    assert "<caption" in html and "Daten: Lotsen-Abdeckung je Dezernat" in html
    assert html.count('scope="col"') == 3 and html.count('scope="row"') == 3
    row = re.search(r"<tr[^>]*><th scope=\"row\"[^>]*>Dezernat II – Bürgerdienste</th>(.*?)</tr>", html)
    assert row is not None and re.findall(r">(\d+)</td>", row.group(1)) == ["1", "4"]
    opened = render_to_string("reports/partials/chart.html", {"chart": chart, "open": True})
    assert '<details class="kk-chart__data" open>' in opened


def test_colour_is_not_the_only_carrier_of_meaning() -> None:
    line = _tree(progress())
    series = [g for g in line.iter() if "series" in g.get("class", "").split() and g.find("*") is not None]
    assert {g.get("stroke-dasharray") for g in series} >= {None, charts.DASHES[1]}, "second line is dashed"
    legend_boxes = [r for r in line.iter() if r.tag.endswith("rect") and "color-1" in r.get("class", "")]
    assert legend_boxes and legend_boxes[-1].get("stroke-dasharray") == charts.LEGEND_DASHES[1]
    bars = str(services().svg)
    assert ">30</text>" in bars, "every bar carries its value as text"
    assert "Ist</text>" in str(maturity().svg) and "Soll</text>" in str(maturity().svg), "legend names the series"


def test_radar_labels_stand_upright_and_the_first_series_is_filled() -> None:
    root = _tree(maturity())
    labels = [t for t in root.iter() if t.tag.endswith("text") and t.text in DIMENSIONS]
    assert len(labels) == len(DIMENSIONS) and not [t for t in labels if t.get("transform")]
    paths = [p for p in root.iter() if p.tag.endswith("path") and "line" in p.get("class", "").split()]
    filled = [p for p in paths if p.get("fill-opacity") and p.get("fill") != "none"]
    assert filled, "Ist is drawn as an area"


def test_kern_colours_and_fira_sans_come_from_the_style() -> None:
    svg = str(maturity().svg)
    assert charts.SERIES_COLOURS[0] in svg and charts.SERIES_COLOURS[1] in svg
    assert "Fira Sans" in _tree(maturity()).get("font-family", "")


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "text"),
    [
        (3.5, None, "", "3,5"),
        (4.0, None, "", "4"),
        (75.456, 1, "%", "75,5 %"),
        (-2, None, "", "−2"),
        (None, 2, "", "–"),
    ],
)
def test_numbers_are_written_the_german_way(value: float | None, decimals: int | None, unit: str, text: str) -> None:
    assert charts.german_number(value, decimals, unit) == text


def test_data_that_do_not_fit_the_labels_are_refused() -> None:
    with pytest.raises(charts.ChartError, match="Reihe „Ist“ hat 2 Werte für 6"):
        charts.radar_chart(title="T", description="D", labels=DIMENSIONS, series={"Ist": [1, 2]})
    with pytest.raises(charts.ChartError, match="mindestens eine Datenreihe"):
        charts.line_chart(title="T", description="D", labels=["a"], series={})


def test_a_council_report_with_a_radar_chart_renders_as_pdf_with_title_and_table() -> None:
    context = {
        "kommune": SimpleNamespace(name="Teststadt"),
        "today": datetime.date(2026, 3, 1),
        "title": "Bericht an den Rat",
        "lead": "Stand der Digitalisierung.",
        "charts": [maturity(), lotsen_coverage()],
    }
    content = pdf.render_pdf("reports/pdf/charts.html", context)
    text = pdf_text(content)
    assert "Reifegrad der Verwaltung" in text and "Lotsen-Abdeckung je Dezernat" in text
    assert "Organisation und Steuerung" in text, "the radar's labels are text in the PDF"
    assert re.search(r"Personal\s+3,5\s+4", text), "the data table is printed, not folded away"
    assert "Daten als Tabelle" not in text
    assert "Tagged:          yes" in pdf_info(content)


def test_horizontal_bars_list_the_labels_top_down_in_the_order_of_the_table() -> None:
    root = _tree(lotsen_coverage())
    labels = [t for t in root.iter() if t.tag.endswith("text") and (t.text or "").startswith("Dezernat")]
    tops = {t.text: float(t.get("y", "0")) for t in labels}
    assert tops["Dezernat I – Zentrale Dienste"] < tops["Dezernat II – Bürgerdienste"] < tops["Dezernat III – Bauen"]


# --- the memo of drawn charts --------------------------------------------------------------------


def _bars(**changes: Any) -> charts.Chart:
    arguments: dict[str, Any] = {
        "title": "Reifegrad",
        "description": "Je Feld.",
        "labels": ["Daten", "Prozesse"],
        "series": {"Ist": [2.5, 3.0]},
        "value_range": (0, 5),
        "ticks": range(6),
    }
    return charts.bar_chart(**{**arguments, **changes})


def test_the_same_arguments_give_the_same_chart_without_drawing_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _bars(title="Gedächtnis 1")
    monkeypatch.setattr(charts, "clean_svg", lambda *a, **k: pytest.fail("drawn again"))
    assert _bars(title="Gedächtnis 1") is first


def test_any_other_value_label_title_or_language_draws_a_new_chart() -> None:
    first = _bars(title="Gedächtnis 2")
    others = [
        _bars(title="Gedächtnis 2", series={"Ist": [2.5, 3.1]}),
        _bars(title="Gedächtnis 2", labels=["Daten", "Kultur"]),
        _bars(title="Gedächtnis 2", ticks=range(5)),
        _bars(title="Gedächtnis 2", description="Anders."),
        _bars(title="Gedächtnis 3"),
    ]
    assert all((other is not first and other.svg != first.svg) or other.table != first.table for other in others)
    assert "3,1" in others[0].table.rows[1][1] and "Kultur" in others[1].svg
    with translation.override("en"):
        english = _bars(title="Gedächtnis 2", series={"Ist": [None, None]})
    with translation.override("de"):
        german = _bars(title="Gedächtnis 2", series={"Ist": [None, None]})
    assert english is not german


def test_a_generator_argument_is_read_once_and_still_drawn_in_full() -> None:
    chart = _bars(title="Gedächtnis 4", labels=(label for label in ["Daten", "Prozesse"]))
    assert [row[0] for row in chart.table.rows] == ["Daten", "Prozesse"]


def test_the_memo_keeps_at_most_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "RENDERED_MAX", 2)
    for index in range(4):
        _bars(title=f"Grenze {index}")
    assert len(charts._RENDERED) <= 2


def _relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    lighter, darker = sorted((_relative_luminance(one), _relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_pairs() -> None:
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("colour", [*charts.SERIES_COLOURS, charts.INK, charts.MUTED])
def test_chart_colours_stand_out_from_the_white_background(colour: str) -> None:
    """WCAG 1.4.11: graphical objects 3:1 against their background; the texts (INK, MUTED) 4.5:1."""
    needed = 4.5 if colour in (charts.INK, charts.MUTED) else 3.0
    assert _contrast(colour, "#ffffff") >= needed
