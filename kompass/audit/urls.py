from django.urls import path

from kompass.audit import views

app_name = "audit"

urlpatterns = [
    path("k/<slug:kommune_slug>/protokoll/", views.audit_log, name="log"),
]
