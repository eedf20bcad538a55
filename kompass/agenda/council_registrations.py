"""What the agenda's council area registers in the extension points (called from
`registrations.register`): the navigation entry "Ratsbericht" (the council report with its
downloads and the settings of the public page), the public pages of the agenda in the namespace
`public`, and the publication that opens them while the Kommune has switched the page on."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import NAV_ENTRIES, NavEntry

# The agenda's navigation group (registered in `registrations.register`).
NAV_GROUP = "agenda"
COUNCIL_PAGES = ("council_report", "council_report_pdf", "council_report_docx", "agenda_xlsx", "public_settings")


def _current(match: Any, path: str, url: str) -> bool:
    return match is not None and match.namespace == "agenda" and match.url_name in COUNCIL_PAGES


def _public_patterns() -> list[Any]:
    from kompass.agenda import public_urls

    return list(public_urls.urlpatterns)


def register() -> None:
    from kompass.agenda import public_page
    from kompass.tenancy.public import Publication, PublicPages, public_pages, publications

    NAV_ENTRIES.register(
        NavEntry(
            key="agenda.council",
            group=NAV_GROUP,
            label=_("Ratsbericht"),
            url_name="agenda:council_report",
            order=80,
            current=_current,
        )
    )
    public_pages.register(PublicPages("agenda", _public_patterns))
    publications.register(Publication(public_page.PUBLICATION_KEY, public_page.is_published))
