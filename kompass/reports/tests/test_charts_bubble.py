"""The bubble chart: one accessible image without script or CSS, area in proportion to the size,
bubbles on the same spot spread apart, and every bubble in the data table with its true values."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from kompass.reports import charts
from kompass.reports.charts import Bubble

NS = f"{{{charts.SVG_NS}}}"


def portfolio(**overrides: object) -> charts.Chart:
    arguments: dict[str, object] = {
        "title": "Portfolio der Maßnahmen",
        "description": "Nutzen gegen Aufwand, Fläche nach Budget.",
        "series": {
            "geplant": [Bubble("E-Akte", 3, 4, 1_234_567.5), Bubble("Portal", 3, 4, 10_000)],
            "Idee": [Bubble("WLAN im Rathaus", 1, 5, None)],
        },
        "x_title": "Aufwand",
        "y_title": "Nutzen",
        "size_title": "Budget",
        "x_range": (0.5, 5.5),
        "y_range": (0.5, 5.5),
        "x_ticks": range(1, 6),
        "y_ticks": range(1, 6),
        "size_unit": "€",
    }
    arguments.update(overrides)
    return charts.bubble_chart(**arguments)  # type: ignore[arg-type]


def _dots(chart: charts.Chart) -> list[ET.Element]:
    root = ET.fromstring(str(chart.svg))  # noqa: S314 - our own output
    return [c for c in root.iter(f"{NS}circle") if "dot" in c.get("class", "").split()]


def test_the_bubble_chart_is_one_image_named_in_german_without_script_or_inline_css() -> None:
    chart = portfolio()
    root = ET.fromstring(str(chart.svg))  # noqa: S314
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Portfolio der Maßnahmen"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == "Nutzen gegen Aufwand, Fläche nach Budget."  # type: ignore[union-attr]
    svg = str(chart.svg)
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert "http://" not in svg.replace(charts.SVG_NS, "")


def test_the_table_lists_every_bubble_with_number_group_and_true_values() -> None:
    table = portfolio().table
    assert table.headers == ("Nr. und Bezeichnung", "Gruppe", "Aufwand", "Nutzen", "Budget")
    assert table.rows == (
        ("1. E-Akte", "geplant", "3", "4", "1.234.567,50 €"),
        ("2. Portal", "geplant", "3", "4", "10.000 €"),
        ("3. WLAN im Rathaus", "Idee", "1", "5", "–"),
    )
    assert table.caption == "Daten: Portfolio der Maßnahmen"


def test_the_area_grows_with_the_size_and_no_size_is_the_smallest_bubble() -> None:
    radii = [float(c.get("r", "0")) for c in _dots(portfolio())]
    assert len(radii) == 3
    smallest, largest = charts.BUBBLE_RADIUS
    big, small, none = radii
    assert big == pytest.approx(largest, abs=0.1) and none == pytest.approx(smallest, abs=0.1)
    # Area in proportion: (r - r_min) grows with the square root of the size.
    assert (small - smallest) / (big - smallest) == pytest.approx(math.sqrt(10_000 / 1_234_567.5), abs=0.01)


def test_bubbles_on_the_same_spot_are_spread_apart_and_numbered() -> None:
    chart = portfolio()
    first, second, _third = _dots(chart)
    assert (first.get("cx"), first.get("cy")) != (second.get("cx"), second.get("cy"))
    root = ET.fromstring(str(chart.svg))  # noqa: S314
    labels = {t.text for t in root.iter(f"{NS}text") if "label" in t.get("class", "").split()}
    assert {"1", "2", "3"} <= labels


def test_the_bubbles_are_translucent_with_an_outline_so_overlaps_stay_visible() -> None:
    for dot in _dots(portfolio()):
        assert dot.get("fill-opacity") == "0.3" and dot.get("stroke-width") == "2"


def test_the_same_arguments_give_the_same_chart_and_other_data_another() -> None:
    assert portfolio() is portfolio()
    other = portfolio(series={"geplant": [Bubble("E-Akte", 2, 4, 5)]})
    assert other.chart_id != portfolio().chart_id


def test_a_chart_without_series_is_refused() -> None:
    with pytest.raises(charts.ChartError):
        portfolio(series={})


def test_a_long_line_chart_names_only_every_nth_point_under_its_axis_and_all_in_the_table() -> None:
    labels = [f"{day:02d}.01.2026" for day in range(1, 31)]
    chart = charts.line_chart(title="Verlauf", description="D", labels=labels, series={"Wert": list(range(30))})
    root = ET.fromstring(str(chart.svg))  # noqa: S314
    axis = root.find(f".//{NS}g[@class='axis x']")
    assert axis is not None
    shown = [t.text for t in axis.iter(f"{NS}text")]
    assert 1 < len(shown) <= charts.LINE_LABELS_SHOWN and shown[0] == "01.01.2026"
    assert [row[0] for row in chart.table.rows] == labels
