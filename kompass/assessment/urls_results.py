"""Pages of the results of a campaign (joined in `urls.py`), below
`selbstbewertung/umfragen/<pk>/ergebnisse/`. Every member reads them; each view writes the release log."""

from __future__ import annotations

from kompass.assessment import views_results as views
from kompass.tenancy.routes import reads, tenant_path

RESULTS = "selbstbewertung/umfragen/<int:pk>/ergebnisse/"
CAMPAIGN = {"pk": "campaign"}

urlpatterns = [
    tenant_path(RESULTS, views.results_overview, name="results", access=reads(), objects=CAMPAIGN),
    tenant_path(
        RESULTS + "zielgruppen/", views.results_audiences, name="results_audiences", access=reads(), objects=CAMPAIGN
    ),
    tenant_path(RESULTS + "einheiten/", views.results_units, name="results_units", access=reads(), objects=CAMPAIGN),
    tenant_path(
        RESULTS + "kriterien/", views.results_criteria, name="results_criteria", access=reads(), objects=CAMPAIGN
    ),
    tenant_path(RESULTS + "verlauf/", views.results_trend, name="results_trend", access=reads(), objects=CAMPAIGN),
    tenant_path(
        RESULTS + "freitext/", views.results_comments, name="results_comments", access=reads(), objects=CAMPAIGN
    ),
    tenant_path(
        RESULTS + "abrufprotokoll/", views.results_releases, name="results_releases", access=reads(), objects=CAMPAIGN
    ),
    tenant_path(RESULTS + "bericht.pdf", views.results_pdf, name="results_pdf", access=reads(), objects=CAMPAIGN),
    tenant_path(RESULTS + "ergebnisse.xlsx", views.results_xlsx, name="results_xlsx", access=reads(), objects=CAMPAIGN),
]
