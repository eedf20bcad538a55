"""Charts as accessible, self-contained SVG: radar, vertical and horizontal bar, line and bubble charts.

Decision: pygal 3.x draws the charts. It is pure Python and writes SVG on the server (no browser,
no JavaScript needed to see the picture), has radar, bar and line charts built in, takes colours
and fonts from one `Style`, and its SVG renders in WeasyPrint as on screen, so the page and the
PDF show the same picture. Not chosen: matplotlib (heavy; its SVG draws letters as paths, so text
is neither searchable nor read out), Vega-Lite through vl-convert (a bundled JavaScript engine of
about 100 MB for what pygal does in a few KB), hand-made SVG (every axis and label layout our own).

What this module makes of pygal's SVG, so that it is safe on the page and in the PDF:

- No script: pygal is configured without its default external tooltip script (`js=[]`), and the
  configuration `<script>` that it always writes is removed, with its comments (which carry URLs),
  its tooltip overlay and the per-point tooltip data. No request goes to any other host.
- No inline CSS: the app's Content Security Policy allows neither `<style>` elements nor `style`
  attributes. pygal's stylesheet (made from our KERN `Style`) is therefore applied here, once, as
  SVG presentation attributes (`fill`, `stroke` …), which are not CSS; the SVG then looks the same
  alone, on the page and in WeasyPrint.
- Accessible: the SVG is one image (`role="img"`) named by a German `<title>` and described by a
  German `<desc>`. Colour is never the only carrier of meaning: lines and radar outlines of
  different series differ in line style, bars carry their value as text, the legend names every
  series, and the data table next to the chart (`reports/partials/chart.html`) holds every value.
- Stable: ids come from a hash of the chart's content, so the same data gives the same SVG (and
  two different charts on one page never share an id).

Use: build the chart from plain data in the view or the PDF context, show it with the partial
(pages also link the static file "reports/figures.css")::

    chart = radar_chart(title="Reifegrad", description="Ist und Soll je Dimension.",
                        labels=["Strategie", "Personal"], series={"Ist": [2, 3], "Soll": [4, 4]},
                        label_header="Dimension", value_range=(0, 5), ticks=range(6))
    {% include "reports/partials/chart.html" with chart=chart %}
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import cssselect2
import pygal
import tinycss2
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FONT = '"Fira Sans", "DejaVu Sans", sans-serif'
INK = "#1d2034"  # KERN neutral-900
MUTED = "#5b6185"  # KERN neutral-600
# KERN UX colours (tokens darkblue-700, orange-400, turquois-600, violet-600, lightblue-600, red-600),
# converted from KERN's OKLCH values to hex for pygal; each has at least 3:1 contrast on white.
SERIES_COLOURS = ("#2044aa", "#b96f00", "#007155", "#9533be", "#006b8c", "#c31c13")
# Line styles of series 1, 2, 3 … (SVG stroke-dasharray; "" is solid): the second carrier besides colour.
DASHES = ("", "9,5", "2,4", "12,4,2,4", "5,5", "1,3")
LEGEND_DASHES = ("", "5,3", "2,3", "6,2,2,2", "3,3", "1,2")  # the same, scaled to the legend's small box
NO_VALUE = "–"
LINE_LABELS_SHOWN = 10  # at most this many points in time are named under a line chart's axis

KERN_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle=MUTED,
    colors=SERIES_COLOURS,
    font_family=FONT,
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=16,
    title_font_size=18,
    value_font_size=14,
    value_label_font_size=14,
    tooltip_font_size=14,
    no_data_font_size=24,
    guide_stroke_color="#a9aec6",  # KERN neutral-300
    major_guide_stroke_color="#8e93b1",  # KERN neutral-400
    opacity=".35",
    opacity_hover=".35",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    stroke_width="3",
    stroke_width_hover="3",
    transition="0ms",
)

# The SVG presentation attributes that pygal's stylesheet may set; everything else there
# (transitions, cursor, user-select) has no meaning in a static picture and is dropped.
PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-opacity",
        "stroke-width",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "opacity",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "display",
        "visibility",
    }
)


class ChartError(ValueError):
    """The data do not fit the chart (e.g. a series with another number of values than labels)."""


@dataclass(frozen=True)
class DataTable:
    """The chart's values as a table: one row per label, one column per series."""

    caption: str
    headers: tuple[str, ...]  # the label column first, then one per series
    rows: tuple[tuple[str, ...], ...]  # the label (a row header) first, then the formatted values


