"""Pages of the self-assessment below `/k/<kommune_slug>/selbstbewertung/`: one URLconf, joined
from the areas (campaigns and invitations, results and reports, targets and recommendations)."""

from __future__ import annotations

from kompass.assessment import urls_manage, urls_results, urls_targets

app_name = "assessment"

urlpatterns = [*urls_manage.urlpatterns, *urls_results.urlpatterns, *urls_targets.urlpatterns]
