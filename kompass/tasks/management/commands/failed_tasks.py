"""Failed background tasks for operators: list them, or queue one again with its arguments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Zeigt fehlgeschlagene Hintergrundaufgaben; --retry ID reiht eine davon erneut ein."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", metavar="ID", help="ID eines fehlgeschlagenen Eintrags erneut einreihen")
        parser.add_argument("--limit", type=int, default=20, help="höchstens so viele zeigen (Standard: 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"]:
            self._retry(options["retry"])
            return
        failed = DBTaskResult.objects.failed().order_by("-finished_at")[: options["limit"]]
        for result in failed:
            last_line = (result.traceback.strip().splitlines() or [""])[-1]
            self.stdout.write(f"{result.id}  {result.finished_at:%Y-%m-%d %H:%M}  {result.task_path}  {last_line}")
        if not failed:
            self.stdout.write("Keine fehlgeschlagenen Hintergrundaufgaben.")

    def _retry(self, result_id: str) -> None:
        try:
            result = DBTaskResult.objects.failed().get(id=result_id)
        except (DBTaskResult.DoesNotExist, ValidationError) as exc:
            raise CommandError(f"Kein fehlgeschlagener Eintrag mit der ID {result_id}.") from exc
        # A kommune_task claims its key again because its run is "failed"; a done key stays done.
        queued = result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        status = "erledigt" if queued.status == TaskResultStatus.SUCCESSFUL else "eingereiht"
        self.stdout.write(f"Erneut {status}: {result.task_path} (neue ID {queued.id})")
