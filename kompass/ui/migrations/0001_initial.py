"""Feedback, moved from the core app: only the state is created; the table `core_feedback` exists
(core 0001 created it, core 0002 handed it over)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("core", "0002_feedback_moved_to_ui")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Feedback",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("page_url", models.CharField(blank=True, max_length=500, verbose_name="Betroffene Seite")),
                        ("message", models.TextField(max_length=5000, verbose_name="Ihre Nachricht")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="E-Mail-Adresse für eine Antwort")),
                    ],
                    options={
                        "verbose_name": "Rückmeldung",
                        "verbose_name_plural": "Rückmeldungen",
                        "db_table": "core_feedback",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
