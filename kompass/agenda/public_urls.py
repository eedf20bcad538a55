"""The public transparency page of the digital agenda, below `/p/<kommune_slug>/digitale-agenda/`,
in the URL namespace `public` (registered through `tenancy.public.public_pages`); open only while
the Kommune has switched it on (`public_page.is_published`)."""

from __future__ import annotations

from django.urls import URLPattern

from kompass.agenda.views import public
from kompass.tenancy.public import public_path

urlpatterns: list[URLPattern] = [
    public_path("digitale-agenda/", public.agenda, name="agenda"),
    public_path("digitale-agenda/leichte-sprache/", public.leichte_sprache, name="agenda_leichte_sprache"),
    public_path("digitale-agenda/kennzahlen/", public.kennzahlen, name="agenda_kennzahlen"),
]
