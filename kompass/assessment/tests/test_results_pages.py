"""The result pages: what they show from the stored result, what they never show of a hidden group,
the release log they write, who may read them, and their query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.assessment.models import ResultRelease
from kompass.assessment.tests.results_scenario import answer, campaign, close, scenario

PAGES = (
    "results",
    "results_audiences",
    "results_units",
    "results_criteria",
    "results_trend",
    "results_comments",
    "results_releases",
)


def url(world: Any, name: str, pk: int) -> str:
    return reverse(f"assessment:{name}", args=[world.kommune.slug, pk])


def releases(camp: Any, **filters: Any) -> list[tuple[str, str]]:
    rows = ResultRelease.objects.for_kommune(camp.kommune).filter(campaign=camp, **filters).order_by("id")
    return list(rows.values_list("breakdown", "channel"))


def table(html: str, caption_id: str) -> str:
    """The page's own table with the caption `caption_id` (not a chart's data table)."""
    start = html.index(f'id="{caption_id}"')
    return html[start : html.index("</table>", start)]


def row_of(html: str, label: str) -> str:
    """The first table row whose header names `label`."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S):
        header = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        if header and label in header.group(1):
            return row
    raise AssertionError(f"no row for {label}")


@pytest.fixture
def closed(world: Any, tmp_path: Any) -> Any:
    return scenario(world, tmp_path)


# --- who may read -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_every_member_reads_the_results_others_get_404_anonymous_the_login(
    world: Any, closed: Any, name: str, client: Any
) -> None:
    address = url(world, name, closed.campaign.pk)
    for user in (world.reader, world.editor, world.admin):
        assert world.client_for(user).get(address).status_code == 200
    assert world.client_for(world.outsider).get(address).status_code == 404
    response = client.get(address)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert world.client_for(world.reader).post(address).status_code == 405


def test_a_campaign_of_another_kommune_is_not_found(world: Any, closed: Any) -> None:
    other = reverse("assessment:results", args=[world.other.slug, closed.campaign.pk])
    assert world.client_for(world.admin).get(other).status_code == 404
    assert world.client_for(world.admin).get(url(world, "results", 999999)).status_code == 404


# --- the overview -------------------------------------------------------------------------------


def test_overview_states_k_and_hidden_groups_participation_radar_and_fields(world: Any, closed: Any) -> None:
    html = world.client_for(world.reader).get(url(world, "results", closed.campaign.pk)).content.decode()
    assert "k = 5; 2 Gruppen verborgen" in html
    assert html.count("<h1") == 1
    assert "Spinnennetz aller Felder" in html and 'role="img"' in html  # the radar, an accessible SVG
    assert "Innensicht: Reifegrad je Feld" in html  # a bar chart per dimension
    total = row_of(table(html, "beteiligung-caption"), "Gesamt")
    assert ">39<" in total and ">100 %<" in total  # 39 of 39 invited answered
    assert "„Verwaltungsvorstand“ hat weniger als 5 Personen" in html
    fields = row_of(table(html, "felder-1-caption"), "Rollen und Verantwortung")
    assert "3,4" in fields  # (12·4 + 6·5 + 10·3 + 6·3 + 2·1 + 3·2) / 39 = 3.44
    assert "Belege aus dem Kommunalkompass" in html


def test_overview_writes_one_release_line_and_reading_it_again_writes_another(world: Any, closed: Any) -> None:
    client = world.client_for(world.reader)
    client.get(url(world, "results", closed.campaign.pk))
    client.get(url(world, "results", closed.campaign.pk))
    entries = ResultRelease.objects.for_kommune(world.kommune).filter(campaign=closed.campaign)
    assert list(entries.order_by().values_list("breakdown", "channel", "user_name", "suppressed").distinct()) == [
        ("gesamt", "seite", world.reader.display_name, 2)
    ]
    assert entries.count() == 2


def test_overview_compares_with_the_previous_closed_campaign_and_logs_that_read_too(world: Any, tmp_path: Any) -> None:
    first = scenario(world, tmp_path).campaign
    second = campaign(world, title="Standortbestimmung 2027", starts_on="2027-01-10", ends_on="2027-02-10")
    answer(second, world.hauptamt, "mitarbeitende", 5, 12)
    second = close(world, second)
    html = world.client_for(world.admin).get(url(world, "results", second.pk)).content.decode()
    assert "„Vorher“: die Umfrage „Standortbestimmung 2026“." in html and "vorher 3,4" in html
    assert releases(first) == [("trend", "seite")]
    assert releases(second) == [("gesamt", "seite")]


# --- audiences ------------------------------------------------------------------------------------


def test_audiences_show_the_perception_gap_named_as_such_largest_first(world: Any, closed: Any) -> None:
    html = world.client_for(world.reader).get(url(world, "results_audiences", closed.campaign.pk)).content.decode()
    assert "Wahrnehmungslücke zwischen Leitung und Mitarbeitenden" in html
    assert "Führungskräfte (mit Verwaltungsvorstand)" in html
    gap = row_of(table(html, "luecke-caption"), "Strategie")
    assert "+0,7" in gap  # Führung 4.0 − Mitarbeitende 3.27
    assert releases(closed.campaign) == [("zielgruppen", "seite")]