@dataclass(frozen=True)
class Chart:
    """What a page or PDF shows: the SVG (safe markup), its title and description, and the table."""

    svg: SafeString
    title: str
    description: str
    table: DataTable
    chart_id: str


# --- numbers in German -------------------------------------------------------------------------


def german_number(value: float | None, decimals: int | None = None, unit: str = "") -> str:
    """`3.5` → "3,5", `1234.0` → "1234", with an optional unit ("%" → "40 %"); None → "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    text = f"{value:.2f}".rstrip("0").rstrip(".") if decimals is None else f"{value:.{decimals}f}"
    text = text.replace("-", "−").replace(".", ",")  # typographic minus, decimal comma
    return f"{text} {unit}" if unit else text


# --- the public chart functions ----------------------------------------------------------------


_RENDERED: OrderedDict[str, Chart] = OrderedDict()
_RENDERED_LOCK = threading.Lock()  # threaded servers share the memo
RENDERED_MAX = 512  # about 10 MB of SVG per process at most


def _memoised(function: Callable[..., Chart]) -> Callable[..., Chart]:
    """Keep the charts last drawn in this process: a chart is a pure function of its arguments and
    the active language (the "no data" text), so the same arguments give the same `Chart` and
    drawing it again is wasted work (a result page draws the same six charts for every reader).
    The key is a hash of everything the chart depends on; nothing needs invalidating."""

    @functools.wraps(function)
    def wrapper(**kwargs: Any) -> Chart:
        kwargs = {name: list(value) if isinstance(value, Iterator) else value for name, value in kwargs.items()}
        frozen = sorted((name, _plain(value)) for name, value in kwargs.items())
        key = hashlib.sha256(repr((function.__name__, translation.get_language(), frozen)).encode()).hexdigest()
        with _RENDERED_LOCK:
            found = _RENDERED.get(key)
            if found is not None:
                _RENDERED.move_to_end(key)
                return found
        chart = function(**kwargs)
        with _RENDERED_LOCK:
            _RENDERED[key] = chart
            while len(_RENDERED) > RENDERED_MAX:
                _RENDERED.popitem(last=False)
        return chart

    return wrapper


def _plain(value: Any) -> Any:
    """A chart argument as plain values whose `repr` shows all of it (a lazy translation's `repr`
    is its address, a generator's says nothing of its items)."""
    if isinstance(value, str | int | float | bool | None):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return [(_plain(k), _plain(v)) for k, v in value.items()]
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return repr(value)


@_memoised
def radar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    label_header: str = "",
    value_range: tuple[float, float] | None = None,
    ticks: Sequence[float] | None = None,
    decimals: int | None = None,
    unit: str = "",
) -> Chart:
    """A radar (spider) chart, e.g. maturity per dimension: the first series filled, the others
    as outlines in their own line style (Ist filled, Soll dashed)."""
    # Room for the labels left and right of the web; the web itself stays round (about 520 wide).
    side = min(220, int(24 + 7.5 * max((len(label) for label in labels), default=0)))
    config = _config(decimals, unit, value_range, ticks, width=2 * side + 520, height=600)
    chart = pygal.Radar(**config, margin_left=side, margin_right=side, x_label_rotation=360)
    chart.x_labels = list(labels)
    for index, (name, values) in enumerate(_checked(labels, series)):
        chart.add(name, values, fill=index == 0, stroke_style=_stroke(index), dots_size=4)
    return _chart(chart, title, description, labels, series, label_header, decimals, unit)


