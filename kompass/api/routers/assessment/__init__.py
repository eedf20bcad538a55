"""The self-assessment of a Kommune: campaigns, results (suppressed exactly as on the pages),
targets and recommendations. One sub-router per area, mounted together under the tag
„Selbstbewertung“."""

from __future__ import annotations

from ninja import Router

from kompass.api.routers.assessment import campaigns, results, targets

router = Router(tags=["Selbstbewertung"])
for area in (campaigns, results, targets):
    router.add_router("", area.router)
