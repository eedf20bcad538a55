"""The results as a workbook and through the API: the same suppression as the pages, every read logged."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kompass.api.tests.helpers import ApiClient, token_for
from kompass.assessment.models import Campaign, ResultRelease
from kompass.assessment.tests.results_scenario import scenario


def hidden_keys(world: Any) -> tuple[str, str]:
    """32 Ordnungsamt (2 answers) and Dezernat I: direkt zugeordnet (3 answers); keys by primary key,
    which differ between databases."""
    return (f"u:{world.ordnungsamt.pk}", f"d:{world.dezernat.pk}")


@pytest.fixture
def closed(world: Any, tmp_path: Any) -> Any:
    return scenario(world, tmp_path)


def xlsx_url(world: Any, camp: Campaign) -> str:
    return reverse("assessment:results_xlsx", args=[world.kommune.slug, camp.pk])


def api_url(world: Any, camp: Campaign, slug: str | None = None) -> str:
    return f"/api/v1/kommunen/{slug or world.kommune.slug}/umfragen/{camp.pk}/ergebnisse"


def channels(camp: Campaign) -> set[tuple[str, str]]:
    return set(
        ResultRelease.objects.for_kommune(camp.kommune).filter(campaign=camp).values_list("breakdown", "channel")
    )


# --- the workbook --------------------------------------------------------------------------------


def test_workbook_has_the_four_sheets_and_hidden_groups_only_as_verborgen(world: Any, closed: Any) -> None:
    response = world.client_for(world.reader).get(xlsx_url(world, closed.campaign))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Felder", "Kriterien", "Zielgruppen", "Einheiten", "Legende"]
    units = {row[0]: row for row in book["Einheiten"].iter_rows(min_row=3, values_only=True)}
    for label in ("32 Ordnungsamt", "D1 Dezernat I: direkt zugeordnet"):
        assert set(units[label][2:]) == {"verborgen"}, f"{label} must carry no number"
    assert units["10 Hauptamt"][2] == 18 and units["10 Hauptamt"][3] == pytest.approx(4.33)
    assert units["D1 Dezernat I · Mitarbeitende"][2] == 30  # the audience × unit cells
    fields = {row[1]: row for row in book["Felder"].iter_rows(min_row=3, values_only=True)}
    assert fields["Rollen und Verantwortung"][2] == pytest.approx(3.44)
    criteria = list(book["Kriterien"].iter_rows(min_row=3, values_only=True))
    assert criteria[0][2] == "Kernrollen besetzt" and criteria[0][4] == 39 and criteria[0][9:14] == (2, 3, 16, 12, 6)
    audiences = next(book["Zielgruppen"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert "Führungskräfte (mit Verwaltungsvorstand)" in audiences
    legend = {row[0]: row[1] for row in book["Legende"].iter_rows(values_only=True) if row[0]}
    assert legend["Anonymität"] == "k = 5; 2 Gruppen verborgen"
    assert channels(closed.campaign) == {
        (b, "xlsx") for b in ("gesamt", "kriterium", "zielgruppen", "einheiten", "kreuztabelle")
    }


def test_workbook_defuses_formulas_in_the_kommunes_own_texts(world: Any, closed: Any) -> None:
    Campaign.objects.for_kommune(world.kommune).filter(pk=closed.campaign.pk).update(title="=HYPERLINK(1)")
    response = world.client_for(world.admin).get(xlsx_url(world, closed.campaign))
    book = load_workbook(io.BytesIO(response.content))
    cells = [row[1] for row in book["Legende"].iter_rows(values_only=True) if row[0] == "Umfrage"]
    assert cells == ["'=HYPERLINK(1)"]


# --- the API -------------------------------------------------------------------------------------


def test_api_returns_the_stored_result_without_numbers_of_hidden_groups(world: Any, closed: Any) -> None:
    response = ApiClient(token_for(world.reader)).get(api_url(world, closed.campaign))
    assert response.status_code == 200
    body = response.json()
    assert body["k_statement"] == "k = 5; 2 Gruppen verborgen"
    groups = {g["key"]: g for g in body["groups"]}
    for key in hidden_keys(world):
        assert groups[key]["hidden"] is True and groups[key]["n"] is None
        for part in ("stats", "fields", "dimensions", "comments"):
            assert key not in body[part]
    hauptamt = f"u:{world.hauptamt.pk}"
    assert groups[hauptamt]["n"] == 18 and body["fields"][hauptamt]["daten"] == pytest.approx(4.33)
    assert body["stats"]["all"][str(body["items"][0]["id"])]["dist"] == [2, 3, 16, 12, 6]
    assert channels(closed.campaign) == {
        (b, "api") for b in ("gesamt", "zielgruppen", "einheiten", "kreuztabelle", "kriterium")
    }
    text = json.dumps(body, ensure_ascii=False)
    assert '"n": 2' not in text and '"n": 3,' not in text  # neither hidden group's size appears anywhere


def test_api_answers_409_while_open_404_outside_401_anonymous(world: Any, tmp_path: Any) -> None:
    camp = scenario(world, tmp_path, close_it=False).campaign
    reader = ApiClient(token_for(world.reader))
    response = reader.get(api_url(world, camp))
    assert response.status_code == 409 and "noch nicht geschlossen" in response.json()["detail"]
    assert ApiClient(token_for(world.outsider)).get(api_url(world, camp)).status_code == 404
    assert ApiClient(token_for(world.outsider)).get(api_url(world, camp, "nachbarort")).status_code == 404
    assert ApiClient().get(api_url(world, camp)).status_code == 401
    assert reader.get("/api/v1/kommunen/teststadt/umfragen/999999/ergebnisse").status_code == 404
    assert ResultRelease.objects.for_kommune(world.kommune).count() == 0


def test_api_results_are_in_the_openapi_document(world: Any) -> None:
    schema = ApiClient().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/kommunen/{kommune_slug}/umfragen/{campaign_id}/ergebnisse"]["get"]
    assert operation["summary"] == "Ergebnisse einer Umfrage"
    assert {"200", "404", "409"} <= set(operation["responses"])


def test_api_holds_per_question_statistics_of_the_chosen_groups_only(world: Any, closed: Any) -> None:
    client = ApiClient(token_for(world.reader))
    url = api_url(world, closed.campaign)
    assert set(client.get(url).json()["stats"]) == {"all"}
    hauptamt = f"u:{world.hauptamt.pk}"
    chosen = client.get(url, {"gruppen": f"all,{hauptamt}"}).json()
    assert set(chosen["stats"]) == {"all", hauptamt}
    everything = client.get(url, {"gruppen": "*"}).json()
    visible = {g["key"] for g in everything["groups"] if not g["hidden"]}
    assert set(everything["stats"]) == visible and len(visible) > 2
    hidden = sorted(hidden_keys(world))
    assert set(client.get(url, {"gruppen": ",".join(hidden)}).json()["stats"]) == set()  # hidden stays hidden


def test_api_refuses_an_unknown_group_by_name(world: Any, closed: Any) -> None:
    response = ApiClient(token_for(world.reader)).get(api_url(world, closed.campaign), {"gruppen": "all,u:999999"})
    assert response.status_code == 400
    assert "u:999999" in response.json()["detail"] and "Unbekannte Gruppe" in response.json()["detail"]
