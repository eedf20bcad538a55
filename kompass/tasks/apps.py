from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Background work: tasks run in a Kommune's audit context, idempotency keys, periodic schedules."""

    name = "kompass.tasks"
    label = "kompass_tasks"  # "tasks" is taken by nothing today, but the backport's apps are close by
    verbose_name = "Hintergrundaufgaben"

    def ready(self) -> None:
        from kompass.tasks import housekeeping

        housekeeping.register()
