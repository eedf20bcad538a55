"""The self-assessment of the benchmark profile, generated at a small scale, and its bench pages."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from kompass.accounts.services import api_token_create
from kompass.assessment import results, services
from kompass.assessment.models import Answer, Campaign, CampaignItem, CampaignStatus, Participant, Response
from kompass.conftest import World
from kompass.demo import bench_assessment
from kompass.demo.management.commands import bench
from kompass.factories import person

pytestmark = pytest.mark.django_db

SMALL = {"INVITED": 40, "RESPONDENTS": 30, "CRITERIA": 6, "REPORTING_UNITS": 2, "OPEN_PARTICIPANTS": 3}


@pytest.fixture
def small_profile(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The profile's generator on the world (two Ämter, 45 more people), scaled down."""
    for name, value in SMALL.items():
        monkeypatch.setattr(bench_assessment, name, value)
    for n in range(45):
        unit = (world.hauptamt, world.ordnungsamt, world.sachgebiet)[n % 3]
        person(world.kommune, f"Vorname{n}", f"Nachname{n}", unit, email=f"p{n}@teststadt.example")
    bench_assessment.generate_assessment_profile(world.kommune)
    return world


def test_the_closed_campaign_holds_every_answer_and_its_stored_result(small_profile: World) -> None:
    kommune = small_profile.kommune
    closed, open_campaign = bench_assessment.bench_campaigns(kommune)
    assert closed.status == CampaignStatus.CLOSED and open_campaign.status == CampaignStatus.OPEN
    assert CampaignItem.objects.for_kommune(kommune).filter(campaign=closed).count() == 6
    responses = Response.objects.for_kommune(kommune).filter(campaign=closed)
    assert responses.count() == 30
    assert Answer.objects.for_kommune(kommune).filter(response__campaign=closed).count() == 30 * 6
    participants = Participant.objects.for_kommune(kommune).filter(campaign=closed)
    assert participants.count() == 40
    assert participants.filter(answered_on__isnull=False).count() == 30
    # Reported by Amt (the reporting depth), over more than one audience.
    assert set(responses.values_list("unit", flat=True)) <= {small_profile.hauptamt.pk, small_profile.ordnungsamt.pk}
    assert len(Counter(responses.values_list("audience", flat=True))) >= 2
    data = results.stored(closed)
    assert data is not None
    assert next(g for g in data["groups"] if g["key"] == "all")["n"] == 30
    assert bench_assessment.assessment_profile_present(kommune)


def test_the_answers_are_the_same_on_every_run(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SMALL.items():
        monkeypatch.setattr(bench_assessment, name, value)
    for n in range(45):
        person(world.kommune, f"V{n}", f"N{n}", world.sachgebiet, email=f"q{n}@teststadt.example")
    first = bench_assessment.invitations(world.kommune, random.Random("s"))
    assert first == bench_assessment.invitations(world.kommune, random.Random("s"))
    assert len(first) == 40 and len({i.person_id for i in first}) == 40


def test_the_survey_token_opens_the_open_campaign(small_profile: World) -> None:
    kommune = small_profile.kommune
    _closed, open_campaign = bench_assessment.bench_campaigns(kommune)
    token = bench_assessment.survey_token(kommune, open_campaign)
    assert services.participant_for(token, kommune).campaign == open_campaign


def _context(world: World) -> bench.BenchContext:
    _token, secret = api_token_create(user=world.admin, name="Bench-Test")
    ctx = bench.BenchContext(slug=world.kommune.slug, admin=world.admin, kommune=world.kommune,
                             amt=world.ordnungsamt, dezernat=world.dezernat, head=world.alice, api_token=secret)  # fmt: skip
    ctx.campaign, open_campaign = bench_assessment.bench_campaigns(world.kommune)
    ctx.survey_token = bench_assessment.survey_token(world.kommune, open_campaign)
    return ctx


ASSESSMENT_PAGES = [p for p in bench.PAGES if "Selbstbewertung" in p.label or "Umfrage" in p.label]


def test_the_bench_measures_the_results_the_api_the_survey_and_the_pdf() -> None:
    labels = " ".join(p.label for p in ASSESSMENT_PAGES)
    for word in ("Übersicht", "Zielgruppen", "Einheiten", "Kriterium", "API: Ergebnisse", "Fragenseite", "PDF"):
        assert word in labels
    budgets = {p.label: p.budget_ms for p in ASSESSMENT_PAGES}
    assert budgets["Umfrage: Fragenseite (ohne Anmeldung)"] == 50
    assert budgets["Selbstbewertung: Bericht (PDF)"] == 3000
    assert all(b == 150 for label, b in budgets.items() if "PDF" not in label and "Fragenseite" not in label)


@pytest.mark.parametrize("page", ASSESSMENT_PAGES, ids=lambda p: p.label)
def test_every_assessment_page_of_the_bench_answers(
    small_profile: World, admin_client: Client, page: bench.Page
) -> None:
    ctx = _context(small_profile)
    result = bench.measure_page(admin_client, page, ctx, runs=1, warmups=1)
    assert result.verdict in {"OK", "ÜBER BUDGET"}, f"{page.label}: {result.verdict} ({page.url(ctx)})"


def test_the_store_measurement_reports_its_time(small_profile: World) -> None:
    result = bench.measure_result_store(_context(small_profile), runs=2)
    assert not result.failed
    assert int(result.queries) > 0 and float(result.p95) >= 0


def test_the_api_results_answer_through_the_token(small_profile: World) -> None:
    ctx = _context(small_profile)
    page = next(p for p in ASSESSMENT_PAGES if p.label.startswith("API"))
    response = Client().get(page.url(ctx), HTTP_AUTHORIZATION=f"Bearer {ctx.api_token}")
    assert response.status_code == 200
    assert response.json()["k"] >= 5
    assert reverse("assessment:results", args=[ctx.slug, ctx.campaign.pk]) in bench._results("results")(ctx)
    assert Campaign.objects.for_kommune(small_profile.kommune).count() == 2


def _stats(submitted: int, failures: int = 0) -> list[dict[str, str]]:
    def row(name: str, count: int, failed: int) -> dict[str, str]:
        return {"Name": name, "Request Count": str(count), "Failure Count": str(failed), "50%": "40", "95%": "90",
                "Max Response Time": "120.0", "Requests/s": "12.5"}  # fmt: skip

    return [
        row("Absenden", submitted, 0),
        row("Fragen (POST)", 10 * submitted, failures),
        row("Aggregated", 99, failures),
    ]


def test_the_load_run_passes_only_without_errors_and_with_every_submission_stored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kompass.demo.loadtest import run

    assert run.report(_stats(40), [], 60.0, "42 42", users=50)  # two stopped at the time limit after submitting
    assert "42 (0.70 je Sekunde)" in capsys.readouterr().out
    failure = [{"Method": "POST", "Name": "Fragen (POST)", "Error": "HTTPError 500", "Occurrences": "1"}]
    assert not run.report(_stats(40, failures=1), failure, 60.0, "40 40", users=50)
    assert "FEHLER POST Fragen (POST): HTTPError 500" in capsys.readouterr().out
    assert not run.report(_stats(40), [], 60.0, "39 40", users=50)  # a submission was counted but not stored
    assert not run.report(_stats(40), [], 60.0, "40 41", users=50)  # marked as answered without a response
    assert not run.report(_stats(0), [], 60.0, "0 0", users=50)  # nothing submitted at all
