"""The demo's digital agenda (issue 10, point 11): Musterstadt's strategy, measures in every status,
KPIs on their intended status, measures from recommendations, the Rollen-Check's agenda findings,
dates relative to the day of loading, and a second load that changes nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kompass.accounts.models import User
from kompass.agenda import evidence as agenda_evidence
from kompass.agenda import rules as agenda_rules
from kompass.agenda import selectors
from kompass.agenda.models import (
    KPI,
    Agenda,
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    DecisionResult,
    Goal,
    Handlungsfeld,
    ImpactStep,
    KPIValue,
    Leitsatz,
    Measure,
    MeasureStatus,
    StatusReport,
    VersionState,
)
from kompass.assessment import evidence as assessment_evidence
from kompass.assessment.models import CampaignResult, RecommendationStatus
from kompass.audit.models import AuditEntry
from kompass.demo import agenda as demo_agenda
from kompass.demo.assessment import CAMPAIGNS
from kompass.roles import rules
from kompass.roles import selectors as role_selectors
from kompass.roles.models import Assignment
from kompass.tenancy.models import Kommune

pytestmark = pytest.mark.django_db

DATA = demo_agenda.agenda_data()


@pytest.fixture(scope="module")
def _demo_once(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once for this module's tests; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def musterstadt(_demo_once: str) -> Kommune:
    return Kommune.objects.get(slug="musterstadt")


def agenda_findings(kommune: Kommune) -> dict[str, list[rules.Finding]]:
    found: dict[str, list[rules.Finding]] = {}
    for finding in rules.run_checks(role_selectors.check_data(kommune)):
        if finding.rule.startswith("agenda."):
            found.setdefault(finding.rule, []).append(finding)
    return found


# --- the file, without the database -------------------------------------------------------------


def test_every_kpi_series_lands_on_its_intended_status_under_the_apps_rule() -> None:
    wrong = {
        k["key"]: (k["demo_status"], demo_agenda.computed_status(k).code)
        for k in DATA["kpis"]
        if k["demo_status"] != "ohne_aktuellen_wert" and demo_agenda.computed_status(k).code != k["demo_status"]
    }
    assert wrong == {}


def test_the_series_are_the_same_on_every_run_and_end_without_noise() -> None:
    for kpi in DATA["kpis"]:
        values = demo_agenda.series_values(kpi)
        assert values == demo_agenda.series_values(kpi)
        if "stop" not in kpi["series"]:
            day, last = values[-1]
            assert day == datetime.date(2026, 11, 30)
            assert float(last) == pytest.approx(float(kpi["series"]["end"]), abs=0.5)


def test_dates_move_with_the_day_of_loading_so_the_same_reports_are_overdue() -> None:
    def overdue(today: datetime.date) -> set[str]:
        shift = demo_agenda.Shift(today)
        late = set()
        for spec in DATA["measures"]:
            if spec["status"] != "in_umsetzung":
                continue
            last = max((shift.date(r["date"]) for r in spec.get("status_reports", [])), default=None)
            measure = Measure(starts_on=shift.date(spec["start"]))
            if agenda_rules.report_due(measure, last, today, 90):
                late.add(spec["key"])
        return late

    expected = {"m-anwohnerparken", "m-kita-portal", "m-datenkatalog", "m-energiemonitoring"}
    assert overdue(demo_agenda.REFERENCE_DATE) == expected
    assert overdue(datetime.date(2028, 3, 15)) == expected
    later = demo_agenda.Shift(demo_agenda.REFERENCE_DATE + datetime.timedelta(days=400))
    assert later.date("2026-12-17") == datetime.date(2028, 1, 21)
    assert later.years == 1
    assert later.text("Rat (2026-12-17) am 18.09.2025") == "Rat (21.01.2028) am 23.10.2026"
    assert demo_agenda.Shift(demo_agenda.REFERENCE_DATE).text("Rat (2024-12-12)") == "Rat (12.12.2024)"


def test_the_council_results_of_the_file_are_results_of_the_model() -> None:
    assert demo_agenda.decision_result("beschlossen") == DecisionResult.BESCHLOSSEN
    assert demo_agenda.decision_result("zur Kenntnis genommen") == DecisionResult.KENNTNIS
    assert demo_agenda.decision_result("in Beratung") == DecisionResult.IN_BERATUNG
    with pytest.raises(ValueError, match="vielleicht"):
        demo_agenda.decision_result("vielleicht")


# --- the loaded demo -----------------------------------------------------------------------------


def test_load_demo_reports_the_agenda(_demo_once: str) -> None:
    assert "Digitale Agenda Musterstadt: 8 Handlungsfelder, 24 Ziele, 36 Maßnahmen (3 aus Empfehlungen)" in _demo_once


def test_the_decided_agenda_has_eight_handlungsfelder_and_seven_leitsaetze(musterstadt: Kommune) -> None:
    agenda = Agenda.objects.for_kommune(musterstadt).get()
    assert agenda.title == DATA["agenda"]["title"]
    version = AgendaVersion.objects.for_kommune(musterstadt).get()
    assert version.state == VersionState.BESCHLOSSEN and version.decision is not None
    assert version.decision.drucksache == "0123/2025"
    fields = Handlungsfeld.objects.for_kommune(musterstadt).filter(agenda_version=version)
    assert fields.count() == 8
    # Fields switched off in Musterstadt's framework stay mapped (by key).
    mapped = {key for h in fields for key in h.framework_field_keys}
    assert {"umwelt-energie", "bildung", "gesundheit-soziales"} <= mapped
    assert Leitsatz.objects.for_kommune(musterstadt).count() == 7
    settings = selectors.settings(musterstadt)
    assert (settings.accountable_limit, settings.report_period_days) == (6, 90)
    assert (settings.weight_benefit, settings.weight_urgency, settings.weight_effort) == (5, 3, 2)


def test_goals_measures_in_every_status_and_what_belongs_to_them(musterstadt: Kommune) -> None:
    goals = Goal.objects.for_kommune(musterstadt)
    assert goals.count() == 24 and goals.filter(kind="wirkungsziel").count() == 8
    measures = Measure.objects.for_kommune(musterstadt)
    assert 30 <= measures.count() <= 40
    statuses = Counter(measures.values_list("status", flat=True))
    assert set(statuses) == set(MeasureStatus.values)
    assert statuses[MeasureStatus.IN_UMSETZUNG] >= 10
    assert not measures.filter(accountable_role__isnull=True).exists()
    assert not measures.filter(responsible_unit__isnull=True).exists()
    chains = ImpactStep.objects.for_kommune(musterstadt)
    assert chains.values("measure").distinct().count() == measures.count()
    assert BudgetLine.objects.for_kommune(musterstadt).filter(decision__isnull=False).count() >= 10
    serviceportal = measures.get(title__startswith="Serviceportal")
    assert BudgetLine.objects.for_kommune(musterstadt).filter(measure=serviceportal, funding_amount=90000).exists()


def test_sixty_kpis_with_three_years_of_monthly_values_in_every_status(musterstadt: Kommune) -> None:
    kpis = list(KPI.objects.for_kommune(musterstadt))
    assert len(kpis) == 60
    counts = Counter(KPIValue.objects.for_kommune(musterstadt).values_list("kpi_id", flat=True))
    assert max(counts.values()) == 35  # January 2024 to November 2026
    assert sum(1 for n in counts.values() if n >= 24) >= 40
    assert sum(counts.values()) >= 1700
    latest = selectors.latest_values(musterstadt)
    by_name = {k["name"]: k for k in DATA["kpis"]}
    computed: Counter[str] = Counter()
    for kpi in kpis:
        intended = by_name[kpi.name]["demo_status"]
        status = selectors.status_of(kpi, latest.get(kpi.pk))
        if intended == "ohne_aktuellen_wert":
            assert agenda_rules.kpi_overdue(kpi, latest[kpi.pk].measured_on, timezone.localdate(), 30), kpi.name
        else:
            assert status.code == intended, kpi.name
        computed[status.code] += 1
    assert computed["im_plan"] >= 20 and computed["gefaehrdet"] >= 10 and computed["nicht_im_plan"] >= 10
    assert KPI.objects.for_kommune(musterstadt).filter(is_public=True).count() >= 10


def test_dates_are_relative_to_today(musterstadt: Kommune) -> None:
    today = timezone.localdate()
    shift = today - demo_agenda.REFERENCE_DATE
    newest = KPIValue.objects.for_kommune(musterstadt).order_by("-measured_on").first()
    assert newest is not None and newest.measured_on == datetime.date(2026, 11, 30) + shift
    assert not StatusReport.objects.for_kommune(musterstadt).filter(reported_on__gt=today).exists()
    pending = CouncilDecision.objects.for_kommune(musterstadt).get(drucksache="0298/2026")
    assert pending.decided_on > today and pending.result == DecisionResult.IN_BERATUNG
    assert CouncilDecision.objects.for_kommune(musterstadt).count() == 6


def test_four_measures_in_umsetzung_are_overdue_with_their_report(musterstadt: Kommune) -> None:
    last = selectors.last_reports(musterstadt)
    today = timezone.localdate()
    running = Measure.objects.for_kommune(musterstadt).filter(status=MeasureStatus.IN_UMSETZUNG)
    overdue = {m.title for m in running if agenda_rules.report_due(m, last.get(m.pk), today, 90)}
    assert len(overdue) == 4
    assert "Anwohnerparkausweis online mit E-Payment" in overdue


def test_a_status_report_keeps_the_kpi_values_of_its_own_day(musterstadt: Kommune) -> None:
    reports = StatusReport.objects.for_kommune(musterstadt).exclude(kpi_snapshot=[])
    assert reports.count() >= 20
    for report in reports:
        for item in report.kpi_snapshot:
            assert item["measured_on"] is None or item["measured_on"] <= report.reported_on.isoformat()
    linked = StatusReport.objects.for_kommune(musterstadt).filter(decision__drucksache="0245/2025").get()
    assert linked.light == "rot"


def test_three_measures_come_from_recommendations_with_field_and_gap(musterstadt: Kommune) -> None:
    measures = Measure.objects.for_kommune(musterstadt).filter(origin_recommendation__isnull=False)
    assert measures.count() == 3
    for measure in measures.select_related("origin_recommendation"):
        recommendation = measure.origin_recommendation
        assert recommendation is not None and recommendation.status == RecommendationStatus.IN_AGENDA
        assert measure.origin_field_key in {"kompetenzen", "ressourcen"}
        assert measure.origin_gap.startswith("Ist ") and "Lücke" in measure.origin_gap
        fields = Measure.handlungsfelder.through.objects.filter(measure_id=measure.pk)
        assert fields.exists()


def test_the_heads_of_the_amter_hold_the_fachbereichsleitung_and_own_their_measures(musterstadt: Kommune) -> None:
    held = Assignment.objects.for_kommune(musterstadt).filter(role__key="fachbereichsleitung")
    assert sorted(held.values_list("org_unit__code", flat=True)) == sorted(demo_agenda.FACHBEREICHSLEITUNG_UNITS)
    assert all(a.person_id == a.org_unit.head_id for a in held.select_related("org_unit"))
    measures = list(selectors.measures(musterstadt).filter(accountable_role__key="fachbereichsleitung"))
    owners = selectors.owners(musterstadt, measures)
    for measure in measures:
        owner = owners[measure.pk]
        assert owner.is_clear and owner.holder is not None, measure.title
        assert measure.responsible_unit is not None
        assert owner.holder.person_id == measure.responsible_unit.head_id, measure.title


def test_the_rollen_check_shows_the_agendas_findings(musterstadt: Kommune) -> None:
    found = agenda_findings(musterstadt)
    assert {rule: len(items) for rule, items in found.items()} == {
        "agenda.rolle_unbesetzt": 1,
        "agenda.zu_viele_massnahmen": 1,
        "agenda.ziel_ohne_kennzahl": 1,
        "agenda.kennzahl_ohne_verantwortung": 2,
        "agenda.kennzahl_ohne_wert": 3,
        "agenda.bericht_ueberfaellig": 4,
    }
    assert "Anwohnerparkausweis" in found["agenda.rolle_unbesetzt"][0].title
    cdo = role_selectors.check_data(musterstadt).holders_of("cdo")[0].person
    assert found["agenda.zu_viele_massnahmen"][0].title == f"{cdo} verantwortet 8 Maßnahmen (Grenze: 6)"
    assert "Mitsprache" in found["agenda.ziel_ohne_kennzahl"][0].title or "gestalten" in (
        found["agenda.ziel_ohne_kennzahl"][0].title
    )


def test_the_closed_campaigns_show_the_agendas_evidence_for_the_steuerung_fields(musterstadt: Kommune) -> None:
    """The campaigns closed before the agenda was loaded; their evidence is taken again afterwards
    with the assessment's own snapshot function, so it says what the agenda as loaded says."""
    results = list(CampaignResult.objects.for_kommune(musterstadt).order_by("pk"))
    assert len(results) == len(CAMPAIGNS)
    for result in results:
        keys = {item["field_key"] for item in result.data["items"]}
        assert set(agenda_evidence.FIELD_KEYS) <= keys, "the questionnaire asks the Steuerung fields"
        stored = result.data["evidence"]
        assert stored == assessment_evidence.snapshot(musterstadt, keys)
        assert result.data["evidence_on"] == timezone.localdate().isoformat()
        by_field = {
            key: [s for s in stored.get(key, []) if s["provider"] == "Digitale Agenda"]
            for key in agenda_evidence.FIELD_KEYS
        }
        assert all(by_field.values()), by_field
        assert by_field["strategie"][0]["value"].startswith("Fassung 1 beschlossen")
        assert {s["label"] for s in by_field["wirkungsorientierung"]} == {
            "Ziele mit Kennzahl",
            "Kennzahlen mit aktuellem Wert",
        }
        # four of the measures in Umsetzung are overdue with their report (see above): not all on time
        [cycle] = by_field["steuerungskreislauf"]
        assert cycle["label"] == "Sachstandsberichte fristgerecht" and cycle["rating"] != "gut"
    assert demo_agenda.refresh_campaign_evidence(musterstadt) == 0  # taken once: nothing left to change
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("assessment:results", args=[musterstadt.slug, results[-1].campaign_id]))
    assert "Sachstandsberichte fristgerecht" in page.content.decode()


def test_kleinhausen_gets_no_agenda(_demo_once: str) -> None:
    kleinhausen = Kommune.objects.get(slug="kleinhausen")
    assert not Agenda.objects.for_kommune(kleinhausen).exists()
    assert agenda_findings(kleinhausen) == {}


def test_loading_the_agenda_again_changes_nothing(musterstadt: Kommune) -> None:
    kommunen = [musterstadt, Kommune.objects.get(slug="kleinhausen")]
    before = demo_agenda.agenda_snapshot(["musterstadt", "kleinhausen"])
    entries = AuditEntry.objects.unscoped().count()
    summary = demo_agenda.load_agenda(kommunen)
    assert not summary.loaded and summary.measures == 36 and summary.kpis == 60
    assert "unverändert" in summary.describe()
    assert demo_agenda.agenda_snapshot(["musterstadt", "kleinhausen"]) == before
    assert AuditEntry.objects.unscoped().count() == entries
