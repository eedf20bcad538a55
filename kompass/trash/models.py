"""The Papierkorb of a Kommune (issue 11, docs/security.md R6).

A `TrashItem` is one deleted object — a person, a unit, a role, a measure — with every row its
deletion took along (its assignments, milestones, RACI rows …), serialised as Django serialises
fixtures, so that a restore puts each row back with its own primary key. It expires 30 days after
the deletion; the daily retention job then deletes it for good. `TrashRef` lists every row the
item holds and every row those rows point at (model label and id): an erasure (DSGVO Art. 17)
finds through it every item that holds or names the erased person or account and deletes it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel

RETENTION_DAYS = 30
RETENTION = datetime.timedelta(days=RETENTION_DAYS)


class TrashItem(TenantModel):
    """A deleted object of the Kommune and what went with it, restorable until `expires_at`."""

    kind = models.CharField(_("Art"), max_length=60)  # the TRASHABLE key, e.g. "org.person"
    object_id = models.CharField(_("Objekt-ID"), max_length=40)
    label = models.CharField(_("Bezeichnung"), max_length=300)
    deleted_at = models.DateTimeField(_("Gelöscht am"))
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Gelöscht von"),
    )
    expires_at = models.DateTimeField(_("Wiederherstellbar bis"))
    payload = models.JSONField(_("Gelöschte Zeilen"), default=list)
    relinks = models.JSONField(_("Gelöste Verweise"), default=list)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Eintrag im Papierkorb")
        verbose_name_plural = _("Einträge im Papierkorb")
        ordering = ["-deleted_at", "-id"]
        indexes = [
            models.Index(fields=["kommune", "-deleted_at"], name="trash_item_time_idx"),
            models.Index(fields=["expires_at"], name="trash_item_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.label


class TrashRef(TenantModel):
    """A row an item holds or points at: (model label, id), for the erasure to find the item."""

    item = models.ForeignKey(TrashItem, on_delete=models.CASCADE, related_name="refs")
    model = models.CharField(max_length=100)  # "org.Person", "accounts.User"
    object_id = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("Verweis eines Papierkorb-Eintrags")
        verbose_name_plural = _("Verweise der Papierkorb-Einträge")
        indexes = [models.Index(fields=["kommune", "model", "object_id"], name="trash_ref_idx")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}"
