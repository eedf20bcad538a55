"""Readiness checks for the reverse proxy or orchestrator (docs/security.md R7, docs/operations.md).

`/healthz` (ui) says only that the process answers (liveness: restart me if not). `/readyz` says
whether this process can serve requests now: the database answers within a short statement
timeout, every migration is applied, the cache and the file storage take a write, and the task
queue is worked off (no task waiting longer than `READYZ_TASK_BACKLOG_MINUTES`). Each check returns
None when it holds, else a short reason in English for the operator's logs; the answer names the
failing checks and no versions, hosts or secrets.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger("kompass.ops")

STATEMENT_TIMEOUT_MS = 2000
# A positive migration check holds until the process restarts or this many seconds pass:
# reading the migration files on every probe costs more than the probe is worth.
_MIGRATIONS_OK_SECONDS = 60.0
_migrations_ok_until = 0.0


def check_database() -> str | None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            return "unexpected answer"
    return None


def check_migrations() -> str | None:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return None
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} unapplied migrations"
    _migrations_ok_until = time.monotonic() + _MIGRATIONS_OK_SECONDS
    return None


def check_cache() -> str | None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return None if found == "1" else "cache did not keep a value"


def check_storage() -> str | None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        return None if default_storage.exists(name) else "storage did not keep a file"
    finally:
        default_storage.delete(name)


def check_tasks() -> str | None:
    """The oldest task that could run waits no longer than the limit (a worker is working the queue)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if "django_tasks_db" not in backend and "database" not in backend:
        return None  # tasks run inline or elsewhere: nothing queues here
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - timedelta(minutes=settings.READYZ_TASK_BACKLOG_MINUTES)
    # Waiting since it could run: since it was queued, or since its run_after.
    waiting = Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    if DBTaskResult.objects.ready().filter(waiting).exists():
        return "task queue not worked off (is db_worker running?)"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "storage": check_storage,
    "tasks": check_tasks,
}


def failing_checks() -> dict[str, str]:
    """The checks that fail, with their reason; the rest are skipped once the database is gone."""
    failing: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            reason = check()
        except Exception as exc:  # any failure of a dependency means "not ready", never a 500
            logger.warning("readyz: %s failed: %s", name, type(exc).__name__)
            reason = type(exc).__name__
        if reason is not None:
            failing[name] = reason
            if name == "database":
                break  # the other checks need it
    return failing
