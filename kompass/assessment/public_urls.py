"""The survey pages for respondents (no login), below `/p/<kommune_slug>/umfrage/`, in the URL
namespace `public` (registered through `tenancy.public.public_pages`)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