@_memoised
def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    label_header: str = "",
    horizontal: bool = False,
    value_range: tuple[float, float] | None = None,
    ticks: Sequence[float] | None = None,
    decimals: int | None = None,
    unit: str = "",
) -> Chart:
    """Vertical bars (or horizontal ones for long labels), grouped by label, each with its value as text."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(360, 120 + 34 * len(labels) * max(1, len(series))) if horizontal else 480
    chart = kind(**_config(decimals, unit, value_range, ticks, width=800, height=height), print_values=True)
    # pygal stacks horizontal bars from the bottom up; reversed, the first label is on top as in the table.
    order = -1 if horizontal else 1
    chart.x_labels = list(labels)[::order]
    for name, values in _checked(labels, series):
        chart.add(name, values[::order])
    return _chart(chart, title, description, labels, series, label_header, decimals, unit)


def horizontal_bar_chart(**kwargs: Any) -> Chart:
    """`bar_chart` with horizontal bars: the labels stay readable however long they are."""
    return bar_chart(horizontal=True, **kwargs)


@_memoised
def line_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    label_header: str = "",
    value_range: tuple[float, float] | None = None,
    ticks: Sequence[float] | None = None,
    decimals: int | None = None,
    unit: str = "",
) -> Chart:
    """Lines over time (labels are the points in time), each series in its own line style."""
    label_header = label_header or _("Zeitpunkt")
    # Room on the right: the last point in time is labelled centred under it. A long series (a KPI's
    # monthly values) names only every n-th point under the axis, so the dates do not overlap; the
    # data table names them all.
    every = max(1, math.ceil(len(labels) / LINE_LABELS_SHOWN))
    chart = pygal.Line(
        **_config(decimals, unit, value_range, ticks, width=800, height=480),
        margin_right=48,
        x_labels_major_every=every if every > 1 else None,
        show_minor_x_labels=every == 1,
    )
    chart.x_labels = list(labels)
    for index, (name, values) in enumerate(_checked(labels, series)):
        chart.add(name, values, stroke_style=_stroke(index), dots_size=4)
    return _chart(chart, title, description, labels, series, label_header, decimals, unit)


class Bubble(NamedTuple):
    """One bubble of `bubble_chart`: what it is, where it stands (x, y) and how big it is (e.g. a budget)."""

    label: str
    x: float
    y: float
    size: float | None = None


BUBBLE_RADIUS = (6.0, 30.0)  # the smallest and the largest bubble (pixels of the 800-wide chart)
BUBBLE_SPREAD = 0.22  # how far bubbles on the same spot are moved apart, in units of the axes
# Translucent with a solid outline: overlapping bubbles and the numbers on them stay visible.
BUBBLE_LOOK = {"fill-opacity": "0.3", "stroke-width": "2"}


@_memoised
def bubble_chart(
    *,
    title: str,
    description: str,
    series: Mapping[str, Sequence[Bubble]],
    x_title: str,
    y_title: str,
    size_title: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_ticks: Sequence[float] | None = None,
    y_ticks: Sequence[float] | None = None,
    label_header: str = "",
    series_header: str = "",
    size_decimals: int | None = None,
    size_unit: str = "",
) -> Chart:
    """A bubble (scatter) chart, e.g. benefit against effort with the budget as size: each group of
    bubbles (`series`) in its own colour and named in the legend, the bubble's area in proportion
    to its size. Each bubble carries its number; the data table lists number, label, group, x, y and
    size, so the picture is never the only carrier. Bubbles on the same spot (scores are whole
    numbers) are spread in a small circle around it, so each one stays visible; the table keeps the
    true values."""
    if not series:
        raise ChartError(_("Ein Diagramm braucht mindestens eine Datenreihe."))
    config = _config(None, "", y_range, y_ticks, width=800, height=600)
    chart = pygal.XY(
        **config,
        stroke=False,
        xrange=x_range,
        x_labels=list(x_ticks) if x_ticks is not None else None,
        x_title=x_title,
        y_title=y_title,
        print_labels=True,
        x_value_formatter=lambda value: german_number(value),
    )
    largest = max((abs(b.size or 0) for bubbles in series.values() for b in bubbles), default=0)
    offsets = _spread([(b.x, b.y) for bubbles in series.values() for b in bubbles])
    number = 0
    for name, bubbles in series.items():
        values = []
        for bubble in bubbles:
            dx, dy = offsets[number]
            number += 1
            values.append(
                {
                    "value": (float(bubble.x) + dx, float(bubble.y) + dy),
                    "node": {"r": f"{_radius(bubble.size, largest):.1f}"},
                    "label": str(number),
                }
            )
        chart.add(name, values)
    headers = (label_header, series_header, x_title, y_title, size_title)
    table = _bubble_table(title, series, headers, size_decimals, size_unit)
    chart_id = "diagramm-" + hashlib.sha256(repr(("XY", title, description, table)).encode()).hexdigest()[:10]
    svg = clean_svg(chart.render(is_unicode=True), title=title, desc=description, chart_id=chart_id, dots=BUBBLE_LOOK)
    # Safe: ElementTree built the markup and escaped every text in it.
    return Chart(svg=mark_safe(svg), title=title, description=description, table=table, chart_id=chart_id)  # noqa: S308 - escaped by ElementTree


def _radius(size: float | None, largest: float) -> float:
    """Area in proportion to the size: the radius grows with its square root."""
    low, high = BUBBLE_RADIUS
    if not size or largest <= 0:
        return low
    return low + (high - low) * math.sqrt(abs(float(size)) / largest)


def _spread(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Offsets that move bubbles sharing one spot onto a small circle around it (in their order)."""
    spots: dict[tuple[float, float], list[int]] = {}
    for index, (x, y) in enumerate(points):
        spots.setdefault((float(x), float(y)), []).append(index)
    offsets = [(0.0, 0.0)] * len(points)
    for indices in spots.values():
        if len(indices) < 2:
            continue
        for position, index in enumerate(indices):
            angle = 2 * math.pi * position / len(indices)
            offsets[index] = (BUBBLE_SPREAD * math.cos(angle), BUBBLE_SPREAD * math.sin(angle))
    return offsets


