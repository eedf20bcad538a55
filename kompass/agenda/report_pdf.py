"""The council report as a tagged PDF (German, titled): the shared `reports.pdf.render_pdf` with
the template `agenda/council/pdf/report.html` and the charts of the report, each with its table.

The context is `council_report.build`, the same the preview page and the Word document use.
"""

from __future__ import annotations

from kompass.agenda.council_report import CouncilReport
from kompass.reports.pdf import CONTENT_TYPE, render_pdf

__all__ = ["CONTENT_TYPE", "report_pdf"]

STYLESHEETS = ("agenda/council_print.css",)


def report_pdf(report: CouncilReport) -> bytes:
    return render_pdf(
        "agenda/council/pdf/report.html",
        {"report": report, "kommune": report.kommune, "today": report.today},
        stylesheets=STYLESHEETS,
    )
