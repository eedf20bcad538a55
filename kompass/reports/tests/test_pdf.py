"""The shared PDF renderer: local files only, tagged, German, titled, the generic base template."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from kompass.reports import pdf
from kompass.reports.tests.helpers import pdf_info, pdf_text


def test_pdf_renderer_reads_only_local_static_files(tmp_path: Any) -> None:
    _faces, print_css, roots = pdf._assets()
    assert pdf.allowed_file(print_css.as_uri(), roots)
    assert pdf.allowed_file("data:text/plain,hallo", roots)
    assert not pdf.allowed_file("http://angriff.example/x.png", roots)
    assert not pdf.allowed_file("https://127.0.0.1/intern", roots)
    assert not pdf.allowed_file("file:///etc/passwd", roots)
    assert not pdf.allowed_file((print_css.parent / ".." / ".." / ".." / "settings.py").as_uri(), roots)
    assert not pdf.allowed_file("file://fremder-host/share/x.css", roots)


def _context(**extra: Any) -> dict[str, Any]:
    return {"kommune": SimpleNamespace(name="Teststadt"), "today": datetime.date(2026, 3, 1), **extra}


def test_a_document_on_the_base_template_is_tagged_german_titled_and_has_running_texts() -> None:
    content = pdf.render_pdf("reports/pdf/charts.html", _context(title="Bericht an den Rat", charts=[]))
    info = pdf_info(content)
    assert "Tagged:          yes" in info
    assert "Title:           Bericht an den Rat – Teststadt" in info
    text = pdf_text(content)
    assert "Bericht an den Rat" in text and "Teststadt" in text
    assert "Stand: 01.03.2026" in text and "Seite 1 von 1" in text


def test_a_module_stylesheet_is_applied_after_the_generic_one_and_may_be_read() -> None:
    content = pdf.render_pdf(
        "reports/pdf/charts.html", _context(title="Mit Zusatz", charts=[]), stylesheets=["reports/print.css"]
    )
    assert "Mit Zusatz" in pdf_text(content)


def test_the_fetcher_refuses_the_network_and_files_outside_the_static_roots() -> None:
    _faces, print_css, roots = pdf._assets()
    fetcher = pdf.local_fetcher(roots)
    for url in ("http://angriff.example/spion.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused URL"):
            fetcher.fetch(url)
    response = fetcher.fetch(print_css.as_uri())
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def test_markup_in_the_data_is_printed_as_text() -> None:
    lead = '<img src="http://angriff.example/spion.png"> Text'
    content = pdf.render_pdf("reports/pdf/charts.html", _context(title="T", lead=lead, charts=[]))
    assert '<img src="http://angriff.example/spion.png"> Text' in pdf_text(content)
