"""Platform jobs of the task layer itself: harmless housekeeping nobody waits for."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from kompass.tasks.runner import kommune_task
from kompass.tasks.schedules import Schedule, schedules
from kompass.tenancy.models import Kommune

# Finished queue entries (one per scheduler tick, 1,440 a day) are kept this long; failed ones longer.
RESULTS_KEEP_DAYS = 14
FAILED_RESULTS_KEEP_DAYS = 60


@kommune_task()
def clear_expired_sessions(kommune: Kommune | None) -> None:
    """Delete expired login sessions (what `manage.py clearsessions` does)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@kommune_task()
def prune_task_results(kommune: Kommune | None) -> None:
    """Delete old finished entries of the task queue; the `TaskRun`s (idempotency keys) stay."""
    if isinstance(task_backends["default"], DatabaseBackend):
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=RESULTS_KEEP_DAYS,
            failed_min_age_days=FAILED_RESULTS_KEEP_DAYS,
            verbosity=0,
        )


def register() -> None:
    schedules.register(
        Schedule(
            key="clear-sessions",
            interval=datetime.timedelta(days=1),
            task=clear_expired_sessions,
            description="Abgelaufene Anmeldesitzungen löschen",
        )
    )
    schedules.register(
        Schedule(
            key="prune-task-results",
            interval=datetime.timedelta(days=1),
            task=prune_task_results,
            description=f"Erledigte Einträge der Aufgabenwarteschlange nach {RESULTS_KEEP_DAYS} Tagen löschen",
        )
    )
