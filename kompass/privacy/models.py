"""The erasure journal (DSGVO Art. 17; docs/security.md D4).

One row per erasure: which Kommune, what kind of subject (an org Person or a user account), its
id, and when. No name, no address: the journal says only that the object with this id is not to
come back. After a restore from an older backup `services.replay_erasures` erases every journaled
object that exists again. The same lines are appended to a file outside the database
(`settings.ERASURE_JOURNAL_PATH`), because a restore overwrites the table too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel

KIND_PERSON = "person"
KIND_USER = "user"


class ErasureJournal(TenantModel):
    """That a person or an account of the Kommune was erased, without saying who."""

    class Kind(models.TextChoices):
        PERSON = KIND_PERSON, _("Person")
        USER = KIND_USER, _("Konto")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    erased_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Löschvermerk")
        verbose_name_plural = _("Löschvermerke")
        ordering = ["erased_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "kind", "object_id"], name="privacy_journal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"
