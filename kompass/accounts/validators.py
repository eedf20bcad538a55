from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """ASVS 6.2.9 allows long passphrases; the upper bound only guards against abuse."""

    def __init__(self, max_length: int = 512) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Das Passwort darf höchstens %(max)d Zeichen lang sein.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Höchstens %(max)d Zeichen.") % {"max": self.max_length}
