"""The KPI pages: list with status, owner and filters in constant queries; one KPI with chart, rule
and values; creating, changing and deleting KPIs and values per persona; German numbers; 400 with
German messages on bad input and nothing stored; another Kommune's KPI is 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.agenda.models import KPI, KPIValue
from kompass.agenda.tests import factories_kpis as fk
from kompass.audit.models import AuditEntry
from kompass.audit.presentation import present_entries
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def _audit(world: World, action: str, object_type: str) -> AuditEntry | None:
    entries = AuditEntry.objects.for_kommune(world.kommune)
    return entries.filter(action=action, object_type=object_type).order_by("-pk").first()


def _kpi_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Anteil online",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "1.234,5",
        "baseline_on": "01.01.2025",
        "target_value": "2.000",
        "target_on": "31.12.2027",
        "data_source": "Fachverfahren",
        "owner_role": "",
        "period_days": "30",
        **extra,
    }


# --- list ----------------------------------------------------------------------------------------


def test_the_list_shows_every_kpi_with_owner_values_and_status(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "30")
    response = reader_client.get(url("kpi_list"))
    text = response.content.decode()
    assert response.status_code == 200
    for name in ("Online-Anmeldungen", "Digitale Akten", "Bearbeitungsdauer"):
        assert name in text
    assert "GEHEIM" not in text
    assert "Digitalisierungskoordination" in text and "Alice Amtsleiterin" in text  # role and its holder
    assert "Gewerbeanmeldung online" in text and "Schneller zum Bescheid" in text  # measure and goal
    assert "So wird der Status berechnet" in text and 'href="#statusregel"' in text
    assert "keine Werte" in text and "Soll am 01.01.2026" in text
    assert "Werte importieren" not in text  # the reader may not import


def test_the_list_filters_by_status_handlungsfeld_role_and_public(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "10")  # far behind the line: nicht im Plan
    KPI.objects.for_kommune(world.kommune).filter(pk=s.outside_kpi.pk).update(is_public=True)

    def names(**query: Any) -> set[str]:
        page = reader_client.get(url("kpi_list"), query).content.decode()
        return {n for n in ("Online-Anmeldungen", "Digitale Akten", "Bearbeitungsdauer") if f">{n}<" in page}

    assert names(status="nicht_im_plan") == {"Online-Anmeldungen"}
    assert names(status="keine_werte") == {"Digitale Akten", "Bearbeitungsdauer"}
    assert names(handlungsfeld=s.field.pk) == {"Online-Anmeldungen"}
    assert names(rolle=s.role.pk) == {"Online-Anmeldungen"}
    assert names(oeffentlich="ja") == {"Digitale Akten"}
    assert names(oeffentlich="nein") == {"Online-Anmeldungen", "Bearbeitungsdauer"}
    assert names(status="unbekannt") == {"Online-Anmeldungen", "Digitale Akten", "Bearbeitungsdauer"}


def test_the_list_sorts_by_status_and_answers_htmx_with_the_table(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "10")
    page = reader_client.get(url("kpi_list"), {"sort": "status"}).content.decode()
    assert page.index(">Online-Anmeldungen<") < page.index(">Digitale Akten<")
    fragment = reader_client.get(url("kpi_list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<table" in fragment and "<h1" not in fragment


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_more_kpis_values_and_owners(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "30")
    target = url("kpi_list") + f"?handlungsfeld={s.field.pk}&sort=status"
    before = (_count(reader_client, url("kpi_list")), _count(reader_client, target))
    for i in range(12):
        measure = fk.f.measure(world, f"Maßnahme {i}", responsible_unit=world.sachgebiet, handlungsfelder=[s.field])
        kpi = fk.measure_kpi(world, measure, f"Kennzahl {i}", owner_role=s.role)
        fk.value(world, kpi, "2025-06-01", str(20 + i))
        fk.value(world, kpi, "2026-01-01", str(30 + i))
    after = (_count(reader_client, url("kpi_list")), _count(reader_client, target))
    assert after == before


# --- one KPI -------------------------------------------------------------------------------------


def test_the_detail_shows_chart_with_table_status_rule_and_values(world: World, reader_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "1234.5")
    response = reader_client.get(url("kpi_detail", s.inside_kpi.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in text and "Daten als Tabelle" in text  # the chart and its data table
    assert "Soll-Verlauf (Ausgangswert bis Zielwert)" in text and "Zielwert" in text
    assert "So wird der Status berechnet" in text and "gerade Linie" in text
    assert "1.234,5 %" in text  # the value the German way
    assert "Wert erfassen" not in text and "Kennzahl bearbeiten" not in text  # reader: no forms


def test_another_kommunes_kpi_is_not_found(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    for name in ("kpi_detail", "kpi_edit", "kpi_delete"):
        assert admin_client.get(url(name, s.foreign_kpi.pk)).status_code == 404
    response = admin_client.post(url("kpi_value_add", s.foreign_kpi.pk), {"measured_on": "01.01.2026", "value": "1"})
    assert response.status_code == 404
    assert admin_client.get(url("kpi_create", s.foreign_measure.pk)).status_code == 404


# --- values --------------------------------------------------------------------------------------


def test_an_editor_records_a_value_the_german_way_for_a_kpi_in_her_subtree(world: World, editor_client: Client) -> None:
    s = fk.scene(world)
    response = editor_client.post(
        url("kpi_value_add", s.inside_kpi.pk), {"measured_on": "15.03.2026", "value": "1.234,56", "note": "Q1"}
    )
    assert response.status_code == 302 and response["Location"] == url("kpi_detail", s.inside_kpi.pk)
    stored = KPIValue.objects.for_kommune(world.kommune).get(kpi=s.inside_kpi)
    assert stored.value == Decimal("1234.56") and stored.note == "Q1" and str(stored.measured_on) == "2026-03-15"
    entry = _audit(world, "create", "kpivalue")
    assert entry is not None and present_entries([entry])[0].actor_label == world.editor.display_name


def test_a_bad_value_is_400_with_german_messages_and_nothing_stored(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    response = admin_client.post(url("kpi_value_add", s.inside_kpi.pk), {"measured_on": "31.02.2026", "value": "zwölf"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "hat nur 28 Tage" in text and "ist keine Zahl" in text
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_values_are_refused_to_readers_and_outside_the_editors_subtree(
    world: World, reader_client: Client, editor_client: Client
) -> None:
    s = fk.scene(world)
    body = {"measured_on": "01.01.2026", "value": "5"}
    assert reader_client.post(url("kpi_value_add", s.inside_kpi.pk), body).status_code == 403
    assert editor_client.post(url("kpi_value_add", s.outside_kpi.pk), body).status_code == 403
    # A goal's KPI is strategy: no subtree-limited editor records its values.
    assert editor_client.post(url("kpi_value_add", s.goal_kpi.pk), body).status_code == 403
    assert not KPIValue.objects.for_kommune(world.kommune).exists()
    assert editor_client.get(url("kpi_value_add", s.inside_kpi.pk)).status_code == 405


def test_a_value_is_corrected_moved_and_deleted(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    first = fk.value(world, s.inside_kpi, "2026-01-01", "10")
    fk.value(world, s.inside_kpi, "2026-02-01", "12")
    page = admin_client.get(url("kpi_value_edit", s.inside_kpi.pk, first.pk))
    assert page.status_code == 200 and 'value="10"' in page.content.decode()
    taken = admin_client.post(
        url("kpi_value_edit", s.inside_kpi.pk, first.pk), {"measured_on": "01.02.2026", "value": "11"}
    )
    assert taken.status_code == 400 and "schon einen Wert" in taken.content.decode()
    moved = admin_client.post(
        url("kpi_value_edit", s.inside_kpi.pk, first.pk), {"measured_on": "15.01.2026", "value": "11,5"}
    )
    assert moved.status_code == 302
    values = {str(v.measured_on): v.value for v in KPIValue.objects.for_kommune(world.kommune).filter(kpi=s.inside_kpi)}
    assert values == {"2026-01-15": Decimal("11.5"), "2026-02-01": Decimal("12")}
    moved_row = KPIValue.objects.for_kommune(world.kommune).get(measured_on="2026-01-15")
    deleted = admin_client.post(url("kpi_value_delete", s.inside_kpi.pk, moved_row.pk))
    assert deleted.status_code == 302
    assert KPIValue.objects.for_kommune(world.kommune).count() == 1
    assert _audit(world, "delete", "kpivalue") is not None


def test_a_value_of_another_kpi_is_not_found_under_this_one(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    other = fk.value(world, s.outside_kpi, "2026-01-01", "1")
    assert admin_client.get(url("kpi_value_edit", s.inside_kpi.pk, other.pk)).status_code == 404
    assert admin_client.post(url("kpi_value_delete", s.inside_kpi.pk, other.pk)).status_code == 404


# --- create, edit, delete -------------------------------------------------------------------------


def test_an_editor_creates_a_kpi_for_a_measure_in_her_subtree(world: World, editor_client: Client) -> None:
    s = fk.scene(world)
    assert editor_client.get(url("kpi_create", s.inside.pk)).status_code == 200
    response = editor_client.post(url("kpi_create", s.inside.pk), _kpi_body(owner_role=s.role.pk))
    assert response.status_code == 302
    kpi = KPI.objects.for_kommune(world.kommune).get(name="Anteil online")
    assert kpi.measure_id == s.inside.pk and kpi.baseline_value == Decimal("1234.5") and kpi.owner_role == s.role
    assert response["Location"] == url("kpi_detail", kpi.pk)
    assert _audit(world, "create", "kpi") is not None


def test_creating_kpis_is_refused_where_the_persona_may_not(
    world: World, reader_client: Client, editor_client: Client
) -> None:
    s = fk.scene(world)
    assert reader_client.post(url("kpi_create", s.inside.pk), _kpi_body()).status_code == 403
    assert editor_client.post(url("kpi_create", s.outside.pk), _kpi_body()).status_code == 403
    assert editor_client.get(url("goal_kpi_create", s.goal.pk)).status_code == 403  # strategy: Kommune-wide
    assert not KPI.objects.for_kommune(world.kommune).filter(name="Anteil online").exists()


def test_the_admin_creates_a_goal_kpi(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    response = admin_client.post(url("goal_kpi_create", s.goal.pk), _kpi_body())
    assert response.status_code == 302
    assert KPI.objects.for_kommune(world.kommune).get(name="Anteil online").goal_id == s.goal.pk


def test_a_bad_kpi_is_400_with_german_messages_and_nothing_stored(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    body = _kpi_body(name="", baseline_value="viel", target_on="01.01.2024", owner_role=999999)
    response = admin_client.post(url("kpi_create", s.inside.pk), body)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Bitte einen Namen angeben." in text and "Diese Rolle gibt es in der Kommune nicht." in text
    response = admin_client.post(
        url("kpi_create", s.inside.pk), _kpi_body(baseline_value="viel", target_on="01.01.2024")
    )
    text = response.content.decode()
    assert response.status_code == 400 and "ist keine Zahl" in text
    response = admin_client.post(url("kpi_create", s.inside.pk), _kpi_body(target_on="01.01.2024"))
    assert (
        response.status_code == 400 and "Der Zielwert muss nach dem Ausgangswert liegen." in response.content.decode()
    )
    assert not KPI.objects.for_kommune(world.kommune).filter(name="Anteil online").exists()


def test_a_kpi_is_edited_with_optimistic_locking(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    kpi = s.inside_kpi
    page = admin_client.get(url("kpi_edit", kpi.pk)).content.decode()
    assert 'value="10"' in page  # the baseline as typed
    body = _kpi_body(name="Online-Anmeldungen (Anteil)", version=kpi.version)
    assert admin_client.post(url("kpi_edit", kpi.pk), body).status_code == 302
    kpi.refresh_from_db()
    assert kpi.name == "Online-Anmeldungen (Anteil)"
    assert _audit(world, "update", "kpi") is not None
    stale = admin_client.post(url("kpi_edit", kpi.pk), _kpi_body(name="Veraltet", version=kpi.version - 1))
    assert stale.status_code == 400 and "inzwischen" in stale.content.decode()
    kpi.refresh_from_db()
    assert kpi.name == "Online-Anmeldungen (Anteil)"


def test_kpis_are_changed_only_by_who_may(world: World, reader_client: Client, editor_client: Client) -> None:
    s = fk.scene(world)
    assert reader_client.get(url("kpi_edit", s.inside_kpi.pk)).status_code == 403
    assert editor_client.get(url("kpi_edit", s.inside_kpi.pk)).status_code == 200
    assert editor_client.get(url("kpi_edit", s.outside_kpi.pk)).status_code == 403
    assert editor_client.post(url("kpi_delete", s.outside_kpi.pk)).status_code == 403
    assert editor_client.post(url("kpi_delete", s.goal_kpi.pk)).status_code == 403
    assert KPI.objects.for_kommune(world.kommune).count() == 3


def test_a_kpi_is_deleted_with_its_values(world: World, editor_client: Client) -> None:
    s = fk.scene(world)
    fk.value(world, s.inside_kpi, "2026-01-01", "1")
    page = editor_client.get(url("kpi_delete", s.inside_kpi.pk))
    assert page.status_code == 200 and "mit ihren 1 gemessenen Werten" in page.content.decode()
    response = editor_client.post(url("kpi_delete", s.inside_kpi.pk), {"version": s.inside_kpi.version})
    assert response.status_code == 302 and response["Location"] == url("kpi_list")
    assert not KPI.objects.for_kommune(world.kommune).filter(pk=s.inside_kpi.pk).exists()
    assert not KPIValue.objects.for_kommune(world.kommune).exists()
    assert _audit(world, "delete", "kpi") is not None


# --- the chart's calendar axis -------------------------------------------------------------------


def test_the_chart_axis_is_a_calendar_of_months_with_the_last_value_of_each(world: World) -> None:
    import datetime

    from kompass.agenda.charts import buckets, kpi_chart

    s = fk.scene(world)  # baseline 01.01.2025, target 01.01.2027
    fk.value(world, s.inside_kpi, "2025-03-05", "20")
    fk.value(world, s.inside_kpi, "2025-03-25", "22")
    values = list(KPIValue.objects.for_kommune(world.kommune).filter(kpi=s.inside_kpi))
    chart = kpi_chart(s.inside_kpi, values)
    labels = [row[0] for row in chart.table.rows]
    assert labels[0] == "01/2025" and labels[-1] == "01/2027" and len(labels) == 25  # every month once
    march = chart.table.rows[2]
    assert march[1] == "22 %" and march[3] == "60 %"  # the month's last value; the target throughout
    assert chart.table.rows[-1][2] == "60 %"  # the plan line ends on the target
    long = buckets(datetime.date(2020, 1, 1), datetime.date(2029, 12, 31))
    assert len(long) <= 60 and long[0][0] == datetime.date(2020, 1, 1)
