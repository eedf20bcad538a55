"""Routes of the agenda's council area (joined in `kompass/agenda/urls.py`): the council report
("Sachstandsbericht Digitale Agenda") with its PDF and Word downloads, the workbook of all
measures and KPI values, and the settings of the public transparency page.

Every member reads the report and its downloads; switching the public page needs the Kommune-wide
`EDIT_AGENDA`.
"""

from __future__ import annotations

from kompass.agenda.views import council, public_settings
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, reads, tenant_path

P = "agenda/"

urlpatterns = [
    tenant_path(P + "bericht/", council.council_report, name="council_report", access=reads()),
    tenant_path(P + "bericht/pdf/", council.council_report_pdf, name="council_report_pdf", access=reads()),
    tenant_path(P + "bericht/docx/", council.council_report_docx, name="council_report_docx", access=reads()),
    tenant_path(P + "export/xlsx/", council.agenda_xlsx, name="agenda_xlsx", access=reads()),
    tenant_path(
        P + "oeffentlich/",
        public_settings.public_settings,
        name="public_settings",
        access=edits(Capability.EDIT_AGENDA),
    ),
]
