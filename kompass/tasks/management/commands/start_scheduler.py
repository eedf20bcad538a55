"""Make sure the scheduler ticks: exactly one scheduler task waits in the queue afterwards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kompass.tasks.schedules import describe_interval, ensure_scheduler, schedules


class Command(BaseCommand):
    help = "Reiht den Scheduler für wiederkehrende Hintergrundaufgaben ein, falls er nicht schon wartet."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            queued = ensure_scheduler()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        self.stdout.write("Scheduler eingereiht." if queued else "Scheduler wartet bereits.")
        for schedule in schedules:
            self.stdout.write(f"  {schedule.key}: {describe_interval(schedule.interval)} – {schedule.description}")