def _grouped(value: float | None, decimals: int | None, unit: str) -> str:
    """A size as amounts are written: 1234567.5 → "1.234.567,5" (with the unit)."""
    if value is None:
        return NO_VALUE
    places = 0 if decimals is None and float(value).is_integer() else 2 if decimals is None else decimals
    text = f"{float(value):,.{places}f}".replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")
    text = text.replace("-", "−")
    return f"{text} {unit}" if unit else text


def _bubble_table(
    title: str,
    series: Mapping[str, Sequence[Bubble]],
    headers: tuple[str, str, str, str, str],
    size_decimals: int | None,
    size_unit: str,
) -> DataTable:
    rows = []
    number = 0
    for name, bubbles in series.items():
        for bubble in bubbles:
            number += 1
            rows.append(
                (
                    f"{number}. {bubble.label}",
                    str(name),
                    german_number(bubble.x),
                    german_number(bubble.y),
                    _grouped(bubble.size, size_decimals, size_unit),
                )
            )
    return DataTable(
        caption=_("Daten: %(title)s") % {"title": title},
        headers=(headers[0] or _("Nr. und Bezeichnung"), headers[1] or _("Gruppe"), *headers[2:]),
        rows=tuple(rows),
    )


# --- building --------------------------------------------------------------------------------


def _config(
    decimals: int | None,
    unit: str,
    value_range: tuple[float, float] | None,
    ticks: Sequence[float] | None,
    *,
    width: int,
    height: int,
) -> dict[str, Any]:
    """pygal's settings: KERN style, no script, no visible title (the figure caption shows it)."""
    formatter: Callable[[float | None], str] = lambda value: german_number(value, decimals, unit)  # noqa: E731
    return {
        "style": KERN_STYLE,
        "js": [],  # SECURITY: no external tooltip script from a CDN (pygal's default)
        "disable_xml_declaration": True,
        "width": width,
        "height": height,
        "value_formatter": formatter,
        "range": value_range,
        "y_labels": list(ticks) if ticks is not None else None,
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_box_size": 14,
        "truncate_label": -1,  # never cut a German label short
        "truncate_legend": -1,
        "no_data_text": _("Keine Daten"),
        "allow_interruptions": True,  # a missing value is a gap, not a line to zero
        "margin": 16,
        "include_x_axis": value_range is None,  # bars and lines start at zero
        "max_scale": 8,
        "title": None,
        "tooltip_fancy_mode": False,
    }


