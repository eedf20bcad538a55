"""Pages of the digital agenda below `/k/<kommune_slug>/agenda/`: one URLconf, joined from the areas
(strategy, measures, KPIs and status reports, council report), each declaring who may use its
routes (`kompass.tenancy.routes`)."""

from __future__ import annotations

from kompass.agenda import urls_council, urls_kpis, urls_measures, urls_strategy

app_name = "agenda"

urlpatterns = [
    *urls_strategy.urlpatterns,
    *urls_measures.urlpatterns,
    *urls_kpis.urlpatterns,
    *urls_council.urlpatterns,
]
