"""Tasks that work in a Kommune: audit source "task", the Kommune, an idempotency key.

    @kommune_task()
    def recount(kommune: Kommune | None, unit_id: int) -> int:
        ...  # writes through the domain services; their audit entries get source "task"

    enqueue_once(recount, kommune, "recount:unit-7:2026-12-06", unit_id=7)

The task is enqueued and called with `(kommune_id, key, *args, **kwargs)`; the body receives the
Kommune (None for a platform job). The body runs in one transaction inside
`change_context("task", <Vorgangs-ID of the run>)`; it runs only if this worker claims the key's
`TaskRun`, so a key that is done (or running elsewhere) is skipped. A failure rolls the body back,
records the error on the run and is raised again, so the backend marks the task result failed
too; enqueuing or running the same key again is the retry.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.db import transaction
from django_tasks import DEFAULT_TASK_QUEUE_NAME, TaskResult, task
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task

from kompass.audit.context import change_context
from kompass.audit.models import AuditSource
from kompass.tasks import services
from kompass.tenancy import rls
from kompass.tenancy.models import Kommune

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# Module paths of the tasks made by `kommune_task` (a schedule may only name one of these).
_kommune_tasks: set[str] = set()


def kommune_task(
    *, priority: int = DEFAULT_TASK_PRIORITY, queue_name: str = DEFAULT_TASK_QUEUE_NAME
) -> Callable[[Callable[Concatenate[Kommune | None, P], T]], Task[Concatenate[int | None, str, P], T | None]]:
    """Make `body(kommune, *args, **kwargs)` a task called as `(kommune_id, key, *args, **kwargs)`."""

    def decorate(body: Callable[Concatenate[Kommune | None, P], T]) -> Task[Concatenate[int | None, str, P], T | None]:
        @functools.wraps(body)  # keeps module and name: the worker finds the task by that path
        def run(kommune_id: int | None, key: str, /, *args: P.args, **kwargs: P.kwargs) -> T | None:
            return _run_once(body, kommune_id, key, *args, **kwargs)

        made = task(priority=priority, queue_name=queue_name)(run)
        _kommune_tasks.add(made.module_path)
        return cast(Task[Concatenate[int | None, str, P], T | None], made)

    return decorate


def is_kommune_task(candidate: object) -> bool:
    return isinstance(candidate, Task) and candidate.module_path in _kommune_tasks


def _run_once(body: Callable[..., T], kommune_id: int | None, key: str, *args: Any, **kwargs: Any) -> T | None:
    name = f"{body.__module__}.{body.__qualname__}"
    run = services.task_run_claim(kommune_id=kommune_id, key=key, task_name=name)
    if run is None:
        logger.info("Task %s: key %r is done or running elsewhere, skipped.", name, key)
        return None
    try:
        with change_context(AuditSource.TASK, run.request_id), _database_scope(kommune_id), transaction.atomic():
            kommune = Kommune.objects.get(pk=kommune_id) if kommune_id is not None else None
            result = body(kommune, *args, **kwargs)
            services.task_run_succeed(run)  # in the body's transaction: "done" iff its work is committed
    except BaseException as exc:  # also a worker stopped mid-task: the run becomes retryable at once
        services.task_run_fail(run, exc)
        raise
    return result


def _database_scope(kommune_id: int | None) -> contextlib.AbstractContextManager[None]:
    """Row-level security (docs/security.md T4): a task sees its Kommune's rows; a platform task (no Kommune, e.g. the
    daily retention across all Kommunen) is platform access. Both end with the task, outside its
    transaction, so a failed task's rollback has happened before the setting is emptied."""
    return rls.kommune(kommune_id) if kommune_id is not None else rls.platform_access()


def enqueue_once(
    made: Task[Concatenate[int | None, str, P], Any],
    kommune: Kommune | None,
    key: str,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> TaskResult | None:
    """Enqueue `made` for `key` unless that key is already enqueued, running or done (None then).

    The reservation and the queue entry are written in one transaction (with the database
    backend both are rows of the same database), so neither exists without the other."""
    kommune_id = kommune.pk if kommune is not None else None
    with transaction.atomic():
        if not services.task_run_reserve(kommune_id=kommune_id, key=key, task_name=made.module_path):
            return None
        return made.enqueue(kommune_id, key, *args, **kwargs)
