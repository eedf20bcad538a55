"""The append-only audit log (docs/security.md, decision 5, check L1).

One entry per create/update/delete of tenant data, written in the same transaction as the
change by `audit.services.audit_record`. The actor's name is stored as a snapshot so the
entry stays readable after the user account is deleted.
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
    """Bulk changes are refused like changes of single entries (L2). Django's own deletion and
    SET_NULL handling go through the unscoped base manager, so deleting a user still works."""

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        raise AppendOnlyError("Protokolleinträge können nicht geändert werden.")

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        raise AppendOnlyError("Protokolleinträge können nicht gelöscht werden.")


class AuditEntry(TenantModel):
    created_at = models.DateTimeField(_("Zeitpunkt (UTC)"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("Handelnde Person"), max_length=200)
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
