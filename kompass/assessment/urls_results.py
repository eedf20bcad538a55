"""Pages of one area of the self-assessment (joined in `urls.py`), each declared with `tenant_path`."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
