"""Failed background tasks for operators: list them, or queue one again with its arguments.

Entries still "running" long after they started were lost with a killed worker (SIGKILL, power
cut); they are listed and can be queued again like failed ones."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from kompass.tasks.services import STALE_AFTER


def _failed_or_lost() -> DBTaskResultQuerySet:
    lost = Q(status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - STALE_AFTER)
    return DBTaskResult.objects.filter(Q(status=TaskResultStatus.FAILED) | lost)


class Command(BaseCommand):
    help = "Zeigt fehlgeschlagene Hintergrundaufgaben; --retry ID reiht eine davon erneut ein."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", metavar="ID", help="ID eines fehlgeschlagenen Eintrags erneut einreihen")
        parser.add_argument("--limit", type=int, default=20, help="höchstens so viele zeigen (Standard: 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"]:
            self._retry(options["retry"])
            return
        failed = _failed_or_lost().order_by("-started_at")[: options["limit"]]
        for result in failed:
            if result.status == TaskResultStatus.RUNNING:
                reason = "Worker verloren (läuft seit über einer Stunde)"
            else:
                reason = (result.traceback.strip().splitlines() or [""])[-1]
            self.stdout.write(f"{result.id}  {result.started_at:%Y-%m-%d %H:%M}  {result.task_path}  {reason}")
        if not failed:
            self.stdout.write("Keine fehlgeschlagenen Hintergrundaufgaben.")

    def _retry(self, result_id: str) -> None:
        try:
            result = _failed_or_lost().get(id=result_id)
        except (DBTaskResult.DoesNotExist, ValidationError) as exc:
            raise CommandError(f"Kein fehlgeschlagener Eintrag mit der ID {result_id}.") from exc
        # A kommune_task claims its key again because its run is "failed"; a done key stays done.
        queued = result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        status = "erledigt" if queued.status == TaskResultStatus.SUCCESSFUL else "eingereiht"
        self.stdout.write(f"Erneut {status}: {result.task_path} (neue ID {queued.id})")
