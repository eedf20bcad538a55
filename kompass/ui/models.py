from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    """A message from the accessibility feedback form (BITV 2.0 § 7), reachable without login.

    Purpose: answer reports of accessibility barriers. Retention: deleted once answered;
    the sender's e-mail is optional.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Ihre Nachricht"), max_length=5000)
    email = models.EmailField(_("E-Mail-Adresse für eine Antwort"), blank=True)

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        db_table = "core_feedback"  # moved from core without touching the table
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Rückmeldung vom {self.created_at:%d.%m.%Y}"
