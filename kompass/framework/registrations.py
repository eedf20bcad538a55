"""What the framework registers in the extension points of the apps below it (from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import CATALOGUE_LOADERS, CatalogueLoader


def register() -> None:
    from kompass.framework import catalogue_loader, ui_registrations

    CATALOGUE_LOADERS.register(
        CatalogueLoader(
            key="framework",
            label=_("Orientierungsrahmen und Maßnahmenvorlagen"),
            load=catalogue_loader.load_summary,
            order=20,
        )
    )
    ui_registrations.register()