def _stroke(index: int) -> dict[str, Any]:
    dash = DASHES[index % len(DASHES)]
    return {"width": 3, "linejoin": "round", **({"dasharray": dash} if dash else {})}


def _checked(
    labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> list[tuple[str, list[float | None]]]:
    if not series:
        raise ChartError(_("Ein Diagramm braucht mindestens eine Datenreihe."))
    checked = []
    for name, values in series.items():
        if len(values) != len(labels):
            raise ChartError(
                _("Die Reihe „%(name)s“ hat %(n)d Werte für %(m)d Beschriftungen.")
                % {"name": name, "n": len(values), "m": len(labels)}
            )
        checked.append((name, [None if v is None else float(v) for v in values]))
    return checked


def data_table(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    label_header: str,
    decimals: int | None = None,
    unit: str = "",
) -> DataTable:
    """The chart's values as text, in the order of the labels and series."""
    rows = tuple(
        (str(label), *(german_number(values[i], decimals, unit) for values in series.values()))
        for i, label in enumerate(labels)
    )
    caption = _("Daten: %(title)s") % {"title": title}
    return DataTable(caption=caption, headers=(label_header or _("Kategorie"), *series.keys()), rows=rows)


def _chart(
    chart: Any,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    label_header: str,
    decimals: int | None,
    unit: str,
) -> Chart:
    table = data_table(title, labels, series, label_header, decimals, unit)
    chart_id = (
        "diagramm-" + hashlib.sha256(repr((type(chart).__name__, title, description, table)).encode()).hexdigest()[:10]
    )
    dashed = not isinstance(chart, pygal.Bar)  # HorizontalBar is a Bar too
    svg = clean_svg(chart.render(is_unicode=True), title=title, desc=description, chart_id=chart_id, dashed=dashed)
    # Safe: ElementTree built the markup and escaped every text in it.
    return Chart(svg=mark_safe(svg), title=title, description=description, table=table, chart_id=chart_id)  # noqa: S308 - escaped by ElementTree


# --- making pygal's SVG static, CSP-proof and accessible ---------------------------------------


def clean_svg(
    raw: str, *, title: str, desc: str, chart_id: str, dashed: bool = False, dots: Mapping[str, str] | None = None
) -> str:
    """pygal's SVG without script, comments, tooltips and inline CSS; with our accessible name.
    `dashed`: the series differ in line style, and the legend's boxes show it too. `dots`:
    presentation attributes that every data point gets over the stylesheet's (the bubbles' look)."""
    root = ET.fromstring(raw[raw.find("<svg") :])  # noqa: S314 - pygal's own output, no DTD
    _unprefix(root)
    _apply_stylesheet(root)
    for dot in root.iterfind(".//circle[@class]"):
        if dots and "dot" in dot.get("class", "").split():
            dot.attrib.update(dots)
    _drop_interactive(root)
    _level_labels(root)
    if dashed:
        _legend_dashes(root)
    for element in root.iter():
        element.attrib.pop("id", None)
        element.attrib.pop("style", None)
    root.attrib.pop("class", None)
    root.set("class", "kk-chart__svg")
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-titel {chart_id}-beschreibung")
    root.set("focusable", "false")
    root.set("xmlns", SVG_NS)
    desc_el = ET.Element("desc", {"id": f"{chart_id}-beschreibung"})
    desc_el.text = desc
    title_el = ET.Element("title", {"id": f"{chart_id}-titel"})
    title_el.text = title
    root.insert(0, desc_el)
    root.insert(0, title_el)
    return ET.tostring(root, encoding="unicode")


def _level_labels(root: ET.Element) -> None:
    """Radar: the labels around the web stand upright, anchored away from the centre (pygal turns
    them along their axis, which is hard to read); `x_label_rotation=360` leaves them unturned."""
    for guides in root.iterfind(".//g[@class='axis web x']/g"):
        path, text = guides.find("path"), guides.find("text")
        if path is None or text is None:
            continue
        centre_x = float(path.get("d", "M0 ").split()[0][1:])
        x = float(text.get("x", "0"))
        text.attrib.pop("transform", None)
        if abs(x - centre_x) < 1:
            text.set("text-anchor", "middle")
        else:
            text.set("text-anchor", "start" if x > centre_x else "end")
            text.set("x", f"{x + (6 if x > centre_x else -6):.1f}")


def _legend_dashes(root: ET.Element) -> None:
    for rect in root.iterfind(".//g[@class='legends']//rect"):
        index = next((int(c[6:]) for c in rect.get("class", "").split() if c.startswith("color-")), None)
        if index is not None and LEGEND_DASHES[index % len(LEGEND_DASHES)]:
            rect.set("stroke-dasharray", LEGEND_DASHES[index % len(LEGEND_DASHES)])


def _unprefix(element: ET.Element) -> None:
    """Plain tag names: inline SVG in HTML needs no namespace prefixes."""
    for el in element.iter():
        if isinstance(el.tag, str):
            el.tag = el.tag.removeprefix(f"{{{SVG_NS}}}")
        for key in [k for k in el.attrib if k.startswith(f"{{{XLINK_NS}}}")]:
            el.attrib.pop(key)  # pygal links nothing we need (legend hrefs are for its script)


def _apply_stylesheet(root: ET.Element) -> None:
    """Turn the rules of pygal's `<style>` elements into presentation attributes, cascade order kept.

    pygal scopes every rule to the chart's random id (`#chart-<uuid> .title`); with the id replaced
    by a fixed one, charts of one kind share the same stylesheet text, which is parsed and compiled
    once per process (`_compiled_stylesheet`) instead of once per chart."""
    chart_id = root.get("id", "")
    if chart_id:
        root.set("id", _STYLE_ID)
    for style in [el for el in root.iter() if el.tag == "style"]:
        text = (style.text or "").replace(f"#{chart_id}", f"#{_STYLE_ID}") if chart_id else style.text or ""
        matcher = _compiled_stylesheet(text)
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            matches = sorted(matcher.match(wrapper), key=lambda match: (match[0], match[1]))
            for _specificity, _order, _pseudo, declarations in matches:
                for name, value in declarations:
                    wrapper.etree_element.set(name, value)


_STYLE_ID = "kk-diagramm"


@functools.lru_cache(maxsize=32)
def _compiled_stylesheet(text: str) -> cssselect2.Matcher:
    """The rules of one stylesheet as a matcher (read-only once built, so it can be shared)."""
    matcher = cssselect2.Matcher()
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        declarations = _declarations(rule.content)
        if not declarations:
            continue
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, declarations)
    return matcher


def _declarations(content: list[Any]) -> list[tuple[str, str]]:
    found = []
    for decl in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration" and decl.lower_name in PRESENTATION and not decl.important:
            found.append((decl.lower_name, tinycss2.serialize(decl.value).strip()))
    return found


_INTERACTIVE_CLASSES = frozenset({"tooltip-overlay", "tooltip"})


def _drop_interactive(element: ET.Element) -> None:
    """Remove scripts, styles, comments, pygal's titles and tooltip data, and its tooltip overlay."""
    for child in list(element):
        classes = set(child.get("class", "").split())
        if (
            not isinstance(child.tag, str)  # comments and processing instructions
            or child.tag in ("script", "style", "title", "desc")
            or classes & _INTERACTIVE_CLASSES
        ):
            element.remove(child)
        else:
            _drop_interactive(child)
            classes -= {"reactive", "tooltip-trigger", "activate-serie"}  # hooks of pygal's script
            if classes:
                child.set("class", " ".join(sorted(classes)))
            else:
                child.attrib.pop("class", None)
