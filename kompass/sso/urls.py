from django.urls import path

from kompass.sso import oidc_views, views

app_name = "sso"

urlpatterns = [
    path("anmelden/bestaetigen/", views.verify, name="verify"),
    path("konto/zweiter-faktor/", views.manage, name="manage"),
    path("konto/zweiter-faktor/einrichten/", views.enrol, name="enrol"),
    path("konto/zweiter-faktor/codes/", views.recovery_codes, name="recovery_codes"),
    path("konto/zweiter-faktor/codes.txt", views.recovery_codes_download, name="recovery_codes_download"),
    # Public: the person is not logged in yet; the provider's signed ID token is the proof.
    path("anmelden/sso/<slug:provider>/", oidc_views.oidc_start, name="oidc_start"),
    path("anmelden/sso/<slug:provider>/rueckkehr/", oidc_views.oidc_callback, name="oidc_callback"),
]
