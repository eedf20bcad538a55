from django.urls import path

from kompass.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("k/<slug:kommune_slug>/stammdaten/", views.kommune_settings, name="settings"),
]
