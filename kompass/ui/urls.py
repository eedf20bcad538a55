from django.urls import path

from kompass.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("k/<slug:kommune_slug>/", views.dashboard, name="dashboard"),
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("feedback/", views.feedback, name="feedback"),
    path("healthz", views.health, name="health"),
]
