"""Pages of the Kommune's Orientierungsrahmen below `/k/<kommune_slug>/orientierungsrahmen/`."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "framework"

urlpatterns: list[URLPattern] = []
