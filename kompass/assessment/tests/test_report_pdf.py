"""The assessment report as PDF: method, questionnaire, charts with tables, k; nothing of a hidden group."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kompass.assessment import report_pdf, result_tables
from kompass.assessment.models import ResultRelease
from kompass.assessment.tests.results_scenario import scenario
from kompass.reports.tests.helpers import pdf_info, pdf_text


@pytest.fixture
def closed(world: Any, tmp_path: Any) -> Any:
    return scenario(world, tmp_path)


def test_report_names_fields_and_k_and_never_a_hidden_group(world: Any, closed: Any) -> None:
    response = world.client_for(world.reader).get(
        reverse("assessment:results_pdf", args=[world.kommune.slug, closed.campaign.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for name in ("Rollen und Verantwortung", "Daten", "Strategie", "Kernrollen besetzt"):
        assert name in text
    assert "k = 5; 2 Gruppen verborgen" in text
    assert "Methode" in text and "Fragebogen" in text and "Beteiligung" in text
    assert "Spinnennetz aller Felder" in text and "Innensicht: Reifegrad je Feld" in text
    assert "Daten: Innensicht: Reifegrad je Feld" in text  # each chart with its data table
    assert "Wahrnehmungslücke" in text
    assert "10 Hauptamt" in text and "20 Kämmerei" in text  # visible units are reported
    assert "Ordnungsamt" not in text and "direkt zugeordnet" not in text  # hidden ones are only counted
    assert "Tagged: yes" in " ".join(pdf_info(response.content).split())
    assert set(ResultRelease.objects.for_kommune(world.kommune).values_list("breakdown", "channel")) == {
        (b, "pdf") for b in ("gesamt", "zielgruppen", "einheiten", "kriterium")
    }


def test_report_context_leaves_hidden_groups_out_of_every_table(world: Any, closed: Any) -> None:
    result = result_tables.for_campaign(closed.campaign)
    assert result is not None
    context = report_pdf.report_context(result)
    labels = {group.label for group, _scores in context["units"]}
    assert labels == {"D1 Dezernat I", "10 Hauptamt", "20 Kämmerei", "60 Bauamt"}
    assert all(not row.hidden for row in context["participation"])
    assert [a.label for a in context["audiences"]] == ["Führungskräfte (mit Verwaltungsvorstand)", "Mitarbeitende"]
