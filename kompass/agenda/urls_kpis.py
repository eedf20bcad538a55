"""Routes of the agenda's KPIs and status reporting (joined in `kompass/agenda/urls.py`).

Every member reads. A KPI and its values are changed per `access.kpi_for_edit`: a measure's KPI
with `EDIT_MEASURES` at the measure's unit, a goal's with `EDIT_AGENDA`; the routes declare
`EDIT_MEASURES` (what a measure's KPI needs), and the views refuse a goal's KPI to anyone without
`EDIT_AGENDA`. Creating a KPI declares what the object in the address needs. The import of values
is Kommune-wide (`EDIT_AGENDA`); status reports belong to measures (`EDIT_MEASURES`).
"""

from __future__ import annotations

from kompass.agenda.views import kpis, kpis_import, reports
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, posts, reads, tenant_path

P = "agenda/"
KPI = {"pk": "kpi"}
KPI_VALUE = {"pk": "kpi", "item": "kpi_value"}
MEASURE = {"pk": "measure"}
EDIT_MEASURE = edits(Capability.EDIT_MEASURES)

urlpatterns = [
    tenant_path(P + "kennzahlen/", kpis.kpi_list, name="kpi_list", access=reads()),
    tenant_path(
        P + "kennzahlen/import/", kpis_import.kpi_import, name="kpi_import", access=edits(Capability.EDIT_AGENDA)
    ),
    tenant_path(
        P + "kennzahlen/import/vorlage.<str:fmt>",
        kpis_import.kpi_import_template,
        name="kpi_import_template",
        access=reads(),
    ),
    tenant_path(P + "kennzahlen/<int:pk>/", kpis.kpi_detail, name="kpi_detail", access=reads(), objects=KPI),
    tenant_path(
        P + "kennzahlen/<int:pk>/bearbeiten/", kpis.kpi_edit, name="kpi_edit", access=EDIT_MEASURE, objects=KPI
    ),
    tenant_path(
        P + "kennzahlen/<int:pk>/loeschen/", kpis.kpi_delete, name="kpi_delete", access=EDIT_MEASURE, objects=KPI
    ),
    tenant_path(
        P + "kennzahlen/<int:pk>/werte/",
        kpis.kpi_value_add,
        name="kpi_value_add",
        access=posts(Capability.EDIT_MEASURES),
        objects=KPI,
    ),
    tenant_path(
        P + "kennzahlen/<int:pk>/werte/<int:item>/bearbeiten/",
        kpis.kpi_value_edit,
        name="kpi_value_edit",
        access=EDIT_MEASURE,
        objects=KPI_VALUE,
    ),
    tenant_path(
        P + "kennzahlen/<int:pk>/werte/<int:item>/loeschen/",
        kpis.kpi_value_delete,
        name="kpi_value_delete",
        access=EDIT_MEASURE,
        objects=KPI_VALUE,
    ),
    tenant_path(
        P + "massnahmen/<int:pk>/kennzahlen/neu/",
        kpis.kpi_create,
        name="kpi_create",
        access=EDIT_MEASURE,
        objects=MEASURE,
    ),
    tenant_path(
        P + "ziele/<int:pk>/kennzahlen/neu/",
        kpis.goal_kpi_create,
        name="goal_kpi_create",
        access=edits(Capability.EDIT_AGENDA),
        objects={"pk": "goal"},
    ),
    # Status reports.
    tenant_path(P + "sachstand/", reports.reports_overdue, name="reports_overdue", access=reads()),
    tenant_path(
        P + "massnahmen/<int:pk>/sachstand/neu/",
        reports.report_create,
        name="report_create",
        access=EDIT_MEASURE,
        objects=MEASURE,
    ),
    tenant_path(
        P + "massnahmen/<int:pk>/sachstand/<int:item>/",
        reports.report_detail,
        name="report_detail",
        access=reads(),
        objects={"pk": "measure", "item": "status_report"},
    ),
]
