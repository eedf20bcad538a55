"""Many KPI values at once (import, push, the demo's series) go through one bulk path: its
audit entries have the shape of a value recorded by hand, it stays all or nothing and idempotent,
and its queries do not grow with the number of values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.models import KPI, KPIValue, ValueSource
from kompass.agenda.services.kpis import kpi_values_record
from kompass.agenda.tests import factories as f
from kompass.audit.context import change_context
from kompass.audit.models import AuditEntry
from kompass.audit.services import diff, snapshot
from kompass.conftest import World

pytestmark = pytest.mark.django_db


def _months(n: int) -> list[datetime.date]:
    return [datetime.date(2026, 1, 1) + datetime.timedelta(days=31 * i) for i in range(n)]


def _entries(world: World, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.for_kommune(world.kommune).filter(object_type="kpivalue", action=action).order_by("id")
    )


def _kpis(world: World, n: int) -> list[KPI]:
    return [f.kpi(world, name=f"Kennzahl {i}") for i in range(n)]


def test_bulk_entries_read_like_a_value_recorded_by_hand(world: World) -> None:
    first, second = _kpis(world, 2)
    by_hand = services.kpi_value_record(
        kommune=world.kommune, actor=world.admin, kpi=first, measured_on="31.01.2026", value="12,5", note="Zählung"
    )
    hand = _entries(world, "create")[-1]
    with change_context("import", "imp-1"):
        kpi_values_record(
            kommune=world.kommune,
            actor=world.admin,
            values=[(second, "31.01.2026", "12,5")],
            source=ValueSource.MANUELL,
        )
    bulk = _entries(world, "create")[-1]
    stored = KPIValue.objects.for_kommune(world.kommune).get(kpi=second)
    assert bulk.object_id == str(stored.pk) and bulk.object_label == "Kennzahl 1: 31.01.2026"
    assert hand.object_label == "Kennzahl 0: 31.01.2026" and (bulk.actor_id, bulk.actor_name) == (
        hand.actor_id,
        hand.actor_name,
    )
    assert (bulk.source, bulk.request_id) == ("import", "imp-1")
    assert bulk.changes == diff({}, snapshot(stored, KPIValue.AUDIT_FIELDS)) | {"note": [None, ""]}
    assert set(bulk.changes) == set(hand.changes) and by_hand.note == "Zählung"


def test_a_push_creates_changes_and_leaves_values_each_with_its_entry(world: World) -> None:
    kpi = f.kpi(world)
    days = _months(3)
    items = [{"kpi": kpi.pk, "measured_on": day.isoformat(), "value": i} for i, day in enumerate(days)]
    assert services.kpi_values_push(kommune=world.kommune, actor=world.admin, items=items).created == 3
    items[1]["value"] = "7,25"
    items[2]["note"] = "korrigiert"
    outcome = services.kpi_values_push(kommune=world.kommune, actor=world.admin, items=items)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 2, 1)
    updates = _entries(world, "update")
    assert [e.changes for e in updates] == [
        {"value": ["1.0000", "7.2500"]},
        {"note": ["", "korrigiert"]},
    ]
    values = {v.measured_on: v for v in KPIValue.objects.for_kommune(world.kommune)}
    assert values[days[1]].value == Decimal("7.25") and values[days[2]].note == "korrigiert"
    assert len(_entries(world, "create")) == 3


def test_the_demo_path_refuses_another_kommunes_kpi_and_a_day_twice_storing_nothing(world: World) -> None:
    kpi = f.kpi(world)
    services.agenda_create(kommune=world.other, actor=world.outsider)
    foreign = services.kpi_create(
        kommune=world.other,
        actor=world.outsider,
        data={
            "name": "Fremd",
            "baseline_value": 1,
            "baseline_on": "2025-01-01",
            "target_value": 2,
            "target_on": "2026-01-01",
        },
    )
    for values in (
        [(kpi, "2026-01-31", 1), (foreign, "2026-01-31", 2)],
        [(kpi, "2026-01-31", 1), (kpi, "31.01.2026", 2)],
        [(kpi, "2026-01-31", 1), (kpi, "2026-02-28", "viel")],
    ):
        with pytest.raises(ValidationError):
            kpi_values_record(kommune=world.kommune, actor=world.admin, values=values)
    assert not KPIValue.objects.unscoped().exists()


def test_recording_many_values_costs_the_same_queries_as_recording_few(world: World) -> None:
    def queries(kpis: list[KPI], days: list[datetime.date], offset: int) -> int:
        values = [(kpi, day, i + offset) for kpi in kpis for i, day in enumerate(days)]
        with CaptureQueriesContext(connection) as ctx:
            kpi_values_record(kommune=world.kommune, actor=world.admin, values=values)
        return len(ctx.captured_queries)

    few = queries(_kpis(world, 1), _months(2), 0)
    many_kpis = _kpis(world, 12)
    many = queries(many_kpis, _months(24), 0)
    assert many == few
    assert KPIValue.objects.for_kommune(world.kommune).count() == 2 + 12 * 24
    changed = queries(many_kpis, _months(24), 1)  # every value changes: one update per batch
    assert changed <= few + 1
    assert len(_entries(world, "update")) == 12 * 24
