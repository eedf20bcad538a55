"""What the workers have done, kept in the database so every app process and worker sees it.

A `TaskRun` is one piece of background work named by an idempotency key: enqueuing or running the
same key twice does the work once. A `ScheduleSlot` remembers the last interval slot a periodic
schedule was started for, so two workers ticking at the same moment start it once.

Neither is a `TenantModel`: platform jobs (clearing expired sessions) belong to no Kommune, and
these rows are read by operators, never shown to the members of a Kommune.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRunState(models.TextChoices):
    PENDING = "pending", _("Eingereiht")
    RUNNING = "running", _("Läuft")
    DONE = "done", _("Erledigt")
    FAILED = "failed", _("Fehlgeschlagen")


class TaskRun(models.Model):
    """One unit of background work in a Kommune (or on the platform), named by its key.

    The key is namespaced by the Kommune (`k<id>:` or `platform:`), so the same key in two
    Kommunen names two runs. `request_id` is the "Vorgangs-ID" of the audit entries the last
    attempt wrote."""

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    kommune = models.ForeignKey("tenancy.Kommune", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    task_name = models.CharField(_("Aufgabe"), max_length=200)
    state = models.CharField(_("Status"), max_length=10, choices=TaskRunState.choices, default=TaskRunState.PENDING)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    started_at = models.DateTimeField(_("Begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Beendet"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    request_id = models.CharField(_("Vorgangs-ID"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Lauf einer Hintergrundaufgabe")
        verbose_name_plural = _("Läufe von Hintergrundaufgaben")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="tasks_run_state_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_state_display()})"


class ScheduleSlot(models.Model):
    """The last interval slot a schedule was started for (claimed with a conditional UPDATE)."""

    key = models.CharField(_("Zeitplan"), max_length=100, unique=True)
    last_slot = models.DateTimeField(_("Letzter Zeitabschnitt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("Gestartet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Zeitplan-Stand")
        verbose_name_plural = _("Zeitplan-Stände")

    def __str__(self) -> str:
        return self.key
