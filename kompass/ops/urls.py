from django.urls import path

from kompass.ops import views

app_name = "ops"
urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
]
