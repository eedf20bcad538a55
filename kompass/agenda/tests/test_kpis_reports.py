"""Status reports: written by who may change the measure, with traffic light in words, progress and
the KPI snapshot taken automatically; read by every member; the overview of due and overdue reports
with the holder of the accountable role, in constant queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.models import StatusReport
from kompass.agenda.tests import factories_kpis as fk
from kompass.audit.models import AuditEntry
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"
BODY = {"light": "gelb", "progress": "40", "text": "Pilot läuft, Schnittstelle verzögert."}


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def test_an_editor_writes_a_report_with_the_kpi_snapshot(world: World, editor_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "1234.5")
    form = editor_client.get(url("report_create", s.inside.pk)).content.decode()
    assert "Online-Anmeldungen" in form and "1.234,5 %" in form  # what will be kept
    assert (
        "Gelb – gefährdet" in form and "Abweichungen, die die Maßnahme selbst auffangen kann." in form
    )  # every colour explained in words
    response = editor_client.post(url("report_create", s.inside.pk), BODY)
    report = StatusReport.objects.for_kommune(world.kommune).get()
    assert response.status_code == 302 and response["Location"] == url("report_detail", s.inside.pk, report.pk)
    assert report.light == "gelb" and report.progress == 40 and report.author_name == world.editor.display_name
    assert report.kpi_snapshot[0]["name"] == "Online-Anmeldungen" and report.kpi_snapshot[0]["value"] == "1234.5000"
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="statusreport", action="create").exists()


def test_the_report_page_shows_light_in_words_progress_text_and_kept_values(
    world: World, reader_client: Client
) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "30")
    report = services.status_report_create(kommune=world.kommune, actor=world.admin, measure=s.inside, data=BODY)
    fk.value(world, s.inside_kpi, "2026-02-01", "99")  # later values do not change the report
    response = reader_client.get(url("report_detail", s.inside.pk, report.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Gelb: gefährdet" in text and "40 %" in text and "Schnittstelle verzögert" in text
    assert "30 %" in text and "01.01.2026" in text and "99 %" not in text
    assert "Neuer Sachstandsbericht" not in text  # the reader writes none


def test_a_report_is_found_only_under_its_own_measure_and_kommune(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    report = services.status_report_create(kommune=world.kommune, actor=world.admin, measure=s.inside, data=BODY)
    assert admin_client.get(url("report_detail", s.outside.pk, report.pk)).status_code == 404
    assert admin_client.get(url("report_detail", s.foreign_measure.pk, report.pk)).status_code == 404
    assert admin_client.get(url("report_create", s.foreign_measure.pk)).status_code == 404


def test_reports_are_refused_to_readers_and_outside_the_subtree(
    world: World, reader_client: Client, editor_client: Client
) -> None:
    s = fk.scene(world)
    assert reader_client.post(url("report_create", s.inside.pk), BODY).status_code == 403
    assert editor_client.post(url("report_create", s.outside.pk), BODY).status_code == 403
    assert not StatusReport.objects.for_kommune(world.kommune).exists()


def test_a_bad_report_is_400_in_german_and_stores_nothing(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    response = admin_client.post(url("report_create", s.inside.pk), {"light": "lila", "progress": "120"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Fortschritt: bitte eine ganze Zahl von 0 bis 100 angeben." in text
    assert "Wählen Sie eine gültige Option" in text or "gültige" in text
    assert not StatusReport.objects.for_kommune(world.kommune).exists()


def test_the_overview_lists_due_and_overdue_reports_with_the_holder(world: World, reader_client: Client) -> None:
    s = fk.scene(world)  # `inside` is in Umsetzung since 01.01.2025 without report: overdue
    text = reader_client.get(url("reports_overdue")).content.decode()
    assert "Gewerbeanmeldung online" in text and "Digitalisierungskoordination" in text and "Alice Amtsleiterin" in text
    assert "überfällig" in text and "01.04.2025" in text  # 90 days after the start
    assert "E-Akte im Hauptamt" not in text  # geplant: no report due
    assert "Bericht erstellen" not in text  # the reader writes none
    services.status_report_create(kommune=world.kommune, actor=world.admin, measure=s.inside, data=BODY)
    text = reader_client.get(url("reports_overdue")).content.decode()
    assert "Gewerbeanmeldung online" not in text and "Kein Sachstandsbericht ist fällig" in text


def test_the_overview_offers_the_form_only_where_the_member_may_write(world: World, editor_client: Client) -> None:
    s = fk.scene(world)
    services.measure_status_change(kommune=world.kommune, actor=world.admin, measure=s.outside, status="in_umsetzung")
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=s.outside, data={"starts_on": "01.01.2025"}
    )
    text = editor_client.get(url("reports_overdue")).content.decode()
    assert text.count("Bericht erstellen") == 1 and url("report_create", s.inside.pk) in text
    assert "E-Akte im Hauptamt" in text  # due, but outside her subtree: no link


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_costs_the_same_queries_for_more_measures(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    before = _count(reader_client, url("reports_overdue"))
    for i in range(10):
        unit = world.sachgebiet if i % 2 else world.hauptamt
        measure = fk.f.measure(
            world, f"Maßnahme {i}", responsible_unit=unit, accountable_role=s.role, status="in_umsetzung"
        )
        if i % 3 == 0:
            services.status_report_create(
                kommune=world.kommune,
                actor=world.admin,
                measure=measure,
                data={**BODY, "reported_on": datetime.date.today() - datetime.timedelta(days=100)},
            )
    assert _count(reader_client, url("reports_overdue")) == before
