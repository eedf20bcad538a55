"""Graph drawing: DOT quoting, running Graphviz safely, the cleaned and accessible SVG, the cache."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from kompass.reports import graphs

SOURCE = 'digraph g { a [label="Amt A"]; b [label="Amt B"]; a -> b [label="berichtet an"]; }\n'


def test_dot_quote_keeps_user_text_inside_one_string_literal() -> None:
    assert graphs.dot_quote('Amt "X" \\N ] ; a -> b\n<b>') == '"Amt \\"X\\" \\\\N ] ; a -> b <b>"'


@pytest.mark.django_db  # the cache lives in the database
def test_the_svg_is_one_named_image_without_graphviz_titles_ids_or_comments() -> None:
    svg = graphs.render_dot(SOURCE, title="Netz der Ämter", desc="Zwei Ämter.", id_prefix="netz", cache_namespace="t")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img" and root.get("aria-labelledby") == "netz-titel netz-beschreibung"
    title, desc = root.find(f"{{{graphs.SVG_NS}}}title"), root.find(f"{{{graphs.SVG_NS}}}desc")
    assert title is not None and title.text == "Netz der Ämter" and title.get("id") == "netz-titel"
    assert desc is not None and desc.text == "Zwei Ämter."
    assert svg.count("<title") == 1 and "<!--" not in svg and "<?xml" not in svg
    assert [el.get("id") for el in root.iter() if el.get("id")] == ["netz-titel", "netz-beschreibung"]
    assert "Amt A" in svg and "berichtet an" in svg
    assert not root.get("width", "").endswith("pt"), "natural size in CSS pixels"


@pytest.mark.django_db
def test_the_same_input_is_drawn_once_and_then_taken_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = graphs.run_dot
    monkeypatch.setattr(graphs, "run_dot", lambda source: calls.append(source) or real(source))
    first = graphs.render_dot(SOURCE, title="T1", desc="D", id_prefix="c", cache_namespace="test:cache")
    again = graphs.render_dot(SOURCE, title="T1", desc="D", id_prefix="c", cache_namespace="test:cache")
    other = graphs.render_dot(SOURCE, title="T2", desc="D", id_prefix="c", cache_namespace="test:cache")
    assert first == again and other != first
    assert len(calls) == 2, "a changed title is a new picture"


def test_missing_graphviz_is_a_graph_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphs.shutil, "which", lambda name: None)
    with pytest.raises(graphs.GraphError, match="nicht installiert"):
        graphs.run_dot(SOURCE)


def test_a_slow_or_failing_graphviz_is_a_graph_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: Any, **kwargs: Any) -> None:
        assert kwargs["timeout"] == graphs.DOT_TIMEOUT_SECONDS and "shell" not in kwargs
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(graphs.subprocess, "run", slow)
    with pytest.raises(graphs.GraphError):
        graphs.run_dot(SOURCE)


def test_broken_dot_source_is_a_graph_error() -> None:
    with pytest.raises(graphs.GraphError):
        graphs.run_dot("digraph { a -> ")


def test_output_without_svg_is_a_graph_error() -> None:
    with pytest.raises(graphs.GraphError, match="kein SVG"):
        graphs.clean_svg("Fehler", title="T", desc="D", id_prefix="x")
