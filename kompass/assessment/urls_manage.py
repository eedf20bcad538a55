"""The campaign pages below `/k/<kommune_slug>/selbstbewertung/umfragen/` (joined in `urls.py`).

Every member reads campaigns; running them needs `MANAGE_SURVEYS` (Kommune-wide), raising the
Kommune's k `MANAGE_KOMMUNE`. Each action has a confirmation page (GET) and runs on POST.
"""

from __future__ import annotations

from kompass.assessment import views_manage as views
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.routes import edits, reads, tenant_path

P = "selbstbewertung/umfragen/"
C = P + "<int:pk>/"
CAMPAIGN = {"pk": "campaign"}
MANAGE = edits(Capability.MANAGE_SURVEYS)

urlpatterns = [
    tenant_path(P, views.campaign_list, name="campaign_list", access=reads()),
    tenant_path(P + "neu/", views.campaign_create, name="campaign_create", access=MANAGE),
    tenant_path(
        P + "einstellungen/", views.assessment_settings, name="settings", access=edits(Capability.MANAGE_KOMMUNE)
    ),
    tenant_path(C, views.campaign_detail, name="campaign_detail", access=reads(), objects=CAMPAIGN),
    tenant_path(C + "bearbeiten/", views.campaign_update, name="campaign_update", access=MANAGE, objects=CAMPAIGN),
    tenant_path(
        C + "fragebogen/", views.campaign_questionnaire, name="campaign_questionnaire", access=MANAGE, objects=CAMPAIGN
    ),
    tenant_path(C + "oeffnen/", views.campaign_open, name="campaign_open", access=MANAGE, objects=CAMPAIGN),
    tenant_path(C + "schliessen/", views.campaign_close, name="campaign_close", access=MANAGE, objects=CAMPAIGN),
    tenant_path(C + "wieder-oeffnen/", views.campaign_reopen, name="campaign_reopen", access=MANAGE, objects=CAMPAIGN),
    tenant_path(C + "archivieren/", views.campaign_archive, name="campaign_archive", access=MANAGE, objects=CAMPAIGN),
    tenant_path(C + "loeschen/", views.campaign_delete, name="campaign_delete", access=MANAGE, objects=CAMPAIGN),
    tenant_path(
        C + "einladungen/", views.campaign_invitations, name="campaign_invitations", access=MANAGE, objects=CAMPAIGN
    ),
    tenant_path(
        C + "erinnerungen/", views.campaign_reminders, name="campaign_reminders", access=MANAGE, objects=CAMPAIGN
    ),
]
