"""Registrations of the survey pages (called from `registrations.register`)."""

from __future__ import annotations

from kompass.tenancy.public import PublicPages, public_pages


def _patterns() -> list:  # type: ignore[type-arg]
    from kompass.assessment import public_urls

    return list(public_urls.urlpatterns)


def register() -> None:
    public_pages.register(PublicPages("assessment", _patterns))
