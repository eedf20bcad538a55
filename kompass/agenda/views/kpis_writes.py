"""Changing and deleting one measured value of a KPI.

These two writes belong beside `kpi_value_record` in `kompass/agenda/services/kpis.py`; they live
here until the owner of the services moves them (the functions are written as services: one
transaction, German errors, audit entry), so the views stay thin and call them as they would call
`services.kpi_value_update`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kompass.agenda import services
from kompass.agenda.models import KPI, KPIValue, ValueSource
from kompass.agenda.services.common import date_value, delete
from kompass.core.actors import Actor
from kompass.tenancy.models import Kommune


@transaction.atomic
def kpi_value_update(
    *, kommune: Kommune, actor: Actor, value: KPIValue, measured_on: Any, number: Any, note: str = ""
) -> KPIValue:
    """Correct a measured value (day, value, note typed the German way). Moving it to a day that
    already has a value is refused: the person decides which of the two counts."""
    row = KPIValue.objects.for_kommune(kommune).select_for_update().select_related("kpi").get(pk=value.pk)
    kpi: KPI = row.kpi
    probe: dict[str, list[str]] = {}
    day = date_value({"d": measured_on}, "d", probe, required=True)
    if day is not None and day != row.measured_on:
        taken = KPIValue.objects.for_kommune(kommune).filter(kpi=kpi, measured_on=day).exclude(pk=row.pk).exists()
        if taken:
            raise ValidationError(
                {"measured_on": [_("Für diesen Tag gibt es schon einen Wert. Ändern Sie diesen Wert stattdessen.")]}
            )
        saved = services.kpi_value_record(
            kommune=kommune, actor=actor, kpi=kpi, measured_on=day, value=number, note=note, source=ValueSource.MANUELL
        )
        delete(kommune, actor, row, label=f"{kpi.name}: {row.measured_on:%d.%m.%Y}")
        return saved
    return services.kpi_value_record(
        kommune=kommune,
        actor=actor,
        kpi=kpi,
        measured_on=measured_on,
        value=number,
        note=note,
        source=ValueSource.MANUELL,
    )


@transaction.atomic
def kpi_value_delete(*, kommune: Kommune, actor: Actor, value: KPIValue) -> None:
    """Delete a measured value (with its audit entry naming KPI and day)."""
    row = KPIValue.objects.for_kommune(kommune).select_for_update().select_related("kpi").get(pk=value.pk)
    delete(kommune, actor, row, label=f"{row.kpi.name}: {row.measured_on:%d.%m.%Y}")