def test_without_visible_staff_the_gap_page_says_why(world: Any, tmp_path: Any) -> None:
    from kompass.framework.tests.catalogue_fixture import adopted_framework

    adopted_framework(world.kommune, tmp_path / "fw")
    camp = campaign(world, unit_depth=0)
    answer(camp, world.hauptamt, "fuehrung", 4, 6)
    answer(camp, world.hauptamt, "mitarbeitende", 2, 3)  # fewer than k: merged into the Führungskräfte
    camp = close(world, camp)
    html = world.client_for(world.reader).get(url(world, "results_audiences", camp.pk)).content.decode()
    assert "Die Mitarbeitenden waren weniger als k" in html


# --- org units: hidden groups have no numbers ---------------------------------------------------------


def test_units_mark_hidden_units_without_numbers_in_tree_order(world: Any, closed: Any) -> None:
    html = world.client_for(world.reader).get(url(world, "results_units", closed.campaign.pk)).content.decode()
    units = table(html, "einheiten-caption")
    ordnungsamt = row_of(units, "32 Ordnungsamt")
    assert "verborgen" in ordnungsamt and "weniger als 5 Antworten" in ordnungsamt
    assert not re.search(r">\s*\d", ordnungsamt.split("</th>", 1)[1]), "no number in a hidden unit's row"
    direct = row_of(units, "Dezernat I: direkt zugeordnet")
    assert "verborgen" in direct
    hauptamt = row_of(units, "10 Hauptamt")
    assert ">18<" in hauptamt and "4,3" in hauptamt
    order = [units.index(label) for label in ("D1 Dezernat I<", "10 Hauptamt", "20 Kämmerei", "32 Ordnungsamt")]
    assert order == sorted(order)
    assert "Zielgruppe × Organisationseinheit" in html
    assert releases(closed.campaign) == [("einheiten", "seite"), ("kreuztabelle", "seite")]


def test_units_page_switches_the_field_and_ignores_an_unknown_one(world: Any, closed: Any) -> None:
    client = world.client_for(world.reader)
    base = url(world, "results_units", closed.campaign.pk)
    assert "Strategie je Organisationseinheit" in client.get(base + "?feld=strategie").content.decode()
    response = client.get(base + "?feld=%3Cscript%3E")
    assert response.status_code == 200
    assert "Rollen und Verantwortung je Organisationseinheit" in response.content.decode()


# --- criteria ---------------------------------------------------------------------------------------


def test_criteria_show_question_levels_figures_consensus_and_distribution(world: Any, closed: Any) -> None:
    html = world.client_for(world.reader).get(url(world, "results_criteria", closed.campaign.pk)).content.decode()
    assert "Wie weit ist Kernrollen besetzt in Ihrer Kommune entwickelt?" in html
    assert "Stufe eins: Es gibt dazu noch nichts Verbindliches" in html  # the level texts as asked
    assert "Verteilung der Antworten: Kernrollen besetzt" in html  # 39 answers: a distribution
    assert "gemischt" in html  # sd 1.0: mixed
    assert releases(closed.campaign) == [("kriterium", "seite")]


def test_criteria_for_an_audience_log_the_audience_breakdown_and_refuse_a_hidden_group(world: Any, closed: Any) -> None:
    client = world.client_for(world.reader)
    base = url(world, "results_criteria", closed.campaign.pk)
    html = client.get(base + "?feld=daten&gruppe=a:fuehrung").content.decode()
    assert "Kriterien im Feld „Daten“: Führungskräfte (mit Verwaltungsvorstand)" in html
    assert "Die Verteilung wird erst ab 10 gültigen Antworten gezeigt." in html  # 9 answers: no distribution
    assert ("zielgruppen", "seite") in releases(closed.campaign)
    hidden = client.get(base + "?gruppe=u:4").content.decode()  # not offered: falls back to Gesamt
    assert "Kriterien im Feld „Rollen und Verantwortung“: Gesamt" in hidden


def test_consensus_words_follow_the_documented_thresholds() -> None:
    from kompass.assessment.result_tables import consensus

    assert consensus(None) is None
    assert [consensus(v)[0] for v in (0.0, 0.79, 0.8, 1.19, 1.2, 2.0)] == [  # type: ignore[index]
        "einig",
        "einig",
        "gemischt",
        "gemischt",
        "uneinig",
        "uneinig",
    ]


# --- trend, free text, the release log ------------------------------------------------------------


def test_trend_needs_two_campaigns_and_draws_a_line_per_dimension(world: Any, tmp_path: Any) -> None:
    first = scenario(world, tmp_path).campaign
    client = world.client_for(world.reader)
    assert (
        "ab der zweiten abgeschlossenen Umfrage" in client.get(url(world, "results_trend", first.pk)).content.decode()
    )
    second = campaign(world, title="Standortbestimmung 2027", starts_on="2027-01-10", ends_on="2027-02-10")
    answer(second, world.hauptamt, "mitarbeitende", 5, 12)
    second = close(world, second)
    html = client.get(url(world, "results_trend", second.pk)).content.decode()
    assert "Innensicht: Verlauf je Feld" in html and "Steuerung: Verlauf je Feld" in html
    assert "Standortbestimmung 2026" in html and "Standortbestimmung 2027" in html
    assert ("trend", "seite") in releases(first) and ("trend", "seite") in releases(second)


