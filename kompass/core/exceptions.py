from __future__ import annotations

from django.utils.translation import gettext as _


class ConflictError(Exception):
    """Someone else saved the object since it was loaded (optimistic locking, R3)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Der Datensatz wurde inzwischen von jemand anderem geändert. "
                "Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen erneut."
            )
        )
