"""`/readyz`: whether this process can serve now (docs/operations.md, docs/security.md R7)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kompass.ops.health import failing_checks


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check holds; 503 with the names of the failing checks (no versions, no secrets)."""
    failing = failing_checks()
    if failing:
        return JsonResponse({"status": "unavailable", "failing": sorted(failing)}, status=503)
    return JsonResponse({"status": "ok"})