def test_trend_queries_do_not_grow_with_the_number_of_campaigns(world: Any, tmp_path: Any) -> None:
    scenario(world, tmp_path)
    client = world.client_for(world.reader)

    def new_campaign(year: int) -> Any:
        camp = campaign(world, title=f"Umfrage {year}", starts_on=f"{year}-01-10", ends_on=f"{year}-02-10")
        answer(camp, world.hauptamt, "mitarbeitende", 3, 6)
        return close(world, camp)

    latest = new_campaign(2027)
    with CaptureQueriesContext(connection) as two:
        client.get(url(world, "results_trend", latest.pk))
    for year in (2028, 2029, 2030):
        latest = new_campaign(year)
    with CaptureQueriesContext(connection) as five:
        client.get(url(world, "results_trend", latest.pk))
    # Only the release log grows (a line per campaign shown): the reads stay the same.
    reads = [[q for q in run.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")] for run in (two, five)]
    assert len(reads[0]) == len(reads[1])


def test_page_queries_are_bounded(world: Any, closed: Any, django_assert_max_num_queries: Any) -> None:
    client = world.client_for(world.reader)
    for name in PAGES:
        with django_assert_max_num_queries(30):
            client.get(url(world, name, closed.campaign.pk))


def test_free_text_only_for_groups_above_the_threshold(world: Any, tmp_path: Any) -> None:
    closed = scenario(world, tmp_path, free_text=True)
    html = world.client_for(world.reader).get(url(world, "results_comments", closed.campaign.pk)).content.decode()
    assert "Mehr Schulungen bitte." in html and "Die E-Akte fehlt." in html
    assert releases(closed.campaign) == [("freitext", "seite")]


def test_free_text_switched_off_says_so(world: Any, closed: Any) -> None:
    html = world.client_for(world.reader).get(url(world, "results_comments", closed.campaign.pk)).content.decode()
    assert "In dieser Umfrage war Freitext ausgeschaltet." in html
    assert releases(closed.campaign) == []


def test_release_log_lists_every_read_per_channel_for_the_personalrat(world: Any, closed: Any) -> None:
    admin, reader = world.client_for(world.admin), world.client_for(world.reader)
    admin.get(url(world, "results", closed.campaign.pk))
    admin.get(url(world, "results_xlsx", closed.campaign.pk))
    reader.get(url(world, "results_units", closed.campaign.pk))
    before = ResultRelease.objects.for_kommune(world.kommune).count()
    html = reader.get(url(world, "results_releases", closed.campaign.pk)).content.decode()
    assert ResultRelease.objects.for_kommune(world.kommune).count() == before, "reading the log is no result read"
    assert world.admin.display_name in html and world.reader.display_name in html
    assert "Tabelle (XLSX)" in html and "Zielgruppe × Organisationseinheit" in html
    assert set(releases(closed.campaign, channel="xlsx")) == {
        ("gesamt", "xlsx"),
        ("kriterium", "xlsx"),
        ("zielgruppen", "xlsx"),
        ("einheiten", "xlsx"),
        ("kreuztabelle", "xlsx"),
    }


def test_release_log_is_paged(world: Any, closed: Any) -> None:
    from kompass.assessment import result_tables

    result = result_tables.for_campaign(closed.campaign)
    assert result is not None
    result_tables.release(result, world.admin, "seite", ["gesamt"] * 55)
    client = world.client_for(world.reader)
    first = client.get(url(world, "results_releases", closed.campaign.pk)).content.decode()
    assert "Seite 1 von 2" in first and "55 Abrufe" in first
    assert client.get(url(world, "results_releases", closed.campaign.pk) + "?page=abc").status_code == 200


# --- before closing -------------------------------------------------------------------------------


def test_an_open_campaign_shows_participation_in_steps_of_k_and_no_results(world: Any, tmp_path: Any) -> None:
    camp = scenario(world, tmp_path, close_it=False).campaign
    client = world.client_for(world.reader)
    html = client.get(url(world, "results", camp.pk)).content.decode()
    assert "Diese Umfrage ist noch offen." in html
    assert ">35<" in html  # 39 answered, shown in steps of 5
    assert ">39<" in html  # invited: no secret
    assert "3,4" not in html
    for name in ("results_pdf", "results_xlsx"):
        assert client.get(url(world, name, camp.pk)).status_code == 409
    assert client.get(url(world, "results_releases", camp.pk)).status_code == 200
    assert ResultRelease.objects.for_kommune(world.kommune).count() == 0


def test_head_shows_nothing_and_logs_nothing(world: Any, closed: Any) -> None:
    client = world.client_for(world.reader)
    for name in (*PAGES, "results_pdf", "results_xlsx"):
        assert client.head(url(world, name, closed.campaign.pk)).status_code == 200
    assert ResultRelease.objects.for_kommune(world.kommune).count() == 0
