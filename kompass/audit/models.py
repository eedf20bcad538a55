"""The append-only audit log (docs/security.md, decision 5, check L1).

One entry per create/update/delete of tenant data, written in the same transaction as the
change by `audit.services.audit_record`. An entry names no person (docs/architecture.md, "Audit"):
the actor is a user id and a pseudonym (`AuditSubject`, per Kommune); an object whose model holds
personal data (the PERSONAL_DATA registry) is labelled with its pseudonym, and its personal values
live beside the entry in `AuditPersonalValue`, which an erasure deletes. Names are shown from live
data and that side table at display time, so an erasure never changes an audit row.

On PostgreSQL and SQLite a database trigger refuses UPDATE and DELETE of entries (migration
0005); only `services.purge_kommune_audit`, the explicit deletion of a whole Kommune, may delete.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel, TenantQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("Angelegt")
    UPDATE = "update", _("Geändert")
    DELETE = "delete", _("Gelöscht")
    ACCESS = "access", _("Zugriff")


class AuditSource(models.TextChoices):
    UI = "ui", _("Oberfläche")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Befehl")
    SYSTEM = "system", _("System")
    TASK = "task", _("Hintergrundaufgabe")


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(TenantQuerySet):
    """Bulk changes are refused like changes of single entries (docs/security.md L2). Django's own deletion and
    SET_NULL handling go through the unscoped base manager, so deleting a user still works."""

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        raise AppendOnlyError("Protokolleinträge können nicht geändert werden.")

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        raise AppendOnlyError("Protokolleinträge können nicht gelöscht werden.")


class AuditEntry(TenantModel):
    # SECURITY: deleting a Kommune never takes its log along; `purge_kommune_audit` must run first.
    kommune = models.ForeignKey("tenancy.Kommune", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("Zeitpunkt (UTC)"), auto_now_add=True, db_index=True)
    # The user's id stays when the account goes (no SET NULL: that would change the row).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_pseudonym = models.CharField(_("Pseudonym der handelnden Person"), max_length=12, blank=True)
    # "System" for changes without a user; empty for users (older rows: migrated to the side table).
    actor_name = models.CharField(_("Handelnde Person"), max_length=200, blank=True)
    action = models.CharField(_("Aktion"), max_length=10, choices=AuditAction.choices)
    source = models.CharField(_("Quelle"), max_length=10, choices=AuditSource.choices)
    object_type = models.CharField(_("Objektart"), max_length=50)
    object_id = models.CharField(_("Objekt-ID"), max_length=40)
    object_label = models.CharField(_("Objekt"), max_length=300)
    changes = models.JSONField(_("Änderungen"), default=dict)
    request_id = models.CharField(_("Vorgangs-ID"), max_length=40, blank=True)

    objects = models.Manager.from_queryset(AuditQuerySet)()  # type: ignore[misc]

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The "Verlauf" of one object, newest first; also serves lookups by object alone.
            models.Index(fields=["kommune", "object_type", "object_id", "created_at"], name="audit_object_time_idx"),
            models.Index(fields=["kommune", "-created_at"], name="audit_time_idx"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # SECURITY: the log is append-only; an entry is never changed after it is written.
        if self.pk is not None:
            raise AppendOnlyError("Protokolleinträge können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Protokolleinträge können nicht gelöscht werden.")


class AuditSubject(TenantModel):
    """A person (or a row holding personal data) the log refers to, under a random pseudonym.

    `kind` is the model's label ("accounts.User", "org.Person"); the pseudonym is unique within
    the Kommune and kept after an erasure, which only sets `forgotten_at` and deletes the side
    values, so old entries read "Gelöschte Person P-7F3A9C"."""

    kommune = models.ForeignKey("tenancy.Kommune", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    pseudonym = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    forgotten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Pseudonym im Protokoll")
        verbose_name_plural = _("Pseudonyme im Protokoll")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "kind", "object_id"], name="audit_subject_object_uniq"),
            models.UniqueConstraint(fields=["kommune", "pseudonym"], name="audit_subject_pseudonym_uniq"),
        ]


class AuditPersonalValue(TenantModel):
    """A personal value of an audit entry, kept beside the append-only row so an erasure can delete
    it: the object's label (`field` empty) or the before/after of a personal field."""

    kommune = models.ForeignKey("tenancy.Kommune", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(AuditEntry, on_delete=models.DO_NOTHING, related_name="+")
    subject = models.ForeignKey(AuditSubject, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=100, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("Personenbezogene Angabe im Protokoll")
        verbose_name_plural = _("Personenbezogene Angaben im Protokoll")
        indexes = [models.Index(fields=["kommune", "entry"], name="audit_value_entry_idx")]
