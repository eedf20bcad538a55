"""Feedback moved to the ui app: the model leaves core's state, its table stays (see ui 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Feedback")],
            database_operations=[],
        ),
    ]
