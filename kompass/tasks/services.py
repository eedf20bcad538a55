"""Writes of the task layer: claiming and finishing task runs, claiming schedule slots.

Every claim is one conditional UPDATE (`… WHERE state IN (…)`, `… WHERE last_slot < …`): the
database decides which of two workers wins, on PostgreSQL as on SQLite, without a lock held
across the task's work.
"""

from __future__ import annotations

import datetime
import traceback

from django.db.models import F, Q
from django.utils import timezone

from kompass.audit.context import new_request_id
from kompass.tasks.models import ScheduleSlot, TaskRun, TaskRunState

# A run still "running" after this long was lost with its worker (killed, machine restarted) and
# may be claimed again. Longer than any task we have; a task that needs more must say so.
STALE_AFTER = datetime.timedelta(hours=1)
ERROR_MAX_CHARS = 4000


def run_key(kommune_id: int | None, key: str) -> str:
    """The stored key: the caller's key in the namespace of its Kommune or of the platform."""
    prefix = f"k{kommune_id}" if kommune_id is not None else "platform"
    return f"{prefix}:{key}"


def task_run_reserve(*, kommune_id: int | None, key: str, task_name: str) -> bool:
    """Mark `key` as enqueued. False when it is already enqueued, running or done; a failed run
    is reserved again (that is the retry)."""
    run, created = TaskRun.objects.get_or_create(
        key=run_key(kommune_id, key),
        defaults={"kommune_id": kommune_id, "task_name": task_name, "state": TaskRunState.PENDING},
    )
    if created:
        return True
    return TaskRun.objects.filter(pk=run.pk, state=TaskRunState.FAILED).update(state=TaskRunState.PENDING) == 1


def task_run_claim(*, kommune_id: int | None, key: str, task_name: str) -> TaskRun | None:
    """Claim the run of `key` for this worker, or None when another worker has it or it is done."""
    now = timezone.now()
    fields = {"state": TaskRunState.RUNNING, "started_at": now, "finished_at": None, "request_id": new_request_id()}
    run, created = TaskRun.objects.get_or_create(
        key=run_key(kommune_id, key),
        defaults={"kommune_id": kommune_id, "task_name": task_name, "attempts": 1, **fields},
    )
    if created:
        return run
    claimable = Q(state__in=[TaskRunState.PENDING, TaskRunState.FAILED]) | Q(
        state=TaskRunState.RUNNING, started_at__lt=now - STALE_AFTER
    )
    if not TaskRun.objects.filter(claimable, pk=run.pk).update(attempts=F("attempts") + 1, error="", **fields):
        return None
    run.refresh_from_db()
    return run


def task_run_succeed(run: TaskRun) -> None:
    TaskRun.objects.filter(pk=run.pk).update(state=TaskRunState.DONE, finished_at=timezone.now(), error="")


def task_run_fail(run: TaskRun, exc: BaseException) -> None:
    """Record the error; the run can be claimed (retried) again."""
    text = "".join(traceback.format_exception_only(exc)).strip()[:ERROR_MAX_CHARS]
    TaskRun.objects.filter(pk=run.pk).update(state=TaskRunState.FAILED, finished_at=timezone.now(), error=text)


def schedule_slot_claim(key: str, slot: datetime.datetime) -> bool:
    """True for exactly one caller per schedule and slot: the UPDATE only matches while the
    stored slot is older, and the database serialises concurrent UPDATEs of the row."""
    ScheduleSlot.objects.get_or_create(key=key)
    claimable = Q(last_slot__isnull=True) | Q(last_slot__lt=slot)
    return ScheduleSlot.objects.filter(claimable, key=key).update(last_slot=slot, claimed_at=timezone.now()) == 1
